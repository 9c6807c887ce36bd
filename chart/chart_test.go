package chart_test

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/chart"
)

var update = flag.Bool("update", false, "rewrite the golden SVG files")

var t0 = time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC)

// fixture is an incident from t0 to t0+20m whose impact started 4 minutes
// before the alert, graphed 30 minutes either side.
func fixture() chart.Input {
	threshold := 0.1
	g := hindsight.Graph{Name: hindsight.GraphErrorRatio, Title: "Error ratio", Unit: "%",
		Query: `sum(rate(x{job="a<b>&"}[1m]))`, Start: t0.Add(-34 * time.Minute), End: t0.Add(50 * time.Minute),
		Step: 30 * time.Second, Threshold: &threshold}
	for t := g.Start; !t.After(g.End); t = t.Add(g.Step) {
		v := 0.02
		if !t.Before(t0.Add(-4*time.Minute)) && !t.After(t0.Add(20*time.Minute)) {
			v = 2.5
		}
		if t.After(t0.Add(40*time.Minute)) && t.Before(t0.Add(44*time.Minute)) {
			continue // a real gap in the data
		}
		g.Points = append(g.Points, hindsight.Point{T: t, V: v})
	}
	return chart.Input{Graph: g, ImpactFrom: t0.Add(-4 * time.Minute), ImpactTo: t0.Add(20 * time.Minute),
		Marks: []hindsight.GraphMark{{Label: "alert fired", At: t0}, {Label: "acknowledged", At: t0.Add(3 * time.Minute)},
			{Label: "mitigated", At: t0.Add(12 * time.Minute)}, {Label: "resolved", At: t0.Add(20 * time.Minute)}}}
}

// element is one parsed SVG element with its attributes.
type element struct {
	name  string
	attrs map[string]string
	text  string
}

// parse reads an SVG with encoding/xml and lists its elements; it fails
// the test if the document is not well-formed XML with an svg root.
func parse(t *testing.T, svg []byte) []element {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var out []element
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("invalid SVG: %v\n%s", err, svg)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			if depth == 0 && (v.Name.Local != "svg" || v.Name.Space != "http://www.w3.org/2000/svg") {
				t.Fatalf("root is %v, want svg in the SVG namespace", v.Name)
			}
			depth++
			e := element{name: v.Name.Local, attrs: map[string]string{}}
			for _, a := range v.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			out = append(out, e)
		case xml.CharData:
			if len(out) > 0 {
				out[len(out)-1].text += string(v)
			}
		case xml.EndElement:
			depth--
		}
	}
	return out
}

func float(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return v
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.01 }

func byClass(els []element, class string) []element {
	var out []element
	for _, e := range els {
		if e.attrs["class"] == class {
			out = append(out, e)
		}
	}
	return out
}

func TestSVG_Positions(t *testing.T) {
	in := fixture()
	els := parse(t, chart.SVG(in))
	// The impact window from t0−4m to t0+20m over a range of 84 minutes
	// starting at t0−34m: x from 30/84 to 54/84 of the plot width.
	win := byClass(els, "impact-window")
	if len(win) != 1 {
		t.Fatalf("%d impact windows, want 1", len(win))
	}
	x0 := chart.Left + 30.0/84*chart.PlotWidth
	x1 := chart.Left + 54.0/84*chart.PlotWidth
	if got := float(t, win[0].attrs["x"]); !near(got, x0) {
		t.Errorf("impact window x = %v, want %v", got, x0)
	}
	if got := float(t, win[0].attrs["width"]); !near(got, x1-x0) {
		t.Errorf("impact window width = %v, want %v", got, x1-x0)
	}
	// The threshold 0.1% on an axis up to niceCeil(2.5 × 1.1) = 5.
	th := byClass(els, "threshold")
	if len(th) != 1 {
		t.Fatalf("%d threshold lines, want 1", len(th))
	}
	wantY := chart.Top + chart.PlotHeight*(1-0.1/5)
	if y1, y2 := float(t, th[0].attrs["y1"]), float(t, th[0].attrs["y2"]); !near(y1, wantY) || y1 != y2 {
		t.Errorf("threshold y = %v..%v, want %v", y1, y2, wantY)
	}
	if label := byClass(els, "threshold-label"); len(label) != 1 || label[0].text != "SLO 0.1 %" {
		t.Errorf("threshold label = %+v", label)
	}
	marks := byClass(els, "mark")
	wantMarks := map[string]float64{"alert fired": 34, "acknowledged": 37, "mitigated": 46, "resolved": 54}
	if len(marks) != len(wantMarks) {
		t.Fatalf("%d marks, want %d", len(marks), len(wantMarks))
	}
	for _, m := range marks {
		want := chart.Left + wantMarks[m.attrs["data-label"]]/84*chart.PlotWidth
		if got := float(t, m.attrs["x1"]); !near(got, want) {
			t.Errorf("mark %q at x %v, want %v", m.attrs["data-label"], got, want)
		}
	}
	// The gap of four minutes splits the series in two.
	if n := len(byClass(els, "series")); n != 2 {
		t.Errorf("%d series runs, want 2 (split at the gap)", n)
	}
}

func TestSVG_AxesAndText(t *testing.T) {
	svg := chart.SVG(fixture())
	els := parse(t, svg)
	var texts []string
	for _, e := range els {
		if e.name == "text" || e.name == "title" || e.name == "desc" {
			texts = append(texts, e.text)
		}
	}
	all := strings.Join(texts, "|")
	for _, want := range []string{"Error ratio (%)", "UTC, 2025-09-29 to 2025-09-30", "00:00", "00:30", "01:00",
		"alert fired 00:24", "resolved 00:44", `x{job="a<b>&"}`} {
		if !strings.Contains(all, want) {
			t.Errorf("texts %q lack %q", all, want)
		}
	}
	for _, bad := range []string{"<script", "onload", "onclick", "href", "<style", "<foreignObject"} {
		if bytes.Contains(bytes.ToLower(svg), []byte(strings.ToLower(bad))) {
			t.Errorf("SVG contains %q", bad)
		}
	}
}

func TestSVG_NoData(t *testing.T) {
	in := fixture()
	in.Graph.Points = nil
	in.Graph.Reason = "no data: the query matched no series"
	els := parse(t, chart.SVG(in))
	if nd := byClass(els, "no-data"); len(nd) != 1 || nd[0].text != in.Graph.Reason {
		t.Errorf("no-data text = %+v", nd)
	}
	if n := len(byClass(els, "series")); n != 0 {
		t.Errorf("%d series without data", n)
	}
}

// TestSVG_Golden pins the renderer's bytes: a change of drawing shows in
// review as a change of testdata/error-ratio.svg (go test ./chart -update).
func TestSVG_Golden(t *testing.T) {
	got := chart.SVG(fixture())
	if !bytes.Equal(got, chart.SVG(fixture())) {
		t.Fatal("two drawings of one graph differ")
	}
	path := filepath.Join("testdata", "error-ratio.svg")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the drawing (run with -update if the change is intended)", path)
	}
}
