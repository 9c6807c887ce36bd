package http

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/hindsight-sre/hindsight"
)

// TrackerSync is what the server needs of the tracker sync
// (tracker.Service): the webhooks' deliveries, the links each action item
// shows, and a retry asked for.
type TrackerSync interface {
	// HandleWebhook verifies and applies one delivery to tracker name's
	// webhook. Errors: ENOTFOUND, EUNAUTHORIZED, EINVALID.
	HandleWebhook(ctx context.Context, name string, h http.Header, body []byte) error
	// FindTrackerLinks returns the links of the given action items.
	FindTrackerLinks(ctx context.Context, actionIDs []int64) (map[int64]*hindsight.TrackerLink, error)
	// RetryTracker queues an item again now. Errors: ENOTFOUND.
	RetryTracker(ctx context.Context, actionID int64) error
}

// trackerWebhookLimit bounds a tracker delivery's body: GitHub caps its
// payloads at 25 MB, but an issue event is a few kilobytes.
const trackerWebhookLimit = 1 << 20

// registerTrackerRoutes adds the trackers' webhook, authenticated by the
// tracker's own signature or token, and the retry of an item's sync.
func (s *Server) registerTrackerRoutes(editor hindsight.Role) {
	s.mux.HandleFunc("POST /api/v1/trackers/{tracker}/webhook", s.handleTrackerWebhook)
	s.mux.HandleFunc("POST /api/v1/actions/{id}/tracker/retry", s.require(editor, s.handleTrackerRetry))
}

// handleTrackerWebhook applies one delivery: 204 once applied, 401 for a
// bad signature (nothing changed), 404 for an unknown tracker, 503 when no
// tracker is configured.
func (s *Server) handleTrackerWebhook(w http.ResponseWriter, r *http.Request) {
	if s.Trackers == nil {
		Error(w, r, hindsight.Errorf(hindsight.EUNAVAILABLE, "no issue tracker is configured (trackers.routes)"))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, trackerWebhookLimit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			Error(w, r, hindsight.Errorf(hindsight.EINVALID, "the delivery is larger than %d bytes", trackerWebhookLimit))
			return
		}
		Error(w, r, hindsight.Errorf(hindsight.EINVALID, "cannot read the delivery: %v", err))
		return
	}
	if err := s.Trackers.HandleWebhook(r.Context(), r.PathValue("tracker"), r.Header, body); err != nil {
		Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleTrackerRetry queues an action item for its tracker again, and
// answers its link.
func (s *Server) handleTrackerRetry(w http.ResponseWriter, r *http.Request) {
	if s.Trackers == nil {
		Error(w, r, hindsight.Errorf(hindsight.EUNAVAILABLE, "no issue tracker is configured (trackers.routes)"))
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		Error(w, r, hindsight.Errorf(hindsight.ENOTFOUND, "action item %q not found", r.PathValue("id")))
		return
	}
	if err := s.Trackers.RetryTracker(r.Context(), id); err != nil {
		Error(w, r, err)
		return
	}
	links, err := s.Trackers.FindTrackerLinks(r.Context(), []int64{id})
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, links[id])
}

// attachTrackers sets each item's Tracker from the sync's links; without
// trackers configured it does nothing.
func (s *Server) attachTrackers(ctx context.Context, lists ...[]*hindsight.ActionItem) error {
	if s.Trackers == nil {
		return nil
	}
	var ids []int64
	for _, items := range lists {
		for _, a := range items {
			ids = append(ids, a.ID)
		}
	}
	links, err := s.Trackers.FindTrackerLinks(ctx, ids)
	if err != nil {
		return err
	}
	for _, items := range lists {
		for _, a := range items {
			if l := links[a.ID]; l != nil && l.State != hindsight.TrackerNone {
				a.Tracker = l
			}
		}
	}
	return nil
}
