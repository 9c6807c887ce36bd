// Package http serves Hindsight over HTTP: the Alertmanager webhook, the JSON
// API, the web UI, health checks and /metrics. It talks to the store through
// the root package's service interfaces only.
package http

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hindsight-sre/hindsight"
)

// ShutdownTimeout bounds how long Close waits for in-flight requests.
const ShutdownTimeout = 30 * time.Second

// Pinger reports whether a dependency, such as the store, is reachable.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Server is the HTTP server. Set its fields, then call Open.
type Server struct {
	ln     net.Listener
	server *http.Server
	mux    *http.ServeMux

	// Addr is the address to listen on, such as 127.0.0.1:8080 or 127.0.0.1:0.
	Addr string
	// Store is checked by /readyz.
	Store Pinger
	// Registry holds the metrics served at /metrics.
	Registry *prometheus.Registry
	// Now is the clock; tests inject their own.
	Now func() time.Time
	// Log receives one line per webhook request, and one debug line per
	// other request (logging.go); nil means slog.Default().
	Log *slog.Logger

	// Intake stores Alertmanager notifications.
	Intake AlertIntake
	// WebhookAuth are the webhook's credentials.
	WebhookAuth WebhookAuth
	// WebhookBodyLimit bounds a notification's size; 0 means 5 MiB.
	WebhookBodyLimit int64
	// WebhookInflightLimit bounds the bytes of notifications being read
	// and stored at once (each counts its Content-Length, or the body
	// limit without one); beyond it the webhook answers 503 with
	// Retry-After. 0 means DefaultWebhookInflightLimit.
	WebhookInflightLimit int64
	// Incidents and Postmortems serve the JSON API and documents.
	Incidents hindsight.IncidentService
	// Tokens authenticates API tokens.
	Tokens hindsight.TokenService
	// SignOn is the OpenID Connect sign-in (oidc.go); nil offers none.
	SignOn hindsight.SignOn
	// ProxyAuth trusts a reverse proxy's identity headers from given networks.
	ProxyAuth ProxyAuth
	// AnonymousRead lets requests without credentials read incidents,
	// post-mortems and the UI's pages; false (the default) asks for a
	// viewer at least. Writes always need a role.
	AnonymousRead bool
	// SLOFor returns the configured objectives of an incident, which exports
	// show beside the stored post-mortem; nil leaves them zero.
	SLOFor func(inc *hindsight.Incident) hindsight.SLOTargets
	// Render writes a post-mortem as Markdown.
	Render func(w io.Writer, pm hindsight.Postmortem) error
	// Documents exports post-mortems as the Markdown they were imported
	// from and imports edited ones (PUT …/postmortem.md); nil renders with
	// Render and refuses imports.
	Documents MarkdownDocuments
	// Impact measures impact on demand (POST /api/v1/incidents/{id}/impact).
	Impact ImpactComputer
	// Review runs the review workflow behind the JSON API and the UI's
	// forms, comments included; nil answers 503 on the routes that need it.
	Review ReviewService
	// Changes stores deploys and configuration changes reported by CI/CD;
	// ChangesToken is the bearer token pipelines may send instead of an
	// editor's ("" accepts editors only).
	Changes      hindsight.ChangeService
	ChangesToken string
	// Attachments stores incidents' attachments, each at most
	// AttachmentLimit bytes (hindsight.DefaultAttachmentLimit when 0).
	Attachments     hindsight.AttachmentService
	AttachmentLimit int64
	// Slack serves the Slack app's Events API and slash command; nil
	// answers 503.
	Slack SlackEndpoints
	// Paging receives acknowledgements from on-call tools' webhooks
	// (paging.go).
	Paging PagingWebhooks
	// NotificationPrefs keeps each person's choice of channels (their
	// page /me/notifications and the API); nil answers 503 there.
	NotificationPrefs hindsight.NotificationPrefsService

	// Distribution reads when the entries of approved post-mortems'
	// Distribution Lists were sent; nil shows them unsent.
	Distribution hindsight.DistributionTicker
	// Trackers copies action items to issue trackers: their webhooks and
	// each item's state in the action list (trackers.go); nil when none
	// is configured.
	Trackers TrackerSync

	// UIStore serves the web UI's pages: lists, search, history, action
	// items, the dashboard's figures and the token check of the sign-in.
	UIStore UIStore
	// Sessions stores web UI sessions.
	Sessions hindsight.SessionService
	// BaseURL is the server's public URL (server.base_url). Writes to the
	// API not made with a bearer token must come from its origin; "" means
	// the origin of the request's own Host.
	BaseURL string
	// SecureCookies marks UI cookies Secure even on plain HTTP requests
	// (HTTPS requests always get Secure cookies). NewServer sets it; turn it
	// off only for a server reached over plain http://127.0.0.1.
	SecureCookies bool

	webhook *webhookMetrics
	// webhookBodies is the webhook's in-flight body budget.
	webhookBodies bodyBudget
	// proxySessions is the session reused for each proxy user.
	proxySessions proxySessions
	views         viewSet
	crossOrigin   *http.CrossOriginProtection
	dashboard     dashboardCache
}

// DefaultWebhookInflightLimit is the webhook's in-flight budget when
// Server.WebhookInflightLimit is 0: twelve notifications at the default
// 5 MiB body limit, or thousands of ordinary ones.
const DefaultWebhookInflightLimit = 64 << 20

// NewServer returns a server with its routes registered.
func NewServer() *Server {
	s := &Server{
		mux:      http.NewServeMux(),
		Registry: prometheus.NewRegistry(),
		Now:      func() time.Time { return time.Now().UTC() },
	}
	s.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.webhook = newWebhookMetrics(s.Registry)
	s.server = &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	s.mux.HandleFunc("GET /healthz", s.handleHealthz)
	s.mux.HandleFunc("GET /readyz", s.handleReadyz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.Registry, promhttp.HandlerOpts{}))
	s.mux.HandleFunc("POST /api/v1/alerts/alertmanager", s.handleAlertmanagerWebhook)
	s.mux.HandleFunc("GET /api/v1/whoami", s.require(hindsight.RoleViewer, s.handleWhoami))
	s.mux.HandleFunc("GET /api/v1/incidents", s.readable(s.handleIncidentList))
	s.mux.HandleFunc("GET /api/v1/incidents/{id}", s.readable(s.handleIncidentGet))
	s.mux.HandleFunc("GET /api/v1/incidents/{id}/postmortem.md", s.readable(s.handlePostmortemMarkdown))
	s.registerExportRoutes()
	s.registerMarkdownImportRoute()
	s.registerUIRoutes()
	s.registerImpactRoutes()
	s.registerEvidenceRoutes()
	s.registerReviewRoutes()
	s.registerIncidentManageRoutes()
	s.registerSearchRoutes()
	s.registerStatsRoutes()
	s.registerOpenAPIRoutes()
	s.registerSlackRoutes()
	s.registerReportRoutes()
	s.registerDistributionRoutes()
	s.registerPagingRoutes()
	s.registerTrackerRoutes(hindsight.RoleEditor)
	s.registerCommentRoutes()
	s.registerNotificationRoutes()
	s.registerPeopleRoutes()
	s.server.Handler = s.logRequests(s.server.Handler)
	return s
}

// webhookPath is the Alertmanager webhook's path.
const webhookPath = "/api/v1/alerts/alertmanager"

// Handler returns the server's root handler, for tests that use httptest:
// the routes behind the same edge (security headers, identity headers
// removed) as the listening server.
func (s *Server) Handler() http.Handler { return s.server.Handler }

// Open starts listening on Addr and serving in the background.
func (s *Server) Open() (err error) {
	if s.ln, err = net.Listen("tcp", s.Addr); err != nil {
		return err
	}
	go func() {
		if err := s.server.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log().Error("http server stopped", "err", err)
		}
	}()
	return nil
}

// URL returns the base URL the server listens on, such as http://127.0.0.1:8080.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Close stops accepting connections and waits for in-flight requests to
// finish, up to ShutdownTimeout.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	return s.server.Shutdown(ctx)
}

// handleWhoami returns the caller's identity and role.
func (s *Server) handleWhoami(w http.ResponseWriter, r *http.Request) {
	id, _ := hindsight.IdentityFromContext(r.Context())
	writeJSON(w, http.StatusOK, id)
}

// handleHealthz answers while the process is alive.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReadyz answers 200 when the store is reachable, else 503.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	if s.Store != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if err := s.Store.Ping(ctx); err != nil {
			s.log().Warn("store not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": "store unreachable"})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
