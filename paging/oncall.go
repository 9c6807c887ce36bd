package paging

import (
	"time"

	"github.com/hindsight-sre/hindsight"
)

// onCallWebhook is the part of a Grafana OnCall outgoing webhook ("Forward
// All" on) that Hindsight reads, hand-written from OnCall's documented
// template data. alert_payload is the group's first alert as the source
// sent it: from OnCall's Alertmanager integration, Alertmanager's webhook
// payload (groupKey, alerts[].fingerprint), or, from its legacy
// integration, one alert (fingerprint).
type onCallWebhook struct {
	Event struct {
		Type string `json:"type"`
		Time string `json:"time"`
	} `json:"event"`
	User *struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Email    string `json:"email"`
	} `json:"user"`
	AlertGroup struct {
		ID string `json:"id"`
	} `json:"alert_group"`
	AlertGroupID string `json:"alert_group_id"`
	AlertPayload struct {
		GroupKey    string `json:"groupKey"`
		Fingerprint string `json:"fingerprint"`
		Alerts      []struct {
			Fingerprint string `json:"fingerprint"`
		} `json:"alerts"`
	} `json:"alert_payload"`
}

// DecodeGrafanaOnCall reads a Grafana OnCall outgoing webhook. ok is false
// for an event that acknowledges nothing: any type but acknowledge and
// resolve, a resolution without a user (auto-resolved by the integration),
// and an alert payload without an Alertmanager group key or fingerprint.
// Errors: EINVALID.
func DecodeGrafanaOnCall(body []byte, received time.Time) (n Notice, ok bool, err error) {
	var w onCallWebhook
	if err := decodeStrictJSON(body, &w); err != nil {
		return n, false, hindsight.Errorf(hindsight.EINVALID, "not a Grafana OnCall webhook: %v", err)
	}
	if w.Event.Type == "" {
		return n, false, hindsight.Errorf(hindsight.EINVALID, "not a Grafana OnCall webhook: event.type is missing (turn Forward All on)")
	}
	switch {
	case w.Event.Type == "acknowledge":
	case w.Event.Type == "resolve" && w.User != nil:
		n.Resolved = true
	default:
		return n, false, nil
	}
	n.Ref = w.AlertGroup.ID
	if n.Ref == "" {
		n.Ref = w.AlertGroupID
	}
	if n.Ref == "" {
		return n, false, hindsight.Errorf(hindsight.EINVALID, "Grafana OnCall webhook: alert_group.id is required")
	}
	p := w.AlertPayload
	for _, k := range append([]string{p.GroupKey, p.Fingerprint}, fingerprints(p.Alerts)...) {
		if k != "" {
			n.Keys = append(n.Keys, k)
		}
	}
	if len(n.Keys) == 0 {
		return n, false, nil
	}
	n.Source = hindsight.PagingGrafanaOnCall
	if w.User != nil {
		n.Actor = w.User.Username
	}
	n.At = received
	if t, err := time.Parse(time.RFC3339Nano, w.Event.Time); err == nil {
		n.At = t
	}
	return n, true, nil
}

func fingerprints(alerts []struct {
	Fingerprint string `json:"fingerprint"`
}) []string {
	out := make([]string, len(alerts))
	for i, a := range alerts {
		out[i] = a.Fingerprint
	}
	return out
}
