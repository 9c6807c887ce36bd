package http

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/alertmanager"
)

// log returns the server's logger: Log, or slog.Default() when it is nil.
func (s *Server) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// webhookLine collects what one webhook request did, for its log line.
type webhookLine struct {
	start  time.Time
	status int
	// msg is the decoded notification; nil when it was refused before.
	msg *alertmanager.Message
	// res is the intake's result; nil on a rejection.
	res    *alertmanager.Result
	reason string
	err    error
}

// outcome names what happened: accepted, duplicate or rejected.
func (wl *webhookLine) outcome() string {
	switch {
	case wl.res == nil:
		return "rejected"
	case wl.res.Duplicate:
		return "duplicate"
	default:
		return "accepted"
	}
}

// logWebhook writes the one line of a webhook request: what arrived (group
// key, receiver, status, alerts), what became of it, and how long it took.
// A rejection says why; credentials are never part of the line (the
// Authorization header is not read here, and error messages do not
// repeat it). Accepted notifications log at info, rejections at warn, and
// failures of the store (5xx, which Alertmanager retries) at error.
func (s *Server) logWebhook(r *http.Request, wl *webhookLine) {
	attrs := make([]slog.Attr, 0, 12)
	attrs = append(attrs, slog.String("outcome", wl.outcome()), slog.Int("http_status", wl.status))
	if m := wl.msg; m != nil {
		attrs = append(attrs, slog.String("group_key", m.GroupKey), slog.String("receiver", m.Receiver),
			slog.String("status", m.Status), slog.Int("alerts", len(m.Alerts)))
		if names := alertNames(m); names != "" {
			attrs = append(attrs, slog.String("alertname", names))
		}
	}
	if res := wl.res; res != nil {
		if res.IncidentID != "" {
			attrs = append(attrs, slog.String("incident", res.IncidentID))
		}
		attrs = append(attrs, slog.Bool("opened", res.Opened || res.Reopened), slog.Bool("resolved", res.Resolved), slog.Int("events", res.Events))
	}
	level := slog.LevelInfo
	if wl.res == nil {
		attrs = append(attrs, slog.String("reason", wl.reason), slog.String("error", hindsight.ErrorMessage(wl.err)))
		level = slog.LevelWarn
		if wl.status >= 500 {
			level = slog.LevelError
		}
	}
	attrs = append(attrs, slog.Float64("latency_ms", float64(time.Since(wl.start).Microseconds())/1000),
		slog.String("remote", clientAddr(r)))
	s.log().LogAttrs(r.Context(), level, "webhook", attrs...)
}

// alertNames returns the distinct alert names of a notification, comma
// separated, at most five of them.
func alertNames(m *alertmanager.Message) string {
	var names []string
	seen := map[string]bool{}
	for _, a := range m.Alerts {
		n := a.Labels["alertname"]
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		if len(names) == 5 {
			names = append(names, "…")
			break
		}
		names = append(names, n)
	}
	return strings.Join(names, ",")
}

// clientAddr is the request's peer address (not a forwarded header, which
// anyone can write).
func clientAddr(r *http.Request) string {
	return r.RemoteAddr
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (sr *statusRecorder) WriteHeader(code int) {
	if sr.status == 0 {
		sr.status = code
	}
	sr.ResponseWriter.WriteHeader(code)
}

func (sr *statusRecorder) Write(b []byte) (int, error) {
	if sr.status == 0 {
		sr.status = http.StatusOK
	}
	n, err := sr.ResponseWriter.Write(b)
	sr.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (sr *statusRecorder) Unwrap() http.ResponseWriter { return sr.ResponseWriter }

// logRequests logs one debug line per UI and API request: method, path
// (without the query, which may carry search words), status, size and
// duration. The webhook has its own info line and is not repeated. When
// debug is off the handler costs one Enabled check.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log := s.log()
		if !log.Enabled(r.Context(), slog.LevelDebug) || r.URL.Path == webhookPath {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		sr := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(sr, r)
		if sr.status == 0 {
			sr.status = http.StatusOK
		}
		log.LogAttrs(r.Context(), slog.LevelDebug, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("http_status", sr.status),
			slog.Int("bytes", sr.bytes), slog.Float64("latency_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("remote", clientAddr(r)))
	})
}

// logSignIn writes one line per sign-in attempt on the web UI: who signed
// in with which role, or why it was refused. Neither the pasted token nor
// the session's secret is part of it.
func (s *Server) logSignIn(r *http.Request, v *visitor, err error) {
	if err != nil {
		s.log().LogAttrs(r.Context(), slog.LevelWarn, "sign-in refused", slog.String("code", hindsight.ErrorCode(err)),
			slog.String("error", hindsight.ErrorMessage(err)), slog.String("remote", clientAddr(r)))
		return
	}
	s.log().LogAttrs(r.Context(), slog.LevelInfo, "signed in", slog.String("identity", v.Identity.Name),
		slog.String("role", string(v.Identity.Role)), slog.String("remote", clientAddr(r)))
}
