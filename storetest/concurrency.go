package storetest

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// workers is how many goroutines race in the concurrency tests.
const workers = 8

func testConcurrency(t *testing.T, open OpenFunc) {
	t.Run("AppendEvents", func(t *testing.T) {
		s := open(t)
		inc := MustCreateIncident(t, s, NewIncident(0, "Busy"))
		const each = 10
		runWorkers(t, func(w int) error {
			for i := 0; i < each; i++ {
				ev := NewEvent(inc.ID, T0.Add(time.Duration(w*each+i)*time.Second), fmt.Sprintf("w%d-%d", w, i))
				if err := s.AddTimelineEvent(context.Background(), ev); err != nil {
					return err
				}
			}
			return nil
		})
		got, err := s.FindTimeline(context.Background(), inc.ID)
		ok(t, err)
		if len(got) != workers*each {
			t.Fatalf("timeline has %d events, want %d", len(got), workers*each)
		}
		res, n, err := s.Search(context.Background(), hindsight.SearchQuery{Text: "w3"})
		ok(t, err)
		if n != 1 || len(res) != 1 {
			t.Fatalf("search index lost events: %d results", n)
		}
	})
	t.Run("UpdateSameIncident", func(t *testing.T) {
		s := open(t)
		inc := MustCreateIncident(t, s, NewIncident(0, "Contended"))
		runWorkers(t, func(w int) error { return addLabel(s, inc.ID, fmt.Sprintf("w%d", w)) })
		got, err := s.FindIncidentByID(context.Background(), inc.ID)
		ok(t, err)
		if got.Version != 1+workers || len(got.Labels) != 2+workers {
			t.Fatalf("version %d, labels %v: updates were lost", got.Version, got.Labels)
		}
	})
	t.Run("DuplicateNotifications", func(t *testing.T) {
		s := open(t)
		var mu sync.Mutex
		recorded := 0
		runWorkers(t, func(w int) error {
			err := s.RecordNotification(context.Background(), &hindsight.AlertNotification{Fingerprint: "same", ReceivedAt: T0})
			if hindsight.ErrorCode(err) == hindsight.ECONFLICT {
				return nil
			}
			mu.Lock()
			recorded++
			mu.Unlock()
			return err
		})
		if recorded != 1 {
			t.Fatalf("recorded %d times, want 1", recorded)
		}
	})
}

// addLabel is a read-modify-write that retries on a stale version, as a
// client of the API would.
func addLabel(s hindsight.Store, id, key string) error {
	for attempt := 0; attempt < 100; attempt++ {
		inc, err := s.FindIncidentByID(context.Background(), id)
		if err != nil {
			return err
		}
		inc.Labels[key] = "1"
		err = s.UpdateIncident(hindsight.NewContextWithActor(context.Background(), key), inc, inc.Version)
		if hindsight.ErrorCode(err) != hindsight.ECONFLICT {
			return err
		}
	}
	return fmt.Errorf("%s: too many conflicts", key)
}

func runWorkers(t *testing.T, fn func(w int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			errs <- fn(w)
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		ok(t, err)
	}
}

func testBackup(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	src := open(t)
	Populate(t, src)
	var first bytes.Buffer
	ok(t, src.Export(ctx, &first))
	t.Run("ErrNotEmpty", func(t *testing.T) {
		wantCode(t, src.Import(ctx, bytes.NewReader(first.Bytes())), hindsight.ECONFLICT)
	})
	t.Run("ErrNotABackup", func(t *testing.T) {
		wantCode(t, open(t).Import(ctx, bytes.NewReader([]byte(`{"format":"other"}`))), hindsight.EINVALID)
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
		// IDs continue after the imported ones.
		ev := NewEvent(got[0].IncidentID, T0, "after import")
		ok(t, dst.AddTimelineEvent(ctx, ev))
	})
}

// Populate fills s with a little of everything, for backup tests.
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
	ok(tb, s.CreateDocument(ctx, doc))
	ok(tb, s.AddTimelineEvent(ctx, NewEvent(inc.ID, T0.Add(time.Minute), "paged")))
	ok(tb, s.CreateActionItem(ctx, NewAction(inc.ID, "Fix rotation", "@ops", T0.AddDate(0, 0, 7))))
	signed := T0.Add(72 * time.Hour)
	ok(tb, s.CreateSignOff(ctx, &hindsight.SignOff{IncidentID: inc.ID, Role: hindsight.RoleAuthor, Signer: "@alice", SignedAt: &signed}))
	other := NewIncident(5, "Second", "db", "api")
	other.Labels, other.Links, other.Regions = nil, nil, []string{}
	ok(tb, s.CreateIncident(ctx, other))
	n := &hindsight.AlertNotification{Fingerprint: "fp", GroupKey: "g", Body: []byte("{\"raw\":\"\xff\"}"), ReceivedAt: T0}
	ok(tb, s.RecordNotification(ctx, n))
	ok(tb, s.AttachNotification(ctx, n.ID, inc.ID))
	_, err := s.UpsertAlertState(ctx, &hindsight.AlertState{IncidentID: inc.ID, AlertKey: "k", Status: hindsight.AlertFiring, StartsAt: T0})
	ok(tb, err)
	ok(tb, s.CreateToken(ctx, &hindsight.APIToken{Name: "ci", Role: "admin", Hash: "sha256:1"}))
}
