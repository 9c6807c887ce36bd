package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// withAcks runs fn in a transaction of s, handing it the transaction twice:
// as every service, and as its acknowledgement service.
func withAcks(ctx context.Context, _ testing.TB, s hindsight.Store, fn func(hindsight.Services, hindsight.AcknowledgementService) error) error {
	return s.WithTx(ctx, func(tx hindsight.Services) error { return fn(tx, tx) })
}

func testAcknowledgements(t *testing.T, open OpenFunc) {
	ctx := as("pagerduty")
	s := open(t)
	open1, done := NewIncident(0, "Open"), NewIncident(1, "Done")
	open1.GroupKey = `{}:{alertname="Open"}`
	ok(t, s.CreateIncident(ctx, open1))
	resolved := T0.Add(3 * time.Hour)
	done.Status, done.ResolvedAt = hindsight.IncidentResolved, &resolved
	ok(t, s.CreateIncident(ctx, done))
	_, err := s.UpsertAlertState(ctx, &hindsight.AlertState{IncidentID: open1.ID, AlertKey: "fp1",
		Labels: map[string]string{"alertname": "Open", "région": "ü"}, Status: hindsight.AlertFiring, StartsAt: T0})
	ok(t, err)
	ack := func() *hindsight.Acknowledgement {
		return &hindsight.Acknowledgement{IncidentID: open1.ID, Source: hindsight.PagingPagerDuty, Ref: "PGR0VU2",
			Actor: "Tenex Engineer", At: T0.Add(4 * time.Minute), Comment: "on it"}
	}

	t.Run("RecordOnce", func(t *testing.T) {
		ok(t, withAcks(ctx, t, s, func(_ hindsight.Services, a hindsight.AcknowledgementService) error {
			return a.RecordAcknowledgement(ctx, ack())
		}))
		// The second is refused without aborting the transaction: what
		// follows in it still commits.
		err := withAcks(ctx, t, s, func(tx hindsight.Services, a hindsight.AcknowledgementService) error {
			wantCode(t, a.RecordAcknowledgement(ctx, ack()), hindsight.ECONFLICT)
			return tx.AddTimelineEvent(ctx, NewEvent(open1.ID, T0.Add(5*time.Minute), "after the conflict"))
		})
		ok(t, err)
		var got []*hindsight.Acknowledgement
		ok(t, withAcks(ctx, t, s, func(_ hindsight.Services, a hindsight.AcknowledgementService) (err error) {
			got, err = a.FindAcknowledgements(ctx, open1.ID)
			return err
		}))
		if len(got) != 1 || got[0].Actor != "Tenex Engineer" || !got[0].At.Equal(T0.Add(4*time.Minute)) || got[0].Comment != "on it" {
			t.Fatalf("acknowledgements %+v, want the one recorded", got)
		}
		pm, err := s.FindPostmortem(ctx, open1.ID)
		ok(t, err)
		if n := len(pm.Timeline); n != 1 {
			t.Fatalf("timeline has %d events, want the one added after the conflict", n)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		bad := ack()
		bad.Ref, bad.Source = "", "pager"
		ok(t, withAcks(ctx, t, s, func(_ hindsight.Services, a hindsight.AcknowledgementService) error {
			wantCode(t, a.RecordAcknowledgement(ctx, bad), hindsight.EINVALID)
			return nil
		}))
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		missing := ack()
		missing.IncidentID = "INCIDENT-nope"
		ok(t, withAcks(ctx, t, s, func(_ hindsight.Services, a hindsight.AcknowledgementService) error {
			wantCode(t, a.RecordAcknowledgement(ctx, missing), hindsight.ENOTFOUND)
			return nil
		}))
	})
	t.Run("FindPageableIncidents", func(t *testing.T) {
		var open, recent []*hindsight.PageableIncident
		ok(t, withAcks(ctx, t, s, func(_ hindsight.Services, a hindsight.AcknowledgementService) (err error) {
			if open, err = a.FindPageableIncidents(ctx, time.Time{}); err != nil {
				return err
			}
			recent, err = a.FindPageableIncidents(ctx, resolved)
			return err
		}))
		if len(open) != 1 || open[0].ID != open1.ID || len(open[0].Alerts) != 1 || open[0].Alerts[0].Labels["région"] != "ü" {
			t.Fatalf("open incidents %+v, want %s with its alert", open, open1.ID)
		}
		if !open[0].MatchesKey(hindsight.GroupKeyHash(open1.GroupKey)) || !open[0].MatchesKey("fp1") || open[0].MatchesKey("fp2") {
			t.Error("the open incident does not match its group key hash and fingerprint only")
		}
		if len(recent) != 2 || recent[1].ID != done.ID || len(recent[1].Alerts) != 0 {
			t.Fatalf("incidents resolved since %s: %+v, want both", resolved, recent)
		}
	})
}
