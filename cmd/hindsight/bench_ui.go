package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// init adds "bench ui" under the "bench" command that bench.go registers,
// as bench_webhook.go does, without touching that file.
func init() {
	for i, f := range commandFactories {
		commandFactories[i] = func(g *globals) *cobra.Command {
			cmd := f(g)
			if cmd.Name() == "bench" {
				cmd.AddCommand(newBenchUICmd(g))
			}
			return cmd
		}
	}
}

func newBenchUICmd(g *globals) *cobra.Command {
	var dsn, to string
	var n int
	cmd := &cobra.Command{
		Use:   "ui",
		Short: "Measure p50/p95 server time of the web UI's pages on a seeded store",
		Long: `Measure the server time of the web UI's main pages: each request goes
through the server's handler (sessions, rendering, sanitizing) without the
network. The dashboard is measured cold (a new server, nothing cached) and
warm (its one-minute cache hit).`,
		Example: `  hindsight bench ui --db bench.db --iterations 200 --to 2024-10`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openResolvedStore(cmd, g, dsn)
			if err != nil {
				return err
			}
			defer s.Close()
			return runBenchUI(cmd.Context(), g.stdout, s, n, to)
		},
	}
	addDBFlag(cmd, &dsn)
	cmd.Flags().IntVar(&n, "iterations", 200, "requests to each page")
	cmd.Flags().StringVar(&to, "to", "2024-10", "last month of the dashboard's 12-month window (YYYY-MM)")
	return cmd
}

// benchUIServer returns a server wired as "hindsight serve" wires it.
func benchUIServer(s *sqlstore.Store) *hhttp.Server {
	srv := hhttp.NewServer()
	srv.Store, srv.Incidents, srv.Tokens = s, s, s
	srv.Render = func(w io.Writer, pm hindsight.Postmortem) error { return postmortem.Render(w, pm, nil) }
	m := &Main{Config: config.Default()}
	m.wireUI(srv, s)
	return srv
}

func runBenchUI(ctx context.Context, w io.Writer, s *sqlstore.Store, n int, to string) error {
	ids, err := s.SampleIncidentIDs(ctx, n)
	if err != nil || len(ids) == 0 {
		return storeFailure("bench", fmt.Errorf("the store has no incidents: run hindsight bench seed first (%v)", err))
	}
	cookie, cleanup, err := benchSession(ctx, s)
	if err != nil {
		return storeFailure("session", err)
	}
	defer cleanup()
	srv := benchUIServer(s)
	services, words := sqlstore.SeedServices(), sqlstore.SeedWords()
	dash := "/dashboard?months=12&to=" + to
	pages := []struct {
		name string
		path func(i int) string
		srv  func() *hhttp.Server
	}{
		{"incidents list (page of 50)", func(i int) string { return fmt.Sprintf("/incidents?offset=%d", 50*(i%5)) }, nil},
		{"incidents list, filtered", func(i int) string {
			return fmt.Sprintf("/incidents?status=RESOLVED&service=%s&offset=%d", services[i%len(services)], 50*(i%3))
		}, nil},
		{"incidents search", func(i int) string { return "/incidents?q=" + urlWords(words[i%len(words)]) }, nil},
		{"incident page", func(i int) string { return "/incidents/" + ids[i%len(ids)] }, nil},
		{"dashboard, 12 months, cold", func(int) string { return dash }, func() *hhttp.Server { return benchUIServer(s) }},
		{"dashboard, 12 months, cached", func(int) string { return dash }, nil},
	}
	fmt.Fprintf(w, "engine %s, %d requests each, server time\n%-32s %10s %10s %10s\n", s.Engine(), n, "page", "p50", "p95", "max")
	for _, pg := range pages {
		lat := make([]time.Duration, 0, n)
		for i := 0; i < n; i++ {
			h := srv
			if pg.srv != nil {
				h = pg.srv()
			}
			d, err := timeRequest(h.Handler(), pg.path(i), cookie)
			if err != nil {
				return storeFailure(pg.name, err)
			}
			lat = append(lat, d)
		}
		slices.Sort(lat)
		fmt.Fprintf(w, "%-32s %10s %10s %10s\n", pg.name, ms(lat[len(lat)/2]), ms(lat[len(lat)*95/100]), ms(lat[len(lat)-1]))
	}
	return nil
}

// timeRequest serves one GET and returns how long the handler took.
func timeRequest(h http.Handler, path string, cookie *http.Cookie) (time.Duration, error) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.AddCookie(cookie)
	rec := httptest.NewRecorder()
	start := time.Now()
	h.ServeHTTP(rec, req)
	d := time.Since(start)
	if rec.Code != http.StatusOK {
		return d, fmt.Errorf("GET %s: status %d", path, rec.Code)
	}
	return d, nil
}

// benchSession stores a viewer session for the benchmark and returns its
// cookie and the function that deletes it.
func benchSession(ctx context.Context, s *sqlstore.Store) (*http.Cookie, func(), error) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	sess := &hindsight.Session{Hash: hindsight.HashToken(id), ExpiresAt: time.Now().Add(time.Hour),
		Identity: hindsight.Identity{Name: "bench", Role: hindsight.RoleViewer, Method: "session"}}
	if err := s.CreateSession(ctx, sess); err != nil {
		return nil, nil, err
	}
	return &http.Cookie{Name: hhttp.SessionCookie, Value: id}, func() { _ = s.DeleteSession(context.Background(), sess.Hash) }, nil
}

func urlWords(s string) string {
	out := []byte{}
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			out = append(out, '+')
		} else {
			out = append(out, s[i])
		}
	}
	return string(out)
}
