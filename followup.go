package hindsight

import (
	"context"
	"math"
	"strings"
	"time"
	"unicode"
)

// FollowUpWindow is how long after an incident's resolution its follow-up
// looks for similar incidents: the seed's "30 days post-incident".
const FollowUpWindow = 30 * 24 * time.Hour

// Similarity matches: why an incident counts as similar to another.
const (
	// MatchAlertName: both incidents were opened by the same alert name.
	MatchAlertName = "alert_name"
	// MatchServiceSymptom: they share a service and their symptoms match.
	MatchServiceSymptom = "service_symptom"
	// MatchRecurrence: the later incident was opened as a recurrence of
	// the other (its alert group fired again after approval).
	MatchRecurrence = "recurrence"
)

// symptomWords is how many leading words of a summary make its symptom.
const symptomWords = 3

// FollowUp is the seed's "Follow-up Metrics (30 days post-incident)",
// computed from the store: the similar incidents that started within
// FollowUpWindow of this one's resolution, how their detection and recovery
// compare with this one's, and how many of this incident's action items are
// done.
type FollowUp struct {
	IncidentID string    `json:"incident_id"`
	ComputedAt time.Time `json:"computed_at"`
	// Since and Until bound the window searched: the resolution, and the
	// earlier of the computation time and Since + FollowUpWindow.
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
	// Similar lists the similar incidents found, oldest first.
	Similar []SimilarIncident `json:"similar"`
	// TimeToDetect and TimeToResolve are this incident's, in seconds; nil
	// when unknown.
	TimeToDetect  *float64 `json:"time_to_detect_seconds"`
	TimeToResolve *float64 `json:"time_to_resolve_seconds"`
	// DetectionImprovement and RecoveryImprovement are percentages: how much
	// shorter the similar incidents' mean time was than this one's.
	// Negative when they took longer; nil when either side is unknown.
	DetectionImprovement *float64 `json:"detection_improvement_percent"`
	RecoveryImprovement  *float64 `json:"recovery_improvement_percent"`
	// ActionsDone counts the done items; ActionsCounted every item except
	// those marked won't do. CompletionRate is their ratio in percent, nil
	// when no item counts.
	ActionsDone    int      `json:"actions_done"`
	ActionsCounted int      `json:"actions_counted"`
	CompletionRate *float64 `json:"completion_rate_percent"`
}

// SimilarIncident is one incident that recurred after the followed one.
type SimilarIncident struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	StartedAt time.Time `json:"started_at"`
	// Match is MatchAlertName or MatchServiceSymptom.
	Match string `json:"match"`
	// TimeToDetect and TimeToResolve are in seconds; nil when unknown.
	TimeToDetect  *float64 `json:"time_to_detect_seconds"`
	TimeToResolve *float64 `json:"time_to_resolve_seconds"`
}

// FollowUpService stores computed follow-ups, one per incident.
type FollowUpService interface {
	// FindFollowUp returns the follow-up of an incident. Errors: ENOTFOUND.
	FindFollowUp(ctx context.Context, incidentID string) (*FollowUp, error)
	// SaveFollowUp stores f, replacing any earlier follow-up of its
	// incident. Errors: EINVALID, ENOTFOUND (no such incident).
	SaveFollowUp(ctx context.Context, f *FollowUp) error
	// FindIncidentsDueFollowUp returns the IDs of up to limit incidents that
	// are RESOLVED, were resolved at or before resolvedBefore and have no
	// follow-up yet, earliest resolution first.
	FindIncidentsDueFollowUp(ctx context.Context, resolvedBefore time.Time, limit int) ([]string, error)
}

// Symptom is what two incidents of one service must share to count as the
// same problem: the first three words of the summary (else the title),
// lower-cased, punctuation dropped. "API 5xx error rate exceeded threshold"
// has the symptom "api 5xx error".
func Symptom(inc *Incident) string {
	text := inc.Summary
	if strings.TrimSpace(text) == "" {
		text = inc.Title
	}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) > symptomWords {
		words = words[:symptomWords]
	}
	return strings.Join(words, " ")
}

// SimilarMatch returns why later is similar to inc (MatchAlertName or
// MatchServiceSymptom), or "" when it is not.
func SimilarMatch(inc, later *Incident) string {
	if inc.ID == later.ID {
		return ""
	}
	if later.RecurrenceOf == inc.ID {
		return MatchRecurrence
	}
	if inc.AlertName != "" && strings.EqualFold(inc.AlertName, later.AlertName) {
		return MatchAlertName
	}
	if s := Symptom(inc); s != "" && s == Symptom(later) && sharesService(inc.Services, later.Services) {
		return MatchServiceSymptom
	}
	return ""
}

func sharesService(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if strings.EqualFold(x, y) {
				return true
			}
		}
	}
	return false
}

// TimeToDetect returns the time to detect of an incident by the one rule
// the document and the dashboard use (ComputeResponseTimes): from the
// measured impact start, else the first issue_started event, to the first
// alert_fired event. It returns false when either end is missing or they
// are out of order. impactStart is the stored Impact.ImpactStart, or a
// figure that is not measured.
func TimeToDetect(inc *Incident, timeline []TimelineEvent, impactStart Figure) (time.Duration, bool) {
	d := ComputeResponseTimes(inc, timeline, impactStart).Detect
	if !d.Measured {
		return 0, false
	}
	return d.End.Sub(d.Start), true
}

// ImprovedBy returns by how many percent after is shorter than before:
// 60 minutes then 45 minutes is 25; 60 then 90 is -50. It returns false when
// before is not positive.
func ImprovedBy(before, after time.Duration) (float64, bool) {
	if before <= 0 {
		return 0, false
	}
	p := float64(before-after) / float64(before) * 100
	return math.Round(p*10) / 10, true
}

// CompletionRate returns done items over every item not marked won't do, in
// percent, with the two counts; the rate is nil when no item counts.
func CompletionRate(actions []ActionItem) (rate *float64, done, counted int) {
	for _, a := range actions {
		switch a.Status {
		case ActionWontDo:
			continue
		case ActionDone:
			done++
		}
		counted++
	}
	if counted == 0 {
		return nil, 0, 0
	}
	r := math.Round(float64(done)/float64(counted)*1000) / 10
	return &r, done, counted
}

// Seconds returns d in seconds as a pointer, for the JSON of a follow-up.
func Seconds(d time.Duration) *float64 {
	s := d.Seconds()
	return &s
}
