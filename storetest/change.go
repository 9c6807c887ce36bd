package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// testChanges checks reported changes: bad input stores nothing, and an
// incident's post-mortem lists the changes to its services in the window
// before its start, and no others.
func testChanges(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	t.Run("ErrInvalid", func(t *testing.T) {
		s := open(t)
		cs := s
		good := hindsight.Change{Service: "api", Kind: hindsight.ChangeDeploy, Title: "Deploy", At: T0}
		for _, tt := range []struct {
			name  string
			edit  func(c *hindsight.Change)
			field string
		}{
			{"UnknownKind", func(c *hindsight.Change) { c.Kind = "rollout" }, "kind"},
			{"FarFuture", func(c *hindsight.Change) { c.At = time.Now().AddDate(1, 0, 0) }, "at"},
			{"HugeTitle", func(c *hindsight.Change) { c.Title = strings.Repeat("x", 1<<20) }, "title"},
			{"NoService", func(c *hindsight.Change) { c.Service = " " }, "service"},
			{"NotAURL", func(c *hindsight.Change) { c.URL = "javascript:alert(1)" }, "url"},
			{"NoTime", func(c *hindsight.Change) { c.At = time.Time{} }, "at"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				c := good
				tt.edit(&c)
				err := cs.CreateChange(ctx, &c)
				wantCode(t, err, hindsight.EINVALID)
				if !strings.Contains(err.Error(), tt.field) {
					t.Errorf("error %q does not name %s", err, tt.field)
				}
			})
		}
		all, err := cs.FindChanges(ctx, hindsight.ChangeFilter{})
		ok(t, err)
		if len(all) != 0 {
			t.Errorf("refused changes were stored: %+v", all)
		}
	})
	t.Run("ListedBeforeImpact", func(t *testing.T) {
		s := open(t)
		cs := s
		inc := NewIncident(0, "Changes", "api", "db")
		ok(t, s.CreateIncident(ctx, inc))
		report := func(service string, at time.Time, title string) {
			t.Helper()
			ok(t, cs.CreateChange(ctx, &hindsight.Change{Service: service, Kind: hindsight.ChangeConfig, Title: title, At: at}))
		}
		for i := 1; i <= 5; i++ {
			service := []string{"api", "db"}[i%2]
			report(service, T0.Add(-time.Duration(i)*50*time.Minute), "before "+string(rune('0'+i)))
		}
		report("api", T0.Add(time.Minute), "after the start")
		report("api", T0.Add(-7*time.Hour), "too early")
		report("web", T0.Add(-time.Minute), "another service")
		pm, err := s.FindPostmortem(ctx, inc.ID)
		ok(t, err)
		var titles []string
		for _, c := range pm.Changes {
			titles = append(titles, c.Title)
		}
		want := "before 1|before 2|before 3|before 4|before 5"
		if got := strings.Join(titles, "|"); got != want {
			t.Errorf("listed changes %q, want %q (latest first)", got, want)
		}
	})
}
