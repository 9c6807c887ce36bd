package alertmanager

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// DefaultLimit is the body limit used when Decode or ReadBody is given a
// limit of zero or less: 5 MiB, far above what Alertmanager sends for a
// group of a few hundred alerts.
const DefaultLimit int64 = 5 << 20

// Payload versions accepted: Alertmanager's webhook and Grafana alerting's
// Alertmanager-compatible webhook.
const (
	VersionAlertmanager = "4"
	VersionGrafana      = "1"
)

// maxReported bounds how many invalid alerts one error lists, so that a
// notification of 500 bad alerts gives a readable message.
const maxReported = 10

// ErrTooLarge is in the chain of the error returned for a body over the
// limit, beside an EINVALID *hindsight.Error that carries the user-facing
// message. Test for it with errors.Is to answer 413 rather than 400.
var ErrTooLarge = errors.New("payload too large")

// ReadBody reads the whole body, at most limit bytes (DefaultLimit when limit
// is zero or less). A longer body gives an error that wraps ErrTooLarge. The
// raw bytes are returned so that the caller can store them beside the decoded
// notification.
func ReadBody(r io.Reader, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		// The HTTP layer may bound the body itself with http.MaxBytesReader;
		// that is the same refusal, not a read fault to retry.
		return nil, tooLarge(mb.Limit)
	}
	if err != nil {
		// A body that cannot be read is most likely a dropped connection: not
		// the sender's data at fault, so not EINVALID.
		return nil, fmt.Errorf("alertmanager: read body: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, tooLarge(limit)
	}
	return b, nil
}

// tooLarge returns the error for a body over limit bytes.
func tooLarge(limit int64) error {
	return fmt.Errorf("%w: %w", ErrTooLarge, hindsight.Errorf(hindsight.EINVALID,
		"payload is larger than the %d-byte limit: lower max_alerts in Alertmanager's webhook_config or raise webhook.body_limit", limit))
}

// Decode reads at most limit bytes from r and decodes and validates one
// notification. Errors are EINVALID *hindsight.Error values (malformed JSON,
// an unsupported version, no alerts, an alert without an alertname, a bad
// status, a missing startsAt), an error wrapping ErrTooLarge, or a read error.
func Decode(r io.Reader, limit int64) (*Message, error) {
	b, err := ReadBody(r, limit)
	if err != nil {
		return nil, err
	}
	return DecodeBytes(b)
}

// DecodeBytes decodes and validates one notification from its raw body.
func DecodeBytes(b []byte) (*Message, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, hindsight.Errorf(hindsight.EINVALID, "empty body: send Alertmanager's webhook JSON (payload version 4)")
	}
	if err := invalidUTF8(b); err != nil {
		return nil, err
	}
	var m Message
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, jsonError(err)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// jsonError turns a decoding error into an EINVALID error that says where
// the payload went wrong.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return hindsight.Errorf(hindsight.EINVALID, "malformed JSON at byte %d: %s", syn.Offset, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ):
		what := "the payload"
		if typ.Field != "" {
			what = typ.Field
		}
		return hindsight.Errorf(hindsight.EINVALID, "malformed JSON at byte %d: %s: expected %s, got %s", typ.Offset, what, jsonKind(typ.Type.Kind().String()), typ.Value)
	default:
		// time.Time's own parse errors land here ("startsAt" not RFC 3339).
		return hindsight.Errorf(hindsight.EINVALID, "malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
}

// jsonKind names a Go kind the way a JSON author thinks of it.
func jsonKind(kind string) string {
	switch kind {
	case "struct", "map":
		return "an object"
	case "slice", "array":
		return "an array"
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	default:
		return "a number"
	}
}

// Validate returns an EINVALID error listing what makes the notification
// unusable, or nil.
func (m *Message) Validate() error {
	var v hindsight.Validation
	if m.Version != VersionAlertmanager && m.Version != VersionGrafana {
		v.Add("version", "unsupported payload version %q: Hindsight reads Alertmanager's version 4 and Grafana alerting's version 1", m.Version)
	}
	if m.Status != StatusFiring && m.Status != StatusResolved {
		v.Add("status", "must be firing or resolved, got %q", m.Status)
	}
	validateMessageText(&v, m)
	if len(m.Alerts) == 0 {
		v.Add("alerts", "the notification has no alerts: check the sender's webhook configuration")
	}
	bad := 0
	for i, a := range m.Alerts {
		if bad == maxReported {
			v.Add("alerts", "more invalid alerts not listed")
			break
		}
		if validateAlert(&v, fmt.Sprintf("alerts[%d].", i), a) {
			bad++
		}
	}
	return v.Err("Alertmanager payload")
}

// validateAlert adds a's problems to v and reports whether it had any.
func validateAlert(v *hindsight.Validation, prefix string, a Alert) bool {
	bad := false
	if strings.TrimSpace(a.Name()) == "" {
		v.Add(prefix+"labels.alertname", "is required")
		bad = true
	}
	if validateAlertText(v, prefix, a) {
		bad = true
	}
	if a.Status != StatusFiring && a.Status != StatusResolved {
		v.Add(prefix+"status", "must be firing or resolved, got %q", a.Status)
		bad = true
	}
	if a.StartsAt.IsZero() {
		v.Add(prefix+"startsAt", "is required")
		bad = true
	}
	if !a.StartsAt.IsZero() && !hindsight.StorableTime(a.StartsAt) {
		v.CheckTime(prefix+"startsAt", a.StartsAt)
		bad = true
	}
	// Alertmanager sends 0001-01-01T00:00:00Z for "no end": the zero time
	// is unset, anything else must be storable.
	if !a.EndsAt.IsZero() && !hindsight.StorableTime(a.EndsAt) {
		v.CheckTime(prefix+"endsAt", a.EndsAt)
		bad = true
	}
	return bad
}
