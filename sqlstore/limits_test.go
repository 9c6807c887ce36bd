package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/storetest"
)

// TestFindTokenByHash_UseThrottled: a token's last use is written at most
// once a minute, so a client's requests are reads, not writes.
func TestFindTokenByHash_UseThrottled(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		tok := &hindsight.APIToken{Name: "ci", Role: "viewer", Hash: "sha256:abc"}
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		use := func() time.Time {
			t.Helper()
			if _, err := s.FindTokenByHash(ctx, tok.Hash); err != nil {
				t.Fatal(err)
			}
			all, err := s.FindTokens(ctx)
			if err != nil || len(all) != 1 || all[0].LastUsedAt == nil {
				t.Fatalf("tokens %+v, %v", all, err)
			}
			return *all[0].LastUsedAt
		}
		first := use()
		for range 20 {
			now = now.Add(2 * time.Second)
			if got := use(); !got.Equal(first) {
				t.Fatalf("last use rewritten to %s within a minute of %s", got, first)
			}
		}
		now = first.Add(hindsight.TokenUseInterval)
		if got := use(); !got.Equal(now) {
			t.Fatalf("last use %s a minute later, want %s", got, now)
		}
	})
}

// TestWrites_UnstorableText: both engines refuse, with EINVALID, the text
// PostgreSQL cannot hold, whichever service it comes through; nothing is
// stored.
func TestWrites_UnstorableText(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		inc := storetest.NewIncident(0, "Base")
		storetest.MustCreateIncident(t, s, inc)
		cases := map[string]func() error{
			"incident title NUL": func() error {
				return s.CreateIncident(ctx, storetest.NewIncident(1, "Bad\x00title"))
			},
			"incident long title": func() error {
				return s.CreateIncident(ctx, storetest.NewIncident(2, strings.Repeat("t", 3000)))
			},
			"incident long group key": func() error {
				i := storetest.NewIncident(3, "GK")
				i.GroupKey = strings.Repeat("k", 3000)
				return s.CreateIncident(ctx, i)
			},
			"incident far start": func() error {
				i := storetest.NewIncident(4, "Far")
				i.StartedAt = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
				return s.CreateIncident(ctx, i)
			},
			"timeline NUL": func() error {
				return s.AddTimelineEvent(ctx, storetest.NewEvent(inc.ID, inc.StartedAt, "a\x00b"))
			},
			"timeline far time": func() error {
				return s.AddTimelineEvent(ctx, storetest.NewEvent(inc.ID, time.Date(9999, 12, 1, 0, 0, 0, 0, time.UTC), "x"))
			},
			"action far due date": func() error {
				return s.CreateActionItem(ctx, storetest.NewAction(inc.ID, "Fix", "@a", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)))
			},
			"action invalid UTF-8 owner": func() error {
				return s.CreateActionItem(ctx, storetest.NewAction(inc.ID, "Fix", "@\xff", inc.StartedAt))
			},
		}
		for name, write := range cases {
			if err := write(); hindsight.ErrorCode(err) != hindsight.EINVALID {
				t.Errorf("%s: %v, want EINVALID", name, err)
			}
		}
		pm, err := s.FindPostmortem(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(pm.Timeline) != 0 || len(pm.Actions) != 0 {
			t.Errorf("refused writes stored: %d events, %d actions", len(pm.Timeline), len(pm.Actions))
		}
		_, n, err := s.FindIncidents(ctx, hindsight.IncidentFilter{})
		if err != nil || n != 1 {
			t.Errorf("%d incidents (%v), want only the first", n, err)
		}
	})
}
