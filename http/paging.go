package http

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/paging"
)

// maxPagingBody bounds an on-call tool's webhook: theirs are a few KiB.
const maxPagingBody = 1 << 20

// PagingApplier records an on-call tool's acknowledgement on the incidents
// it names; paging.Service is the implementation.
type PagingApplier interface {
	Apply(ctx context.Context, n paging.Notice) (paging.Result, error)
}

// PagingWebhooks are the on-call tools' webhooks and their credentials. A
// tool whose credential is empty is refused (401): nothing is accepted
// unauthenticated.
type PagingWebhooks struct {
	Service PagingApplier
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

// pagingAnswer is the body of a 200 or 202 from a paging webhook.
type pagingAnswer struct {
	Status    string   `json:"status"`
	Reason    string   `json:"reason,omitempty"`
	Incidents []string `json:"incidents"`
	Recorded  int      `json:"recorded"`
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
	body, ok := s.pagingBody(w, r)
	if !ok {
		return
	}
	if s.Paging.PagerDutySecret == "" {
		s.pagingReject(w, r, hindsight.Errorf(hindsight.EUNAUTHORIZED,
			"the PagerDuty webhook is not configured on this server: set paging.pagerduty.signing_secret to the subscription's secret"))
		return
	}
	if !paging.VerifyPagerDuty(s.Paging.PagerDutySecret, body, r.Header.Get("X-PagerDuty-Signature")) {
		s.pagingReject(w, r, hindsight.Errorf(hindsight.EUNAUTHORIZED, "missing or wrong X-PagerDuty-Signature"))
		return
	}
	n, ok, err := paging.DecodePagerDuty(body)
	s.applyPaging(w, r, hindsight.PagingPagerDuty, n, ok, err)
}

// handleOpsgenie takes an Opsgenie webhook integration's callback,
// authenticated by the configured bearer token.
func (s *Server) handleOpsgenie(w http.ResponseWriter, r *http.Request) {
	body, ok := s.pagingBody(w, r)
	if !ok {
		return
	}
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
	n, ok, err := paging.DecodeOpsgenie(body, s.Now())
	s.applyPaging(w, r, hindsight.PagingOpsgenie, n, ok, err)
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
	n, ok, err := paging.DecodeGrafanaOnCall(body, s.Now())
	s.applyPaging(w, r, hindsight.PagingGrafanaOnCall, n, ok, err)
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

// applyPaging records a decoded notice and answers: 200 with the matched
// incidents, 202 for what acknowledges nothing or matches no incident.
func (s *Server) applyPaging(w http.ResponseWriter, r *http.Request, src hindsight.PagingSource, n paging.Notice, ok bool, err error) {
	if err != nil {
		s.pagingReject(w, r, err)
		return
	}
	if !ok {
		s.log().Info("paging webhook ignored", "source", string(src), "reason", "not an acknowledgement")
		writeJSON(w, http.StatusAccepted, pagingAnswer{Status: "ignored", Reason: "not an acknowledgement", Incidents: []string{}})
		return
	}
	if s.Paging.Service == nil {
		s.pagingReject(w, r, hindsight.Errorf(hindsight.EUNAVAILABLE, "acknowledgements are not recorded on this server"))
		return
	}
	res, err := s.Paging.Service.Apply(r.Context(), n)
	if err != nil {
		s.pagingReject(w, r, err)
		return
	}
	if len(res.Incidents) == 0 {
		writeJSON(w, http.StatusAccepted, pagingAnswer{Status: "ignored", Reason: "matches no incident", Incidents: []string{}})
		return
	}
	s.log().Info("paging webhook", "source", string(src), "ref", n.Ref, "incidents", res.Incidents, "recorded", res.Recorded)
	writeJSON(w, http.StatusOK, pagingAnswer{Status: "acknowledged", Incidents: res.Incidents, Recorded: res.Recorded})
}

// pagingReject logs and answers a refused paging webhook.
func (s *Server) pagingReject(w http.ResponseWriter, r *http.Request, err error) {
	s.log().Warn("paging webhook refused", "path", r.URL.Path, "code", hindsight.ErrorCode(err), "err", hindsight.ErrorMessage(err))
	if hindsight.ErrorCode(err) == hindsight.EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="hindsight"`)
	}
	Error(w, r, err)
}
