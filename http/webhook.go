package http

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/alertmanager"
)

// AlertIntake stores Alertmanager notifications; alertmanager.Intake is the
// implementation.
type AlertIntake interface {
	Ingest(ctx context.Context, raw []byte, msg *alertmanager.Message) (alertmanager.Result, error)
}

// WebhookAuth holds the credentials Alertmanager's http_config sends: a
// bearer token, or basic auth. With neither set the webhook refuses every
// request: anonymous writes are never accepted.
type WebhookAuth struct {
	Token    string
	Username string
	Password string
}

// Configured reports whether any credential is set.
func (a WebhookAuth) Configured() bool {
	return a.Token != "" || a.Username != "" || a.Password != ""
}

// allows checks the request's credentials in constant time.
func (a WebhookAuth) allows(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if a.Token != "" {
		if tok, ok := strings.CutPrefix(h, "Bearer "); ok && equal(strings.TrimSpace(tok), a.Token) {
			return true
		}
	}
	if a.Username != "" || a.Password != "" {
		if u, p, ok := r.BasicAuth(); ok {
			// Both comparisons always run, so timing does not tell which failed.
			uok, pok := equal(u, a.Username), equal(p, a.Password)
			return uok && pok
		}
	}
	return false
}

// equal compares two secrets in constant time, whatever their lengths.
func equal(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

// handleAlertmanagerWebhook takes Alertmanager's webhook (payload version 4)
// and Grafana's compatible payload. It answers 200 only once the data is
// durable, 4xx for what a retry cannot fix, and 5xx for transient faults,
// which Alertmanager retries.
func (s *Server) handleAlertmanagerWebhook(w http.ResponseWriter, r *http.Request) {
	wl := &webhookLine{start: time.Now()}
	defer func() {
		s.webhook.latency.Observe(time.Since(wl.start).Seconds())
		s.logWebhook(r, wl)
	}()
	if !s.WebhookAuth.Configured() || !s.WebhookAuth.allows(r) {
		s.reject(w, r, wl, "unauthorized", s.webhookAuthError())
		return
	}
	limit := s.WebhookBodyLimit
	if limit <= 0 {
		limit = alertmanager.DefaultLimit
	}
	budget := s.WebhookInflightLimit
	if budget <= 0 {
		budget = DefaultWebhookInflightLimit
	}
	release, ok := s.webhookBodies.reserve(r.ContentLength, limit, budget)
	if !ok {
		w.Header().Set("Retry-After", "1")
		s.reject(w, r, wl, "busy", hindsight.Errorf(hindsight.EUNAVAILABLE,
			"too many notifications are being received at once; retry shortly (Alertmanager does)"))
		return
	}
	defer release()
	body, err := alertmanager.ReadBody(http.MaxBytesReader(w, r.Body, limit), limit)
	if errors.Is(err, alertmanager.ErrTooLarge) {
		s.reject(w, r, wl, "too_large", &hindsight.Error{Code: ETOOLARGE, Message: hindsight.ErrorMessage(err)})
		return
	} else if err != nil {
		// The body did not arrive (a slow sender timed out, or the
		// connection was cut): nothing is wrong with the notification, so
		// the answer is transient and Alertmanager sends it again.
		s.reject(w, r, wl, "unavailable", errBodyCut)
		return
	}
	msg, err := alertmanager.DecodeBytes(body)
	if err != nil {
		s.reject(w, r, wl, reasonFor(err), err)
		return
	}
	wl.msg = msg
	res, err := s.Intake.Ingest(r.Context(), body, msg)
	if err != nil {
		s.reject(w, r, wl, reasonFor(err), err)
		return
	}
	wl.res, wl.status = &res, http.StatusOK
	s.countIngest(msg, res)
	writeJSON(w, http.StatusOK, res)
}

// errBodyCut answers a request whose body did not arrive whole.
var errBodyCut = hindsight.Errorf(hindsight.EUNAVAILABLE,
	"the request body did not arrive whole (the connection was slow or cut off): send it again")

// bodyBudget bounds the bytes of webhook bodies held at once: each
// request reserves its declared length (the body limit when it declares
// none) before reading, and frees it once answered.
type bodyBudget struct {
	mu   sync.Mutex
	used int64
}

// reserve reserves room for a body of length declared, bounded by
// bodyLimit; ok is false when budget bytes would be exceeded. A request
// alone always fits.
func (b *bodyBudget) reserve(declared, bodyLimit, budget int64) (release func(), ok bool) {
	n := declared
	if n < 0 || n > bodyLimit {
		n = bodyLimit
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used > 0 && b.used+n > budget {
		return nil, false
	}
	b.used += n
	return func() {
		b.mu.Lock()
		b.used -= n
		b.mu.Unlock()
	}, true
}

func (s *Server) webhookAuthError() error {
	if !s.WebhookAuth.Configured() {
		return hindsight.Errorf(hindsight.EUNAUTHORIZED, "webhook authentication is not configured on this server: set webhook.token or HINDSIGHT_WEBHOOK_TOKEN, and the same credentials in Alertmanager's http_config")
	}
	return hindsight.Errorf(hindsight.EUNAUTHORIZED, "missing or wrong credentials: send the configured bearer token or basic auth")
}

// reject answers an error, counts it by reason and notes it for the log.
func (s *Server) reject(w http.ResponseWriter, r *http.Request, wl *webhookLine, reason string, err error) {
	s.webhook.rejections.WithLabelValues(reason).Inc()
	wl.reason, wl.err, wl.status = reason, err, ErrorStatusCode(hindsight.ErrorCode(err))
	if reason == "unauthorized" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="hindsight"`)
	}
	Error(w, r, err)
}

// reasonFor names the rejection metric's reason for an error.
func reasonFor(err error) string {
	switch hindsight.ErrorCode(err) {
	case hindsight.EINVALID:
		if strings.HasPrefix(hindsight.ErrorMessage(err), "malformed JSON") {
			return "malformed"
		}
		return "invalid"
	case hindsight.EUNAVAILABLE:
		return "unavailable"
	default:
		return "internal"
	}
}

func (s *Server) countIngest(msg *alertmanager.Message, res alertmanager.Result) {
	s.webhook.notifications.WithLabelValues(msg.Status).Inc()
	if res.Duplicate {
		s.webhook.duplicates.Inc()
		return
	}
	s.webhook.alerts.Add(float64(len(msg.Alerts)))
	if res.Opened || res.Reopened {
		s.webhook.incidentsOpened.Inc()
	}
	if res.Resolved {
		s.webhook.incidentsResolve.Inc()
	}
}
