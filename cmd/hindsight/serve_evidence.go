package main

import (
	"context"
	"time"

	"github.com/hindsight-sre/hindsight/evidence"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/worker"
)

// workerAnnotations is the Grafana annotation worker's name.
const workerAnnotations = "grafana_annotations"

// annotationInterval is how often the Grafana annotation worker runs.
const annotationInterval = time.Minute

// wireEvidence hands the server the changes and attachments of the store
// and the evidence settings of the configuration (Run has set the store's
// changes window).
func (m *Main) wireEvidence(s *hhttp.Server, store *sqlstore.Store) {
	ev := m.Config.Evidence
	s.Changes = store
	s.ChangesToken = string(ev.ChangesToken)
	s.Attachments = store
	s.AttachmentLimit = int64(ev.AttachmentLimit)
}

// startAnnotations runs the Grafana annotation worker when
// evidence.grafana.annotations is on: a pass now, then one a minute, each
// writing the missing region annotations and closing those of incidents
// resolved since. A failed request is retried within the pass and again
// the next pass.
func (m *Main) startAnnotations() {
	g := m.Config.Evidence.Grafana
	if !g.Annotations {
		return
	}
	a := &evidence.Annotator{Store: m.Store, Grafana: &evidence.Grafana{URL: g.URL, Token: string(g.Token)}}
	m.startWorker(worker.Task{Name: workerAnnotations, Interval: annotationInterval, Run: func(ctx context.Context) (int, error) {
		now := time.Now()
		if m.Now != nil {
			now = m.Now()
		}
		return a.Pass(ctx, now)
	}})
}
