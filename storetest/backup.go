package storetest

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// backupV1 is a backup of format version 1, written by Export before the
// follow_ups, import_sources and reminders_sent tables joined the backup
// (Populate's content of that time).
//
//go:embed testdata/backup-v1.json
var backupV1 []byte

// Fixture values that Populate stores and testBackup looks for.
const (
	populatedSessionHash = "sha256:populated-session"
	populatedSourceHash  = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
)

// populatedReminder is the reminder Populate records as sent.
var populatedReminder = hindsight.ReminderClaim{Kind: hindsight.ReminderActionOverdue, Subject: "1",
	Period: hindsight.DayPeriod(T0), Channel: "slack", Token: "sender-a", ClaimedAt: T0, LeaseUntil: T0.Add(5 * time.Minute)}

func testBackup(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	src := open(t)
	Populate(t, src)
	var first bytes.Buffer
	ok(t, src.Export(ctx, &first))
	t.Run("EveryTableHoldsRows", func(t *testing.T) {
		var tables map[string]json.RawMessage
		ok(t, json.Unmarshal(first.Bytes(), &tables))
		for _, key := range []string{"incidents", "documents", "timeline_events", "action_items", "sign_offs", "revisions",
			"alert_states", "alert_notifications", "api_tokens", "impacts", "follow_ups", "import_sources", "reminders_sent",
			"changes", "attachments", "people", "paging_acks", "tracker_sync", "slack_channels", "slack_messages",
			"comments", "person_events", "notification_prefs"} {
			var rows []json.RawMessage
			if err := json.Unmarshal(tables[key], &rows); err != nil || len(rows) == 0 {
				t.Errorf("table %q: %d rows (err %v), want some: Populate fills every table", key, len(rows), err)
			}
			delete(tables, key)
		}
		delete(tables, "format")
		delete(tables, "format_version")
		if len(tables) != 0 {
			t.Errorf("tables the test does not know: %v", tables)
		}
	})
	t.Run("NoSessions", func(t *testing.T) {
		// Sessions are sign-ins, not data: their secrets stay out of
		// backups, and a restore signs everyone out.
		if _, err := src.FindSessionByHash(ctx, populatedSessionHash, T0); err != nil {
			t.Fatalf("the source store lost its session: %v", err)
		}
		if bytes.Contains(first.Bytes(), []byte(`"sessions"`)) || bytes.Contains(first.Bytes(), []byte(populatedSessionHash)) {
			t.Fatalf("the backup carries sessions:\n%s", first.String())
		}
	})
	t.Run("ErrNotEmpty", func(t *testing.T) {
		wantCode(t, src.Import(ctx, bytes.NewReader(first.Bytes())), hindsight.ECONFLICT)
	})
	t.Run("ErrNotABackup", func(t *testing.T) {
		wantCode(t, open(t).Import(ctx, bytes.NewReader([]byte(`{"format":"other"}`))), hindsight.EINVALID)
	})
	t.Run("ErrNewerVersion", func(t *testing.T) {
		newer := bytes.Replace(first.Bytes(), []byte(`"format_version":3`), []byte(`"format_version":4`), 1)
		wantCode(t, open(t).Import(ctx, bytes.NewReader(newer)), hindsight.EINVALID)
	})
	t.Run("ErrNullRow", func(t *testing.T) {
		for _, table := range []string{"incidents", "follow_ups", "api_tokens"} {
			doc := `{"format":"hindsight-backup","format_version":2,"` + table + `":[null]}`
			err := open(t).Import(ctx, bytes.NewReader([]byte(doc)))
			wantCode(t, err, hindsight.EINVALID)
			if !strings.Contains(err.Error(), table+"[0] is null") {
				t.Fatalf("error %q does not name %s[0]", err, table)
			}
		}
	})
	t.Run("RoundTrip", func(t *testing.T) {
		dst := open(t)
		ok(t, dst.Import(ctx, bytes.NewReader(first.Bytes())))
		var second bytes.Buffer
		ok(t, dst.Export(ctx, &second))
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Fatalf("export after import differs:\n%s\n----\n%s", first.String(), second.String())
		}
		got, _, err := dst.Search(ctx, hindsight.SearchQuery{Text: "rotation"})
		ok(t, err)
		if len(got) != 1 {
			t.Fatalf("search after import: %+v", got)
		}
		checkRestored(t, src, dst, got[0].IncidentID)
		// IDs continue after the imported ones.
		ev := NewEvent(got[0].IncidentID, T0, "after import")
		ok(t, dst.AddTimelineEvent(ctx, ev))
	})
	t.Run("Version1", func(t *testing.T) {
		// A version-1 backup has none of the arrays added since: it loads,
		// and those tables stay empty.
		dst := open(t)
		ok(t, dst.Import(ctx, bytes.NewReader(backupV1)))
		var out bytes.Buffer
		ok(t, dst.Export(ctx, &out))
		want := strings.Replace(string(backupV1), `"format_version":1,`, `"format_version":3,`, 1)
		want = strings.TrimSuffix(want, "\n}\n") + ",\n\"follow_ups\":[],\n\"import_sources\":[],\n\"reminders_sent\":[]" +
			",\n\"changes\":[],\n\"attachments\":[]" +
			",\n\"people\":[]" +
			",\n\"paging_acks\":[]" +
			",\n\"tracker_sync\":[]" +
			",\n\"comments\":[],\n\"person_events\":[],\n\"notification_prefs\":[]" +
			",\n\"slack_channels\":[],\n\"slack_messages\":[]\n}\n"
		if out.String() != want {
			t.Fatalf("export of a version-1 backup:\n%s\n----\nwant:\n%s", out.String(), want)
		}
		_, err := dst.FindFollowUp(ctx, "INCIDENT-20250930-0024-backup")
		wantCode(t, err, hindsight.ENOTFOUND)
	})
}

// checkRestored checks, on the store dst restored from a backup of src, what
// the backup's tables beyond the post-mortems change: the follow-up reads the
// same, re-importing the same Markdown file stays a no-op, a reminder sent
// before the backup is not sent again, and no session survives.
func checkRestored(t *testing.T, src, dst hindsight.Store, incidentID string) {
	t.Helper()
	ctx := context.Background()
	want, err := src.FindFollowUp(ctx, incidentID)
	ok(t, err)
	got, err := dst.FindFollowUp(ctx, incidentID)
	ok(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("restored follow-up:\n%+v\nwant\n%+v", got, want)
	}
	restored, err := dst.FindImportSource(ctx, incidentID)
	ok(t, err)
	if restored.SHA256 != populatedSourceHash {
		t.Errorf("restored import source %+v, want hash %s", restored, populatedSourceHash)
	}
	again := populatedReminder
	again.Token, again.ClaimedAt, again.LeaseUntil = "sender-b", T0.Add(time.Hour), T0.Add(time.Hour+5*time.Minute)
	claimed, err := dst.ClaimReminder(ctx, &again)
	ok(t, err)
	if claimed {
		t.Errorf("a reminder sent before the backup was claimed again after the restore")
	}
	checkSlackRestored(t, dst, incidentID)
	_, err = dst.FindSessionByHash(ctx, populatedSessionHash, T0)
	wantCode(t, err, hindsight.ENOTFOUND)
	// Attachments come back byte for byte, with their sniffed type.
	as := src
	list, err := as.FindAttachments(ctx, incidentID)
	ok(t, err)
	if len(list) != 2 {
		t.Fatalf("source attachments: %+v", list)
	}
	for _, a := range list {
		want, err := as.FindAttachment(ctx, incidentID, a.ID)
		ok(t, err)
		got, err := dst.FindAttachment(ctx, incidentID, a.ID)
		ok(t, err)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("restored attachment %d:\n%+v\nwant\n%+v", a.ID, got, want)
		}
	}
	changes, err := dst.FindChanges(ctx, hindsight.ChangeFilter{})
	ok(t, err)
	if len(changes) != 1 || changes[0].Title != populatedChange.Title {
		t.Errorf("restored changes: %+v", changes)
	}
}

// populatedChange is the change Populate reports.
var populatedChange = hindsight.Change{Service: "api", Kind: hindsight.ChangeDeploy, Title: "Deploy api v1.2.3 ✓",
	URL: "https://github.com/example/api/pull/42", Author: "alice", At: T0.Add(-time.Hour)}

// populatedPNG is a 1×1 PNG: its bytes, NUL and high bytes included, must
// survive a backup.
var populatedPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// Populate fills s with a little of everything, for backup tests: a row in
// every table that the backup carries, and a web UI session, which it does
// not.
func Populate(tb testing.TB, s hindsight.Store) {
	tb.Helper()
	ctx := as("alice")
	inc := NewIncident(0, "Backup")
	ok(tb, s.CreateIncident(ctx, inc))
	resolved := T0.Add(90 * time.Minute)
	inc.Status, inc.ResolvedAt = hindsight.IncidentResolved, &resolved
	ok(tb, s.UpdateIncident(as("bob"), inc, 1))
	doc := newDocument(inc.ID)
	doc.Narrative.RootCause = "Log rotation stopped"
	approvedAt := T0.Add(70 * time.Hour)
	doc.ApprovedAt, doc.ApprovedMarkdown = &approvedAt, "# Post-Mortem: Backup\n\nas approved ✓\n"
	ok(tb, s.CreateDocument(ctx, doc))
	paged := NewEvent(inc.ID, T0.Add(time.Minute), "paged")
	ok(tb, s.AddTimelineEvent(ctx, paged))
	ok(tb, s.CreateActionItem(ctx, NewAction(inc.ID, "Fix rotation", "@ops", T0.AddDate(0, 0, 7))))
	signed := T0.Add(72 * time.Hour)
	ok(tb, s.CreateSignOff(ctx, &hindsight.SignOff{IncidentID: inc.ID, Role: hindsight.RoleAuthor, Signer: "@alice", SignedAt: &signed}))
	other := NewIncident(5, "Second", "db", "api")
	other.Labels, other.Links, other.Regions = nil, nil, []string{}
	other.RecurrenceOf = inc.ID
	ok(tb, s.CreateIncident(ctx, other))
	n := &hindsight.AlertNotification{Fingerprint: "fp", GroupKey: "g", Body: []byte("{\"raw\":\"\xff\"}"), ReceivedAt: T0, IncidentID: inc.ID}
	ok(tb, s.RecordNotification(ctx, n))
	_, err := s.UpsertAlertState(ctx, &hindsight.AlertState{IncidentID: inc.ID, AlertKey: "k", Status: hindsight.AlertFiring, StartsAt: T0})
	ok(tb, err)
	token := &hindsight.APIToken{Name: "ci", Role: "admin", Hash: "sha256:1", Display: "CI pipeline", Handle: "ci-bot"}
	ok(tb, s.CreateToken(ctx, token))
	ok(tb, s.UpsertPerson(ctx, &hindsight.Person{Handle: "@alice", Name: "Alice Émile", Email: "alice@example.com",
		SlackID: "U024BE7LH", Team: "SRE", Source: hindsight.PersonFromConfig}))

	ok(tb, s.SaveImpact(ctx, &hindsight.ImpactRecord{IncidentID: inc.ID,
		Impact: sampleImpact(inc.StartedAt), Attempts: 1, NeedsRetry: true, RetryAfter: T0.Add(5 * time.Hour)}))

	detect, toResolve, better := 300.0, 5400.0, 100.0/3
	ok(tb, s.SaveFollowUp(ctx, &hindsight.FollowUp{IncidentID: inc.ID,
		Since: resolved, Until: resolved.AddDate(0, 0, 30),
		Similar: []hindsight.SimilarIncident{{ID: other.ID, Title: other.Title, StartedAt: other.StartedAt,
			Match: hindsight.MatchAlertName, TimeToDetect: &detect}},
		TimeToDetect: &detect, TimeToResolve: &toResolve, DetectionImprovement: &better,
		ActionsDone: 0, ActionsCounted: 1}))

	ok(tb, s.WithTx(ctx, func(tx hindsight.Services) error {
		return tx.SaveImportSource(ctx, &hindsight.ImportSource{IncidentID: inc.ID, Path: "postmortems/backup.md", SHA256: populatedSourceHash})
	}))

	rs := s
	sent := populatedReminder
	claimed, err := rs.ClaimReminder(ctx, &sent)
	ok(tb, err)
	if !claimed {
		tb.Fatal("ClaimReminder: not claimed in a new store")
	}
	ok(tb, rs.ConfirmReminder(ctx, &sent, T0.Add(time.Second)))
	held := &hindsight.ReminderClaim{Kind: hindsight.ReminderReviewNotSubmitted, Subject: inc.ID,
		Period: hindsight.WeekPeriod(T0), Channel: "smtp", Token: "sender-a", ClaimedAt: T0, LeaseUntil: T0.Add(5 * time.Minute)}
	if _, err := rs.ClaimReminder(ctx, held); err != nil {
		tb.Fatal(err)
	}

	change := populatedChange
	ok(tb, s.CreateChange(ctx, &change))
	as := s
	ok(tb, as.CreateAttachment(ctx, &hindsight.Attachment{IncidentID: inc.ID, Name: "graph.png", ContentType: "image/png", Data: populatedPNG}))
	ok(tb, as.CreateAttachment(ctx, &hindsight.Attachment{IncidentID: inc.ID, Name: "notes.png", ContentType: "text/html; charset=utf-8",
		Data: []byte("<html><script>alert(1)</script></html>")}))

	ok(tb, s.RecordAcknowledgement(ctx, &hindsight.Acknowledgement{
		IncidentID: inc.ID, Source: hindsight.PagingAlertmanager, Ref: "5f2c8e1a-silence", Actor: "Zoë", At: T0.Add(4 * time.Minute),
		Comment: "looking into it"}))

	cs := s
	first := &hindsight.Comment{IncidentID: inc.ID, Kind: hindsight.CommentRequestChanges, Section: "root_cause",
		Body: "Which change? @bob, please check — ünïcode **kept**"}
	ok(tb, cs.CreateComment(ctx, first))
	ok(tb, cs.CreateComment(ctx, &hindsight.Comment{IncidentID: inc.ID, Kind: hindsight.CommentNote, ParentID: first.ID, Body: "The deploy at 00:20."}))
	if _, err := cs.ResolveComment(ctx, first.ID, "alice"); err != nil {
		tb.Fatal(err)
	}
	ok(tb, s.QueuePersonEvent(ctx, &hindsight.PersonEvent{Kind: hindsight.EventMentioned,
		Recipient: "@bob", IncidentID: inc.ID, Title: "alice mentioned you", Lines: []string{"Comment: Which change?"}, Path: "/incidents/" + inc.ID}))
	ok(tb, s.SaveNotificationPrefs(ctx, &hindsight.NotificationPrefs{Handle: "@Bob", Email: true}))

	ok(tb, s.CreateSession(ctx, &hindsight.Session{Hash: populatedSessionHash,
		Identity: hindsight.Identity{Name: "token:ci", Role: hindsight.RoleAdmin, Method: "session"}, TokenID: token.ID,
		ExpiresAt: time.Now().Add(time.Hour)}))
	populateSlack(tb, s, inc.ID, paged.ID)
}
