package hindsight_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

func TestComputeResponseTimes(t *testing.T) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	ev := func(typ hindsight.EventType, m int) hindsight.TimelineEvent {
		return hindsight.TimelineEvent{Type: typ, Time: at(m)}
	}
	resolved := at(90)
	full := []hindsight.TimelineEvent{
		ev(hindsight.EventAlertFired, 0), ev(hindsight.EventIssueStarted, -7), ev(hindsight.EventAcknowledged, 4),
		ev(hindsight.EventMitigation, 20), ev(hindsight.EventMitigation, 12), ev(hindsight.EventResolved, 90),
	}
	measuredStart := hindsight.Figure{Unit: hindsight.UnitTime, Measured: true, At: at(-10)}
	tests := []struct {
		name        string
		inc         hindsight.Incident
		events      []hindsight.TimelineEvent
		impactStart hindsight.Figure
		want        [4]string // detect, acknowledge, mitigate, resolve
	}{
		{"FromEvents", hindsight.Incident{StartedAt: at(0), ResolvedAt: &resolved}, full,
			hindsight.NotMeasured(hindsight.UnitTime, "x"), [4]string{"7 minutes", "4 minutes", "8 minutes", "1 hour 37 minutes"}},
		{"MeasuredImpactStartWins", hindsight.Incident{StartedAt: at(0), ResolvedAt: &resolved}, full,
			measuredStart, [4]string{"10 minutes", "4 minutes", "8 minutes", "1 hour 40 minutes"}},
		{"OnlyAlert", hindsight.Incident{StartedAt: at(0)}, []hindsight.TimelineEvent{ev(hindsight.EventAlertFired, 0)},
			hindsight.Figure{}, [4]string{
				"not measured: no measured impact start and no issue_started event",
				"not measured: no acknowledged event", "not measured: no acknowledged event",
				"not measured: the incident is not resolved"}},
		{"ResolvedAtWithoutEvent", hindsight.Incident{StartedAt: at(0), ResolvedAt: &resolved}, nil,
			hindsight.Figure{}, [4]string{"", "not measured: no alert_fired event", "", "1 hour 30 minutes"}},
		{"OutOfOrder", hindsight.Incident{StartedAt: at(0)},
			[]hindsight.TimelineEvent{ev(hindsight.EventAlertFired, 5), ev(hindsight.EventAcknowledged, 1)},
			hindsight.Figure{}, [4]string{"", "not measured: the acknowledgement is before the alert", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := hindsight.ComputeResponseTimes(&tt.inc, tt.events, tt.impactStart)
			got := [4]hindsight.Figure{rt.Detect, rt.Acknowledge, rt.Mitigate, rt.Resolve}
			for i, want := range tt.want {
				if want != "" && got[i].String() != want {
					t.Errorf("figure %d = %q, want %q", i, got[i].String(), want)
				}
				if got[i].Measured && (got[i].Start.IsZero() || got[i].End.IsZero()) {
					t.Errorf("figure %d has no span: %+v", i, got[i])
				}
				if !got[i].Measured && !strings.HasPrefix(got[i].Reason, "not measured: ") {
					t.Errorf("figure %d reason %q", i, got[i].Reason)
				}
			}
		})
	}
}
