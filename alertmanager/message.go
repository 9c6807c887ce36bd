// Package alertmanager reads the webhook notifications that Prometheus
// Alertmanager (payload version 4) and Grafana alerting (its
// Alertmanager-compatible payload, version 1) send, and maps them onto
// Hindsight incidents.
//
// The payload types are written by hand rather than imported from
// Alertmanager so that the binary does not depend on Alertmanager's module
// and so that Grafana's extra fields can be read too. Unknown fields are
// ignored: newer senders add fields (notification_reason in Alertmanager
// 0.32) and must keep working.
package alertmanager

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// Alert statuses as the payload spells them.
const (
	StatusFiring   = "firing"
	StatusResolved = "resolved"
)

// Message is one webhook notification: the alerts of one Alertmanager group
// at the time it was sent.
type Message struct {
	// Version is "4" for Alertmanager and "1" for Grafana alerting.
	Version string `json:"version"`
	// GroupKey identifies the Alertmanager group; one group opens one incident.
	GroupKey string `json:"groupKey"`
	// TruncatedAlerts counts alerts left out by the sender's max_alerts setting.
	TruncatedAlerts int `json:"truncatedAlerts"`
	// Status is "firing" while any alert of the notification fires, else "resolved".
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	// ExternalURL is the sender's own URL. The two members of an Alertmanager
	// HA pair each send their own, so it is not part of Fingerprint.
	ExternalURL string  `json:"externalURL"`
	Alerts      []Alert `json:"alerts"`

	// Grafana alerting only.
	OrgID   int64  `json:"orgId,omitempty"`
	Title   string `json:"title,omitempty"`
	State   string `json:"state,omitempty"`
	Message string `json:"message,omitempty"`
}

// Alert is one alert of a notification.
type Alert struct {
	// Status is "firing" or "resolved".
	Status      string            `json:"status"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	StartsAt    time.Time         `json:"startsAt"`
	// EndsAt is meaningful only for a resolved alert; firing alerts carry the
	// zero time (Alertmanager 0.25) or a provisional end.
	EndsAt       time.Time `json:"endsAt"`
	GeneratorURL string    `json:"generatorURL"`
	// Fingerprint identifies the alert by its labels. Grafana may omit it;
	// use Key, which falls back to a hash of the labels.
	Fingerprint string `json:"fingerprint"`

	// Grafana alerting only.
	DashboardURL string `json:"dashboardURL,omitempty"`
	PanelURL     string `json:"panelURL,omitempty"`
	SilenceURL   string `json:"silenceURL,omitempty"`
	ValueString  string `json:"valueString,omitempty"`
	// Values holds Grafana's query results by reference ID, kept unparsed so
	// that an unexpected shape cannot make a valid notification fail.
	Values json.RawMessage `json:"values,omitempty"`
}

// Name returns the alert's alertname label.
func (a Alert) Name() string { return a.Labels["alertname"] }

// Resolved reports whether the alert has stopped firing.
func (a Alert) Resolved() bool { return a.Status == StatusResolved }

// Key identifies the alert within its group across notifications: the
// sender's fingerprint, or, when the sender gave none, a stable hash of the
// sorted labels (the same inputs Alertmanager's fingerprint is made from).
func (a Alert) Key() string {
	if a.Fingerprint != "" {
		return a.Fingerprint
	}
	names := make([]string, 0, len(a.Labels))
	for k := range a.Labels {
		names = append(names, k)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, k := range names {
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write([]byte(a.Labels[k]))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Fingerprint returns a stable hash of what the notification says: its group
// and, for each alert, its key, status, start and (once resolved) end. The
// order of alerts does not matter. The same notification delivered twice (a
// retry, or both members of an HA pair) has the same fingerprint, so the
// intake can recognise it. A repeat notification sent after repeat_interval
// with nothing changed has the same fingerprint as well: by design, since it
// carries no new fact.
func (m *Message) Fingerprint() string {
	lines := make([]string, len(m.Alerts))
	for i, a := range m.Alerts {
		end := ""
		// A firing alert's endsAt is provisional and may differ between
		// senders, so only a resolved alert's end is part of its identity.
		if a.Resolved() {
			end = a.EndsAt.UTC().Format(time.RFC3339Nano)
		}
		lines[i] = strings.Join([]string{a.Key(), a.Status, a.StartsAt.UTC().Format(time.RFC3339Nano), end}, "\x00")
	}
	sort.Strings(lines)
	h := sha256.New()
	h.Write([]byte(m.GroupKey))
	for _, l := range lines {
		h.Write([]byte{'\n'})
		h.Write([]byte(l))
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// AllResolved reports whether every alert of the notification is resolved.
// Alertmanager's last notification of a group carries only the alerts
// resolved since the previous one, so a caller that tracks a group must
// also check the alerts it saw earlier.
func (m *Message) AllResolved() bool {
	if len(m.Alerts) == 0 {
		return false
	}
	for _, a := range m.Alerts {
		if !a.Resolved() {
			return false
		}
	}
	return true
}
