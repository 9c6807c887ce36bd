package alertmanager_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/alertmanager"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// groupKey is the group of payloads 1 to 4.
const groupKey = `{}:{alertname="HighAPIErrorRate", service="api"}`

// sequence names the real notifications of one group, in the order
// Alertmanager sent them.
var sequence = []string{
	"1-group-firing-3-alerts.json",
	"2-group-repeat-notification.json",
	"3-group-one-alert-resolved.json",
	"4-group-all-resolved.json",
}

// intakeFixture is an intake on a real store, with its clock.
type intakeFixture struct {
	store  *sqlstore.Store
	intake *alertmanager.Intake
	clock  *testenv.Clock
}

// forEachEngine runs fn with a fixture on each engine, as
// testenv.ForEachEngine does.
func forEachEngine(t *testing.T, fn func(t *testing.T, f *intakeFixture)) {
	t.Helper()
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) { fn(t, newFixture(t, dsn)) })
}

// newFixture opens the store at dsn with an intake that drafts at SEV2 and
// above, its clock just after payload 1 was sent.
func newFixture(t testing.TB, dsn string) *intakeFixture {
	t.Helper()
	store := teststore.Open(t, dsn)
	c := testenv.NewClock(time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC))
	store.Now = c.Now
	in := &alertmanager.Intake{
		Store:        store,
		Mapping:      alertmanager.DefaultMapping(),
		ReopenWindow: time.Hour,
		Now:          c.Now,
		Draft: func(inc hindsight.Incident) *hindsight.Document {
			if !inc.Severity.AtLeast(hindsight.SEV2) {
				return nil
			}
			pm := postmortem.NewDraft(inc, postmortem.DraftOptions{Author: "alertmanager", Now: inc.CreatedAt})
			return &pm.Document
		},
	}
	return &intakeFixture{store: store, intake: in, clock: c}
}

// payload reads a captured notification.
func payload(t *testing.T, name string) (raw []byte, msg *alertmanager.Message) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "alertmanager", name))
	if err != nil {
		t.Fatal(err)
	}
	msg, err = alertmanager.DecodeBytes(raw)
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return raw, msg
}

// ingest delivers a captured payload and fails the test on an error.
func (f *intakeFixture) ingest(t *testing.T, name string) alertmanager.Result {
	t.Helper()
	raw, msg := payload(t, name)
	return f.ingestMessage(t, raw, msg)
}

// ingestMessage delivers msg with raw as its body.
func (f *intakeFixture) ingestMessage(t *testing.T, raw []byte, msg *alertmanager.Message) alertmanager.Result {
	t.Helper()
	if raw == nil {
		var err error
		if raw, err = json.Marshal(msg); err != nil {
			t.Fatal(err)
		}
	}
	res, err := f.intake.Ingest(context.Background(), raw, msg)
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	return res
}

// incidents returns every incident, newest first.
func (f *intakeFixture) incidents(t *testing.T) []*hindsight.Incident {
	t.Helper()
	incs, _, err := f.store.FindIncidents(context.Background(), hindsight.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return incs
}

// only returns the one incident in the store.
func (f *intakeFixture) only(t *testing.T) *hindsight.Incident {
	t.Helper()
	incs := f.incidents(t)
	if len(incs) != 1 {
		t.Fatalf("%d incidents, want 1: %v", len(incs), ids(incs))
	}
	return incs[0]
}

// timeline returns the types of an incident's events, in order.
func (f *intakeFixture) timeline(t *testing.T, id string) []hindsight.EventType {
	t.Helper()
	events, err := f.store.FindTimeline(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]hindsight.EventType, len(events))
	for i, e := range events {
		out[i] = e.Type
	}
	return out
}

// export returns the whole store as its export document.
func (f *intakeFixture) export(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	if err := f.store.Export(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func ids(incs []*hindsight.Incident) []string {
	out := make([]string, len(incs))
	for i, inc := range incs {
		out[i] = inc.ID + " " + string(inc.Status)
	}
	return out
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func countType(types []hindsight.EventType, want hindsight.EventType) int {
	n := 0
	for _, t := range types {
		if t == want {
			n++
		}
	}
	return n
}

// wantTimeline checks the number of events of each type.
func wantTimeline(t *testing.T, got []hindsight.EventType, want map[hindsight.EventType]int) {
	t.Helper()
	total := 0
	for typ, n := range want {
		total += n
		if c := countType(got, typ); c != n {
			t.Errorf("%d %s events, want %d (timeline %v)", c, typ, n, got)
		}
	}
	if len(got) != total {
		t.Errorf("%d events, want %d (timeline %v)", len(got), total, got)
	}
}

func TestIntake_Sequence(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		res := f.ingest(t, sequence[0])
		if !res.Opened || res.Duplicate || res.Events != 3 {
			t.Fatalf("payload 1: result %+v, want opened with 3 events", res)
		}
		inc := f.only(t)
		if inc.ID != res.IncidentID {
			t.Errorf("result names %s, store holds %s", res.IncidentID, inc.ID)
		}
		checkOpened(t, inc)
		firing := map[hindsight.EventType]int{hindsight.EventAlertFired: 1, hindsight.EventAlertAdded: 2}
		wantTimeline(t, f.timeline(t, inc.ID), firing)

		before := f.export(t)
		if res := f.ingest(t, sequence[1]); !res.Duplicate || res.Events != 0 {
			t.Errorf("payload 2 (repeat): result %+v, want a duplicate", res)
		}
		if f.export(t) != before {
			t.Error("the repeat notification changed the store")
		}

		if res := f.ingest(t, sequence[2]); res.Duplicate || res.Resolved || res.Events != 1 {
			t.Errorf("payload 3: result %+v, want one event, not resolved", res)
		}
		firing[hindsight.EventAlertResolved] = 1
		wantTimeline(t, f.timeline(t, inc.ID), firing)
		if got := f.only(t); got.Status != hindsight.IncidentInvestigating {
			t.Errorf("after payload 3 status %s, want %s", got.Status, hindsight.IncidentInvestigating)
		}

		if res := f.ingest(t, sequence[3]); !res.Resolved || res.Events != 3 {
			t.Errorf("payload 4: result %+v, want resolved with 3 events", res)
		}
		firing[hindsight.EventAlertResolved], firing[hindsight.EventResolved] = 3, 1
		wantTimeline(t, f.timeline(t, inc.ID), firing)
		checkResolved(t, f.only(t))
	})
}

// checkOpened checks the incident payload 1 opens.
func checkOpened(t *testing.T, inc *hindsight.Incident) {
	t.Helper()
	if inc.Title != "HighAPIErrorRate" || inc.Severity != hindsight.SEV2 || inc.Status != hindsight.IncidentInvestigating {
		t.Errorf("incident %q %s %s, want HighAPIErrorRate SEV2 %s", inc.Title, inc.Severity, inc.Status, hindsight.IncidentInvestigating)
	}
	if !slices.Equal(inc.Services, []string{"api"}) || !slices.Equal(inc.Regions, []string{"eu-west-1"}) {
		t.Errorf("services %v regions %v, want [api] [eu-west-1]", inc.Services, inc.Regions)
	}
	if want := at("2026-11-27T05:59:53.81Z"); !inc.StartedAt.Equal(want) {
		t.Errorf("started %s, want %s", inc.StartedAt, want)
	}
	if inc.GroupKey != groupKey {
		t.Errorf("group key %q, want %q", inc.GroupKey, groupKey)
	}
}

// checkResolved checks the incident payload 4 resolves.
func checkResolved(t *testing.T, inc *hindsight.Incident) {
	t.Helper()
	if inc.Status != hindsight.IncidentResolved {
		t.Errorf("status %s, want %s", inc.Status, hindsight.IncidentResolved)
	}
	if want := at("2026-11-27T06:00:25.81Z"); inc.ResolvedAt == nil || !inc.ResolvedAt.Equal(want) {
		t.Errorf("resolved at %v, want %s (the latest endsAt)", inc.ResolvedAt, want)
	}
	if d, ok := inc.Duration(); !ok || d != 32*time.Second {
		t.Errorf("duration %s (%v), want 32s", d, ok)
	}
}

// TestIntake_Redelivery delivers every payload again after each step of the
// sequence: a retry, or the other member of an HA pair, changes nothing.
func TestIntake_Redelivery(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		for step, name := range sequence {
			f.ingest(t, name)
			before := f.export(t)
			for _, again := range sequence[:step+1] {
				t.Run(name+"/again/"+again, func(t *testing.T) {
					f.clock.Advance(time.Second)
					if res := f.ingest(t, again); !res.Duplicate {
						t.Errorf("result %+v, want a duplicate", res)
					}
					if f.export(t) != before {
						t.Errorf("delivering %s again changed the store", again)
					}
				})
			}
		}
	})
}

// shifted returns payload 1 with every alert starting at start: the group
// firing again.
func shifted(t *testing.T, start time.Time) *alertmanager.Message {
	t.Helper()
	_, msg := payload(t, sequence[0])
	for i := range msg.Alerts {
		msg.Alerts[i].StartsAt = start
	}
	return msg
}

// resolveSequence runs payloads 1 to 4.
func (f *intakeFixture) resolveSequence(t *testing.T) *hindsight.Incident {
	t.Helper()
	for _, name := range sequence {
		f.ingest(t, name)
	}
	return f.only(t)
}

func TestIntake_Reopen(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		first := f.resolveSequence(t)
		events := len(f.timeline(t, first.ID))

		// Within the hour after 06:00:25.81 the same group fires again.
		f.clock.Set(at("2026-11-27T06:20:05Z"))
		res := f.ingestMessage(t, nil, shifted(t, at("2026-11-27T06:20:00Z")))
		if !res.Reopened || res.Opened || res.IncidentID != first.ID {
			t.Fatalf("result %+v, want %s reopened", res, first.ID)
		}
		inc := f.only(t)
		if inc.Status != hindsight.IncidentInvestigating || inc.ResolvedAt != nil {
			t.Errorf("status %s resolved %v, want reopened", inc.Status, inc.ResolvedAt)
		}
		if !inc.StartedAt.Equal(first.StartedAt) {
			t.Errorf("reopening moved the start from %s to %s", first.StartedAt, inc.StartedAt)
		}
		got := f.timeline(t, inc.ID)
		if n := countType(got[events:], hindsight.EventStatusChange); n != 1 || len(got) != events+4 {
			t.Errorf("reopen added %v, want one status change and three alerts firing", got[events:])
		}
	})
}

func TestIntake_NewIncidentAfterReopenWindow(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		first := f.resolveSequence(t)
		f.clock.Set(at("2026-11-27T08:00:05Z"))
		res := f.ingestMessage(t, nil, shifted(t, at("2026-11-27T08:00:00Z")))
		if !res.Opened || res.Reopened || res.IncidentID == first.ID {
			t.Fatalf("result %+v, want a new incident besides %s", res, first.ID)
		}
		incs := f.incidents(t)
		if len(incs) != 2 {
			t.Fatalf("incidents %v, want 2", ids(incs))
		}
		old, err := f.store.FindIncidentByID(context.Background(), first.ID)
		if err != nil || old.Status != hindsight.IncidentResolved {
			t.Errorf("first incident %v (%v), want still resolved", old, err)
		}
	})
}

// TestIntake_LateFiring delivers, after resolution, a firing notification
// that Alertmanager sent before it: it must not reopen the incident.
func TestIntake_LateFiring(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		inc := f.resolveSequence(t)
		before := f.timeline(t, inc.ID)
		_, late := payload(t, sequence[0])
		late.Alerts = late.Alerts[:2] // a different notification, same alerts
		f.clock.Set(at("2026-11-27T06:01:00Z"))
		if res := f.ingestMessage(t, nil, late); res.Reopened || res.Events != 0 {
			t.Errorf("result %+v, want nothing reopened", res)
		}
		got := f.only(t)
		if got.Status != hindsight.IncidentResolved || got.Version != inc.Version {
			t.Errorf("status %s version %d, want %s version %d", got.Status, got.Version, hindsight.IncidentResolved, inc.Version)
		}
		if after := f.timeline(t, inc.ID); len(after) != len(before) {
			t.Errorf("timeline grew from %v to %v", before, after)
		}
	})
}

func TestIntake_ResolvedUnknownGroup(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		res := f.ingest(t, sequence[3])
		if res.IncidentID != "" || res.Opened || res.Duplicate {
			t.Errorf("result %+v, want nothing opened", res)
		}
		if incs := f.incidents(t); len(incs) != 0 {
			t.Errorf("incidents %v, want none", ids(incs))
		}
	})
}

func TestIntake_Draft(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		tests := []struct {
			name     string
			severity string
			want     bool
		}{
			{"CriticalIsSEV2", "critical", true},
			{"LiteralSEV1", "SEV1", true},
			{"WarningIsSEV3", "warning", false},
			{"InfoIsSEV4", "info", false},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, msg := payload(t, "0-single-alert-firing.json")
				msg.GroupKey = "{}:{test=" + tt.name + "}"
				msg.CommonLabels["severity"] = tt.severity
				msg.Alerts[0].Labels["severity"] = tt.severity
				msg.Alerts[0].StartsAt = msg.Alerts[0].StartsAt.Add(time.Duration(i) * time.Hour)
				res := f.ingestMessage(t, nil, msg)
				_, err := f.store.FindDocument(context.Background(), res.IncidentID)
				if got := err == nil; got != tt.want {
					t.Errorf("draft stored %v (%v), want %v", got, err, tt.want)
				}
				if !tt.want && hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
					t.Errorf("FindDocument error %v, want %s", err, hindsight.ENOTFOUND)
				}
			})
		}
	})
}

func TestIntake_SingleAlert(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		res := f.ingest(t, "0-single-alert-firing.json")
		inc := f.only(t)
		if !res.Opened || inc.Title != "HighAPIErrorRate" || inc.Severity != hindsight.SEV2 {
			t.Errorf("result %+v incident %q %s, want HighAPIErrorRate SEV2 opened", res, inc.Title, inc.Severity)
		}
		if !slices.Equal(inc.Services, []string{"api"}) || !inc.StartedAt.Equal(at("2026-11-27T05:35:29.404Z")) {
			t.Errorf("services %v start %s", inc.Services, inc.StartedAt)
		}
		if inc.Summary != "High API error rate on api" {
			t.Errorf("summary %q", inc.Summary)
		}
		wantTimeline(t, f.timeline(t, inc.ID), map[hindsight.EventType]int{hindsight.EventAlertFired: 1})
	})
}

func TestIntake_Grafana(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		res := f.ingest(t, "grafana-firing.json")
		inc := f.only(t)
		if !res.Opened || inc.Title != "HighMemoryUsage" || inc.Severity != hindsight.SEV2 {
			t.Errorf("result %+v incident %q %s, want HighMemoryUsage SEV2 (its worst alert is critical)", res, inc.Title, inc.Severity)
		}
		if !slices.Equal(inc.Services, []string{"checkout"}) {
			t.Errorf("services %v, want [checkout]", inc.Services)
		}
		if want := at("2026-11-27T07:46:03.157076Z"); !inc.StartedAt.Equal(want) {
			t.Errorf("start %s, want the earliest startsAt %s", inc.StartedAt, want)
		}
		wantTimeline(t, f.timeline(t, inc.ID), map[hindsight.EventType]int{hindsight.EventAlertFired: 1, hindsight.EventAlertAdded: 1})
		if res := f.ingest(t, "grafana-firing.json"); !res.Duplicate {
			t.Errorf("second delivery %+v, want a duplicate", res)
		}
	})
}

// TestIntake_EarliestStart: alerts that started at different times open an
// incident at the earliest, whatever their order in the payload.
func TestIntake_EarliestStart(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		_, msg := payload(t, sequence[0])
		starts := []string{"2026-11-27T05:59:53.81Z", "2026-11-27T05:41:07.5Z", "2026-11-27T05:50:00Z"}
		for i := range msg.Alerts {
			msg.Alerts[i].StartsAt = at(starts[i])
		}
		f.ingestMessage(t, nil, msg)
		inc := f.only(t)
		if want := at("2026-11-27T05:41:07.5Z"); !inc.StartedAt.Equal(want) {
			t.Errorf("start %s, want %s", inc.StartedAt, want)
		}
		if want := hindsight.IncidentID(at("2026-11-27T05:41:07.5Z"), "HighAPIErrorRate"); inc.ID != want {
			t.Errorf("ID %s, want %s", inc.ID, want)
		}
		events, err := f.store.FindTimeline(context.Background(), inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if events[0].Type != hindsight.EventAlertFired || !events[0].Time.Equal(inc.StartedAt) {
			t.Errorf("first event %s at %s, want the initial trigger at the start", events[0].Type, events[0].Time)
		}
	})
}

// TestIntake_RawBody: the body is kept as received, beside the decoded
// notification, and linked to its incident.
func TestIntake_RawBody(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, f *intakeFixture) {
		raw, _ := payload(t, sequence[0])
		res := f.ingest(t, sequence[0])
		var dump struct {
			AlertNotifications []*hindsight.AlertNotification `json:"alert_notifications"`
		}
		if err := json.Unmarshal([]byte(f.export(t)), &dump); err != nil {
			t.Fatal(err)
		}
		if len(dump.AlertNotifications) != 1 {
			t.Fatalf("%d notifications stored, want 1", len(dump.AlertNotifications))
		}
		n := dump.AlertNotifications[0]
		if !bytes.Equal(n.Body, raw) || n.IncidentID != res.IncidentID || n.GroupKey != groupKey {
			t.Errorf("stored notification %s %q with %d-byte body, want the raw %d bytes of %s", n.IncidentID, n.GroupKey, len(n.Body), len(raw), res.IncidentID)
		}
	})
}
