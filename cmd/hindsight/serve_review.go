package main

import (
	"time"

	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/review"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// FollowUpInterval is how often the server looks for incidents resolved at
// least 30 days ago whose follow-up is not computed yet.
const FollowUpInterval = 24 * time.Hour

// wireReview gives the server the review workflow behind its JSON API,
// rendering with the server's template and signing by the review section
// of the configuration.
func (m *Main) wireReview(s *hhttp.Server, store *sqlstore.Store) {
	svc := review.NewService(store, m.Config.Review.Policy())
	svc.Render = s.Render
	svc.Now = m.Now
	if s.Documents != nil {
		svc.Export = s.Documents.Export
	}
	svc.NewDraft = m.policy.Draft
	svc.DraftMinSeverity = m.Config.Severity.DraftMinSeverity
	s.Review = svc
	s.NotificationPrefs = store
}

// startFollowUps runs the daily follow-up pass until Close: one pass now,
// then one every FollowUpInterval. Two instances on one PostgreSQL may both
// compute a follow-up; the second stores the same figures again.
func (m *Main) startFollowUps(s *hhttp.Server) {
	svc, ok := s.Review.(*review.Service)
	if !ok {
		return
	}
	m.startWorker(followUpTask(svc.RunDueFollowUps))
}

// closeFollowUps stops the follow-up pass and waits for a running one.
func (m *Main) closeFollowUps() { m.stopWorker(workerFollowUps) }
