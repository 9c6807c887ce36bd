// Package report builds the audit exports: one row per incident (severity,
// times, response times, budget consumed, post-mortem status, approval) and
// one row per action item, written as CSV or JSON. The figures come from
// the domain's own functions (hindsight.ComputeResponseTimes and the stored
// impact), never computed a second way.
package report

import (
	"context"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// MaxRows bounds one report: past it the report fails with EINVALID asking
// for a narrower filter, rather than reading the whole store into memory.
const MaxRows = 100_000

// IncidentSource is what an incident report reads: the incident list and
// each incident's post-mortem (hindsight.IncidentService).
type IncidentSource interface {
	FindIncidents(ctx context.Context, f hindsight.IncidentFilter) ([]*hindsight.Incident, int, error)
	FindPostmortem(ctx context.Context, incidentID string) (*hindsight.Postmortem, error)
}

// ActionSource is what an action report reads: the action list with the
// same filters as GET /api/v1/actions (review.Service).
type ActionSource interface {
	ListActions(ctx context.Context, q hindsight.ActionQuery) ([]*hindsight.ActionItem, int, error)
}

// IncidentRow is one incident of a report. Response times and budgets are
// figures: a value in minutes or percent when measured, else the reason.
type IncidentRow struct {
	ID                string                   `json:"id"`
	Title             string                   `json:"title"`
	Severity          hindsight.Severity       `json:"severity"`
	Status            hindsight.IncidentStatus `json:"status"`
	Services          []string                 `json:"services"`
	StartedAt         time.Time                `json:"started_at"`
	ResolvedAt        *time.Time               `json:"resolved_at"`
	TimeToDetect      hindsight.Figure         `json:"time_to_detect"`
	TimeToAcknowledge hindsight.Figure         `json:"time_to_acknowledge"`
	TimeToMitigate    hindsight.Figure         `json:"time_to_mitigate"`
	TimeToResolve     hindsight.Figure         `json:"time_to_resolve"`
	// BudgetConsumed is the time-based error budget the incident used,
	// ErrorBudgetConsumed the event-based one (hindsight.Impact).
	BudgetConsumed      hindsight.Figure `json:"budget_consumed"`
	ErrorBudgetConsumed hindsight.Figure `json:"error_budget_consumed"`
	// PostmortemStatus is "" for an incident without a post-mortem.
	PostmortemStatus hindsight.DocumentStatus `json:"postmortem_status"`
	// ApprovedBy is the final approval's signer, ApprovedAt the moment
	// of approval, while the post-mortem is APPROVED or ARCHIVED.
	ApprovedBy string     `json:"approved_by"`
	ApprovedAt *time.Time `json:"approved_at"`
}

// ActionRow is one action item of a report.
type ActionRow struct {
	ID          int64                  `json:"id"`
	IncidentID  string                 `json:"incident_id"`
	Title       string                 `json:"title"`
	Owner       string                 `json:"owner"`
	DueDate     *time.Time             `json:"due_date"`
	Status      hindsight.ActionStatus `json:"status"`
	Overdue     bool                   `json:"overdue"`
	TrackerURL  string                 `json:"tracker_url"`
	CompletedAt *time.Time             `json:"completed_at"`
}

// Incidents returns a row for every incident the filter selects (its Page
// is ignored: a report holds every match), newest first. Errors: EINVALID
// (a bad filter, or more than MaxRows matches), and the store's.
func Incidents(ctx context.Context, src IncidentSource, f hindsight.IncidentFilter) ([]IncidentRow, error) {
	rows := []IncidentRow{}
	f.Page = hindsight.Page{Limit: hindsight.MaxPageLimit}
	for {
		incs, total, err := src.FindIncidents(ctx, f)
		if err != nil {
			return nil, err
		}
		if total > MaxRows {
			return nil, tooMany(total, "incidents")
		}
		for _, inc := range incs {
			pm, err := src.FindPostmortem(ctx, inc.ID)
			if err != nil {
				return nil, err
			}
			rows = append(rows, IncidentRowOf(pm))
		}
		f.Offset += len(incs)
		if len(incs) == 0 || f.Offset >= total {
			return rows, nil
		}
	}
}

// IncidentRowOf is the report row of one post-mortem: response times from
// hindsight.ComputeResponseTimes (as the document shows them), budgets
// from the stored impact.
func IncidentRowOf(pm *hindsight.Postmortem) IncidentRow {
	inc := pm.Incident
	noImpact := hindsight.NotMeasured(hindsight.UnitPercent, "the impact has not been measured")
	impactStart := hindsight.NotMeasured(hindsight.UnitTime, "the impact has not been measured")
	row := IncidentRow{ID: inc.ID, Title: inc.Title, Severity: inc.Severity, Status: inc.Status,
		Services: inc.Services, StartedAt: inc.StartedAt.UTC(), ResolvedAt: utc(inc.ResolvedAt),
		BudgetConsumed: noImpact, ErrorBudgetConsumed: noImpact}
	if row.Services == nil {
		row.Services = []string{}
	}
	if pm.Impact != nil {
		row.BudgetConsumed, row.ErrorBudgetConsumed = pm.Impact.BudgetConsumed, pm.Impact.ErrorBudgetConsumed
		impactStart = pm.Impact.ImpactStart
	}
	rt := hindsight.ComputeResponseTimes(&pm.Incident, pm.Timeline, impactStart)
	row.TimeToDetect, row.TimeToAcknowledge, row.TimeToMitigate, row.TimeToResolve = rt.Detect, rt.Acknowledge, rt.Mitigate, rt.Resolve
	if pm.Document.Version > 0 {
		row.PostmortemStatus = pm.Document.Status
	}
	if pm.Document.Closed() {
		row.ApprovedAt = utc(pm.Document.ApprovedAt)
		row.ApprovedBy = approver(pm.SignOffs)
	}
	return row
}

// approver is the signer of the final approval, "" when it is not signed.
func approver(signOffs []hindsight.SignOff) string {
	for _, so := range signOffs {
		if so.Role == hindsight.RoleFinalApproval && so.SignedAt != nil && so.VoidedAt == nil {
			return so.Signer
		}
	}
	return ""
}

// Actions returns a row for every action item the query selects (its Page
// is ignored), overdue first, then by due date; now marks the overdue
// ones. Errors: EINVALID (a bad query, more than MaxRows matches), and the
// store's.
func Actions(ctx context.Context, src ActionSource, q hindsight.ActionQuery, now time.Time) ([]ActionRow, error) {
	rows := []ActionRow{}
	q.Page = hindsight.Page{Limit: hindsight.MaxPageLimit}
	for {
		items, total, err := src.ListActions(ctx, q)
		if err != nil {
			return nil, err
		}
		if total > MaxRows {
			return nil, tooMany(total, "action items")
		}
		for _, a := range items {
			row := ActionRow{ID: a.ID, IncidentID: a.IncidentID, Title: a.Title, Owner: a.Owner, Status: a.Status,
				Overdue: a.Overdue(now), TrackerURL: a.TrackerURL, CompletedAt: utc(a.CompletedAt)}
			if !a.DueDate.IsZero() {
				d := a.DueDate.UTC()
				row.DueDate = &d
			}
			rows = append(rows, row)
		}
		q.Offset += len(items)
		if len(items) == 0 || q.Offset >= total {
			return rows, nil
		}
	}
}

func tooMany(total int, what string) error {
	return hindsight.Errorf(hindsight.EINVALID, "the report would hold %d %s, more than %d: narrow it with filters", total, what, MaxRows)
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
