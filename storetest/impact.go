package storetest

import (
	"bytes"
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// sampleImpact is an impact with one measured and one failed figure.
func sampleImpact(start time.Time) hindsight.Impact {
	end := start.Add(90 * time.Minute)
	imp := hindsight.Impact{Start: start, End: end, Step: 30 * time.Second, Targets: hindsight.DefaultSLOTargets()}
	imp.Availability = hindsight.Figure{Value: 97.5, Unit: hindsight.UnitPercent, Measured: true,
		Query: `sum(rate(errors[1h30m]))`, Start: start, End: end}
	imp.LatencyP95 = hindsight.NotMeasured(hindsight.UnitMilliseconds, "Prometheus did not answer within 10s")
	return imp
}

// Resolve marks inc resolved d after its start.
func Resolve(t testing.TB, s hindsight.Store, inc *hindsight.Incident, d time.Duration) {
	t.Helper()
	end := inc.StartedAt.Add(d)
	inc.Status, inc.ResolvedAt = hindsight.IncidentResolved, &end
	ok(t, s.UpdateIncident(context.Background(), inc, inc.Version))
}

func testImpacts(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	t.Run("SaveFind", func(t *testing.T) {
		s := open(t)
		inc := MustCreateIncident(t, s, NewIncident(0, "Impact"))
		wantCode(t, func() error { _, err := s.FindImpact(ctx, inc.ID); return err }(), hindsight.ENOTFOUND)
		retry := T0.Add(3 * time.Hour)
		r := &hindsight.ImpactRecord{IncidentID: inc.ID, Impact: sampleImpact(inc.StartedAt), Attempts: 1,
			NeedsRetry: true, RetryAfter: retry}
		ok(t, s.SaveImpact(ctx, r))
		got, err := s.FindImpact(ctx, inc.ID)
		ok(t, err)
		if jsonOf(t, got) != jsonOf(t, r) {
			t.Fatalf("FindImpact:\n got %s\nwant %s", jsonOf(t, got), jsonOf(t, r))
		}
		r.Attempts, r.NeedsRetry, r.RetryAfter = 2, false, time.Time{}
		ok(t, s.SaveImpact(ctx, r))
		got, err = s.FindImpact(ctx, inc.ID)
		ok(t, err)
		if got.Attempts != 2 || got.NeedsRetry || !got.RetryAfter.IsZero() {
			t.Fatalf("after replacing: %+v", got)
		}
		pm, err := s.FindPostmortem(ctx, inc.ID)
		ok(t, err)
		if pm.Impact == nil || !reflect.DeepEqual(pm.Impact.Availability, r.Impact.Availability) {
			t.Fatalf("FindPostmortem impact: %+v", pm.Impact)
		}
	})
	t.Run("ErrNoIncident", func(t *testing.T) {
		s := open(t)
		wantCode(t, s.SaveImpact(ctx, &hindsight.ImpactRecord{IncidentID: "INCIDENT-nope"}), hindsight.ENOTFOUND)
		wantCode(t, s.SaveImpact(ctx, &hindsight.ImpactRecord{}), hindsight.EINVALID)
	})
	t.Run("NeedingComputation", func(t *testing.T) { testImpactsNeeding(t, open) })
	t.Run("Backup", func(t *testing.T) { testImpactBackup(t, open) })
}

// testImpactsNeeding checks which incidents the worker picks up.
func testImpactsNeeding(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	s := open(t)
	open1 := MustCreateIncident(t, s, NewIncident(0, "StillOpen"))
	fresh := MustCreateIncident(t, s, NewIncident(1, "Fresh"))
	done := MustCreateIncident(t, s, NewIncident(2, "Done"))
	due := MustCreateIncident(t, s, NewIncident(3, "RetryDue"))
	later := MustCreateIncident(t, s, NewIncident(4, "RetryLater"))
	early := MustCreateIncident(t, s, NewIncident(5, "MeasuredWhileOpen"))
	ok(t, s.SaveImpact(ctx, &hindsight.ImpactRecord{IncidentID: early.ID, Impact: sampleImpact(early.StartedAt),
		Attempts: 1, ComputedAt: early.StartedAt.Add(10 * time.Minute)}))
	for _, inc := range []*hindsight.Incident{fresh, done, due, later, early} {
		Resolve(t, s, inc, time.Hour)
	}
	now := T0.Add(24 * time.Hour)
	save := func(inc *hindsight.Incident, retry bool, after time.Time) {
		ok(t, s.SaveImpact(ctx, &hindsight.ImpactRecord{IncidentID: inc.ID, Impact: sampleImpact(inc.StartedAt),
			Attempts: 1, NeedsRetry: retry, RetryAfter: after}))
	}
	save(done, false, time.Time{})
	save(due, true, now)
	save(later, true, now.Add(time.Minute))
	got, err := s.FindIncidentsNeedingImpact(ctx, now, 10)
	ok(t, err)
	want := []string{fresh.ID, due.ID, early.ID}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("FindIncidentsNeedingImpact = %v, want %v (open incident %s never)", got, want, open1.ID)
	}
	got, err = s.FindIncidentsNeedingImpact(ctx, now, 1)
	ok(t, err)
	if len(got) != 1 || got[0] != fresh.ID {
		t.Fatalf("limit 1: %v", got)
	}
}

// testImpactBackup checks that Export and Import keep impacts.
func testImpactBackup(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	src := open(t)
	inc := MustCreateIncident(t, src, NewIncident(0, "Backed"))
	Resolve(t, src, inc, time.Hour)
	ok(t, src.SaveImpact(ctx, &hindsight.ImpactRecord{IncidentID: inc.ID, Impact: sampleImpact(inc.StartedAt),
		Attempts: 2, NeedsRetry: true, RetryAfter: T0.Add(5 * time.Hour)}))
	var first bytes.Buffer
	ok(t, src.Export(ctx, &first))
	if !bytes.Contains(first.Bytes(), []byte(`"impacts":[`)) {
		t.Fatalf("export has no impacts table:\n%s", first.String())
	}
	dst := open(t)
	ok(t, dst.Import(ctx, bytes.NewReader(first.Bytes())))
	var second bytes.Buffer
	ok(t, dst.Export(ctx, &second))
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatalf("export after import differs:\n%s\n----\n%s", first.String(), second.String())
	}
	got, err := dst.FindImpact(ctx, inc.ID)
	ok(t, err)
	if got.Attempts != 2 || !got.NeedsRetry {
		t.Fatalf("imported impact: %+v", got)
	}
}
