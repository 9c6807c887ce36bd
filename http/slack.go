package http

import (
	"net/http"

	"github.com/hindsight-sre/hindsight"
)

// SlackEndpoints serves the Slack app's requests (slack.App): each
// verifies Slack's signature itself, so these routes take no role.
type SlackEndpoints interface {
	// ServeEvents is the Events API endpoint.
	ServeEvents(w http.ResponseWriter, r *http.Request)
	// ServeCommand is the slash command endpoint.
	ServeCommand(w http.ResponseWriter, r *http.Request)
}

// registerSlackRoutes adds the Slack app's endpoints.
func (s *Server) registerSlackRoutes() {
	s.mux.HandleFunc("POST /api/v1/slack/events", s.slackRoute(SlackEndpoints.ServeEvents))
	s.mux.HandleFunc("POST /api/v1/slack/commands", s.slackRoute(SlackEndpoints.ServeCommand))
}

// slackRoute serves one Slack endpoint, or 503 while the app is not
// configured.
func (s *Server) slackRoute(serve func(SlackEndpoints, http.ResponseWriter, *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.Slack == nil {
			Error(w, r, hindsight.Errorf(hindsight.EUNAVAILABLE,
				"the Slack app is not configured: set slack.bot_token and slack.signing_secret (docs/slack.md)"))
			return
		}
		serve(s.Slack, w, r)
	}
}
