package importer_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/importer"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

const seedID = "INCIDENT-20250930-0024-highapierrorrate"

func edit(t *testing.T, doc, old, new string) string {
	t.Helper()
	if strings.Count(doc, old) != 1 {
		t.Fatalf("the document holds %q %d times, want once", old, strings.Count(doc, old))
	}
	return strings.Replace(doc, old, new, 1)
}

func revisionCount(t *testing.T, s hindsight.Store, id string) (int, []*hindsight.Revision) {
	t.Helper()
	revs, n, err := s.FindRevisions(context.Background(), hindsight.RevisionFilter{IncidentID: id, Page: hindsight.Page{Limit: hindsight.MaxPageLimit}})
	if err != nil {
		t.Fatal(err)
	}
	return n, revs
}

// TestApply_EditOneField exports a post-mortem whose stored times carry
// seconds (as Alertmanager sends them) and whose owners were stored with and
// without "@", edits one line and imports it: the times keep their seconds,
// the owners their form, and one revision records exactly the edited field.
func TestApply_EditOneField(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := hindsight.NewContextWithActor(context.Background(), "alice")
		src := string(mustRead(t, filepath.Join(corpus, "seed-completed.md")))
		mustImport(t, s, []byte(src), importer.Created)

		pm, err := s.FindPostmortem(ctx, seedID)
		if err != nil {
			t.Fatal(err)
		}
		inc := pm.Incident
		precise := time.Date(2025, 9, 30, 0, 24, 20, 0, time.UTC)
		resolved := time.Date(2025, 9, 30, 1, 10, 20, 0, time.UTC)
		inc.StartedAt, inc.ResolvedAt = precise, &resolved
		if err := s.UpdateIncident(ctx, &inc, inc.Version); err != nil {
			t.Fatal(err)
		}
		fired := pm.Timeline[1]
		if fired.Event != "Initial trigger" {
			t.Fatalf("second row is %q", fired.Event)
		}
		fired.Time = precise
		if err := s.UpdateTimelineEvent(ctx, &fired); err != nil {
			t.Fatal(err)
		}
		ken := pm.Actions[1]
		if ken.Owner != "@ken" {
			t.Fatalf("owner stored as %q, want @ken as written", ken.Owner)
		}
		ken.Owner = "ken"
		if err := s.UpdateActionItem(ctx, &ken, ken.Version); err != nil {
			t.Fatal(err)
		}
		// The export shows what the seconds change (durations) and
		// keeps every other line as written.
		out := mustExport(t, s, seedID)
		diff := changedLines(src, out)
		for _, l := range diff {
			if !strings.HasPrefix(l, "- **Time to ") {
				t.Errorf("export changed %q: only the response times show the seconds", l)
			}
		}
		if len(diff) == 0 {
			t.Errorf("the export does not show the stored seconds in the response times")
		}

		before, _ := revisionCount(t, s, seedID)
		edited := edit(t, out, "- Root Cause: The database connection pool was cut from 200 to 20 by a config change",
			"- Root Cause: A config refactor cut the database connection pool from 200 to 20")
		mustImport(t, s, []byte(edited), importer.Updated)

		after, revs := revisionCount(t, s, seedID)
		if after != before+1 {
			t.Fatalf("%d revisions written, want 1", after-before)
		}
		last := revs[len(revs)-1]
		if last.Entity != hindsight.EntityDocument || !slices.Equal(last.Fields, []string{"narrative"}) {
			t.Errorf("revision %s %v, want document [narrative]", last.Entity, last.Fields)
		}
		got, err := s.FindPostmortem(ctx, seedID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Incident.StartedAt.Equal(precise) || !got.Timeline[1].Time.Equal(precise) || !got.Incident.ResolvedAt.Equal(resolved) {
			t.Errorf("start %v, alert %v: the seconds were lost", got.Incident.StartedAt, got.Timeline[1].Time)
		}
		if got.Actions[0].Owner != "@maria" || got.Actions[1].Owner != "ken" {
			t.Errorf("owners %q, %q, want @maria and ken as stored", got.Actions[0].Owner, got.Actions[1].Owner)
		}
		if got.Document.Narrative.RootCause != "A config refactor cut the database connection pool from 200 to 20" {
			t.Errorf("root cause %q", got.Document.Narrative.RootCause)
		}
		if out := mustExport(t, s, seedID); out != edited {
			t.Errorf("export after the edit differs:\n%s", firstDiff(edited, out))
		}
	})
}

// TestApply_TimesWithSeconds imports times written with seconds: stored to
// the second, exported as written, rendered with seconds, and kept through
// an edit of another line.
func TestApply_TimesWithSeconds(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		src := string(mustRead(t, filepath.Join(corpus, "seed-completed.md")))
		src = edit(t, src, "| 2025-09-30 00:27 | Detection |", "| 2025-09-30 00:27:41 | Detection |")
		mustImport(t, s, []byte(src), importer.Created)
		if out := mustExport(t, s, seedID); out != src {
			t.Fatalf("export differs:\n%s", firstDiff(src, out))
		}
		edited := edit(t, src, "| Alert on connection pool saturation | @maria |", "| Alert on connection pool saturation | @maria-k |")
		mustImport(t, s, []byte(edited), importer.Updated)
		pm, err := s.FindPostmortem(context.Background(), seedID)
		if err != nil {
			t.Fatal(err)
		}
		want := time.Date(2025, 9, 30, 0, 27, 41, 0, time.UTC)
		if !pm.Timeline[2].Time.Equal(want) || pm.Actions[0].Owner != "@maria-k" {
			t.Errorf("detection at %v, owner %q", pm.Timeline[2].Time, pm.Actions[0].Owner)
		}
		var md strings.Builder
		if err := postmortem.Render(&md, *pm, nil); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(md.String(), "| 2025-09-30 00:27:41 | Detection | @maria | Alert acknowledged |") {
			t.Errorf("the rendered timeline lost the seconds:\n%s", md.String())
		}
	})
}

// TestExport_StoreChangeAppliedToDocument changes an action item in the
// store after the import: the export is the person's document with that
// one row changed, every other byte (trailing double spaces included) kept.
func TestExport_StoreChangeAppliedToDocument(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := hindsight.NewContextWithActor(context.Background(), "alice")
		src := string(mustRead(t, filepath.Join(corpus, "seed-completed.md")))
		mustImport(t, s, []byte(src), importer.Created)
		pm, err := s.FindPostmortem(ctx, seedID)
		if err != nil {
			t.Fatal(err)
		}
		a := pm.Actions[1]
		a.Status = hindsight.ActionDone
		if err := s.UpdateActionItem(ctx, &a, a.Version); err != nil {
			t.Fatal(err)
		}
		want := edit(t, src, "| Add the traffic shift to the runbook | @ken | 2025-10-07 | 🔄 In progress |",
			"| Add the traffic shift to the runbook | @ken | 2025-10-07 | ✅ Done |")
		if out := mustExport(t, s, seedID); out != want {
			t.Errorf("export:\n%s", firstDiff(want, out))
		}
	})
}

// TestApply_ApprovedIsARecord: an edited document does not change an
// APPROVED post-mortem, from a file or over the API; the same document is
// still "unchanged".
func TestApply_ApprovedIsARecord(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		src := string(mustRead(t, filepath.Join(corpus, "seed-completed.md")))
		src = edit(t, src, "**Document Status**: UNDER REVIEW", "**Document Status**: APPROVED")
		mustImport(t, s, []byte(src), importer.Created)
		edited := edit(t, src, "- **Culture**: Nobody hesitated to roll back", "- **Culture**: Rollbacks are normal here")
		pm, err := postmortem.Parse([]byte(edited))
		if err != nil {
			t.Fatal(err)
		}
		_, err = importer.Apply(context.Background(), s, pm, importer.Source{Path: "doc.md", Markdown: []byte(edited)})
		if hindsight.ErrorCode(err) != hindsight.ECONFLICT || !strings.Contains(hindsight.ErrorMessage(err), "record") {
			t.Fatalf("import over an approved post-mortem: %v, want a conflict naming the record", err)
		}
		_, err = (&importer.Service{Store: s}).Import(context.Background(), seedID, "PUT", []byte(edited))
		if hindsight.ErrorCode(err) != hindsight.ECONFLICT {
			t.Fatalf("API import over an approved post-mortem: %v, want ECONFLICT", err)
		}
		if out := mustExport(t, s, seedID); out != src {
			t.Errorf("the record changed:\n%s", firstDiff(src, out))
		}
		mustImport(t, s, []byte(src), importer.Unchanged)
	})
}

// TestService_Import checks the API import's refusals.
func TestService_Import(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		svc := &importer.Service{Store: s}
		src := mustRead(t, filepath.Join(corpus, "seed-completed.md"))
		if _, err := svc.Import(context.Background(), seedID, "PUT", src); hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
			t.Errorf("unknown incident: %v, want ENOTFOUND", err)
		}
		mustImport(t, s, mustRead(t, filepath.Join(corpus, "seed-midnight.md")), importer.Created)
		if _, err := svc.Import(context.Background(), "INCIDENT-20250331-2340-searchindexlag", "PUT", src); hindsight.ErrorCode(err) != hindsight.EINVALID {
			t.Errorf("document of another incident: %v, want EINVALID", err)
		}
		if _, err := svc.Import(context.Background(), "INCIDENT-20250331-2340-searchindexlag", "PUT", []byte("\x00bin")); hindsight.ErrorCode(err) != hindsight.EINVALID {
			t.Errorf("binary document: %v, want EINVALID", err)
		}
	})
}

// changedLines lists the lines of b that differ from a's at the same place.
func changedLines(a, b string) []string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := range lb {
		if i >= len(la) || la[i] != lb[i] {
			out = append(out, lb[i])
		}
	}
	return out
}

// TestApply_TimelineAcrossTables edits one line of a document whose
// investigation table holds a row earlier than rows of the detection table:
// the timeline is left alone and one revision records the edit.
func TestApply_TimelineAcrossTables(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		src := string(mustRead(t, filepath.Join(corpus, "seed-completed.md")))
		src = edit(t, src, "| 2025-09-30 00:45 | Root cause hypothesis |", "| 2025-09-30 00:29 | Root cause hypothesis |")
		mustImport(t, s, []byte(src), importer.Created)
		before, _ := revisionCount(t, s, seedID)
		edited := edit(t, src, "- **Capacity**: One on-call was enough", "- **Capacity**: One on-call was barely enough")
		mustImport(t, s, []byte(edited), importer.Updated)
		after, revs := revisionCount(t, s, seedID)
		if after != before+1 || revs[len(revs)-1].Entity != hindsight.EntityDocument {
			for _, r := range revs[before:] {
				t.Logf("revision %s %s %v", r.Entity, r.EntityID, r.Fields)
			}
			t.Fatalf("%d revisions, want 1 of the document", after-before)
		}
		if out := mustExport(t, s, seedID); out != edited {
			t.Errorf("export:\n%s", firstDiff(edited, out))
		}
	})
}
