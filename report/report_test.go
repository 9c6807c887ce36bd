package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/alertmanager"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/lint"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/report"
	"github.com/hindsight-sre/hindsight/review"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// Cell contents a spreadsheet would run as formulas (OWASP CSV injection).
const hostile = `=cmd|' /C calc'!A0`

var hostileCells = []string{hostile, "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
	"\t=1+1", "\r=1+1", "  =HYPERLINK(\"http://evil.example\")"}

// oddTitle holds what a CSV must quote and Unicode no renderer of ours wrote.
const oddTitle = "Ünïcødé 🔥 «checkout», \"quoted\"\nsecond line \u200b\u202e-rtl"

var start = time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC)

// fixture is a store holding the incidents and actions of a report.
type fixture struct {
	store *sqlstore.Store
	svc   *review.Service
	clock *testenv.Clock
}

func newFixture(t *testing.T, dsn string) *fixture {
	t.Helper()
	store := teststore.Open(t, dsn)
	c := testenv.NewClock(start.Add(30 * 24 * time.Hour))
	store.Now = c.Now
	svc := review.NewService(store, hindsight.DefaultSignOffPolicy())
	svc.Now = c.Now
	svc.Lint = lint.Narrative(nil)
	return &fixture{store: store, svc: svc, clock: c}
}

func as(name string, role hindsight.Role) context.Context {
	return hindsight.NewContextWithIdentity(context.Background(), hindsight.Identity{Name: name, Role: role, Method: "token"})
}

// mustBareAlert opens an incident from a hand-written notification whose
// alert carries only its alertname, then resolves it.
func (f *fixture) mustBareAlert(t *testing.T) string {
	t.Helper()
	in := &alertmanager.Intake{Store: f.store, Mapping: alertmanager.DefaultMapping(), Now: f.clock.Now}
	send := func(status, ends string) string {
		raw := []byte(`{"version":"4","groupKey":"{}:{alertname=\"Bare\"}","status":"` + status + `","receiver":"hindsight",
"groupLabels":{"alertname":"Bare"},"commonLabels":{"alertname":"Bare"},"commonAnnotations":{},"externalURL":"http://am:9093",
"alerts":[{"status":"` + status + `","labels":{"alertname":"Bare"},"annotations":{},"startsAt":"2025-09-29T10:00:00Z","endsAt":"` + ends + `","fingerprint":"b1"}]}`)
		msg, err := alertmanager.DecodeBytes(raw)
		if err != nil {
			t.Fatal(err)
		}
		res, err := in.Ingest(context.Background(), raw, msg)
		if err != nil {
			t.Fatalf("ingest %s: %v", status, err)
		}
		return res.IncidentID
	}
	id := send("firing", "0001-01-01T00:00:00Z")
	if again := send("resolved", "2025-09-29T10:45:00Z"); again != id {
		t.Fatalf("resolution went to %s, not %s", again, id)
	}
	return id
}

// mustApproved stores an incident with an odd title, a timeline with every
// response step, a measured budget, and an approved post-mortem.
func (f *fixture) mustApproved(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	end := start.Add(50 * time.Minute)
	inc := &hindsight.Incident{ID: "INCIDENT-20250930-0024-odd", Title: oddTitle, AlertName: "Odd", Severity: hindsight.SEV1,
		Status: hindsight.IncidentResolved, Services: []string{"api", hostile}, StartedAt: start, ResolvedAt: &end}
	if err := f.store.CreateIncident(ctx, inc); err != nil {
		t.Fatal(err)
	}
	for _, e := range []struct {
		typ hindsight.EventType
		at  time.Duration
	}{{hindsight.EventIssueStarted, -3 * time.Minute}, {hindsight.EventAlertFired, 0}, {hindsight.EventAcknowledged, 5 * time.Minute},
		{hindsight.EventMitigation, 17 * time.Minute}, {hindsight.EventResolved, 50 * time.Minute}} {
		ev := &hindsight.TimelineEvent{IncidentID: inc.ID, Time: start.Add(e.at), Type: e.typ, Phase: hindsight.PhaseDetection, Event: string(e.typ)}
		if err := f.store.AddTimelineEvent(ctx, ev); err != nil {
			t.Fatalf("event %s: %v", e.typ, err)
		}
	}
	imp := hindsight.Impact{Start: start, End: end,
		BudgetConsumed:      hindsight.Figure{Value: 115.74074, Unit: hindsight.UnitPercent, Measured: true},
		ErrorBudgetConsumed: hindsight.NotMeasured(hindsight.UnitPercent, "no traffic")}
	if err := f.store.SaveImpact(ctx, &hindsight.ImpactRecord{IncidentID: inc.ID, Impact: imp, ComputedAt: end}); err != nil {
		t.Fatal(err)
	}
	f.mustApprove(t, inc)
	return inc.ID
}

// mustApprove drafts, reviews, signs and approves inc's post-mortem.
func (f *fixture) mustApprove(t *testing.T, inc *hindsight.Incident) {
	t.Helper()
	pm := postmortem.NewDraft(*inc, postmortem.DraftOptions{Author: "parallels", Now: f.clock.Now()})
	pm.Document.Narrative = cleanNarrative()
	if err := f.store.CreateDocument(context.Background(), &pm.Document); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.TransitionDocument(as("eddie", hindsight.RoleEditor), inc.ID, hindsight.DocUnderReview, ""); err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		who  string
		role hindsight.SignOffRole
	}{{"parallels", hindsight.RoleAuthor}, {"tess", hindsight.RoleTechnicalReview}, {"mona", hindsight.RoleManagementReview}, {"dörä‐ñ", hindsight.RoleFinalApproval}} {
		if _, err := f.svc.SignOff(as(s.who, hindsight.RoleApprover), inc.ID, s.role); err != nil {
			t.Fatalf("sign %s: %v", s.role, err)
		}
	}
	if _, err := f.svc.TransitionDocument(as("abe", hindsight.RoleApprover), inc.ID, hindsight.DocApproved, ""); err != nil {
		t.Fatal(err)
	}
}

// cleanNarrative is the seed's narrative with every placeholder answered.
func cleanNarrative() hindsight.Narrative {
	n := postmortem.PlaceholderNarrative()
	n.Impact, n.RootCause, n.Resolution, n.DataSources = "Checkout failed", "A bad deploy", "Rolled back", "None affected"
	for i := range n.Whys {
		n.Whys[i].Answer = "Answered"
	}
	for _, l := range []*[]hindsight.Field{&n.BusinessImpact, &n.ContributingFactors, &n.WentWell, &n.CouldImprove,
		&n.TechnicalLessons, &n.ProcessLessons, &n.OrganizationalLessons, &n.Evidence, &n.ExternalCommunication} {
		for i := range *l {
			(*l)[i].Value = "Written"
		}
	}
	return n
}

// mustActions adds one action item per hostile cell, owned by odd
// Unicode names, one of them done.
func (f *fixture) mustActions(t *testing.T, incidentID string) {
	t.Helper()
	for i, h := range hostileCells {
		a := &hindsight.ActionItem{IncidentID: incidentID, Title: h, Owner: "@jösé‐" + strings.Repeat("ñ", i+1), Horizon: hindsight.HorizonImmediate,
			DueDate: start.AddDate(0, 0, 7+i), Status: hindsight.ActionOpen, TrackerURL: h}
		if i == 0 {
			a.Status, a.Owner, a.TrackerURL = hindsight.ActionDone, "@zoë 👩‍🔧", "https://tracker.example/T-1"
			done := start.Add(48 * time.Hour)
			a.CompletedAt = &done
		}
		if err := f.store.CreateActionItem(context.Background(), a); err != nil {
			t.Fatalf("action %d: %v", i, err)
		}
	}
}

func TestReports(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		bare := f.mustBareAlert(t)
		odd := f.mustApproved(t)
		f.mustActions(t, odd)
		ctx := context.Background()

		t.Run("IncidentRows", func(t *testing.T) {
			rows, err := report.Incidents(ctx, f.store, hindsight.IncidentFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 2 || rows[0].ID != odd || rows[1].ID != bare {
				t.Fatalf("rows %+v, want %s then %s", rows, odd, bare)
			}
			checkIncidentCSV(t, rows, odd, bare)
		})
		t.Run("IncidentFilter", func(t *testing.T) {
			rows, err := report.Incidents(ctx, f.store, hindsight.IncidentFilter{PostmortemStatus: hindsight.DocApproved})
			if err != nil || len(rows) != 1 || rows[0].ID != odd {
				t.Fatalf("APPROVED only: %+v, %v", rows, err)
			}
		})
		t.Run("ActionRows", func(t *testing.T) {
			rows, err := report.Actions(ctx, f.svc, hindsight.ActionQuery{IncidentID: odd}, f.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(hostileCells) {
				t.Fatalf("%d rows, want %d", len(rows), len(hostileCells))
			}
			checkActionCSV(t, rows)
			open, err := report.Actions(ctx, f.svc, hindsight.ActionQuery{Status: hindsight.ActionOpen}, f.clock.Now())
			if err != nil || len(open) != len(hostileCells)-1 {
				t.Fatalf("open only: %d rows, %v", len(open), err)
			}
		})
	})
}

// checkIncidentCSV writes rows as CSV and reads them back with Go's and
// Python's csv readers.
func checkIncidentCSV(t *testing.T, rows []report.IncidentRow, odd, bare string) {
	var buf bytes.Buffer
	if err := report.WriteIncidentsCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	recs := readGo(t, buf.Bytes())
	if got := strings.Join(recs[0], ","); got != strings.Join(report.IncidentColumns, ",") {
		t.Fatalf("header %q", got)
	}
	col := columns(recs[0])
	o, b := recs[1], recs[2]
	want := map[string]string{"id": odd, "title": oddTitle, "severity": "SEV1", "status": "RESOLVED", "services": "api; " + hostile,
		"started_at": "2025-09-30T00:24:00Z", "resolved_at": "2025-09-30T01:14:00Z",
		"time_to_detect_minutes": "3", "time_to_acknowledge_minutes": "5", "time_to_mitigate_minutes": "12", "time_to_resolve_minutes": "53",
		"budget_consumed_percent": "115.741", "error_budget_consumed_percent": "", "postmortem_status": "APPROVED",
		"approved_by": "dörä‐ñ", "approved_at": "2025-10-30T00:24:00Z"}
	for k, v := range want {
		if o[col[k]] != v {
			t.Errorf("approved incident %s = %q, want %q", k, o[col[k]], v)
		}
	}
	// The bare alert: no summary, service or region; resolved 45 minutes on.
	wantBare := map[string]string{"id": bare, "title": "Bare", "services": "", "time_to_detect_minutes": "",
		"time_to_resolve_minutes": "45", "budget_consumed_percent": "", "postmortem_status": "", "approved_by": "", "approved_at": ""}
	for k, v := range wantBare {
		if b[col[k]] != v {
			t.Errorf("bare incident %s = %q, want %q", k, b[col[k]], v)
		}
	}
	checkPython(t, buf.Bytes(), recs)
}

// checkActionCSV checks the action CSV: hostile cells start with a quote
// and keep their text, odd owners survive, the done item has its date.
func checkActionCSV(t *testing.T, rows []report.ActionRow) {
	var buf bytes.Buffer
	if err := report.WriteActionsCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	recs := readGo(t, buf.Bytes())
	col := columns(recs[0])
	seen := map[string]bool{}
	for _, r := range recs[1:] {
		title := r[col["title"]]
		if !strings.HasPrefix(title, "'") {
			t.Errorf("hostile title %q is not neutralised", title)
		}
		seen[strings.TrimPrefix(title, "'")] = true
		if r[col["status"]] == "done" {
			if r[col["completed_at"]] != "2025-10-02T00:24:00Z" || r[col["owner"]] != "'@zoë 👩‍🔧" || r[col["tracker_url"]] != "https://tracker.example/T-1" {
				t.Errorf("done item: %q", r)
			}
			continue
		}
		if !strings.HasPrefix(r[col["owner"]], "'@jösé‐ñ") || !strings.HasPrefix(r[col["tracker_url"]], "'") || r[col["overdue"]] != "true" {
			t.Errorf("open item: %q", r)
		}
	}
	for _, h := range hostileCells {
		if !seen[h] {
			t.Errorf("cell %q did not survive the round trip", h)
		}
	}
	checkPython(t, buf.Bytes(), recs)
}

func readGo(t *testing.T, b []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(b))
	recs, err := r.ReadAll() // FieldsPerRecord 0: every record as long as the header
	if err != nil {
		t.Fatalf("encoding/csv: %v\n%s", err, b)
	}
	if len(recs) < 2 {
		t.Fatalf("%d records", len(recs))
	}
	return recs
}

func columns(header []string) map[string]int {
	m := map[string]int{}
	for i, h := range header {
		m[h] = i
	}
	return m
}

// pythonCheck reads the CSV file with Python's csv module (the excel
// dialect spreadsheets use), prints its records as JSON, and exits 3 when
// a cell would start a formula.
const pythonCheck = `
import csv, json, re, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
number = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")
for row in rows:
    for cell in row:
        s = cell.lstrip(" ")
        if s[:1] in ("=", "+", "-", "@", "\t", "\r") and not number.match(cell):
            print("formula cell: %r" % cell, file=sys.stderr)
            sys.exit(3)
json.dump(rows, sys.stdout)
`

// checkPython checks that Python reads the same records as Go and finds no
// cell a spreadsheet would run.
func checkPython(t *testing.T, data []byte, want [][]string) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatalf("python3 is needed to check the CSV with Python's csv module: %v", err)
	}
	file := filepath.Join(t.TempDir(), "report.csv")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(py, "-c", pythonCheck, file)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python csv: %v: %s", err, stderr.String())
	}
	var got [][]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("python read %d records, Go %d", len(got), len(want))
	}
	for i := range got {
		if strings.Join(got[i], "\x00") != strings.Join(want[i], "\x00") {
			t.Errorf("record %d: python %q, Go %q", i, got[i], want[i])
		}
	}
}
