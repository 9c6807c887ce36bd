// Package paging takes acknowledgements from on-call tools: it polls
// Alertmanager's silences, decodes and verifies PagerDuty and Opsgenie
// webhooks, matches what they carry to incidents by the Alertmanager group
// key or an alert's fingerprint, and records each as an acknowledged
// timeline event through the review workflow.
package paging

import (
	"context"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/review"
)

// DefaultResolvedWindow is how long after an incident's resolution an
// on-call tool's acknowledgement still finds it: a page acknowledged or
// resolved in the tool just after Alertmanager said the alerts resolved.
const DefaultResolvedWindow = 24 * time.Hour

// Incidents is what matching reads from the store.
type Incidents interface {
	FindPageableIncidents(ctx context.Context, resolvedAfter time.Time) ([]*hindsight.PageableIncident, error)
	FindAcknowledgements(ctx context.Context, incidentID string) ([]*hindsight.Acknowledgement, error)
}

// Recorder records one acknowledgement (review.Service does).
type Recorder interface {
	RecordAcknowledgement(ctx context.Context, a *hindsight.Acknowledgement) (review.AckOutcome, error)
}

// Service matches on-call tools' acknowledgements to incidents and records
// them. Set Incidents and Recorder; the rest have defaults.
type Service struct {
	Incidents Incidents
	Recorder  Recorder
	// ResolvedWindow: DefaultResolvedWindow when 0.
	ResolvedWindow time.Duration
	// Now is the clock; nil means the system clock.
	Now func() time.Time
	// Log: nil means slog.Default().
	Log *slog.Logger
}

// Notice is one acknowledgement as a tool reports it, before matching.
type Notice struct {
	Source   hindsight.PagingSource
	Ref      string
	Actor    string
	At       time.Time
	Comment  string
	Resolved bool
	// Keys are what the tool carries of the Alertmanager group: its group
	// key, the group key's SHA-256, alert fingerprints.
	Keys []string
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// candidates returns the incidents a tool may acknowledge now.
func (s *Service) candidates(ctx context.Context) ([]*hindsight.PageableIncident, error) {
	w := s.ResolvedWindow
	if w <= 0 {
		w = DefaultResolvedWindow
	}
	return s.Incidents.FindPageableIncidents(ctx, s.now().Add(-w))
}

// TakeWebhook decodes body as source's webhook and applies the
// acknowledgement it carries; what acknowledges nothing is "ignored".
// Errors: EINVALID (not the tool's payload, an unknown tool), the store's.
func (s *Service) TakeWebhook(ctx context.Context, source hindsight.PagingSource, body []byte, received time.Time) (hindsight.PagingResult, error) {
	var n Notice
	var ok bool
	var err error
	switch source {
	case hindsight.PagingPagerDuty:
		n, ok, err = DecodePagerDuty(body, received)
	case hindsight.PagingOpsgenie:
		n, ok, err = DecodeOpsgenie(body, received)
	case hindsight.PagingGrafanaOnCall:
		n, ok, err = DecodeGrafanaOnCall(body, received)
	default:
		err = hindsight.Errorf(hindsight.EINVALID, "no webhook is taken from %s", source.Name())
	}
	if err != nil {
		return hindsight.PagingResult{}, err
	}
	if !ok {
		s.log().Info("paging webhook ignored", "source", string(source), "reason", "not an acknowledgement")
		return hindsight.PagingResult{Status: "ignored", Reason: "not an acknowledgement", Incidents: []string{}}, nil
	}
	res, err := s.Apply(ctx, n)
	if err != nil {
		return res, err
	}
	if len(res.Incidents) == 0 {
		res.Status, res.Reason = "ignored", "matches no incident"
	}
	return res, nil
}

// Apply matches n to the incidents whose group key or alerts it names and
// records it on each. A notice that matches nothing is logged and has no
// incidents. Errors: EINVALID (a name or reference the store cannot keep,
// refused before any incident is looked at), the store's.
func (s *Service) Apply(ctx context.Context, n Notice) (hindsight.PagingResult, error) {
	if err := n.check(); err != nil {
		return hindsight.PagingResult{}, err
	}
	incs, err := s.candidates(ctx)
	if err != nil {
		return hindsight.PagingResult{}, err
	}
	res := hindsight.PagingResult{Status: "acknowledged", Incidents: []string{}}
	for _, inc := range incs {
		if !matchesAny(inc, n.Keys) {
			continue
		}
		res.Incidents = append(res.Incidents, inc.ID)
		ok, err := s.record(ctx, inc.ID, n)
		if err != nil {
			return res, err
		}
		if ok {
			res.Recorded++
		}
	}
	if len(res.Incidents) == 0 {
		s.log().Info("acknowledgement matches no incident, ignored", "source", string(n.Source), "ref", n.Ref, "keys", n.Keys)
	}
	return res, nil
}

// maxComment bounds a comment in the timeline event, which also holds the
// tool's name and who acted.
const maxComment = hindsight.MaxTextBytes - 1024

// check refuses, before any incident is looked at, a notice the store
// would refuse (EINVALID, naming the field), and clips a long comment:
// a comment is free text, while a name or reference cut short would be
// wrong.
func (n *Notice) check() error {
	n.Comment = clip(n.Comment, maxComment)
	var v hindsight.Validation
	v.CheckText("ref", n.Ref, hindsight.MaxKeyBytes)
	v.CheckText("actor", n.Actor, hindsight.MaxNameBytes)
	v.CheckText("comment", n.Comment, 0)
	v.CheckTime("at", n.At)
	return v.Err(n.Source.Name() + " acknowledgement")
}

// clip cuts s to at most max bytes on a character boundary, marked "…".
func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func matchesAny(inc *hindsight.PageableIncident, keys []string) bool {
	for _, k := range keys {
		if inc.MatchesKey(k) {
			return true
		}
	}
	return false
}

// record records n on one incident and reports whether an event was added.
func (s *Service) record(ctx context.Context, incidentID string, n Notice) (bool, error) {
	a := &hindsight.Acknowledgement{IncidentID: incidentID, Source: n.Source, Ref: n.Ref, Actor: n.Actor,
		At: n.At, Comment: n.Comment, Resolved: n.Resolved}
	ctx = hindsight.NewContextWithActor(ctx, string(n.Source))
	out, err := s.Recorder.RecordAcknowledgement(ctx, a)
	if err != nil {
		return false, err
	}
	if out != review.AckRecorded && out != review.AckDuplicate {
		s.log().Info("acknowledgement not recorded", "source", string(n.Source), "ref", n.Ref, "incident", incidentID, "reason", string(out))
	}
	return out == review.AckRecorded, nil
}
