package slack

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// MaxBody bounds an Events API or slash command request.
const MaxBody = 1 << 20

// MaxClockSkew is how far a request's X-Slack-Request-Timestamp may be
// from now: Slack's own advice, against replays.
const MaxClockSkew = 5 * time.Minute

// Verify checks a request's X-Slack-Signature (v0, HMAC-SHA256 of
// "v0:timestamp:body" with the signing secret) and that its timestamp is
// within MaxClockSkew of now. Errors: EUNAUTHORIZED saying what was wrong,
// never the secret.
func Verify(h http.Header, body []byte, secret string, now time.Time) error {
	if secret == "" {
		return hindsight.Errorf(hindsight.EUNAUTHORIZED, "slack: no signing secret is configured (slack.signing_secret)")
	}
	stamp := h.Get("X-Slack-Request-Timestamp")
	sec, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return hindsight.Errorf(hindsight.EUNAUTHORIZED, "slack: X-Slack-Request-Timestamp is missing or not a number")
	}
	if math.Abs(now.Sub(time.Unix(sec, 0)).Seconds()) > MaxClockSkew.Seconds() {
		return hindsight.Errorf(hindsight.EUNAUTHORIZED, "slack: the request timestamp is more than 5 minutes from now (a replay, or a clock out of sync)")
	}
	got, ok := strings.CutPrefix(h.Get("X-Slack-Signature"), "v0=")
	want := Sign(secret, stamp, body)
	if !ok || !hmac.Equal([]byte(got), []byte(want[3:])) {
		return hindsight.Errorf(hindsight.EUNAUTHORIZED, "slack: X-Slack-Signature does not match the body and the signing secret")
	}
	return nil
}

// Sign returns the X-Slack-Signature of a body sent at timestamp (Unix
// seconds, as text): "v0=" and the hex HMAC-SHA256.
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + timestamp + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// readVerified reads a bounded body and verifies it, answering the error
// itself; ok is false when it did.
func (a *App) readVerified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, hindsight.EINVALID, "slack: the request body is unreadable or larger than 1 MiB")
		return nil, false
	}
	if err := Verify(r.Header, body, a.SigningSecret, a.now()); err != nil {
		a.log().Warn("slack: request refused", "path", r.URL.Path, "err", err)
		writeError(w, http.StatusUnauthorized, hindsight.EUNAUTHORIZED, hindsight.ErrorMessage(err))
		return nil, false
	}
	return body, true
}

// envelope is the outer Events API payload.
type envelope struct {
	Type      string          `json:"type"`
	Challenge string          `json:"challenge"`
	EventID   string          `json:"event_id"`
	Event     json.RawMessage `json:"event"`
}

// ServeEvents is the Events API endpoint. It verifies the request, answers
// Slack's url_verification challenge, and stores every event_callback in
// the queue (committed) before it answers 200; a retry of a stored event
// (X-Slack-Retry-Num) is answered 200 and changes nothing. A store failure
// is 503, which Slack retries.
func (a *App) ServeEvents(w http.ResponseWriter, r *http.Request) {
	body, ok := a.readVerified(w, r)
	if !ok {
		return
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		writeError(w, http.StatusBadRequest, hindsight.EINVALID, "slack: the body is not an Events API JSON payload")
		return
	}
	switch env.Type {
	case "url_verification":
		writeJSON(w, http.StatusOK, map[string]string{"challenge": env.Challenge})
		return
	case "event_callback":
	default:
		writeJSON(w, http.StatusOK, map[string]string{"ignored": env.Type})
		return
	}
	e := &hindsight.SlackEvent{EventID: env.EventID, Body: body, ReceivedAt: a.now()}
	queued, err := a.Store.QueueSlackEvent(r.Context(), e)
	if err != nil {
		status := http.StatusServiceUnavailable
		if hindsight.ErrorCode(err) == hindsight.EINVALID {
			status = http.StatusBadRequest
		}
		writeError(w, status, hindsight.ErrorCode(err), hindsight.ErrorMessage(err))
		return
	}
	if !queued {
		a.log().Info("slack: event already stored; retry ignored", "event_id", env.EventID, "retry_num", r.Header.Get("X-Slack-Retry-Num"))
	}
	writeJSON(w, http.StatusOK, map[string]bool{"queued": queued})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// writeError answers the JSON error shape of the rest of the API.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"error": msg, "code": code})
}
