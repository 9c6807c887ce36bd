package paging_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/paging"
)

// clockAt is the tests' clock: after the fixture's alert (05:35:29) and
// the vendors' acknowledgements.
var clockAt = time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)

// documentedKey and documentedAlias are the keys the vendors' published
// payloads carry; they match no incident.
const (
	documentedKey   = "d3640fbd41094207a1c11e58e46b1662"
	documentedAlias = "aliastest"
)

// fixtureGroupKey is the group key of 0-single-alert-firing.json.
const fixtureGroupKey = `{}:{alertname="HighAPIErrorRate"}`

// signPagerDuty signs body as PagerDuty documents: "v1=" and the hex
// HMAC-SHA256 of the raw body under the subscription's secret.
func signPagerDuty(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}

func TestPagerDutyWebhook(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, testenv.NewClock(clockAt).Now)
		incident := e.ingest(t, testdata(t, "alertmanager", "0-single-alert-firing.json"))
		published := testdata(t, "paging", "pagerduty-incident-acknowledged.json")
		matched := replace(t, published, documentedKey, hindsight.GroupKeyHash(fixtureGroupKey))

		t.Run("BadSignature", func(t *testing.T) {
			for name, sig := range map[string]string{
				"none":        "",
				"wrong":       signPagerDuty("another secret", matched),
				"other body":  signPagerDuty(pagerDutySecret, published),
				"not v1":      strings.Replace(signPagerDuty(pagerDutySecret, matched), "v1=", "v0=", 1),
				"bare digest": strings.TrimPrefix(signPagerDuty(pagerDutySecret, matched), "v1="),
			} {
				status, res := e.post(t, "/api/v1/paging/pagerduty", matched, map[string]string{"X-PagerDuty-Signature": sig})
				if status != http.StatusUnauthorized || res["error"] == nil {
					t.Errorf("%s signature: %d %v, want 401 with an error", name, status, res)
				}
			}
			if got := e.acknowledged(t, incident); len(got) != 0 {
				t.Errorf("refused webhooks stored %d acknowledged events", len(got))
			}
			if acks, _ := e.store.FindAcknowledgements(context.Background(), incident); len(acks) != 0 {
				t.Errorf("refused webhooks stored %d acknowledgements", len(acks))
			}
		})
		t.Run("Unmatched", func(t *testing.T) {
			status, res := e.post(t, "/api/v1/paging/pagerduty", published,
				map[string]string{"X-PagerDuty-Signature": signPagerDuty(pagerDutySecret, published)})
			if status != http.StatusAccepted || res["status"] != "ignored" {
				t.Fatalf("unmatched: %d %v, want 202 ignored", status, res)
			}
			if got := e.acknowledged(t, incident); len(got) != 0 {
				t.Errorf("an unmatched webhook stored %d acknowledged events", len(got))
			}
			if !strings.Contains(e.logs.String(), "ref=PGR0VU2") || !strings.Contains(e.logs.String(), "matches no incident") {
				t.Errorf("the unmatched webhook is not logged:\n%s", e.logs.String())
			}
		})
		t.Run("Matched", func(t *testing.T) {
			// Two signatures, as during a secret rotation: one valid is enough.
			sig := signPagerDuty("the old secret", matched) + "," + signPagerDuty(pagerDutySecret, matched)
			for i := 0; i < 2; i++ { // PagerDuty retries: the second is a repeat
				status, res := e.post(t, "/api/v1/paging/pagerduty", matched, map[string]string{"X-PagerDuty-Signature": sig})
				want := float64(1 - i)
				if status != http.StatusOK || res["recorded"] != want || !equalIDs(res["incidents"], incident) {
					t.Fatalf("delivery %d: %d %v, want 200 recording %v on %s", i+1, status, res, want, incident)
				}
			}
			resolved := replace(t, testdata(t, "paging", "pagerduty-incident-resolved.json"), documentedKey, hindsight.GroupKeyHash(fixtureGroupKey))
			if status, res := e.post(t, "/api/v1/paging/pagerduty", resolved,
				map[string]string{"X-PagerDuty-Signature": signPagerDuty(pagerDutySecret, resolved)}); status != http.StatusOK || res["recorded"] != 0.0 {
				t.Errorf("resolution after the acknowledgement: %d %v, want 200 recording nothing", status, res)
			}
			got := e.acknowledged(t, incident)
			if len(got) != 1 {
				t.Fatalf("%d acknowledged events, want 1: %+v", len(got), got)
			}
			ev := got[0]
			at := time.Date(2026, 11, 27, 5, 39, 12, 169000000, time.UTC)
			if !ev.Time.Equal(at) || ev.Actor != "Tenex Engineer" || ev.Source != "pagerduty" ||
				!strings.Contains(ev.Action, "Acknowledged in PagerDuty by Tenex Engineer") {
				t.Errorf("event %+v, want Tenex Engineer at %s from pagerduty", ev, at)
			}
			checkTimeToAcknowledge(t, e, incident, at)
		})
	})
}

func TestPagerDutyWebhook_ResolvedOnly(t *testing.T) {
	e := newEnv(t, teststore.SQLiteDSN(t), testenv.NewClock(clockAt).Now)
	incident := e.ingest(t, testdata(t, "alertmanager", "0-single-alert-firing.json"))
	byService := replace(t, testdata(t, "paging", "pagerduty-incident-resolved-by-service.json"), documentedKey, hindsight.GroupKeyHash(fixtureGroupKey))
	status, res := e.post(t, "/api/v1/paging/pagerduty", byService, map[string]string{"X-PagerDuty-Signature": signPagerDuty(pagerDutySecret, byService)})
	if status != http.StatusAccepted || len(e.acknowledged(t, incident)) != 0 {
		t.Fatalf("resolved by the service: %d %v, want 202 and no event", status, res)
	}
	byPerson := replace(t, testdata(t, "paging", "pagerduty-incident-resolved.json"), documentedKey, hindsight.GroupKeyHash(fixtureGroupKey))
	status, res = e.post(t, "/api/v1/paging/pagerduty", byPerson, map[string]string{"X-PagerDuty-Signature": signPagerDuty(pagerDutySecret, byPerson)})
	got := e.acknowledged(t, incident)
	if status != http.StatusOK || len(got) != 1 || !strings.Contains(got[0].Action, "Resolved in PagerDuty by Tenex Engineer") {
		t.Fatalf("resolved by a person, never acknowledged: %d %v, events %+v; want one acknowledged event", status, res, got)
	}
}

func TestOpsgenieWebhook(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, testenv.NewClock(clockAt).Now)
		incident := e.ingest(t, testdata(t, "alertmanager", "0-single-alert-firing.json"))
		published := testdata(t, "paging", "opsgenie-acknowledge.json")
		// The alias Alertmanager's Opsgenie integration sets, and a time in
		// the incident, in the payload's own nanoseconds.
		at := time.Date(2026, 11, 27, 5, 41, 2, 500000000, time.UTC)
		matched := replace(t, published, `"aliastest"`, `"`+hindsight.GroupKeyHash(fixtureGroupKey)+`"`)
		matched = replace(t, matched, "1420452224764002246", itoa(at.UnixNano()))
		bearer := map[string]string{"Authorization": "Bearer " + opsgenieToken}

		for name, h := range map[string]map[string]string{
			"none": nil, "wrong": {"Authorization": "Bearer nope"}, "basic": {"Authorization": "Basic " + opsgenieToken},
		} {
			if status, _ := e.post(t, "/api/v1/paging/opsgenie", matched, h); status != http.StatusUnauthorized {
				t.Errorf("%s credentials: %d, want 401", name, status)
			}
		}
		if status, res := e.post(t, "/api/v1/paging/opsgenie", published, bearer); status != http.StatusAccepted || res["status"] != "ignored" {
			t.Errorf("unmatched: %d %v, want 202 ignored", status, res)
		}
		if len(e.acknowledged(t, incident)) != 0 {
			t.Fatal("refused or unmatched webhooks stored an acknowledged event")
		}
		closed := replace(t, matched, `"Acknowledge"`, `"Close"`)
		closed = replace(t, closed, `"type": "web"`, `"type": "API"`)
		if status, res := e.post(t, "/api/v1/paging/opsgenie", closed, bearer); status != http.StatusAccepted {
			t.Errorf("closed through the Alert API: %d %v, want 202", status, res)
		}
		for i := 0; i < 2; i++ {
			status, res := e.post(t, "/api/v1/paging/opsgenie", matched, bearer)
			if status != http.StatusOK || res["recorded"] != float64(1-i) {
				t.Fatalf("delivery %d: %d %v", i+1, status, res)
			}
		}
		got := e.acknowledged(t, incident)
		if len(got) != 1 || !got[0].Time.Equal(at.Truncate(time.Microsecond)) || got[0].Actor != "fili@ifountain.com" || got[0].Source != "opsgenie" {
			t.Fatalf("events %+v, want one by fili@ifountain.com at %s", got, at)
		}
		checkTimeToAcknowledge(t, e, incident, at.Truncate(time.Microsecond))
	})
}

// checkTimeToAcknowledge checks that the incident's Time to Acknowledge
// runs from its alert to at.
func checkTimeToAcknowledge(t *testing.T, e *env, incident string, at time.Time) {
	t.Helper()
	pm, err := e.store.FindPostmortem(context.Background(), incident)
	if err != nil {
		t.Fatal(err)
	}
	rt := hindsight.ComputeResponseTimes(&pm.Incident, pm.Timeline, hindsight.Figure{})
	alert := time.Date(2026, 11, 27, 5, 35, 29, 404000000, time.UTC)
	if !rt.Acknowledge.Measured || !rt.Acknowledge.End.Equal(at) || !rt.Acknowledge.Start.Equal(alert) {
		t.Errorf("Time to Acknowledge %+v, want from %s to %s", rt.Acknowledge, alert, at)
	}
}

func TestDecodePagerDuty_Invalid(t *testing.T) {
	for _, tc := range []struct{ name, body string }{
		{"NotJSON", "{"},
		{"NoEvent", `{"messages":[]}`},
		{"NoIncidentKey", `{"event":{"event_type":"incident.acknowledged","data":{"id":"P1"}}}`},
		{"Trailing", `{"event":{"event_type":"incident.acknowledged"}} {}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := paging.DecodePagerDuty([]byte(tc.body), clockAt); hindsight.ErrorCode(err) != hindsight.EINVALID {
				t.Errorf("err %v, want EINVALID", err)
			}
		})
	}
}

func equalIDs(v any, want ...string) bool {
	got, _ := v.([]any)
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestGrafanaOnCallWebhook(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, testenv.NewClock(clockAt).Now)
		firing := testdata(t, "alertmanager", "0-single-alert-firing.json")
		incident := e.ingest(t, firing)
		published := testdata(t, "paging", "grafana-oncall-resolve.json")
		var doc map[string]any
		if err := json.Unmarshal(published, &doc); err != nil {
			t.Fatal(err)
		}
		doc["event"] = map[string]any{"type": "acknowledge", "time": "2026-11-27T05:37:45.5+00:00"}
		doc["alert_payload"] = json.RawMessage(firing)
		matched, _ := json.Marshal(doc)
		auth := map[string]string{"Authorization": "Bearer " + onCallToken}

		for name, h := range map[string]map[string]string{"none": nil, "wrong": {"Authorization": "Bearer nope"}} {
			if status, _ := e.post(t, "/api/v1/paging/grafana-oncall", matched, h); status != http.StatusUnauthorized {
				t.Errorf("%s credentials: %d, want 401", name, status)
			}
		}
		// As published: a resolution of the demonstration alert, which
		// carries no Alertmanager key.
		if status, res := e.post(t, "/api/v1/paging/grafana-oncall", published, auth); status != http.StatusAccepted {
			t.Errorf("the documented payload: %d %v, want 202", status, res)
		}
		for i, h := range []map[string]string{auth, {"Authorization": onCallToken}} {
			status, res := e.post(t, "/api/v1/paging/grafana-oncall", matched, h)
			if status != http.StatusOK || res["recorded"] != float64(1-i) {
				t.Fatalf("delivery %d: %d %v", i+1, status, res)
			}
		}
		at := time.Date(2026, 11, 27, 5, 37, 45, 500000000, time.UTC)
		got := e.acknowledged(t, incident)
		if len(got) != 1 || got[0].Actor != "admin" || !got[0].Time.Equal(at) || got[0].Source != "grafana-oncall" {
			t.Fatalf("events %+v, want one by admin at %s", got, at)
		}
		checkTimeToAcknowledge(t, e, incident, at)
	})
}

// TestWebhooks_HostileText: values no renderer of ours made. A name or
// reference the store cannot keep is refused (400) with nothing stored; a
// long comment is clipped, not refused.
func TestWebhooks_HostileText(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, testenv.NewClock(clockAt).Now)
		incident := e.ingest(t, testdata(t, "alertmanager", "0-single-alert-firing.json"))
		pd := replace(t, testdata(t, "paging", "pagerduty-incident-acknowledged.json"), documentedKey, hindsight.GroupKeyHash(fixtureGroupKey))
		for name, actor := range map[string]string{"TooLong": strings.Repeat("é", 200), "NUL": `Tenex\u0000Engineer`} {
			body := replace(t, pd, `"summary": "Tenex Engineer"`, `"summary": "`+actor+`"`)
			status, res := e.post(t, "/api/v1/paging/pagerduty", body, map[string]string{"X-PagerDuty-Signature": signPagerDuty(pagerDutySecret, body)})
			if status != http.StatusBadRequest || !strings.Contains(res["error"].(string), "actor") {
				t.Errorf("%s actor: %d %v, want 400 naming the actor", name, status, res)
			}
		}
		huge := append(append([]byte(nil), pd[:len(pd)-2]...), []byte(`, "padding": "`+strings.Repeat("x", 1<<20)+`"}}`)...)
		if status, res := e.post(t, "/api/v1/paging/pagerduty", huge, map[string]string{"X-PagerDuty-Signature": signPagerDuty(pagerDutySecret, huge)}); status != http.StatusRequestEntityTooLarge {
			t.Errorf("a 1 MiB webhook: %d %v, want 413", status, res)
		}
		if len(e.acknowledged(t, incident)) != 0 {
			t.Fatal("a refused webhook stored an event")
		}
		og := replace(t, testdata(t, "paging", "opsgenie-acknowledge.json"), `"aliastest"`, `"`+hindsight.GroupKeyHash(fixtureGroupKey)+`"`)
		og = replace(t, og, "1420452224764002246", itoa(time.Date(2026, 11, 27, 5, 50, 0, 0, time.UTC).UnixNano()))
		og = replace(t, og, `"entity": ""`, `"entity": "", "note": "`+strings.Repeat("ü <!-- | ", 10000)+`"`)
		status, res := e.post(t, "/api/v1/paging/opsgenie", og, map[string]string{"Authorization": "Bearer " + opsgenieToken})
		got := e.acknowledged(t, incident)
		if status != http.StatusOK || len(got) != 1 || len(got[0].Action) > hindsight.MaxTextBytes || !strings.HasSuffix(got[0].Action, "…") {
			t.Fatalf("a 100 KB note: %d %v, %d events; want one with the note clipped", status, res, len(got))
		}
	})
}
