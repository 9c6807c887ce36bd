package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

const serveToken = "serve-test-token"

// groupSequence is one Alertmanager group's real notifications, in order.
var groupSequence = []string{
	"1-group-firing-3-alerts.json",
	"2-group-repeat-notification.json",
	"3-group-one-alert-resolved.json",
	"4-group-all-resolved.json",
}

// MustRunMain starts the server program on 127.0.0.1:0 with the store dsn
// and closes it when the test ends.
func MustRunMain(tb testing.TB, dsn string, configure func(m *Main)) *Main {
	tb.Helper()
	cfg := config.Default()
	cfg.Server.Addr = "127.0.0.1:0"
	cfg.Webhook.Token = config.Secret(serveToken)
	m := &Main{Config: cfg, DSN: dsn}
	if configure != nil {
		configure(m)
	}
	if err := m.Run(context.Background()); err != nil {
		tb.Fatalf("run: %v", err)
	}
	tb.Cleanup(func() {
		if err := m.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return m
}

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "alertmanager", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// postWebhook posts body to the server at base and returns the status.
func postWebhook(base string, body io.Reader) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/alerts/alertmanager", body)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+serveToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// deliverEverywhere posts each payload of the sequence, in order, to every
// server at once, each twice, and fails on any answer but 200.
func deliverEverywhere(t *testing.T, mains []*Main) {
	t.Helper()
	for _, name := range groupSequence {
		body := readFixture(t, name)
		var wg sync.WaitGroup
		errs := make(chan error, 2*len(mains))
		for _, m := range mains {
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					status, b, err := postWebhook(m.URL(), bytes.NewReader(body))
					if err == nil && status != http.StatusOK {
						err = fmt.Errorf("status %d: %s", status, b)
					}
					if err != nil {
						errs <- fmt.Errorf("%s to %s: %w", name, m.URL(), err)
					}
				}()
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
}

// checkExactlyOnce asserts one incident, one event per alert transition and
// one draft in store.
func checkExactlyOnce(t *testing.T, store hindsight.Store) {
	t.Helper()
	ctx := context.Background()
	incs, total, err := store.FindIncidents(ctx, hindsight.IncidentFilter{})
	if err != nil || total != 1 {
		t.Fatalf("%d incidents (%v), want exactly 1", total, err)
	}
	inc := incs[0]
	if inc.Status != hindsight.IncidentResolved {
		t.Errorf("status %s, want %s", inc.Status, hindsight.IncidentResolved)
	}
	events, err := store.FindTimeline(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	count := map[hindsight.EventType]int{}
	for _, e := range events {
		count[e.Type]++
	}
	want := map[hindsight.EventType]int{hindsight.EventAlertFired: 1, hindsight.EventAlertAdded: 2,
		hindsight.EventAlertResolved: 3, hindsight.EventResolved: 1}
	if len(events) != 7 || fmt.Sprint(count) != fmt.Sprint(want) {
		t.Errorf("%d events %v, want 7: %v", len(events), count, want)
	}
	var dump struct {
		Documents []json.RawMessage `json:"documents"`
	}
	var buf bytes.Buffer
	if err := store.Export(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(buf.Bytes(), &dump); err != nil {
		t.Fatal(err)
	}
	if len(dump.Documents) != 1 {
		t.Errorf("%d documents, want exactly 1 draft", len(dump.Documents))
	}
}

// runTwo starts two servers on one store, concurrently as two processes
// starting together would, or one after the other.
func runTwo(t *testing.T, dsn string, together bool) []*Main {
	t.Helper()
	mains := make([]*Main, 2)
	var wg sync.WaitGroup
	for i := range mains {
		wg.Add(1)
		start := func() {
			defer wg.Done()
			mains[i] = MustRunMain(t, dsn, nil)
		}
		if together {
			go start()
		} else {
			start()
		}
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return mains
}

// TestServe_ExactlyOnceTwoInstances: two servers, each with its own
// connection pool, on one PostgreSQL database, receive every notification
// twice each at the same time.
func TestServe_ExactlyOnceTwoInstances(t *testing.T) {
	t.Parallel()
	t.Run("PostgreSQL", func(t *testing.T) {
		t.Parallel()
		dsn := testenv.FreshPostgresDatabase(t)
		mains := runTwo(t, dsn, true)
		deliverEverywhere(t, mains)
		checkExactlyOnce(t, mains[0].Store)
	})
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		// Both at once on a new file: sqlstore serializes the migrations
		// with a lock file beside the database.
		mains := runTwo(t, filepath.Join(t.TempDir(), "hindsight.db"), true)
		deliverEverywhere(t, mains)
		checkExactlyOnce(t, mains[1].Store)
	})
}

// TestServe_CloseFinishesInFlight: Close (what SIGTERM triggers) waits for a
// request whose body is still arriving, which then succeeds durably.
func TestServe_CloseFinishesInFlight(t *testing.T) {
	t.Parallel()
	dsn := teststore.SQLiteDSN(t)
	cfg := config.Default()
	cfg.Server.Addr = "127.0.0.1:0"
	cfg.Webhook.Token = config.Secret(serveToken)
	// One body of unknown length reserves the whole in-flight budget, so
	// that a second notification is answered "busy" exactly while the first
	// is being read.
	cfg.Webhook.InflightLimit = cfg.Webhook.BodyLimit
	m := &Main{Config: cfg, DSN: dsn}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	base := m.URL()
	body := readFixture(t, groupSequence[0])
	pr, pw := io.Pipe()
	type answer struct {
		status int
		body   []byte
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		status, b, err := postWebhook(base, pr)
		answered <- answer{status, b, err}
	}()
	half := len(body) / 2
	if _, err := pw.Write(body[:half]); err != nil {
		t.Fatal(err)
	}
	// The request above is in flight once its handler holds the budget: a
	// server shutting down drops a connection whose request it has not
	// read yet, so Close must not start before. The probe is refused
	// before its body is read, and stores nothing.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		status, b, err := postWebhook(base, strings.NewReader(`{}`))
		if err == nil && status == http.StatusServiceUnavailable && strings.Contains(string(b), "at once") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the first request never held the in-flight budget: the probe got %d %s %v", status, b, err)
		}
	}

	closed := make(chan error, 1)
	go func() { closed <- m.Close() }()
	waitRefused(t, base)
	if _, err := pw.Write(body[half:]); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	got := <-answered
	if got.err != nil || got.status != http.StatusOK {
		t.Fatalf("in-flight request: %d %s %v, want 200", got.status, got.body, got.err)
	}
	if err := <-closed; err != nil {
		t.Errorf("close: %v", err)
	}
	store := teststore.Open(t, dsn)
	defer store.Close()
	if _, total, _ := store.FindIncidents(context.Background(), hindsight.IncidentFilter{}); total != 1 {
		t.Errorf("%d incidents after shutdown, want 1", total)
	}
}

// waitRefused polls until the server at base no longer accepts connections:
// shutdown has begun.
func waitRefused(t *testing.T, base string) {
	t.Helper()
	u, _ := url.Parse(base)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		conn, err := net.DialTimeout("tcp", u.Host, time.Second)
		if err != nil {
			return
		}
		conn.Close()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the server still accepts connections 30s after Close")
}

// TestServe_PrunesRawNotifications: the server deletes raw bodies older than
// webhook.raw_retention on its own, and keeps the incidents.
func TestServe_PrunesRawNotifications(t *testing.T) {
	t.Parallel()
	clock := &testenv.Clock{}
	clock.Set(time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC))
	m := MustRunMain(t, teststore.SQLiteDSN(t), func(m *Main) {
		m.Now = clock.Now
		m.PruneInterval = 10 * time.Millisecond
		m.Config.Webhook.RawRetention = config.Duration(7 * 24 * time.Hour)
	})
	if status, b, err := postWebhook(m.URL(), bytes.NewReader(readFixture(t, groupSequence[0]))); err != nil || status != 200 {
		t.Fatalf("post: %d %s %v", status, b, err)
	}
	if n := notifications(t, m.Store); n != 1 {
		t.Fatalf("%d notifications stored, want 1", n)
	}
	clock.Advance(6 * 24 * time.Hour)
	if status, b, err := postWebhook(m.URL(), bytes.NewReader(readFixture(t, groupSequence[2]))); err != nil || status != 200 {
		t.Fatalf("post: %d %s %v", status, b, err)
	}
	clock.Advance(24*time.Hour + time.Second) // the first is now past retention
	deadline := time.Now().Add(30 * time.Second)
	for notifications(t, m.Store) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("%d notifications 30s after the first passed its retention, want 1", notifications(t, m.Store))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, total, _ := m.Store.FindIncidents(context.Background(), hindsight.IncidentFilter{}); total != 1 {
		t.Errorf("%d incidents after pruning, want 1", total)
	}
}

// notifications counts the stored raw notifications.
func notifications(t *testing.T, store hindsight.Store) int {
	t.Helper()
	var buf bytes.Buffer
	if err := store.Export(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	var dump struct {
		AlertNotifications []json.RawMessage `json:"alert_notifications"`
	}
	if err := json.Unmarshal(buf.Bytes(), &dump); err != nil {
		t.Fatal(err)
	}
	return len(dump.AlertNotifications)
}

func TestServe_StartupErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "not-a-directory")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		db      func(t *testing.T) string
		want    string
		secrets []string // must not appear in the output
	}{
		{"DirectoryMissing", func(*testing.T) string { return filepath.Join(dir, "missing", "h.db") }, "does not exist", nil},
		{"ParentIsAFile", func(*testing.T) string { return filepath.Join(file, "h.db") }, "does not exist", nil},
		{"PathIsADirectory", func(*testing.T) string { return dir }, "cannot be opened or written", nil},
		{"BadPostgresPassword", func(t *testing.T) string {
			u, err := url.Parse(testenv.RequirePostgres(t))
			if err != nil {
				t.Fatal(err)
			}
			u.User = url.UserPassword(u.User.Username(), "not-the-password-42")
			return u.String()
		}, "refused the credentials", []string{"not-the-password-42"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := tt.db(t)
			code, stdout, stderr := runCLI(t, "", "serve", "--addr", "127.0.0.1:0", "--db", db)
			if code == 0 {
				t.Fatalf("exit 0, want non-zero; stdout %q", stdout)
			}
			if !strings.HasPrefix(stderr, "hindsight: ") || !strings.Contains(stderr, tt.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr %q, want one line containing %q", stderr, tt.want)
			}
			for _, s := range tt.secrets {
				if strings.Contains(stderr+stdout, s) {
					t.Errorf("output shows the secret %q: %s", s, stderr)
				}
			}
		})
	}
}
