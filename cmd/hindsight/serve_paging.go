package main

import (
	"github.com/hindsight-sre/hindsight/config"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/paging"
	"github.com/hindsight-sre/hindsight/review"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/worker"
)

// workerSilences is the Alertmanager silence poller's name.
const workerSilences = "silences"

// wirePaging gives the server the on-call tools' webhooks, recording
// through the review workflow as the manual acknowledgement does.
func (m *Main) wirePaging(s *hhttp.Server, store *sqlstore.Store) {
	p := m.Config.Paging
	rec, ok := s.Review.(*review.Service)
	if !ok {
		return
	}
	m.paging = &paging.Service{Incidents: store, Recorder: rec, ResolvedWindow: p.ResolvedWindow.Std(), Now: m.Now, Log: m.logger()}
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
