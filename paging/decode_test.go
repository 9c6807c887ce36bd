package paging_test

import (
	"context"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/paging"
)

func TestDecodeOpsgenie(t *testing.T) {
	received := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, body string
		ok         bool
		at         time.Time
		code       string
	}{
		{"Nanoseconds", `{"action":"Acknowledge","alert":{"alertId":"a","alias":"k","updatedAt":1420452224764002246}}`, true,
			time.Unix(0, 1420452224764002246).UTC(), ""},
		{"Milliseconds", `{"action":"Acknowledge","alert":{"alertId":"a","alias":"k","updatedAt":1420452191104}}`, true,
			time.UnixMilli(1420452191104).UTC(), ""},
		{"NoTimeIsReceived", `{"action":"Close","alert":{"alertId":"a","alias":"k"},"source":{"type":"mobile"}}`, true, received, ""},
		{"CloseThroughAPI", `{"action":"Close","alert":{"alertId":"a","alias":"k"},"source":{"type":"API"}}`, false, time.Time{}, ""},
		{"OtherAction", `{"action":"AddNote","alert":{"alertId":"a","alias":"k"}}`, false, time.Time{}, ""},
		{"NoAlias", `{"action":"Acknowledge","alert":{"alertId":"a"}}`, false, time.Time{}, hindsight.EINVALID},
		{"NoAction", `{"alert":{"alertId":"a","alias":"k"}}`, false, time.Time{}, hindsight.EINVALID},
		{"NotJSON", `Acknowledge`, false, time.Time{}, hindsight.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, ok, err := paging.DecodeOpsgenie([]byte(tc.body), received)
			if hindsight.ErrorCode(err) != tc.code || ok != tc.ok {
				t.Fatalf("ok %v, err %v; want ok %v, code %q", ok, err, tc.ok, tc.code)
			}
			if ok && (!n.At.Equal(tc.at) || n.Ref != "a" || len(n.Keys) != 1 || n.Keys[0] != "k") {
				t.Errorf("notice %+v, want at %s", n, tc.at)
			}
		})
	}
}

func TestDecodeGrafanaOnCall(t *testing.T) {
	received := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, body string
		ok         bool
		keys       int
		code       string
	}{
		{"LegacyAlert", `{"event":{"type":"acknowledge"},"alert_group":{"id":"G"},"alert_payload":{"fingerprint":"fp"}}`, true, 1, ""},
		{"AlertmanagerGroup", `{"event":{"type":"resolve"},"user":{"username":"u"},"alert_group_id":"G",
			"alert_payload":{"groupKey":"{}:{a=\"b\"}","alerts":[{"fingerprint":"f1"},{"fingerprint":"f2"}]}}`, true, 3, ""},
		{"AutoResolved", `{"event":{"type":"resolve"},"user":null,"alert_group":{"id":"G"},"alert_payload":{"fingerprint":"fp"}}`, false, 0, ""},
		{"Silence", `{"event":{"type":"silence"},"alert_group":{"id":"G"},"alert_payload":{"fingerprint":"fp"}}`, false, 0, ""},
		{"NoKeys", `{"event":{"type":"acknowledge"},"alert_group":{"id":"G"},"alert_payload":{"labels":{"a":"b"}}}`, false, 0, ""},
		{"NoGroup", `{"event":{"type":"acknowledge"},"alert_payload":{"fingerprint":"fp"}}`, false, 0, hindsight.EINVALID},
		{"NotForwardAll", `{"name":"x"}`, false, 0, hindsight.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, ok, err := paging.DecodeGrafanaOnCall([]byte(tc.body), received)
			if hindsight.ErrorCode(err) != tc.code || ok != tc.ok || len(n.Keys) != tc.keys {
				t.Fatalf("ok %v, %d keys, err %v; want ok %v, %d keys, code %q", ok, len(n.Keys), err, tc.ok, tc.keys, tc.code)
			}
			if ok && (n.Ref != "G" || !n.At.Equal(received)) {
				t.Errorf("notice %+v, want alert group G at the time received", n)
			}
		})
	}
}

func TestTakeWebhook_UnknownTool(t *testing.T) {
	svc := &paging.Service{}
	_, err := svc.TakeWebhook(context.Background(), hindsight.PagingAlertmanager, []byte(`{}`), time.Now())
	if hindsight.ErrorCode(err) != hindsight.EINVALID {
		t.Fatalf("err %v, want EINVALID: silences are polled, not posted", err)
	}
}
