package review

import (
	"context"
	"log/slog"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// ComputeFollowUp computes and stores the 30-day follow-up of a resolved
// incident: the similar incidents that started since its resolution (up to
// 30 days on, or now when sooner), how much shorter their mean time to
// detect and to resolve was than this incident's, and its action-item
// completion rate. Errors: ENOTFOUND, ECONFLICT (not resolved).
func (s *Service) ComputeFollowUp(ctx context.Context, incidentID string) (*hindsight.FollowUp, error) {
	pm, err := s.Store.FindPostmortem(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	inc := pm.Incident
	if inc.ResolvedAt == nil {
		return nil, hindsight.Errorf(hindsight.ECONFLICT, "incident %s is %s: the follow-up compares the incidents since its resolution, so resolve it first", inc.ID, inc.Status)
	}
	now := s.now()
	f := &hindsight.FollowUp{IncidentID: inc.ID, ComputedAt: now, Since: *inc.ResolvedAt, Until: inc.ResolvedAt.Add(hindsight.FollowUpWindow)}
	if now.Before(f.Until) {
		f.Until = now
	}
	if f.Similar, err = s.similar(ctx, &inc, f.Since, f.Until); err != nil {
		return nil, err
	}
	var start hindsight.Figure
	if pm.Impact != nil {
		start = pm.Impact.ImpactStart
	}
	ttd, okD := hindsight.TimeToDetect(&inc, pm.Timeline, start)
	ttr, okR := inc.Duration()
	if okD {
		f.TimeToDetect = hindsight.Seconds(ttd)
	}
	if okR {
		f.TimeToResolve = hindsight.Seconds(ttr)
	}
	f.DetectionImprovement = improvement(f.TimeToDetect, f.Similar, func(x hindsight.SimilarIncident) *float64 { return x.TimeToDetect })
	f.RecoveryImprovement = improvement(f.TimeToResolve, f.Similar, func(x hindsight.SimilarIncident) *float64 { return x.TimeToResolve })
	f.CompletionRate, f.ActionsDone, f.ActionsCounted = hindsight.CompletionRate(pm.Actions)
	if err := s.Store.SaveFollowUp(ctx, f); err != nil {
		return nil, err
	}
	return f, nil
}

// similar returns the incidents similar to inc that started in [from, to).
func (s *Service) similar(ctx context.Context, inc *hindsight.Incident, from, to time.Time) ([]hindsight.SimilarIncident, error) {
	out := []hindsight.SimilarIncident{}
	if !to.After(from) {
		return out, nil
	}
	f := hindsight.IncidentFilter{StartedFrom: from, StartedTo: to}
	for seen := 0; ; {
		f.Page = hindsight.Page{Offset: seen, Limit: hindsight.MaxPageLimit}
		incs, total, err := s.Store.FindIncidents(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, later := range incs {
			match := hindsight.SimilarMatch(inc, later)
			if match == "" {
				continue
			}
			x, err := s.similarIncident(ctx, later, match)
			if err != nil {
				return nil, err
			}
			out = append([]hindsight.SimilarIncident{x}, out...) // the store lists newest first
		}
		seen += len(incs)
		if len(incs) == 0 || seen >= total {
			return out, nil
		}
	}
}

func (s *Service) similarIncident(ctx context.Context, inc *hindsight.Incident, match string) (hindsight.SimilarIncident, error) {
	x := hindsight.SimilarIncident{ID: inc.ID, Title: inc.Title, StartedAt: inc.StartedAt, Match: match}
	events, err := s.Store.FindTimeline(ctx, inc.ID)
	if err != nil {
		return x, err
	}
	timeline := make([]hindsight.TimelineEvent, len(events))
	for i, e := range events {
		timeline[i] = *e
	}
	if d, ok := hindsight.TimeToDetect(inc, timeline, s.impactStart(ctx, inc.ID)); ok {
		x.TimeToDetect = hindsight.Seconds(d)
	}
	if d, ok := inc.Duration(); ok {
		x.TimeToResolve = hindsight.Seconds(d)
	}
	return x, nil
}

// impactStart returns the measured impact start of an incident, or a figure
// that is not measured when the store has none.
func (s *Service) impactStart(ctx context.Context, id string) hindsight.Figure {
	if r, err := s.Store.FindImpact(ctx, id); err == nil {
		return r.Impact.ImpactStart
	}
	return hindsight.NotMeasured(hindsight.UnitTime, "no impact")
}

// improvement compares this incident's time with the mean time of the
// similar incidents that know it.
func improvement(this *float64, similar []hindsight.SimilarIncident, get func(hindsight.SimilarIncident) *float64) *float64 {
	if this == nil {
		return nil
	}
	var sum float64
	n := 0
	for _, x := range similar {
		if v := get(x); v != nil {
			sum += *v
			n++
		}
	}
	if n == 0 {
		return nil
	}
	mean := time.Duration(sum / float64(n) * float64(time.Second))
	p, ok := hindsight.ImprovedBy(time.Duration(*this*float64(time.Second)), mean)
	if !ok {
		return nil
	}
	return &p
}

// FollowUp returns the stored follow-up of an incident. Errors: ENOTFOUND.
func (s *Service) FollowUp(ctx context.Context, incidentID string) (*hindsight.FollowUp, error) {
	return s.Store.FindFollowUp(ctx, incidentID)
}

// RunDueFollowUps computes the follow-up of every incident resolved at least
// 30 days ago that has none yet, and returns how many it computed. One
// incident's failure is logged and does not stop the others.
func (s *Service) RunDueFollowUps(ctx context.Context) (int, error) {
	done := 0
	failed := map[string]bool{}
	for {
		ids, err := s.Store.FindIncidentsDueFollowUp(ctx, s.now().Add(-hindsight.FollowUpWindow), 100+len(failed))
		if err != nil {
			return done, err
		}
		progress := false
		for _, id := range ids {
			if failed[id] {
				continue
			}
			if _, err := s.ComputeFollowUp(ctx, id); err != nil {
				slog.Warn("follow-up failed", "incident", id, "err", err)
				failed[id] = true
				continue
			}
			done, progress = done+1, true
		}
		if !progress {
			return done, nil
		}
	}
}
