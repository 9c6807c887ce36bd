package testenv_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"

	"github.com/hindsight-sre/hindsight/internal/testenv"
)

// notification is the part of Alertmanager's webhook payload the tests read.
type notification struct {
	Status       string            `json:"status"`
	GroupKey     string            `json:"groupKey"`
	CommonLabels map[string]string `json:"commonLabels"`
	Alerts       []struct {
		Status string            `json:"status"`
		Labels map[string]string `json:"labels"`
	} `json:"alerts"`
}

// receiver records the notifications Alertmanager posts to it.
type receiver struct {
	token string

	mu   sync.Mutex
	got  []notification
	errs []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if got := r.Header.Get("Authorization"); got != "Bearer "+rc.token {
		rc.errs = append(rc.errs, "Authorization header "+got)
		http.Error(w, "bad credentials", http.StatusUnauthorized)
		return
	}
	var n notification
	if err == nil {
		err = json.Unmarshal(body, &n)
	}
	if err != nil {
		rc.errs = append(rc.errs, err.Error())
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc.got = append(rc.got, n)
}

// waitFor polls until a notification from index from on satisfies ok and
// returns its index and the notification. The deadline is generous: it bounds a hang on a loaded
// machine and says nothing about speed.
func (rc *receiver) waitFor(t *testing.T, from int, what string, ok func(notification) bool) (int, notification) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		rc.mu.Lock()
		for i := from; i < len(rc.got); i++ {
			if n := rc.got[i]; ok(n) {
				rc.mu.Unlock()
				return i, n
			}
		}
		rc.mu.Unlock()
		time.Sleep(200 * time.Millisecond)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	t.Fatalf("no %s notification within 90s; received %+v; receiver errors %v", what, rc.got, rc.errs)
	return 0, notification{}
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.got)
}

// TestAlertPipeline drives the real chain an end-to-end test of Hindsight
// uses: exporter → Prometheus rule → Alertmanager → webhook, through a firing
// and a resolved notification.
func TestAlertPipeline(t *testing.T) {
	t.Parallel()
	const token = "s3cret-token"
	rc := &receiver{token: token}
	hook := httptest.NewServer(rc)
	t.Cleanup(hook.Close)

	exporter := testenv.StartExporter(t, "api")
	exporter.SetTraffic(testenv.Traffic{RequestsPerSecond: 200})
	am := testenv.StartAlertmanager(t, testenv.AlertmanagerOptions{
		WebhookURL:     hook.URL + "/api/v1/alerts/alertmanager",
		BearerToken:    token,
		GroupWait:      time.Second,
		GroupInterval:  time.Second,
		RepeatInterval: time.Hour,
		GroupBy:        []string{"alertname", "service"},
	})
	prom := testenv.StartPrometheus(t, testenv.PrometheusOptions{
		Rules:              testenv.HighAPIErrorRateRule,
		ScrapeTargets:      []string{exporter.Target},
		ScrapeInterval:     time.Second,
		EvaluationInterval: time.Second,
		AlertmanagerURL:    am.URL,
	})

	exporter.SetTraffic(testenv.Traffic{RequestsPerSecond: 200, ErrorRatio: 0.5})
	fired, got := rc.waitFor(t, 0, "firing", func(n notification) bool {
		return n.Status == "firing" && n.CommonLabels["alertname"] == "HighAPIErrorRate"
	})
	if got.CommonLabels["service"] != "api" || got.CommonLabels["severity"] != "critical" {
		t.Errorf("firing notification labels = %v, want service=api and severity=critical", got.CommonLabels)
	}
	if len(got.Alerts) != 1 || got.Alerts[0].Status != "firing" {
		t.Errorf("firing notification alerts = %+v, want one firing alert", got.Alerts)
	}

	exporter.SetTraffic(testenv.Traffic{RequestsPerSecond: 200, ErrorRatio: 0})
	_, resolved := rc.waitFor(t, fired+1, "resolved", func(n notification) bool {
		return n.Status == "resolved" && n.CommonLabels["alertname"] == "HighAPIErrorRate"
	})
	if resolved.GroupKey != got.GroupKey {
		t.Errorf("resolved groupKey %q, firing groupKey %q: want one group", resolved.GroupKey, got.GroupKey)
	}

	totals := exporter.Totals()
	if totals.Scrapes < 2 || totals.Errors == 0 || totals.Errors >= totals.Requests {
		t.Errorf("exporter totals %+v: want several scrapes and some, not all, errors", totals)
	}
	t.Logf("%d notifications; exporter totals %+v; Prometheus at %s", rc.count(), totals, prom.URL)
}

// TestExporter checks that a scrape shows exactly the totals the exporter
// reports, in whole numbers, at the error ratio that was set.
func TestExporter(t *testing.T) {
	t.Parallel()
	e := testenv.StartExporter(t, "checkout")
	e.SetTraffic(testenv.Traffic{RequestsPerSecond: 1000, ErrorRatio: 0.25, Latency: 300 * time.Millisecond})
	time.Sleep(100 * time.Millisecond)

	resp, err := http.Get(e.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	text := string(body)
	totals := e.Totals()
	if totals.Scrapes != 1 || totals.Requests == 0 {
		t.Fatalf("totals after one scrape = %+v", totals)
	}
	// Each of errors and successes carries under one request over.
	wantErrs := float64(totals.Requests) * 0.25
	if d := float64(totals.Errors) - wantErrs; d > 1 || d < -1 {
		t.Errorf("errors = %d of %d, want %.1f ± 1", totals.Errors, totals.Requests, wantErrs)
	}
	for _, line := range []string{
		`http_requests_total{code="500",service="checkout"} ` + itoa(totals.Errors),
		`http_requests_total{code="200",service="checkout"} ` + itoa(totals.Requests-totals.Errors),
		`http_request_duration_seconds_count{service="checkout"} ` + itoa(totals.Requests),
		`http_request_duration_seconds_bucket{service="checkout",le="0.25"} 0`,
		`http_request_duration_seconds_bucket{service="checkout",le="0.5"} ` + itoa(totals.Requests),
	} {
		if !strings.Contains(text, line+"\n") {
			t.Errorf("scrape lacks %q:\n%s", line, text)
		}
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// TestFreshPostgresDatabase checks that a fresh database is usable and gone
// once its test ends.
func TestFreshPostgresDatabase(t *testing.T) {
	t.Parallel()
	admin := testenv.RequirePostgres(t)
	var name string
	t.Run("use", func(t *testing.T) {
		dsn := testenv.FreshPostgresDatabase(t)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		// Left open on purpose: the cleanup must end it before dropping.
		if _, err := conn.Exec(ctx, "CREATE TABLE t (id int PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "hs_") {
			t.Errorf("database name %q, want prefix hs_", name)
		}
	})
	if name == "" {
		t.Fatal("no database was created")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("database %s still exists after its test ended", name)
	}
}

// TestChromium checks that headless Chromium opens a local page and reads it.
func TestChromium(t *testing.T) {
	t.Parallel()
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!doctype html><title>t</title><h1>Hindsight post-mortems</h1>")
	}))
	t.Cleanup(page.Close)

	ctx := testenv.NewBrowserContext(t)
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(page.URL)); err != nil {
		t.Fatal(err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text("h1"))
	if err != nil {
		t.Fatal(err)
	}
	if h1 != "Hindsight post-mortems" {
		t.Errorf("h1 = %q, want %q", h1, "Hindsight post-mortems")
	}
}

// TestPostgresTemplate: a template is built once and then reused as it is,
// its copies hold what the build put in it, and a build that fails leaves
// no database behind.
func TestPostgresTemplate(t *testing.T) {
	t.Parallel()
	admin := testenv.RequirePostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	exists := func(name string) bool {
		t.Helper()
		var ok bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	name := "hs_tpltest_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	t.Cleanup(func() {
		// Its own connection: the test's is closed by the time cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("drop template %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name); err != nil {
			t.Errorf("drop template %s: %v", name, err)
		}
	})

	builds := 0
	build := func(dsn string) error {
		builds++
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer c.Close(ctx)
		_, err = c.Exec(ctx, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('from the template')")
		return err
	}
	for range 2 {
		got, err := testenv.PostgresTemplate(t, name, build)
		if err != nil || got != name {
			t.Fatalf("PostgresTemplate = %q, %v", got, err)
		}
	}
	if builds != 1 {
		t.Errorf("the template was built %d times, want once", builds)
	}
	c, err := pgx.Connect(ctx, testenv.FreshPostgresDatabaseFrom(t, name))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var v string
	if err := c.QueryRow(ctx, "SELECT v FROM kept").Scan(&v); err != nil || v != "from the template" {
		t.Errorf("the copy holds %q, %v", v, err)
	}

	failing := name + "_failing"
	var building string
	_, err = testenv.PostgresTemplate(t, failing, func(dsn string) error {
		u, _ := url.Parse(dsn)
		building = strings.TrimPrefix(u.Path, "/")
		return errors.New("the build broke")
	})
	if err == nil || !strings.Contains(err.Error(), "the build broke") {
		t.Errorf("a failing build: %v", err)
	}
	if building == "" || exists(building) || exists(failing) {
		t.Errorf("a failing build left a database behind (%q: %v, %q: %v)", building, building != "" && exists(building), failing, exists(failing))
	}
}
