package main

import (
	"github.com/hindsight-sre/hindsight/config"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/paging"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/worker"
)

// workerSilences is the Alertmanager silence poller's name.
const workerSilences = "silences"

// newPaging builds the service that records on-call tools'
// acknowledgements through the review workflow, as the manual
// acknowledgement does; nil without the review workflow.
func (m *Main) newPaging(store *sqlstore.Store) *paging.Service {
	if m.review == nil {
		return nil
	}
	return &paging.Service{Incidents: store, Recorder: m.review, ResolvedWindow: m.Config.Paging.ResolvedWindow.Std(), Now: m.Now, Log: m.logger()}
}

// wirePaging gives the server the on-call tools' webhooks and their
// credentials, when the paging service is built.
func (m *Main) wirePaging(s *hhttp.Server) {
	if m.paging == nil {
		return
	}
	p := m.Config.Paging
	s.Paging = hhttp.PagingWebhooks{Service: m.paging,
		PagerDutySecret: string(p.PagerDuty.SigningSecret), OpsgenieToken: string(p.Opsgenie.Token),
		GrafanaOnCallToken: string(p.GrafanaOnCall.Token)}
}

// startSilences runs the silence poller when paging.alertmanager.urls
// lists an Alertmanager: a poll now, then one every poll interval.
func (m *Main) startSilences() {
	a := m.Config.Paging.Alertmanager
	if len(a.URLs) == 0 || m.paging == nil {
		return
	}
	p := &paging.SilencePoller{URLs: a.URLs, Service: m.paging}
	m.startWorker(worker.Task{Name: workerSilences, Interval: a.PollInterval.Std(), Run: p.Poll})
}

// pagingTools names the on-call tools acknowledgements are taken from, for
// the start-up line (never their secrets).
func pagingTools(cfg *config.Config) []string {
	p := cfg.Paging
	out := []string{}
	for _, t := range []struct {
		name string
		set  bool
	}{
		{"alertmanager_silences", len(p.Alertmanager.URLs) > 0}, {"pagerduty", p.PagerDuty.SigningSecret != ""},
		{"opsgenie", p.Opsgenie.Token != ""}, {"grafana_oncall", p.GrafanaOnCall.Token != ""},
	} {
		if t.set {
			out = append(out, t.name)
		}
	}
	return out
}
