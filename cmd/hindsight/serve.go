package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/alertmanager"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/distribution"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/impact"
	"github.com/hindsight-sre/hindsight/importer"
	"github.com/hindsight-sre/hindsight/oidc"
	"github.com/hindsight-sre/hindsight/paging"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/review"
	"github.com/hindsight-sre/hindsight/slack"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/tracker"
)

func init() { register(newServeCmd) }

func newServeCmd(g *globals) *cobra.Command {
	var addr, dsn string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the server: Alertmanager webhook, JSON API, health checks and /metrics",
		Long: `Run the server. It opens the store (a SQLite file by default, or PostgreSQL),
applies migrations, and serves until SIGTERM or Ctrl-C, then finishes the
requests in flight before it exits.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			if addr != "" {
				cfg.Server.Addr = addr
			}
			if dsn, err = resolveDSN(g, dsn); err != nil {
				return err
			}
			g.sayStore(dsn)
			log, err := g.logger()
			if err != nil {
				return err
			}
			// The packages it uses log through the default logger. Only the
			// process's own command sets it: a Main in a test, or a command
			// a test runs in-process with its own stderr, must not redirect
			// the logs of everything else in the process.
			if g.stderr == io.Writer(os.Stderr) {
				slog.SetDefault(log)
			}
			tuneGC()
			m := &Main{Config: cfg, DSN: dsn, Log: log}
			if err := m.Run(cmd.Context()); err != nil {
				return err
			}
			<-cmd.Context().Done()
			return m.Shutdown(context.Cause(cmd.Context()))
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "", "listen address (default $HINDSIGHT_ADDR, else server.addr, else 127.0.0.1:8080)")
	addDBFlag(cmd, &dsn)
	return cmd
}

// Main is the running server program: its store and HTTP server. Tests start
// it on 127.0.0.1:0 with a store in a temporary directory.
type Main struct {
	Config *config.Config
	DSN    string
	// Log receives the program's own messages; nil means slog.Default().
	Log *slog.Logger
	// Now is the clock; nil means the system clock.
	Now func() time.Time
	// PruneInterval is how often raw notifications older than
	// webhook.raw_retention are deleted; 0 means DefaultPruneInterval.
	PruneInterval time.Duration
	// ImpactInterval is how often the impact worker looks for incidents to
	// measure; 0 means impact.DefaultInterval.
	ImpactInterval time.Duration
	// DashboardRefresh is how often the dashboard's default window is
	// recomputed in the background; 0 means hhttp.DefaultDashboardRefresh.
	DashboardRefresh time.Duration

	// Store and Server are set by Run.
	Store  *sqlstore.Store
	Server *hhttp.Server

	// The services Run builds, in its order.

	// policy drafts and renders documents as configured.
	policy postmortem.Policy
	// intake applies Alertmanager's notifications to the store.
	intake *alertmanager.Intake
	// documents imports and exports post-mortems as Markdown.
	documents *importer.Service
	// impact measures and stores incidents' impact (serve_impact.go).
	impact *impact.Service
	// review is the one review workflow: the API, the UI, Slack, paging
	// and trackers act through it (serve_review.go).
	review *review.Service
	// slack is the Slack app, nil when not configured (serve_slack.go).
	slack *slack.App
	// distribution reads the Distribution List's ticks, nil when not
	// configured (serve_distribution.go).
	distribution *distribution.Record
	// signOn is the OpenID Connect sign-in, nil when not configured
	// (serve_oidc.go).
	signOn *oidc.Provider
	// paging records on-call tools' acknowledgements (serve_paging.go).
	paging *paging.Service
	// trackers copies action items to issue trackers, nil when not
	// configured (serve_trackers.go).
	trackers *tracker.Service

	// workers are the background loops that run (serve_workers.go).
	workers *workerSet
}

// Run builds the server program top to bottom and starts it: the store
// (opened and migrated, the configured people in its directory), the
// services over it, the HTTP server that serves them (listening when Run
// returns), then the background workers. On an error it closes the store.
func (m *Main) Run(ctx context.Context) (err error) {
	// The store.
	store, err := openStore(ctx, m.DSN)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			store.Close()
		}
	}()
	m.Store = store
	if m.Now != nil {
		store.Now = m.Now
	}
	store.ChangesWindow = m.Config.Evidence.ChangesWindow.Std()
	if err = m.loadPeople(ctx); err != nil {
		return err
	}

	// The services, each over the store and its part of the configuration.
	tmpl, err := m.template()
	if err != nil {
		return err
	}
	m.policy = documentPolicy(m.Config, tmpl, m.Now)
	m.intake = m.newIntake(store)
	m.documents = &importer.Service{Store: store, Render: m.policy.Render}
	m.impact = m.newImpact()
	m.review = m.newReview(store)
	m.slack = m.newSlack(store)
	m.distribution = m.newDistributionRecord(store)
	if m.signOn, err = m.newSignOn(ctx); err != nil {
		return err
	}
	m.paging = m.newPaging(store)
	if m.trackers, err = m.newTrackers(store); err != nil {
		return err
	}

	// The HTTP server, given the services, listening.
	s := m.newServer(store)
	if err = s.Open(); err != nil {
		return fmt.Errorf("cannot listen on %s: %w (choose another with --addr)", s.Addr, err)
	}
	m.Server = s

	// The workers, with the program's own metrics.
	m.registerMetrics(s)
	m.startWorkers(s)
	m.logStart(ctx)
	return nil
}

// newServer builds the HTTP server over the store and the services Run
// built: the webhook's intake and credentials, the API's and the UI's
// services, and the integrations that are configured.
func (m *Main) newServer(store *sqlstore.Store) *hhttp.Server {
	s := hhttp.NewServer()
	s.Log = m.logger()
	s.Addr = m.Config.Server.Addr
	s.Store = store
	s.Incidents = store
	s.Tokens = store
	s.Intake = m.intake
	m.wireWebhook(s)
	s.SLOFor = m.Config.SLOFor
	s.Render = m.policy.Render
	s.Documents = m.documents
	m.wireUI(s, store)
	s.Impact = m.impact
	m.wireEvidence(s, store)
	s.Review = m.review
	s.NotificationPrefs = store
	if m.slack != nil && m.Config.Slack.Enabled() {
		s.Slack = m.slack
	}
	if m.distribution != nil {
		s.Distribution = m.distribution
	}
	if m.signOn != nil {
		s.SignOn = m.signOn
	}
	m.wirePaging(s)
	if m.trackers != nil {
		s.Trackers = m.trackers
	}
	if !s.WebhookAuth.Configured() {
		m.logger().Warn("webhook authentication is not configured: POST /api/v1/alerts/alertmanager refuses every request until webhook.token or HINDSIGHT_WEBHOOK_TOKEN is set")
	}
	return s
}

// wireWebhook gives the server the webhook's credentials and limits.
func (m *Main) wireWebhook(s *hhttp.Server) {
	w := m.Config.Webhook
	s.WebhookAuth = hhttp.WebhookAuth{Token: string(w.Token), Username: w.BasicAuth.Username, Password: string(w.BasicAuth.Password)}
	s.WebhookBodyLimit = int64(w.BodyLimit)
	s.WebhookInflightLimit = int64(w.InflightLimit)
}

// newIntake builds the Alertmanager intake over the store, mapping alerts
// as configured and drafting documents by the policy.
func (m *Main) newIntake(store hindsight.Store) *alertmanager.Intake {
	return &alertmanager.Intake{
		Store:        store,
		Mapping:      mapping(m.Config),
		ReopenWindow: m.Config.Webhook.ReopenWindow.Std(),
		Now:          m.Now,
		Draft:        m.policy.AlertDraft,
	}
}

// documentPolicy is how the configuration drafts and renders documents:
// the intake's drafts are by the configured author, else "alertmanager".
func documentPolicy(cfg *config.Config, tmpl *postmortem.Template, now func() time.Time) postmortem.Policy {
	return postmortem.Policy{SLOFor: cfg.SLOFor, Template: tmpl, DraftMinSeverity: cfg.Severity.DraftMinSeverity,
		Author: firstNonEmpty(cfg.Author, "alertmanager"), Version: version, Now: now}
}

func (m *Main) template() (*postmortem.Template, error) {
	if m.Config.Template == "" {
		return nil, nil
	}
	return postmortem.LoadTemplate(m.Config.Template)
}

// logger returns Log, or the default logger when it is nil.
func (m *Main) logger() *slog.Logger {
	if m.Log != nil {
		return m.Log
	}
	return slog.Default()
}

// URL returns the server's base URL once it runs.
func (m *Main) URL() string { return m.Server.URL() }

// Close stops the server, finishing in-flight requests, then closes the store.
func (m *Main) Close() error {
	var err error
	if m.Server != nil {
		err = m.Server.Close()
	}
	m.stopWorkers()
	if m.Store != nil {
		if cerr := m.Store.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
