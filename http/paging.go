package http

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// maxPagingBody bounds an on-call tool's webhook: theirs are a few KiB.
const maxPagingBody = 1 << 20

// PagingWebhooks are the on-call tools' webhooks and their credentials. A
// tool whose credential is empty is refused (401): nothing is accepted
// unauthenticated.
type PagingWebhooks struct {
	// Service decodes and records what the tools send (paging.Service).
	Service hindsight.PagingIntake
	// PagerDutySecret is the webhook subscription's signing secret
	// (X-PagerDuty-Signature).
	PagerDutySecret string
	// OpsgenieToken is the bearer token Opsgenie's webhook integration
	// sends as a custom header (Authorization: Bearer TOKEN).
	OpsgenieToken string
	// GrafanaOnCallToken is what Grafana OnCall's outgoing webhook sends
	// as its Authorization Header (the token, with or without "Bearer ").
	GrafanaOnCallToken string
}

// registerPagingRoutes adds the on-call tools' webhooks.
func (s *Server) registerPagingRoutes() {
	s.mux.HandleFunc("POST /api/v1/paging/pagerduty", s.handlePagerDuty)
	s.mux.HandleFunc("POST /api/v1/paging/opsgenie", s.handleOpsgenie)
	s.mux.HandleFunc("POST /api/v1/paging/grafana-oncall", s.handleGrafanaOnCall)
}

// handlePagerDuty takes a PagerDuty v3 webhook: its signature is checked
// over the raw body before anything is decoded.
func (s *Server) handlePagerDuty(w http.ResponseWriter, r *http.Request) {
	if s.Paging.PagerDutySecret == "" {
		s.pagingReject(w, r, hindsight.Errorf(hindsight.EUNAUTHORIZED,
			"the PagerDuty webhook is not configured on this server: set paging.pagerduty.signing_secret to the subscription's secret"))
		return
	}
	body, ok := s.pagingBody(w, r)
	if !ok {
		return
	}
	if !VerifyPagerDuty(s.Paging.PagerDutySecret, body, r.Header.Get("X-PagerDuty-Signature")) {
		s.pagingReject(w, r, hindsight.Errorf(hindsight.EUNAUTHORIZED, "missing or wrong X-PagerDuty-Signature"))
		return
	}
	s.takePaging(w, r, hindsight.PagingPagerDuty, body)
}

// handleOpsgenie takes an Opsgenie webhook integration's callback,
// authenticated by the configured bearer token.
func (s *Server) handleOpsgenie(w http.ResponseWriter, r *http.Request) {
	if s.Paging.OpsgenieToken == "" {
		s.pagingReject(w, r, hindsight.Errorf(hindsight.EUNAUTHORIZED,
			"the Opsgenie webhook is not configured on this server: set paging.opsgenie.token, and the same bearer token as a custom header in Opsgenie"))
		return
	}
	tok, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !found || !equal(strings.TrimSpace(tok), s.Paging.OpsgenieToken) {
		s.pagingReject(w, r, hindsight.Errorf(hindsight.EUNAUTHORIZED, "missing or wrong bearer token"))
		return
	}
	body, ok := s.pagingBody(w, r)
	if !ok {
		return
	}
	s.takePaging(w, r, hindsight.PagingOpsgenie, body)
}

// handleGrafanaOnCall takes a Grafana OnCall outgoing webhook (Forward
// All), authenticated by its Authorization Header.
func (s *Server) handleGrafanaOnCall(w http.ResponseWriter, r *http.Request) {
	if s.Paging.GrafanaOnCallToken == "" {
		s.pagingReject(w, r, hindsight.Errorf(hindsight.EUNAUTHORIZED,
			"the Grafana OnCall webhook is not configured on this server: set paging.grafana_oncall.token, and the same value as the webhook's Authorization Header"))
		return
	}
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	tok, _ := strings.CutPrefix(h, "Bearer ")
	if h == "" || !equal(strings.TrimSpace(tok), s.Paging.GrafanaOnCallToken) {
		s.pagingReject(w, r, hindsight.Errorf(hindsight.EUNAUTHORIZED, "missing or wrong Authorization header"))
		return
	}
	body, ok := s.pagingBody(w, r)
	if !ok {
		return
	}
	s.takePaging(w, r, hindsight.PagingGrafanaOnCall, body)
}

// pagingBody reads a paging webhook's body, bounded; ok is false once it
// has answered.
func (s *Server) pagingBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPagingBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		s.pagingReject(w, r, &hindsight.Error{Code: ETOOLARGE, Message: "the webhook is larger than 1 MiB"})
		return nil, false
	} else if err != nil {
		s.pagingReject(w, r, errBodyCut)
		return nil, false
	}
	return body, true
}

// takePaging records what an authenticated webhook carries and answers:
// 200 with the matched incidents, 202 for what acknowledges nothing or
// matches no incident.
func (s *Server) takePaging(w http.ResponseWriter, r *http.Request, src hindsight.PagingSource, body []byte) {
	if s.Paging.Service == nil {
		s.pagingReject(w, r, hindsight.Errorf(hindsight.EUNAVAILABLE, "acknowledgements are not recorded on this server"))
		return
	}
	res, err := s.Paging.Service.TakeWebhook(r.Context(), src, body, s.Now())
	if err != nil {
		s.pagingReject(w, r, err)
		return
	}
	if len(res.Incidents) == 0 {
		writeJSON(w, http.StatusAccepted, res)
		return
	}
	s.log().Info("paging webhook", "source", string(src), "incidents", res.Incidents, "recorded", res.Recorded)
	writeJSON(w, http.StatusOK, res)
}

// VerifyPagerDuty reports whether header, an X-PagerDuty-Signature value,
// holds a v1 signature of body under secret, as PagerDuty documents it: a
// comma-separated list of "v1=" followed by the hex HMAC-SHA256 of the raw
// body (several during a secret rotation), compared in constant time.
func VerifyPagerDuty(secret string, body []byte, header string) bool {
	if secret == "" || header == "" {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	want := []byte("v1=" + hex.EncodeToString(mac.Sum(nil)))
	ok := false
	for _, sig := range strings.Split(header, ",") {
		if subtle.ConstantTimeCompare([]byte(strings.TrimSpace(sig)), want) == 1 {
			ok = true
		}
	}
	return ok
}

// pagingReject logs and answers a refused paging webhook.
func (s *Server) pagingReject(w http.ResponseWriter, r *http.Request, err error) {
	s.log().Warn("paging webhook refused", "path", r.URL.Path, "code", hindsight.ErrorCode(err), "err", hindsight.ErrorMessage(err))
	if hindsight.ErrorCode(err) == hindsight.EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="hindsight"`)
	}
	Error(w, r, err)
}
