package fuzz_test

import (
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/paging"
)

// FuzzPagingWebhooks checks that no body makes the on-call tools' decoders
// panic, that every refusal is EINVALID with a message (a 400, which the
// tools do not retry), and that what they accept names the tool's own
// reference and at least one key to match incidents by.
func FuzzPagingWebhooks(f *testing.F) {
	addSeeds(f, "paging")
	f.Add([]byte(`{"event":{"type":"acknowledge","time":"x"},"alert_group":{"id":"G"},"alert_payload":{"alerts":[{"fingerprint":""}]}}`))
	f.Add([]byte(`{"event":{"event_type":"incident.acknowledged","data":{"id":"P","incident_key":"k"}}}`))
	f.Add([]byte(`{"action":"Close","alert":{"alertId":"a","alias":"k","updatedAt":-1},"source":{"type":"api"}}`))
	received := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	decoders := map[string]func([]byte) (paging.Notice, bool, error){
		"pagerduty":      func(b []byte) (paging.Notice, bool, error) { return paging.DecodePagerDuty(b, received) },
		"opsgenie":       func(b []byte) (paging.Notice, bool, error) { return paging.DecodeOpsgenie(b, received) },
		"grafana-oncall": func(b []byte) (paging.Notice, bool, error) { return paging.DecodeGrafanaOnCall(b, received) },
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for tool, decode := range decoders {
			n, ok, err := decode(body)
			switch {
			case err != nil:
				if hindsight.ErrorCode(err) != hindsight.EINVALID || hindsight.ErrorMessage(err) == "" {
					t.Fatalf("%s: refusal is not EINVALID with a message: %v", tool, err)
				}
			case ok && (n.Ref == "" || len(n.Keys) == 0 || string(n.Source) != tool || n.At.IsZero()):
				t.Fatalf("%s: accepted a notice without reference, key, tool or time: %+v", tool, n)
			}
		}
	})
}
