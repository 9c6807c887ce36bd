package fuzz_test

import (
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/alertmanager"
)

// FuzzDecodeBytes checks that no webhook body makes the decoder panic, that
// every refusal is EINVALID (a 400 that Alertmanager does not retry) with a
// message, and that what it accepts is valid, has a stable fingerprint and
// maps onto an incident named after its alert.
func FuzzDecodeBytes(f *testing.F) {
	addSeeds(f, "alertmanager")
	f.Add([]byte(`{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"OnlyName"},"startsAt":"2025-09-30T00:24:00Z"}]}`))
	f.Add([]byte(`{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"x\n<!--"},"annotations":{"summary":"a\n## b | c"},"startsAt":"2025-09-30T00:24:00+14:00"}]}`))
	mapping := alertmanager.DefaultMapping()
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := alertmanager.DecodeBytes(body)
		if err != nil {
			if hindsight.ErrorCode(err) != hindsight.EINVALID || hindsight.ErrorMessage(err) == "" {
				t.Fatalf("refusal is not EINVALID with a message: %v", err)
			}
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("accepted a payload that does not validate: %v", err)
		}
		fp := m.Fingerprint()
		again, err := alertmanager.DecodeBytes(body)
		if err != nil || again.Fingerprint() != fp {
			t.Fatalf("decoding the same body again: %v, fingerprint %q then %q", err, fp, again.Fingerprint())
		}
		for _, a := range m.Alerts {
			if a.Key() == "" {
				t.Fatalf("alert without a key: %+v", a)
			}
		}
		inc := mapping.Incident(m)
		if strings.TrimSpace(inc.AlertName) == "" {
			t.Fatalf("incident without an alert name from %s", body)
		}
	})
}
