package hindsight

import (
	"context"
	"time"
)

// ImpactRecord is the stored impact of one incident, with the state of its
// retries: a figure that failed for a transient reason (Prometheus
// unreachable, slow or answering 5xx) is computed again later.
type ImpactRecord struct {
	IncidentID string    `json:"incident_id"`
	Impact     Impact    `json:"impact"`
	ComputedAt time.Time `json:"computed_at"`
	// Attempts counts the computations so far.
	Attempts int `json:"attempts"`
	// NeedsRetry is set while a transient failure remains and Attempts is
	// below MaxImpactAttempts; RetryAfter is when to try again.
	NeedsRetry bool      `json:"needs_retry"`
	RetryAfter time.Time `json:"retry_after,omitzero"`
}

// MaxImpactAttempts is how many times an incident's impact is computed
// before a transient failure is left as it is.
const MaxImpactAttempts = 6

// ImpactRetryDelay is the wait after the given number of attempts: one
// minute after the first, doubling, at most one hour.
func ImpactRetryDelay(attempts int) time.Duration {
	d := time.Minute
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// ImpactService stores the measured impact of incidents, one per incident.
type ImpactService interface {
	// FindImpact returns the stored impact of an incident. Errors: ENOTFOUND.
	FindImpact(ctx context.Context, incidentID string) (*ImpactRecord, error)
	// SaveImpact stores r, replacing the incident's earlier impact. Errors:
	// EINVALID, ENOTFOUND (no such incident).
	SaveImpact(ctx context.Context, r *ImpactRecord) error
	// FindIncidentsNeedingImpact returns the IDs of up to limit RESOLVED
	// incidents that have no impact yet, one computed before their
	// resolution, or one that needs a retry due at or before now; earliest
	// resolution first.
	FindIncidentsNeedingImpact(ctx context.Context, now time.Time, limit int) ([]string, error)
}

// NamedFigure is one figure of an Impact with the name the document gives it.
type NamedFigure struct {
	Name   string
	Figure Figure
}

// Figures lists the figures of imp in document order.
func (imp Impact) Figures() []NamedFigure {
	return []NamedFigure{
		{"availability", imp.Availability},
		{"peak error rate", imp.PeakErrorRate},
		{"latency p95", imp.LatencyP95},
		{"latency p99", imp.LatencyP99},
		{"max data staleness", imp.MaxStaleness},
		{"monthly budget", imp.MonthlyBudget},
		{"downtime", imp.Downtime},
		{"budget consumed", imp.BudgetConsumed},
		{"budget remaining", imp.BudgetRemaining},
		{"error budget consumed", imp.ErrorBudgetConsumed},
		{"impact start", imp.ImpactStart},
	}
}

// Transient reports whether a figure of imp failed for a reason that may
// clear on its own (Figure.Transient): Prometheus unreachable, too slow, or
// a server error.
func (imp Impact) Transient() bool {
	for _, f := range imp.Figures() {
		if !f.Figure.Measured && f.Figure.Transient {
			return true
		}
	}
	return false
}
