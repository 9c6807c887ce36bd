package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"math"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/chart"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
)

// TestGraphs_FrozenWithRealPrometheus measures a resolved incident against
// the real Prometheus scraping the test exporter every second, with this
// timeline:
//
//	t1            the exporter starts answering 20% errors (the impact)
//	t1 + 4s       the alert fires (the incident's start)
//	t1 + 6s       acknowledged;  t2 − 3s  mitigated
//	t2 = t1 + 14s the errors stop and the incident resolves
//
// and a graph margin of 8 s. It checks that the stored error-ratio graph is
// SVG that encoding/xml parses, with the 1% objective drawn where the
// drawing's own axis puts 1%, the impact window shaded from the breach (±
// the 3 s rate() range) to the resolution, and the marks at their instants;
// then stops Prometheus, deletes its data and checks that the graph served
// is byte-identical.
func TestGraphs_FrozenWithRealPrometheus(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts Prometheus and waits for about 35 seconds of scrapes")
	}
	exporter := testenv.StartExporter(t, "api")
	exporter.SetTraffic(testenv.Traffic{RequestsPerSecond: 100})
	prom := testenv.StartPrometheus(t, testenv.PrometheusOptions{
		ScrapeTargets: []string{exporter.Target}, JobName: "api", ScrapeInterval: time.Second,
	})
	for deadline := time.Now().Add(30 * time.Second); exporter.Totals().Scrapes < 8; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("Prometheus did not scrape the exporter")
		}
	}
	t1 := time.Now().UTC()
	exporter.SetTraffic(testenv.Traffic{RequestsPerSecond: 100, ErrorRatio: 0.2, Latency: 300 * time.Millisecond})
	time.Sleep(14 * time.Second)
	t2 := time.Now().UTC()
	exporter.SetTraffic(testenv.Traffic{RequestsPerSecond: 100})
	margin := 8 * time.Second
	time.Sleep(margin + 3*time.Second) // the margin after the resolution passes

	m := MustRunMain(t, teststore.SQLiteDSN(t), func(m *Main) {
		m.Config.Prometheus.URL = prom.URL
		m.Config.Evidence.GraphMargin = config.Duration(margin)
		m.Config.SLO.ErrorRate = 1
		m.ImpactInterval = time.Hour
	})
	// Scrapes every second allow a finer resolution than the defaults.
	c := m.impact.Client()
	c.MinStep, c.MinRange, c.Lookback = time.Second, 3*time.Second, 15*time.Second
	ctx := context.Background()
	alert := t1.Add(4 * time.Second)
	id := createResolvedIncident(t, m, alert, t2, map[hindsight.EventType]time.Time{
		hindsight.EventAlertFired: alert, hindsight.EventAcknowledged: t1.Add(6 * time.Second), hindsight.EventMitigation: t2.Add(-3 * time.Second),
	})
	rec, err := m.impact.ComputeImpact(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Impact.GraphsUntil.IsZero() || rec.NeedsRetry {
		t.Errorf("graphs until %v, retry %v: the margin had passed, they should be complete", rec.Impact.GraphsUntil, rec.NeedsRetry)
	}
	g, ok := rec.Impact.FindGraph(hindsight.GraphErrorRatio)
	if !ok || len(g.Points) == 0 {
		t.Fatalf("no error-ratio graph with points: %+v", rec.Impact.Graphs)
	}
	token := viewerToken(t, m)
	svg := getGraph(t, m, id, token)
	els := parseSVG(t, svg)

	// The graph spans margin before the impact start to margin after the
	// resolution; x is linear over it.
	start := rec.Impact.ImpactStart
	if !start.Measured || math.Abs(start.At.Sub(t1).Seconds()) > 3 {
		t.Fatalf("impact start %+v, want t1 = %s ± 3s", start, t1)
	}
	span := g.End.Sub(g.Start).Seconds()
	x := func(at time.Time) float64 { return chart.Left + at.Sub(g.Start).Seconds()/span*chart.PlotWidth }
	if d := g.End.Sub(t2); d < margin-time.Second || d > margin+time.Second {
		t.Errorf("graph ends %s after the resolution, want %s", d, margin)
	}
	win := elementsOf(els, "impact-window")
	if len(win) != 1 {
		t.Fatalf("%d shaded windows, want 1", len(win))
	}
	wx, ww := attrFloat(t, win[0], "x"), attrFloat(t, win[0], "width")
	if tol := 3.0 / span * chart.PlotWidth; math.Abs(wx-x(t1)) > tol || math.Abs(wx+ww-x(t2)) > 0.02 {
		t.Errorf("window from x %.2f to %.2f, want from %.2f (t1 ± %.2f) to %.2f (t2)", wx, wx+ww, x(t1), tol, x(t2))
	}
	for label, at := range map[string]time.Time{"alert fired": alert, "resolved": t2, "acknowledged": t1.Add(6 * time.Second),
		"mitigated": t2.Add(-3 * time.Second)} {
		found := false
		for _, mk := range elementsOf(els, "mark") {
			if mk.attr["data-label"] == label {
				found = true
				// Timeline times are kept to the microsecond.
				if got := attrFloat(t, mk, "x1"); math.Abs(got-x(at)) > 0.02 {
					t.Errorf("mark %q at x %.2f, want %.2f", label, got, x(at))
				}
			}
		}
		if !found {
			t.Errorf("no mark %q", label)
		}
	}
	// The objective is 1%: the line sits where the y axis's own scale puts 1.
	th := elementsOf(els, "threshold")
	if len(th) != 1 {
		t.Fatalf("%d threshold lines, want 1", len(th))
	}
	top := axisTop(t, els)
	wantY := chart.Top + chart.PlotHeight*(1-1/top)
	if got := attrFloat(t, th[0], "y1"); math.Abs(got-wantY) > 0.02 {
		t.Errorf("threshold at y %.2f, want %.2f (1%% of an axis up to %v)", got, wantY, top)
	}
	if top < 20 || top > 50 {
		t.Errorf("axis up to %v%%, want room for the 20%% peak", top)
	}

	// Prometheus forgets everything: the graph stays the same.
	prom.Stop()
	if err := os.RemoveAll(prom.DataDir); err != nil {
		t.Fatal(err)
	}
	if again := getGraph(t, m, id, token); !bytes.Equal(again, svg) {
		t.Errorf("the graph changed after Prometheus lost its data:\n%s\n----\n%s", svg, again)
	}
}

// createResolvedIncident stores a resolved incident of service api with
// the given timeline events.
func createResolvedIncident(t *testing.T, m *Main, start, end time.Time, events map[hindsight.EventType]time.Time) string {
	t.Helper()
	ctx := context.Background()
	inc := &hindsight.Incident{ID: hindsight.IncidentID(start, "HighErrorRate"), Title: "HighErrorRate", AlertName: "HighErrorRate",
		Severity: hindsight.SEV2, Status: hindsight.IncidentInvestigating, Services: []string{"api"}, StartedAt: start}
	if err := m.Store.CreateIncident(ctx, inc); err != nil {
		t.Fatal(err)
	}
	for typ, at := range events {
		if err := m.Store.AddTimelineEvent(ctx, &hindsight.TimelineEvent{IncidentID: inc.ID, Time: at, Type: typ, Event: string(typ)}); err != nil {
			t.Fatal(err)
		}
	}
	inc.Status, inc.ResolvedAt = hindsight.IncidentResolved, &end
	if err := m.Store.UpdateIncident(ctx, inc, inc.Version); err != nil {
		t.Fatal(err)
	}
	return inc.ID
}

func viewerToken(t *testing.T, m *Main) string {
	t.Helper()
	secret, _ := hindsight.NewToken()
	tok := &hindsight.APIToken{Name: "graphs", Role: string(hindsight.RoleViewer), Hash: hindsight.HashToken(secret)}
	if err := m.Store.CreateToken(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	return secret
}

func getGraph(t *testing.T, m *Main, id, token string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, m.URL()+"/api/v1/incidents/"+id+"/graphs/error-ratio.svg", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" {
		t.Fatalf("graph: %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	return b
}

// svgElement is one element of a parsed SVG.
type svgElement struct {
	name string
	attr map[string]string
	text string
}

// parseSVG parses svg with encoding/xml, failing on anything but a
// well-formed document with an svg root in the SVG namespace.
func parseSVG(t *testing.T, svg []byte) []svgElement {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var out []svgElement
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not valid SVG: %v", err)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			if len(out) == 0 && (v.Name.Local != "svg" || v.Name.Space != "http://www.w3.org/2000/svg") {
				t.Fatalf("root %v, want svg", v.Name)
			}
			e := svgElement{name: v.Name.Local, attr: map[string]string{}}
			for _, a := range v.Attr {
				e.attr[a.Name.Local] = a.Value
			}
			out = append(out, e)
		case xml.CharData:
			if len(out) > 0 {
				out[len(out)-1].text += string(v)
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("empty SVG")
	}
	return out
}

func elementsOf(els []svgElement, class string) []svgElement {
	var out []svgElement
	for _, e := range els {
		if e.attr["class"] == class {
			out = append(out, e)
		}
	}
	return out
}

func attrFloat(t *testing.T, e svgElement, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(e.attr[name], 64)
	if err != nil {
		t.Fatalf("%s %s=%q: %v", e.name, name, e.attr[name], err)
	}
	return v
}

// axisTop returns the value of the highest y-axis label: the label of the
// grid line at the top of the plot.
func axisTop(t *testing.T, els []svgElement) float64 {
	t.Helper()
	for i, e := range els {
		if e.attr["class"] == "grid" && attrFloat(t, e, "y1") == chart.Top && i+1 < len(els) {
			v, err := strconv.ParseFloat(els[i+1].text, 64)
			if err != nil {
				t.Fatalf("top axis label %q", els[i+1].text)
			}
			return v
		}
	}
	t.Fatal("no grid line at the top of the plot")
	return 0
}
