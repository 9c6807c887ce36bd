package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// refusingSMTP is an SMTP server on 127.0.0.1 that offers AUTH PLAIN and
// refuses every password, so that the reminder's delivery fails on the
// credentials' path. It returns the port.
func refusingSMTP(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				fmt.Fprint(conn, "220 smtp.test ESMTP\r\n")
				r := bufio.NewReader(conn)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					switch cmd := strings.ToUpper(strings.Fields(line + " x")[0]); cmd {
					case "EHLO", "HELO":
						fmt.Fprint(conn, "250-smtp.test\r\n250 AUTH PLAIN\r\n")
					case "AUTH":
						fmt.Fprint(conn, "535 5.7.8 authentication credentials invalid\r\n")
					case "QUIT":
						fmt.Fprint(conn, "221 bye\r\n")
						return
					default:
						fmt.Fprint(conn, "502 not here\r\n")
					}
				}
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// jsonLines decodes the logs, one object per line.
func jsonLines(t *testing.T, logs string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON log line: %q", l)
		}
		out = append(out, m)
	}
	return out
}

// lineWith returns the first line whose msg is msg, or fails.
func lineWith(t *testing.T, lines []map[string]any, msg string) map[string]any {
	t.Helper()
	for _, l := range lines {
		if l["msg"] == msg {
			return l
		}
	}
	t.Fatalf("no log line %q", msg)
	return nil
}

// TestServe_LogsNoSecrets runs the server on both engines with every kind
// of secret configured (webhook token and basic auth, SMTP password, Slack
// webhook URL, Prometheus basic auth, the PostgreSQL password), makes the
// webhook, the SMTP and the Slack paths run and fail, and greps every log
// line for each secret. It also checks the start-up and shutdown lines.
func TestServe_LogsNoSecrets(t *testing.T) {
	t.Parallel()
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		const (
			webhookToken = "whk-0123456789abcdef"
			basicPass    = "basic-pass-fedcba9876"
			smtpPass     = "smtp-pass-5a5a5a5a5a"
			slackSecret  = "/services/T000/B000/slacksecret77"
			promPass     = "prom-pass-3c3c3c3c"
		)
		slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "invalid_token", http.StatusForbidden)
		}))
		defer slack.Close()
		now := time.Date(2025, 10, 8, 9, 0, 0, 0, time.UTC)
		var logs testenv.LogBuffer
		m := MustRunMain(t, dsn, func(m *Main) {
			m.Now = func() time.Time { return now }
			m.Log = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c := m.Config
			c.Webhook.Token = config.Secret(webhookToken)
			c.Webhook.BasicAuth = config.BasicAuth{Username: "am", Password: config.Secret(basicPass)}
			c.Reminders.SMTP = config.SMTPConfig{Host: "127.0.0.1", Port: refusingSMTP(t), Username: "bot", Password: config.Secret(smtpPass),
				From: "hindsight@example.com", To: []string{"oncall@example.com"}, StartTLS: "never"}
			c.Reminders.Slack.WebhookURL = config.Secret(slack.URL + slackSecret)
			c.Reminders.Interval = config.Duration(50 * time.Millisecond)
			c.Prometheus.URL = "http://promuser:" + promPass + "@127.0.0.1:1/"
		})
		ctx, base := context.Background(), m.URL()
		mustReminderDo(t, m.Store.CreateIncident(ctx, &hindsight.Incident{ID: "INC-LOG", Title: "Overdue", Severity: hindsight.SEV2,
			Status: hindsight.IncidentInvestigating, StartedAt: now.AddDate(0, 0, -10)}))
		mustReminderDo(t, m.Store.CreateActionItem(ctx, &hindsight.ActionItem{IncidentID: "INC-LOG", Title: "Fix it", Owner: "@bob",
			Horizon: hindsight.HorizonImmediate, DueDate: now.AddDate(0, 0, -3).Truncate(24 * time.Hour), Status: hindsight.ActionOpen}))
		body := readFixture(t, "0-single-alert-firing.json")
		for _, auth := range []string{"Bearer " + webhookToken, "Bearer wrong-" + webhookToken,
			"Basic " + base64.StdEncoding.EncodeToString([]byte("am:"+basicPass)), "Basic " + base64.StdEncoding.EncodeToString([]byte("am:x"+basicPass))} {
			req, _ := http.NewRequest(http.MethodPost, m.URL()+"/api/v1/alerts/alertmanager", strings.NewReader(string(body)))
			req.Header.Set("Authorization", auth)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
		deadline := time.Now().Add(15 * time.Second)
		for !(strings.Contains(logs.String(), `"channel":"smtp"`) && strings.Contains(logs.String(), `"channel":"slack"`)) {
			if time.Now().After(deadline) {
				t.Fatalf("no failed delivery logged for both channels:\n%s", logs.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err := m.Shutdown(context.Cause(signalContext(t))); err != nil {
			t.Fatal(err)
		}
		m.Server, m.Store = nil, nil // closed; the cleanup's Close has nothing left to do
		got := logs.String()
		secrets := []string{webhookToken, basicPass, smtpPass, slackSecret, promPass,
			base64.StdEncoding.EncodeToString([]byte("am:" + basicPass)), base64.StdEncoding.EncodeToString([]byte("\x00bot\x00" + smtpPass))}
		if u, err := url.Parse(dsn); err == nil && u.User != nil {
			if p, ok := u.User.Password(); ok {
				// As it would appear in a DSN: the test role's password is
				// its user name, which may be printed.
				secrets = append(secrets, ":"+p+"@")
			}
		}
		for _, s := range secrets {
			if strings.Contains(got, s) {
				t.Errorf("the logs contain the secret %q:\n%s", s, got)
			}
		}
		lines := jsonLines(t, got)
		start := lineWith(t, lines, "hindsight started")
		for k, want := range map[string]any{"version": version, "webhook_auth": "token+basic", "prometheus": "http://promuser:xxxxx@127.0.0.1:1/",
			"addr": base, "draft_min_severity": "SEV2"} {
			if start[k] != want {
				t.Errorf("start-up line %s = %v, want %v", k, start[k], want)
			}
		}
		if ch, _ := start["reminder_channels"].([]any); len(ch) != 2 {
			t.Errorf("start-up line reminder_channels = %v, want slack and smtp", start["reminder_channels"])
		}
		if store, _ := start["store"].(string); (store == "postgres") != strings.HasPrefix(dsn, "postgres") {
			t.Errorf("start-up line store = %v for %s", store, start["dsn"])
		}
		if v, _ := start["schema_version"].(float64); v < 17 {
			t.Errorf("start-up line schema_version = %v", start["schema_version"])
		}
		if down := lineWith(t, lines, "shutting down: finishing requests in flight"); down["reason"] != "terminated signal received" {
			t.Errorf("shutdown reason %v, want the signal", down["reason"])
		}
		lineWith(t, lines, "stopped")
		if w := lineWith(t, lines, "worker run"); w["worker"] == "" {
			t.Errorf("worker line without worker: %v", w)
		}
	})
}

// signalContext returns a context cancelled by a real SIGTERM sent to
// this process, as signal.NotifyContext in main does.
func signalContext(t *testing.T) context.Context {
	t.Helper()
	ctx, stop := signalNotify()
	t.Cleanup(stop)
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-ctx.Done()
	return ctx
}
