package paging

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// pagerDutyWebhook is the part of a PagerDuty v3 webhook that Hindsight
// reads (hand-written from PagerDuty's documented payload).
type pagerDutyWebhook struct {
	Event struct {
		ID           string    `json:"id"`
		EventType    string    `json:"event_type"`
		ResourceType string    `json:"resource_type"`
		OccurredAt   time.Time `json:"occurred_at"`
		Agent        *struct {
			ID      string `json:"id"`
			Summary string `json:"summary"`
			Type    string `json:"type"`
		} `json:"agent"`
		Data struct {
			ID          string `json:"id"`
			Type        string `json:"type"`
			IncidentKey string `json:"incident_key"`
			Title       string `json:"title"`
		} `json:"data"`
	} `json:"event"`
}

// DecodePagerDuty reads a PagerDuty v3 webhook (without occurred_at, the
// time is received). ok is false for an event
// that acknowledges nothing: any type but incident.acknowledged and
// incident.resolved, and a resolution not made by a person (Alertmanager's
// own resolve event, an auto-resolution). Errors: EINVALID.
func DecodePagerDuty(body []byte, received time.Time) (n Notice, ok bool, err error) {
	var w pagerDutyWebhook
	if err := decodeStrictJSON(body, &w); err != nil {
		return n, false, hindsight.Errorf(hindsight.EINVALID, "not a PagerDuty v3 webhook: %v", err)
	}
	e := w.Event
	if e.EventType == "" {
		return n, false, hindsight.Errorf(hindsight.EINVALID, "not a PagerDuty v3 webhook: event.event_type is missing")
	}
	person := e.Agent != nil && e.Agent.Type == "user_reference"
	switch {
	case e.EventType == "incident.acknowledged":
	case e.EventType == "incident.resolved" && person:
		n.Resolved = true
	default:
		return n, false, nil
	}
	if e.Data.ID == "" || e.Data.IncidentKey == "" {
		return n, false, hindsight.Errorf(hindsight.EINVALID, "PagerDuty webhook: event.data.id and event.data.incident_key are required")
	}
	n.Source, n.Ref, n.At, n.Keys = hindsight.PagingPagerDuty, e.Data.ID, e.OccurredAt, []string{e.Data.IncidentKey}
	if n.At.IsZero() {
		n.At = received
	}
	if e.Agent != nil {
		n.Actor = e.Agent.Summary
	}
	return n, true, nil
}

// opsgenieWebhook is the part of an Opsgenie webhook integration's payload
// that Hindsight reads (hand-written from Opsgenie's documented payload).
type opsgenieWebhook struct {
	Action string `json:"action"`
	Alert  struct {
		AlertID   string `json:"alertId"`
		Alias     string `json:"alias"`
		Username  string `json:"username"`
		UpdatedAt int64  `json:"updatedAt"`
		Note      string `json:"note"`
	} `json:"alert"`
	Source struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"source"`
}

// DecodeOpsgenie reads an Opsgenie webhook. ok is false for an action that
// acknowledges nothing: any but Acknowledge and Close, and a Close made
// through the Alert API (Alertmanager closing the alert it resolved).
// Errors: EINVALID.
func DecodeOpsgenie(body []byte, received time.Time) (n Notice, ok bool, err error) {
	var w opsgenieWebhook
	if err := decodeStrictJSON(body, &w); err != nil {
		return n, false, hindsight.Errorf(hindsight.EINVALID, "not an Opsgenie webhook: %v", err)
	}
	if w.Action == "" {
		return n, false, hindsight.Errorf(hindsight.EINVALID, "not an Opsgenie webhook: action is missing")
	}
	switch {
	case w.Action == "Acknowledge":
	case w.Action == "Close" && !strings.EqualFold(w.Source.Type, "api"):
		n.Resolved = true
	default:
		return n, false, nil
	}
	if w.Alert.AlertID == "" || w.Alert.Alias == "" {
		return n, false, hindsight.Errorf(hindsight.EINVALID, "Opsgenie webhook: alert.alertId and alert.alias are required")
	}
	n.Source, n.Ref, n.Actor, n.Comment = hindsight.PagingOpsgenie, w.Alert.AlertID, w.Alert.Username, w.Alert.Note
	n.Keys = []string{w.Alert.Alias}
	n.At = epochTime(w.Alert.UpdatedAt)
	if n.At.IsZero() {
		n.At = received
	}
	return n, true, nil
}

// epochTime reads an Opsgenie timestamp, which its payloads give in
// milliseconds or nanoseconds since the epoch; zero for none.
func epochTime(v int64) time.Time {
	switch {
	case v <= 0:
		return time.Time{}
	case v > 1e17:
		return time.Unix(0, v).UTC()
	case v > 1e14:
		return time.UnixMicro(v).UTC()
	case v > 1e11:
		return time.UnixMilli(v).UTC()
	}
	return time.Unix(v, 0).UTC()
}

// decodeStrictJSON decodes one JSON value (unknown fields allowed: the
// vendors add fields) and refuses trailing data.
func decodeStrictJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errTrailing
	}
	return nil
}

var errTrailing = jsonError("trailing data after the JSON value")

type jsonError string

func (e jsonError) Error() string { return string(e) }
