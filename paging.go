package hindsight

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"time"
)

// PagingSource names the on-call tool an acknowledgement came from.
type PagingSource string

// The on-call tools Hindsight takes acknowledgements from.
const (
	PagingAlertmanager  PagingSource = "alertmanager"
	PagingPagerDuty     PagingSource = "pagerduty"
	PagingOpsgenie      PagingSource = "opsgenie"
	PagingGrafanaOnCall PagingSource = "grafana-oncall"
)

// pagingNames are the tools' names as people write them.
var pagingNames = map[PagingSource]string{
	PagingAlertmanager:  "Alertmanager",
	PagingPagerDuty:     "PagerDuty",
	PagingOpsgenie:      "Opsgenie",
	PagingGrafanaOnCall: "Grafana OnCall",
}

// Name returns the tool's name as people write it.
func (s PagingSource) Name() string {
	if n, ok := pagingNames[s]; ok {
		return n
	}
	return string(s)
}

// Acknowledgement is an on-call tool's record that a person took an
// incident's page: an Alertmanager silence of its alerts, a PagerDuty or
// Opsgenie acknowledgement. An incident keeps at most one per tool and Ref,
// so a webhook retried, a silence seen by both members of an HA pair or
// polled again, and a resolution after the acknowledgement add nothing.
type Acknowledgement struct {
	IncidentID string       `json:"incident_id"`
	Source     PagingSource `json:"source"`
	// Ref is the tool's own ID of what was acknowledged: the silence ID,
	// the PagerDuty incident ID, the Opsgenie alert ID, the Grafana OnCall
	// alert group ID.
	Ref string `json:"ref"`
	// Actor is who acknowledged, as the tool names them.
	Actor string `json:"actor"`
	// At is when, by the tool's clock.
	At time.Time `json:"at"`
	// Comment is the silence's comment or the tool's note, if any.
	Comment string `json:"comment,omitempty"`
	// Resolved says the tool resolved or closed its incident without an
	// acknowledgement seen first: the person took it all the same.
	Resolved  bool      `json:"resolved,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate returns an EINVALID error that lists every invalid field.
func (a *Acknowledgement) Validate() error {
	var v Validation
	if strings.TrimSpace(a.IncidentID) == "" {
		v.Add("incident_id", "is required")
	}
	if _, ok := pagingNames[a.Source]; !ok {
		v.Add("source", "unknown on-call tool %q", a.Source)
	}
	if strings.TrimSpace(a.Ref) == "" {
		v.Add("ref", "is required")
	}
	v.CheckText("ref", a.Ref, MaxKeyBytes)
	v.CheckText("actor", a.Actor, MaxNameBytes)
	v.CheckText("comment", a.Comment, MaxTextBytes)
	if a.At.IsZero() {
		v.Add("at", "is required")
	}
	v.CheckTime("at", a.At)
	return v.Err("acknowledgement")
}

// Event returns the acknowledged timeline event that records a: its time,
// who, in which tool, and the comment.
func (a *Acknowledgement) Event() *TimelineEvent {
	actor := strings.TrimSpace(a.Actor)
	if actor == "" {
		actor = "On-call"
	}
	verb := "Acknowledged"
	switch {
	case a.Source == PagingAlertmanager:
		verb = "Silenced"
	case a.Resolved:
		verb = "Resolved"
	}
	action := verb + " in " + a.Source.Name() + " by " + actor
	if c := strings.TrimSpace(a.Comment); c != "" {
		action += ": " + c
	}
	return &TimelineEvent{
		IncidentID: a.IncidentID, Time: a.At, Type: EventAcknowledged,
		Event: "Acknowledged (" + a.Source.Name() + ")", Actor: actor, Action: action, Source: string(a.Source),
	}
}

// PageableIncident is an incident an on-call tool may acknowledge: its
// Alertmanager group and alerts, which the tools' keys are matched against.
type PageableIncident struct {
	ID         string
	StartedAt  time.Time
	ResolvedAt *time.Time
	GroupKey   string
	Alerts     []*AlertState
}

// MatchesKey reports whether key, as an on-call tool carries it, names the
// incident: its Alertmanager group key, the SHA-256 of the group key that
// Alertmanager's PagerDuty and Opsgenie integrations send as dedup_key and
// alias, or one of its alerts' fingerprints.
func (p *PageableIncident) MatchesKey(key string) bool {
	key = strings.TrimSpace(key)
	if key == "" {
		return false
	}
	if p.GroupKey != "" && (key == p.GroupKey || strings.EqualFold(key, GroupKeyHash(p.GroupKey))) {
		return true
	}
	for _, a := range p.Alerts {
		if a.AlertKey == key {
			return true
		}
	}
	return false
}

// GroupKeyHash returns the hex SHA-256 of an Alertmanager group key, the
// deduplication key its PagerDuty and Opsgenie integrations send.
func GroupKeyHash(groupKey string) string {
	sum := sha256.Sum256([]byte(groupKey))
	return hex.EncodeToString(sum[:])
}

// LabelMatcher is one matcher of an Alertmanager silence.
type LabelMatcher struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	IsRegex bool   `json:"isRegex"`
	// IsEqual is false for != and !~. Alertmanager before 0.22 did not send
	// it: a decoder treats its absence as true.
	IsEqual bool `json:"isEqual"`
}

// Matchers are a silence's matchers, compiled: all must match.
type Matchers struct {
	list []LabelMatcher
	res  []*regexp.Regexp
}

// CompileMatchers compiles ms as Alertmanager does (regular expressions
// anchored at both ends). Errors: EINVALID (no matcher, a bad expression).
func CompileMatchers(ms []LabelMatcher) (*Matchers, error) {
	if len(ms) == 0 {
		return nil, Errorf(EINVALID, "a silence needs at least one matcher")
	}
	out := &Matchers{list: ms, res: make([]*regexp.Regexp, len(ms))}
	for i, m := range ms {
		if !m.IsRegex {
			continue
		}
		re, err := regexp.Compile("^(?:" + m.Value + ")$")
		if err != nil {
			return nil, Errorf(EINVALID, "matcher %s: %v", m.Name, err)
		}
		out.res[i] = re
	}
	return out, nil
}

// Match reports whether labels satisfy every matcher; a missing label
// reads as "", as in Alertmanager.
func (m *Matchers) Match(labels map[string]string) bool {
	for i, lm := range m.list {
		v := labels[lm.Name]
		ok := v == lm.Value
		if re := m.res[i]; re != nil {
			ok = re.MatchString(v)
		}
		if ok != lm.IsEqual {
			return false
		}
	}
	return true
}

// AcknowledgementService stores acknowledgements from on-call tools.
type AcknowledgementService interface {
	// RecordAcknowledgement stores a and sets CreatedAt, unless the
	// incident already has one from the same Source and Ref. Errors:
	// ECONFLICT (already recorded; the transaction stays usable),
	// EINVALID, ENOTFOUND (no such incident).
	RecordAcknowledgement(ctx context.Context, a *Acknowledgement) error
	// FindAcknowledgements returns an incident's acknowledgements, oldest
	// first. Errors: none beyond EUNAVAILABLE/EINTERNAL.
	FindAcknowledgements(ctx context.Context, incidentID string) ([]*Acknowledgement, error)
	// FindPageableIncidents returns the incidents that are not resolved,
	// or were resolved at or after resolvedAfter (zero: unresolved only),
	// with their alerts. Errors: none beyond EUNAVAILABLE/EINTERNAL.
	FindPageableIncidents(ctx context.Context, resolvedAfter time.Time) ([]*PageableIncident, error)
}

// PagingResult says what became of an on-call tool's webhook.
type PagingResult struct {
	// Status is "acknowledged" when it matched incidents, else "ignored".
	Status string `json:"status"`
	// Reason says why it was ignored.
	Reason string `json:"reason,omitempty"`
	// Incidents are the incidents it matched.
	Incidents []string `json:"incidents"`
	// Recorded counts the acknowledged events added (0 for a repeat).
	Recorded int `json:"recorded"`
}

// PagingIntake takes on-call tools' webhooks once their credentials are
// checked (paging.Service implements it).
type PagingIntake interface {
	// TakeWebhook decodes body as source's webhook, received at received,
	// and records the acknowledgement it carries on the incidents it
	// names. Errors: EINVALID (not the tool's payload), and the store's.
	TakeWebhook(ctx context.Context, source PagingSource, body []byte, received time.Time) (PagingResult, error)
}
