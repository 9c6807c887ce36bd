package main

import (
	"context"
	"time"

	"github.com/hindsight-sre/hindsight/evidence"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// annotationInterval is how often the Grafana annotation worker runs.
const annotationInterval = time.Minute

// wireEvidence hands the server the changes and attachments of the store
// and the evidence settings of the configuration.
func (m *Main) wireEvidence(s *hhttp.Server, store *sqlstore.Store) {
	ev := m.Config.Evidence
	store.ChangesWindow = ev.ChangesWindow.Std()
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
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		ticker := time.NewTicker(annotationInterval)
		defer ticker.Stop()
		for {
			now := time.Now()
			if m.Now != nil {
				now = m.Now()
			}
			if err := a.Pass(ctx, now); err != nil && ctx.Err() == nil {
				m.logger().Warn("grafana: cannot write incident annotations; will retry", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
		}
	}()
	m.stopAnnotations = func() {
		cancel()
		<-done
	}
}

// closeAnnotations stops the annotation worker and waits for its pass.
func (m *Main) closeAnnotations() {
	if m.stopAnnotations != nil {
		m.stopAnnotations()
		m.stopAnnotations = nil
	}
}
