package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

func testSearch(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	s := open(t)
	pool := NewIncident(0, "Database pool exhausted", "db")
	pool.Summary = "Connection pool exhausted on the primary database"
	MustCreateIncident(t, s, pool)
	other := NewIncident(1, "HighLatency", "api")
	other.Summary = "Slow responses"
	MustCreateIncident(t, s, other)
	ok(t, s.AddTimelineEvent(ctx, NewEvent(other.ID, other.StartedAt, "<script>alert(1)</script> checked the database pool <img src=x onerror=alert(2)>")))
	narr := NewIncident(2, "DiskFull", "storage")
	MustCreateIncident(t, s, narr)
	doc := newDocument(narr.ID)
	doc.Narrative.RootCause = "Log rotation stopped after the kernel upgrade"
	ok(t, s.CreateDocument(ctx, doc))
	act := NewIncident(3, "CertExpired", "edge")
	MustCreateIncident(t, s, act)
	ok(t, s.CreateActionItem(ctx, NewAction(act.ID, "Automate certificate renewal", "@sec", act.StartedAt)))

	t.Run("RankedTitleFirst", func(t *testing.T) {
		got, n, err := s.Search(ctx, hindsight.SearchQuery{Text: "database pool"})
		ok(t, err)
		if n != 2 || len(got) != 2 || got[0].IncidentID != pool.ID || got[0].Rank < got[1].Rank {
			t.Fatalf("results = %s (total %d)", jsonOf(t, got), n)
		}
		if !strings.Contains(got[0].Snippet, "<mark>") {
			t.Fatalf("snippet %q has no <mark>", got[0].Snippet)
		}
	})
	t.Run("SnippetEscaped", func(t *testing.T) {
		got, _, err := s.Search(ctx, hindsight.SearchQuery{Text: "checked"})
		ok(t, err)
		bare := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(got[0].Snippet)
		if len(got) != 1 || strings.ContainsAny(bare, "<>") || !strings.Contains(got[0].Snippet, "<mark>") {
			t.Fatalf("snippet not escaped: %s", jsonOf(t, got))
		}
	})
	for _, tt := range []struct{ name, text, want string }{
		{"Narrative", "rotation kernel", narr.ID},
		{"ActionItem", "renewal", act.ID},
		{"Stemmed", "exhausting", pool.ID},
		{"OperatorsInert", `"pool*" -( ^:`, pool.ID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := s.Search(ctx, hindsight.SearchQuery{Text: tt.text})
			ok(t, err)
			if len(got) == 0 || got[0].IncidentID != tt.want {
				t.Fatalf("search %q = %s, want %s first", tt.text, jsonOf(t, got), tt.want)
			}
		})
	}
	t.Run("Filters", func(t *testing.T) {
		for _, f := range []hindsight.IncidentFilter{
			{Service: "api"},
			{StartedFrom: T0.Add(30 * time.Minute)},
		} {
			got, n, err := s.Search(ctx, hindsight.SearchQuery{Text: "database", IncidentFilter: f})
			ok(t, err)
			if n != 1 || got[0].IncidentID != other.ID {
				t.Fatalf("filter %+v: %+v", f, got)
			}
		}
		got, n, err := s.Search(ctx, hindsight.SearchQuery{Text: "database", IncidentFilter: hindsight.IncidentFilter{Severity: hindsight.SEV5}})
		ok(t, err)
		if n != 0 || len(got) != 0 {
			t.Fatalf("severity filter: %+v", got)
		}
	})
	t.Run("Paginated", func(t *testing.T) {
		got, n, err := s.Search(ctx, hindsight.SearchQuery{Text: "database", IncidentFilter: hindsight.IncidentFilter{Page: hindsight.Page{Offset: 1, Limit: 1}}})
		ok(t, err)
		if n != 2 || len(got) != 1 || got[0].IncidentID != other.ID {
			t.Fatalf("page 2: %s (total %d)", jsonOf(t, got), n)
		}
	})
	t.Run("IndexFollowsUpdates", func(t *testing.T) {
		other.Title = "Zeppelin outage"
		ok(t, s.UpdateIncident(ctx, other, other.Version))
		got, _, err := s.Search(ctx, hindsight.SearchQuery{Text: "zeppelin"})
		ok(t, err)
		if len(got) != 1 || got[0].IncidentID != other.ID {
			t.Fatalf("after update: %+v", got)
		}
	})
	t.Run("ErrEmpty", func(t *testing.T) {
		_, _, err := s.Search(ctx, hindsight.SearchQuery{Text: "  \"  "})
		wantFields(t, err, "text")
	})
}

func testAlerts(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	s := open(t)
	n := &hindsight.AlertNotification{Fingerprint: "fp-1", GroupKey: "{}:{alertname=\"X\"}", Body: []byte(`{"status":"firing"}`), ReceivedAt: T0}
	ok(t, s.RecordNotification(ctx, n))
	t.Run("ErrDuplicate", func(t *testing.T) {
		e := wantCode(t, s.RecordNotification(ctx, &hindsight.AlertNotification{Fingerprint: "fp-1", ReceivedAt: T0}), hindsight.ECONFLICT)
		if !strings.Contains(e.Message, "duplicate") {
			t.Fatalf("message %q", e.Message)
		}
	})
	t.Run("DuplicateRollsBackTx", func(t *testing.T) {
		err := s.WithTx(ctx, func(tx hindsight.Services) error {
			if err := tx.CreateIncident(ctx, NewIncident(9, "ShouldNotExist")); err != nil {
				return err
			}
			return tx.RecordNotification(ctx, &hindsight.AlertNotification{Fingerprint: "fp-1", ReceivedAt: T0})
		})
		wantCode(t, err, hindsight.ECONFLICT)
		_, err = s.FindIncidentByID(ctx, NewIncident(9, "ShouldNotExist").ID)
		wantCode(t, err, hindsight.ENOTFOUND)
	})
	inc := NewIncident(0, "X")
	inc.GroupKey = n.GroupKey
	MustCreateIncident(t, s, inc)
	ok(t, s.RecordNotification(ctx, &hindsight.AlertNotification{Fingerprint: "fp-x", GroupKey: n.GroupKey, ReceivedAt: T0.Add(72 * time.Hour), IncidentID: inc.ID}))
	groupsWith := func(t *testing.T) {
		t.Helper()
		with, err := s.AlertGroupsWithIncidents(ctx, "{}:{alertname=\"Y\"}", n.GroupKey, "", n.GroupKey)
		ok(t, err)
		if !maps.Equal(with, map[string]bool{n.GroupKey: true}) {
			t.Fatalf("groups with incidents: %v", with)
		}
	}
	t.Run("RecordedNotifications", func(t *testing.T) {
		found, err := s.RecordedNotifications(ctx, "fp-x", "fp-none", "fp-1", "fp-x")
		ok(t, err)
		if !maps.Equal(found, map[string]bool{"fp-1": true, "fp-x": true}) {
			t.Fatalf("recorded: %v", found)
		}
	})
	t.Run("FindOpenByGroupKey", func(t *testing.T) {
		groupsWith(t)
		got, err := s.FindOpenIncidentByGroupKey(ctx, n.GroupKey, time.Time{})
		ok(t, err)
		if got.ID != inc.ID {
			t.Fatalf("got %s", got.ID)
		}
		resolved := T0.Add(time.Hour)
		inc.Status, inc.ResolvedAt = hindsight.IncidentResolved, &resolved
		ok(t, s.UpdateIncident(ctx, inc, inc.Version))
		_, err = s.FindOpenIncidentByGroupKey(ctx, n.GroupKey, time.Time{})
		wantCode(t, err, hindsight.ENOTFOUND)
		got, err = s.FindOpenIncidentByGroupKey(ctx, n.GroupKey, resolved.Add(-time.Minute))
		ok(t, err)
		if got.ID != inc.ID {
			t.Fatalf("reopen window: got %s", got.ID)
		}
		groupsWith(t) // resolved, it still counts
	})
	t.Run("UpsertAlertState", func(t *testing.T) {
		a := &hindsight.AlertState{IncidentID: inc.ID, AlertKey: "abc", Labels: map[string]string{"job": "api"}, Status: hindsight.AlertFiring, StartsAt: T0}
		for i, want := range []bool{true, false} {
			changed, err := s.UpsertAlertState(ctx, a)
			ok(t, err)
			if changed != want {
				t.Fatalf("upsert %d: changed %v, want %v", i, changed, want)
			}
		}
		end := T0.Add(time.Hour)
		a.Status, a.EndsAt = hindsight.AlertResolved, &end
		changed, err := s.UpsertAlertState(ctx, a)
		ok(t, err)
		states, err := s.FindAlertStates(ctx, inc.ID)
		ok(t, err)
		if !changed || len(states) != 1 || states[0].Status != hindsight.AlertResolved || !states[0].EndsAt.Equal(end) {
			t.Fatalf("changed %v, states %+v", changed, states)
		}
		_, err = s.UpsertAlertState(ctx, &hindsight.AlertState{IncidentID: inc.ID})
		wantFields(t, err, "alert_key", "starts_at", "status")
	})
	t.Run("UpsertAlertStatesNewIncident", func(t *testing.T) {
		// An incident created in the same transaction: its first states are
		// inserted, later ones (a key repeated in the call, a second call)
		// update them.
		fresh := NewIncident(8, "Fresh")
		st := func(key string, status hindsight.AlertStatus) *hindsight.AlertState {
			return &hindsight.AlertState{IncidentID: fresh.ID, AlertKey: key, Status: status, StartsAt: T0}
		}
		var first, second []bool
		ok(t, s.WithTx(ctx, func(tx hindsight.Services) error {
			if err := tx.CreateIncident(ctx, fresh); err != nil {
				return err
			}
			var err error
			w := tx.(hindsight.AlertBatchWriter)
			if first, err = w.UpsertAlertStates(ctx, []*hindsight.AlertState{st("a", hindsight.AlertFiring),
				st("b", hindsight.AlertFiring), st("a", hindsight.AlertFiring), st("a", hindsight.AlertResolved)}); err != nil {
				return err
			}
			second, err = w.UpsertAlertStates(ctx, []*hindsight.AlertState{st("b", hindsight.AlertFiring), st("c", hindsight.AlertFiring)})
			return err
		}))
		if !slices.Equal(first, []bool{true, true, false, true}) || !slices.Equal(second, []bool{false, true}) {
			t.Fatalf("changed %v then %v", first, second)
		}
		states, err := s.FindAlertStates(ctx, fresh.ID)
		ok(t, err)
		var got []string
		for _, a := range states {
			got = append(got, a.AlertKey+"="+string(a.Status))
		}
		if want := []string{"a=resolved", "b=firing", "c=firing"}; !slices.Equal(got, want) {
			t.Fatalf("states %v, want %v", got, want)
		}
	})
	t.Run("DeferWrites", func(t *testing.T) {
		// A deferring transaction holds its new incidents' rows until a
		// statement needs them: what it reads sees them, a savepoint that
		// rolls back drops only its own (even written inside it), and the
		// commit writes the rest.
		kept, dropped := NewIncident(9, "Held", "api", "db"), NewIncident(10, "Dropped")
		event := func(inc *hindsight.Incident, what string) *hindsight.TimelineEvent {
			return &hindsight.TimelineEvent{IncidentID: inc.ID, Time: inc.StartedAt, Type: hindsight.EventAlertFired, Event: what, Actor: "System"}
		}
		opened := func(tx hindsight.Services, inc *hindsight.Incident, events ...*hindsight.TimelineEvent) error {
			if err := tx.CreateIncident(ctx, inc); err != nil {
				return err
			}
			if err := tx.CreateDocument(ctx, newDocument(inc.ID)); err != nil {
				return err
			}
			w := tx.(hindsight.AlertBatchWriter)
			if _, err := w.UpsertAlertStates(ctx, []*hindsight.AlertState{{IncidentID: inc.ID, AlertKey: "k", Status: hindsight.AlertFiring, StartsAt: inc.StartedAt}}); err != nil {
				return err
			}
			return w.AddTimelineEvents(ctx, events)
		}
		first, second := event(kept, "Initial trigger"), event(kept, "Alert firing")
		rolledBack := errors.New("rolled back")
		ok(t, s.WithTx(ctx, func(tx hindsight.Services) error {
			tx.DeferWrites()
			if err := opened(tx, kept, first, second); err != nil {
				return err
			}
			if first.ID != 0 || second.ID != 0 {
				t.Errorf("held events got IDs %d, %d", first.ID, second.ID)
			}
			err := tx.Savepoint(ctx, func(tx hindsight.Services) error {
				if err := opened(tx, dropped, event(dropped, "Initial trigger")); err != nil {
					return err
				}
				// A read writes every held row, the kept incident's too,
				// inside the savepoint that then rolls back.
				if _, err := tx.FindDocument(ctx, dropped.ID); err != nil {
					return err
				}
				return rolledBack
			})
			if !errors.Is(err, rolledBack) {
				return fmt.Errorf("savepoint: %v", err)
			}
			if _, err := tx.FindIncidentByID(ctx, dropped.ID); hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
				return fmt.Errorf("the rolled back incident: %v", err)
			}
			return nil
		}))
		if _, err := s.FindIncidentByID(ctx, dropped.ID); hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
			t.Fatalf("the rolled back incident after the commit: %v", err)
		}
		doc, err := s.FindDocument(ctx, kept.ID)
		ok(t, err)
		states, err := s.FindAlertStates(ctx, kept.ID)
		ok(t, err)
		events, err := s.FindTimeline(ctx, kept.ID)
		ok(t, err)
		if doc.Version != 1 || len(states) != 1 || len(events) != 2 || events[0].Event != "Initial trigger" || events[0].ID >= events[1].ID {
			t.Fatalf("held rows after the commit: document %+v, %d states, events %+v", doc, len(states), events)
		}
		for _, svc := range []string{"api", "db"} {
			found, _, err := s.FindIncidents(ctx, hindsight.IncidentFilter{Service: svc})
			ok(t, err)
			if !slices.ContainsFunc(found, func(i *hindsight.Incident) bool { return i.ID == kept.ID }) {
				t.Errorf("service %s does not find the incident", svc)
			}
		}

		// A held row the database refuses (a second draft) fails the
		// transaction when it is written, and nothing of it is kept; not
		// deferring, the call itself fails.
		twice := NewIncident(11, "Twice")
		for _, deferring := range []bool{true, false} {
			var second error
			err := s.WithTx(ctx, func(tx hindsight.Services) error {
				if deferring {
					tx.DeferWrites()
				}
				if err := tx.CreateIncident(ctx, twice); err != nil {
					return err
				}
				if err := tx.CreateDocument(ctx, newDocument(twice.ID)); err != nil {
					return err
				}
				second = tx.CreateDocument(ctx, newDocument(twice.ID))
				if deferring {
					return nil
				}
				return second
			})
			if deferring {
				ok(t, second)
			}
			wantCode(t, err, hindsight.ECONFLICT)
			if _, err := s.FindIncidentByID(ctx, twice.ID); hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
				t.Errorf("deferring %v: the refused transaction's incident: %v", deferring, err)
			}
		}
	})
	t.Run("Prune", func(t *testing.T) {
		ok(t, s.RecordNotification(ctx, &hindsight.AlertNotification{Fingerprint: "fp-2", ReceivedAt: T0.Add(48 * time.Hour)}))
		n, err := s.PruneNotifications(ctx, T0.Add(24*time.Hour))
		ok(t, err)
		if n != 1 {
			t.Fatalf("pruned %d, want 1", n)
		}
		ok(t, s.RecordNotification(ctx, &hindsight.AlertNotification{Fingerprint: "fp-1", ReceivedAt: T0}))
	})
}

func testTokens(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	s := open(t)
	tok := &hindsight.APIToken{Name: "ci", Role: "editor", Hash: "sha256:abc"}
	ok(t, s.CreateToken(ctx, tok))
	wantCode(t, s.CreateToken(ctx, &hindsight.APIToken{Name: "ci", Role: "viewer", Hash: "sha256:def"}), hindsight.ECONFLICT)
	wantFields(t, s.CreateToken(ctx, &hindsight.APIToken{}), "hash", "name", "role")
	got, err := s.FindTokenByHash(ctx, "sha256:abc")
	ok(t, err)
	if got.ID != tok.ID || got.LastUsedAt == nil {
		t.Fatalf("token = %+v", got)
	}
	_, err = s.FindTokenByHash(ctx, "sha256:nope")
	wantCode(t, err, hindsight.ENOTFOUND)
	ok(t, s.DeleteToken(ctx, tok.ID))
	wantCode(t, s.DeleteToken(ctx, tok.ID), hindsight.ENOTFOUND)

	// Expiry and creator: kept as given; an expired token is refused
	// saying so, and its use is not recorded.
	past, future := T0, time.Now().AddDate(1, 0, 0).UTC().Truncate(time.Microsecond)
	old := &hindsight.APIToken{Name: "old", Role: "viewer", Hash: "sha256:old", ExpiresAt: &past, CreatedBy: "@admin"}
	ok(t, s.CreateToken(ctx, old))
	_, err = s.FindTokenByHash(ctx, "sha256:old")
	wantCode(t, err, hindsight.EUNAUTHORIZED)
	if err == nil || !strings.Contains(err.Error(), `"old" expired at`) {
		t.Fatalf("expired token: %v", err)
	}
	live := &hindsight.APIToken{Name: "live", Role: "viewer", Hash: "sha256:live", ExpiresAt: &future, CreatedBy: "cli:ops"}
	ok(t, s.CreateToken(ctx, live))
	got, err = s.FindTokenByHash(ctx, "sha256:live")
	ok(t, err)
	if got.ExpiresAt == nil || !got.ExpiresAt.Equal(future) || got.CreatedBy != "cli:ops" {
		t.Fatalf("live token = %+v", got)
	}
	all, err := s.FindTokens(ctx)
	ok(t, err)
	if len(all) != 2 || all[1].Name != "old" || all[1].LastUsedAt != nil {
		t.Fatalf("tokens = %+v, want live and old, old never used", all)
	}
}

// testSearchBounds: a query's cost is bounded by its distinct words, a
// query past the limit is refused naming the field, a page past the last
// is empty with the right total (PostgreSQL once failed it), and a read
// whose caller has gone stops with a transient error.
func testSearchBounds(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	s := open(t)
	for i := range 3 {
		inc := NewIncident(i, fmt.Sprintf("Database pool exhausted %d", i), "db")
		MustCreateIncident(t, s, inc)
	}
	t.Run("RepeatedWordsOnce", func(t *testing.T) {
		got, n, err := s.Search(ctx, hindsight.SearchQuery{Text: strings.Repeat("database ", hindsight.MaxSearchBytes/len("database "))})
		ok(t, err)
		if n != 3 || len(got) != 3 {
			t.Fatalf("repeated words: %d results (total %d), want 3", len(got), n)
		}
	})
	t.Run("ErrTooManyWords", func(t *testing.T) {
		words := make([]string, hindsight.MaxSearchTerms+1)
		for i := range words {
			words[i] = fmt.Sprintf("w%d", i)
		}
		_, _, err := s.Search(ctx, hindsight.SearchQuery{Text: strings.Join(words, " ")})
		wantFields(t, err, "text")
	})
	t.Run("ErrTooLong", func(t *testing.T) {
		_, _, err := s.Search(ctx, hindsight.SearchQuery{Text: strings.Repeat("database ", 2000)})
		wantFields(t, err, "text")
	})
	t.Run("PastLastPage", func(t *testing.T) {
		for _, offset := range []int{3, 50, 5000} {
			got, n, err := s.Search(ctx, hindsight.SearchQuery{Text: "database",
				IncidentFilter: hindsight.IncidentFilter{Page: hindsight.Page{Offset: offset, Limit: 20}}})
			ok(t, err)
			if n != 3 || len(got) != 0 {
				t.Fatalf("offset %d: %d results, total %d; want none of 3", offset, len(got), n)
			}
		}
	})
	t.Run("CallerGone", func(t *testing.T) {
		gone, cancel := context.WithCancel(ctx)
		cancel()
		_, _, err := s.Search(gone, hindsight.SearchQuery{Text: "database pool"})
		wantCode(t, err, hindsight.EUNAVAILABLE)
	})
}
