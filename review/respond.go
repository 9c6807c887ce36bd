package review

import (
	"context"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// Respond records that the context's identity acknowledged or mitigated
// the incident at at (zero: now): an acknowledged or mitigation timeline
// event naming them, so that the response times are measured without typing
// event types. Mitigating an incident UNDER INVESTIGATION also moves it to
// MITIGATED. Errors: EUNAUTHORIZED, EINVALID (unknown response, a time
// before the incident started or in the future), ENOTFOUND, ECONFLICT
// (APPROVED or ARCHIVED post-mortem).
func (s *Service) Respond(ctx context.Context, incidentID string, what hindsight.Response, at time.Time) (*hindsight.TimelineEvent, error) {
	id, err := requireIdentity(ctx)
	if err != nil {
		return nil, err
	}
	e := &hindsight.TimelineEvent{IncidentID: incidentID, Actor: id.Name, Source: "user"}
	switch what {
	case hindsight.Acknowledge:
		e.Type, e.Event, e.Action = hindsight.EventAcknowledged, "Acknowledged", "Acknowledged by "+postmortem.Handle(id.Name)
	case hindsight.Mitigate:
		e.Type, e.Event, e.Action = hindsight.EventMitigation, "Mitigated", "Mitigated, reported by "+postmortem.Handle(id.Name)
	default:
		return nil, hindsight.Errorf(hindsight.EINVALID, "unknown response %q: use acknowledge or mitigate", what)
	}
	now := s.now()
	if at.IsZero() {
		at = now
	}
	e.Time = at.UTC().Truncate(time.Microsecond)
	err = s.Store.WithTx(ctx, func(tx hindsight.Services) error {
		inc, err := tx.FindIncidentByID(ctx, incidentID)
		if err != nil {
			return err
		}
		if err := writable(ctx, tx, incidentID, "its timeline is read-only"); err != nil {
			return err
		}
		if e.Time.Before(inc.StartedAt) || e.Time.After(now.Add(time.Minute)) {
			var v hindsight.Validation
			v.Add("at", "must lie between the incident's start (%s) and now", inc.StartedAt.Format("2006-01-02 15:04 UTC"))
			return v.Err("response")
		}
		if what == hindsight.Mitigate && inc.Status == hindsight.IncidentInvestigating {
			inc.Status = hindsight.IncidentMitigated
			if err := tx.UpdateIncident(ctx, inc, inc.Version); err != nil {
				return err
			}
		}
		return tx.AddTimelineEvent(ctx, e)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}
