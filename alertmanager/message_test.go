package alertmanager_test

import (
	"testing"

	"github.com/hindsight-sre/hindsight/alertmanager"
)

func TestAlert_Key(t *testing.T) {
	m := MustDecodeFixture(t, "grafana-firing.json")
	t.Run("Fingerprint", func(t *testing.T) {
		if got := m.Alerts[0].Key(); got != "c6eadffa33fcdf37" {
			t.Fatalf("key %q, want the fingerprint", got)
		}
	})
	t.Run("LabelHashWithoutFingerprint", func(t *testing.T) {
		a := m.Alerts[1]
		k := a.Key()
		if len(k) != 16 {
			t.Fatalf("key %q", k)
		}
		b := a
		b.Labels = map[string]string{}
		for k, v := range a.Labels { // same labels, a different map
			b.Labels[k] = v
		}
		b.Status = alertmanager.StatusResolved
		if b.Key() != k {
			t.Fatal("key depends on more than the labels")
		}
		b.Labels["zone"] = "eu-2"
		if b.Key() == k {
			t.Fatal("different labels give the same key")
		}
		// Label names and values are delimited, so shifting text between
		// them cannot give the same key.
		x := alertmanager.Alert{Labels: map[string]string{"ab": "c"}}
		y := alertmanager.Alert{Labels: map[string]string{"a": "bc"}}
		if x.Key() == y.Key() {
			t.Fatal("ambiguous label encoding")
		}
	})
}

func TestAlert_Resolved(t *testing.T) {
	m := MustDecodeFixture(t, "3-group-one-alert-resolved.json")
	got := []bool{m.Alerts[0].Resolved(), m.Alerts[1].Resolved(), m.Alerts[2].Resolved()}
	if got[0] || got[1] || !got[2] {
		t.Fatalf("resolved %v, want [false false true]", got)
	}
}

func TestMessage_Fingerprint(t *testing.T) {
	firing := MustDecodeFixture(t, "1-group-firing-3-alerts.json")
	fp := firing.Fingerprint()

	t.Run("SameNotificationSameFingerprint", func(t *testing.T) {
		if again := MustDecodeFixture(t, "1-group-firing-3-alerts.json").Fingerprint(); again != fp {
			t.Fatal("same payload, different fingerprint")
		}
	})
	t.Run("RepeatWithoutChangeSameFingerprint", func(t *testing.T) {
		if MustDecodeFixture(t, "2-group-repeat-notification.json").Fingerprint() != fp {
			t.Fatal("a repeat that says nothing new must match")
		}
	})
	t.Run("OrderIndependent", func(t *testing.T) {
		m := MustDecodeFixture(t, "1-group-firing-3-alerts.json")
		m.Alerts[0], m.Alerts[2] = m.Alerts[2], m.Alerts[0]
		if m.Fingerprint() != fp {
			t.Fatal("alert order changed the fingerprint")
		}
	})
	t.Run("OtherHAPeerSameFingerprint", func(t *testing.T) {
		m := MustDecodeFixture(t, "1-group-firing-3-alerts.json")
		m.ExternalURL = "http://alertmanager-2.example.com:9093"
		m.Receiver = "hindsight-2"
		for i := range m.Alerts {
			m.Alerts[i].Annotations["description"] = "evaluated again"
		}
		if m.Fingerprint() != fp {
			t.Fatal("sender-specific fields changed the fingerprint")
		}
	})
	t.Run("TransitionChangesFingerprint", func(t *testing.T) {
		seen := map[string]string{fp: "1"}
		for _, name := range []string{"3-group-one-alert-resolved.json", "4-group-all-resolved.json", "0-single-alert-firing.json"} {
			f := MustDecodeFixture(t, name).Fingerprint()
			if prev, ok := seen[f]; ok {
				t.Fatalf("%s has the fingerprint of %s", name, prev)
			}
			seen[f] = name
		}
	})
	t.Run("OtherGroupChangesFingerprint", func(t *testing.T) {
		m := MustDecodeFixture(t, "1-group-firing-3-alerts.json")
		m.GroupKey += "x"
		if m.Fingerprint() == fp {
			t.Fatal("group key is not part of the fingerprint")
		}
	})
}

func TestMessage_AllResolved(t *testing.T) {
	for _, tt := range []struct {
		name string
		want bool
	}{
		{"1-group-firing-3-alerts.json", false},
		{"3-group-one-alert-resolved.json", false},
		{"4-group-all-resolved.json", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := MustDecodeFixture(t, tt.name).AllResolved(); got != tt.want {
				t.Fatalf("AllResolved %v, want %v", got, tt.want)
			}
		})
	}
	if (&alertmanager.Message{}).AllResolved() {
		t.Fatal("a message without alerts is not resolved")
	}
}
