package main

import (
	"time"

	"github.com/hindsight-sre/hindsight/review"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// FollowUpInterval is how often the server looks for incidents resolved at
// least 30 days ago whose follow-up is not computed yet.
const FollowUpInterval = 24 * time.Hour

// newReview builds the review workflow that the JSON API, the UI's forms,
// Slack, paging and the trackers act through: rendering and drafting by
// the document policy, exporting as the Markdown documents do, and
// signing by the review section of the configuration.
func (m *Main) newReview(store *sqlstore.Store) *review.Service {
	svc := review.NewService(store, m.Config.Review.Policy())
	svc.Render = m.policy.Render
	svc.Now = m.Now
	svc.Export = m.documents.Export
	svc.NewDraft = m.policy.Draft
	svc.DraftMinSeverity = m.Config.Severity.DraftMinSeverity
	return svc
}

// startFollowUps runs the daily follow-up pass until Close: one pass now,
// then one every FollowUpInterval. Two instances on one PostgreSQL may both
// compute a follow-up; the second stores the same figures again.
func (m *Main) startFollowUps() {
	if m.review == nil {
		return
	}
	m.startWorker(followUpTask(m.review.RunDueFollowUps))
}

// closeFollowUps stops the follow-up pass and waits for a running one.
func (m *Main) closeFollowUps() { m.stopWorker(workerFollowUps) }
