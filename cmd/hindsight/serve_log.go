package main

import (
	"context"
	"log/slog"
	"runtime"
	"time"

	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// logStart writes the start-up line: what runs (version, revision, Go),
// where (store engine and DSN without its password, listen address, schema
// version) and what is configured, without any secret: credentials show
// only as which kind is set.
func (m *Main) logStart(ctx context.Context) {
	cfg := m.Config
	attrs := []slog.Attr{
		slog.String("version", version), slog.String("revision", buildRevision()), slog.String("go", runtime.Version()),
		slog.String("store", m.Store.Engine()), slog.String("dsn", sqlstore.RedactDSN(m.DSN)),
		slog.String("addr", m.URL()),
	}
	if st, err := m.Store.MigrationStatus(ctx); err == nil {
		attrs = append(attrs, slog.Int64("schema_version", st.Current))
	}
	attrs = append(attrs,
		slog.String("config", firstNonEmpty(cfg.Source(), "built-in defaults")),
		slog.String("webhook_auth", webhookAuthKind(cfg)),
		slog.String("prometheus", firstNonEmpty(sqlstore.RedactDSN(cfg.Prometheus.URL), "none")),
		slog.Any("reminder_channels", reminderChannels(cfg)),
		slog.Any("paging", pagingTools(cfg)),
		slog.String("draft_min_severity", string(cfg.Severity.DraftMinSeverity)),
		slog.Bool("anonymous_read", cfg.Auth.AnonymousRead),
		slog.Int("trusted_proxies", len(cfg.Auth.Proxy.TrustedCIDRs)),
		slog.String("base_url", cfg.Server.BaseURL),
		slog.String("template", firstNonEmpty(cfg.Template, "built-in")),
	)
	m.logger().LogAttrs(ctx, slog.LevelInfo, "hindsight started", attrs...)
}

// webhookAuthKind names the webhook credentials configured: token, basic,
// token+basic or none.
func webhookAuthKind(cfg *config.Config) string {
	w := cfg.Webhook
	basic := w.BasicAuth.Username != "" || w.BasicAuth.Password != ""
	switch {
	case w.Token != "" && basic:
		return "token+basic"
	case w.Token != "":
		return "token"
	case basic:
		return "basic"
	default:
		return "none"
	}
}

// reminderChannels names the reminder channels configured.
func reminderChannels(cfg *config.Config) []string {
	out := []string{}
	if cfg.Reminders.Slack.WebhookURL != "" {
		out = append(out, "slack")
	}
	if cfg.Reminders.SMTP.Enabled() {
		out = append(out, "smtp")
	}
	return out
}

// Shutdown logs why the server stops, stops it as Close does (in-flight
// requests finish, workers end their run), and logs that it stopped and
// how long that took.
func (m *Main) Shutdown(cause error) error {
	reason := "stop requested"
	if cause != nil && cause != context.Canceled {
		reason = cause.Error()
	}
	start := time.Now()
	m.logger().Info("shutting down: finishing requests in flight", "reason", reason)
	err := m.Close()
	attrs := []any{"took_ms", time.Since(start).Milliseconds()}
	if err != nil {
		m.logger().Error("stopped with an error", append(attrs, "err", err)...)
		return err
	}
	m.logger().Info("stopped", attrs...)
	return nil
}
