// Package chart draws an incident's SLI graphs as standalone SVG: the
// series, its SLO objective as a line, the impact window shaded, the alert,
// acknowledgement, mitigation and resolution marked, and axes with units and
// UTC times. The output is a pure function of its input (no clock, no
// randomness, fixed number formatting), so a graph drawn from a stored
// series is byte-identical every time, and it contains no script, no event
// attribute, no style element and no external reference: it is safe inline
// in a page under a strict Content-Security-Policy.
package chart

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"math"
	"strconv"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// Geometry of every graph, in SVG user units (pixels).
const (
	Width  = 720
	Height = 260
	// Left, Right, Top and Bottom are the margins around the plot area.
	Left   = 72
	Right  = 24
	Top    = 34
	Bottom = 48
	// PlotWidth and PlotHeight are the size of the plot area.
	PlotWidth  = Width - Left - Right
	PlotHeight = Height - Top - Bottom
)

// Colours of the parts of a graph.
const (
	colourSeries    = "#1f6fb2"
	colourThreshold = "#c0392b"
	colourWindow    = "#f5c6cb"
	colourMark      = "#555555"
	colourGrid      = "#e3e3e3"
	colourText      = "#222222"
)

// Input is what one graph shows.
type Input struct {
	Graph hindsight.Graph
	// ImpactFrom and ImpactTo are the shaded impact window.
	ImpactFrom, ImpactTo time.Time
	// Marks are the instants drawn as vertical lines.
	Marks []hindsight.GraphMark
}

// ForImpact returns the inputs of every graph of imp, in its order.
func ForImpact(imp hindsight.Impact) []Input {
	from, to := imp.ImpactWindow()
	out := make([]Input, len(imp.Graphs))
	for i, g := range imp.Graphs {
		out[i] = Input{Graph: g, ImpactFrom: from, ImpactTo: to, Marks: imp.Marks}
	}
	return out
}

// InlineGraphs replaces a rendered document's references to its graph
// files (src="INCIDENT-…/error-ratio.svg", as the Markdown export writes
// them beside the document) with data: URLs of the drawings, so that an
// HTML page shows the graphs without another request or file. An SVG in
// an <img> runs no script; the drawings are ours in any case.
func InlineGraphs(html []byte, incidentID string, imp *hindsight.Impact) []byte {
	if imp == nil {
		return html
	}
	for _, in := range ForImpact(*imp) {
		ref := []byte(`src="` + hindsight.GraphFile(incidentID, in.Graph.Name) + `"`)
		if !bytes.Contains(html, ref) {
			continue
		}
		data := `src="data:image/svg+xml;base64,` + base64.StdEncoding.EncodeToString(SVG(in)) + `"`
		html = bytes.ReplaceAll(html, ref, []byte(data))
	}
	return html
}

// plot maps times and values onto the plot area.
type plot struct {
	start, end time.Time
	yMax       float64
}

// X returns the x coordinate of t, clamped to the plot area.
func (p plot) X(t time.Time) float64 {
	span := p.end.Sub(p.start)
	if span <= 0 {
		return Left
	}
	f := float64(t.Sub(p.start)) / float64(span)
	return Left + min(max(f, 0), 1)*PlotWidth
}

// Y returns the y coordinate of v, clamped to the plot area.
func (p plot) Y(v float64) float64 {
	f := v / p.yMax
	return Top + PlotHeight - min(max(f, 0), 1)*PlotHeight
}

// X returns the x coordinate of t on the graph of in, as SVG draws it; tests
// use it to find the shaded window and the marks.
func X(in Input, t time.Time) float64 { return newPlot(in).X(t) }

// Y returns the y coordinate of v on the graph of in.
func Y(in Input, v float64) float64 { return newPlot(in).Y(v) }

func newPlot(in Input) plot {
	g := in.Graph
	top := 0.0
	for _, p := range g.Points {
		top = max(top, p.V)
	}
	if g.Threshold != nil {
		top = max(top, *g.Threshold)
	}
	return plot{start: g.Start, end: g.End, yMax: niceCeil(top * 1.1)}
}

// SVG draws one graph.
func SVG(in Input) []byte {
	g := in.Graph
	p := newPlot(in)
	var b svgWriter
	b.raw(`<svg xmlns="http://www.w3.org/2000/svg" width="` + itoa(Width) + `" height="` + itoa(Height) +
		`" viewBox="0 0 ` + itoa(Width) + ` ` + itoa(Height) + `" role="img" font-family="sans-serif" font-size="11">`)
	b.elem("title", g.Title+" ("+g.Unit+")")
	if g.Query != "" {
		b.elem("desc", "Query: "+g.Query+". "+rangeText(g))
	}
	b.raw(`<rect x="0" y="0" width="` + itoa(Width) + `" height="` + itoa(Height) + `" fill="#ffffff"/>`)
	b.text(Left, 16, "start", "bold", g.Title+" ("+g.Unit+")")
	drawWindow(&b, p, in)
	drawYAxis(&b, p, g.Unit)
	drawXAxis(&b, p)
	drawThreshold(&b, p, g)
	drawSeries(&b, p, g)
	drawMarks(&b, p, in.Marks)
	b.raw(`<rect x="` + itoa(Left) + `" y="` + itoa(Top) + `" width="` + itoa(PlotWidth) + `" height="` +
		itoa(PlotHeight) + `" fill="none" stroke="` + colourText + `" stroke-width="1"/>`)
	b.raw("</svg>\n")
	return b.Bytes()
}

// rangeText describes the graph's range for its description.
func rangeText(g hindsight.Graph) string {
	const layout = "2006-01-02 15:04:05"
	return "Range: " + g.Start.UTC().Format(layout) + " to " + g.End.UTC().Format(layout) + " UTC, step " + g.Step.String() + "."
}

// drawWindow shades the impact window.
func drawWindow(b *svgWriter, p plot, in Input) {
	if in.ImpactFrom.IsZero() || !in.ImpactTo.After(in.ImpactFrom) {
		return
	}
	x1, x2 := p.X(in.ImpactFrom), p.X(in.ImpactTo)
	if x2 <= x1 {
		return
	}
	b.raw(`<rect class="impact-window" x="` + num(x1) + `" y="` + itoa(Top) + `" width="` + num(x2-x1) +
		`" height="` + itoa(PlotHeight) + `" fill="` + colourWindow + `" fill-opacity="0.6"/>`)
	b.text((x1+x2)/2, Top+PlotHeight-6, "middle", "", "impact")
}

// drawYAxis draws the horizontal grid lines and their values.
func drawYAxis(b *svgWriter, p plot, unit string) {
	for i := 0; i <= 4; i++ {
		v := p.yMax * float64(i) / 4
		y := p.Y(v)
		b.raw(`<line class="grid" x1="` + itoa(Left) + `" y1="` + num(y) + `" x2="` + itoa(Left+PlotWidth) + `" y2="` +
			num(y) + `" stroke="` + colourGrid + `" stroke-width="1"/>`)
		b.text(Left-6, y+4, "end", "", hindsight.FormatNumber(v))
	}
	b.raw(`<text x="14" y="` + num(Top+PlotHeight/2) + `" text-anchor="middle" fill="` + colourText +
		`" transform="rotate(-90 14 ` + num(Top+PlotHeight/2) + `)">`)
	b.escape(unit)
	b.raw("</text>")
}

// xTickSteps are the distances between time ticks, smallest first.
var xTickSteps = []time.Duration{
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// drawXAxis draws the time ticks (UTC) and the axis label with the date.
func drawXAxis(b *svgWriter, p plot) {
	span := p.end.Sub(p.start)
	if span <= 0 {
		return
	}
	tick := xTickSteps[len(xTickSteps)-1]
	for _, s := range xTickSteps {
		if span/s <= 8 {
			tick = s
			break
		}
	}
	layout := "15:04"
	if span > 48*time.Hour {
		layout = "01-02 15:04"
	}
	for t := p.start.UTC().Truncate(tick); !t.After(p.end); t = t.Add(tick) {
		if t.Before(p.start) {
			continue
		}
		x := p.X(t)
		b.raw(`<line class="tick" x1="` + num(x) + `" y1="` + itoa(Top+PlotHeight) + `" x2="` + num(x) + `" y2="` +
			itoa(Top+PlotHeight+5) + `" stroke="` + colourText + `" stroke-width="1"/>`)
		b.text(x, Top+PlotHeight+17, "middle", "", t.Format(layout))
	}
	label := "UTC, " + p.start.UTC().Format("2006-01-02")
	if d := p.end.UTC().Format("2006-01-02"); d != p.start.UTC().Format("2006-01-02") {
		label += " to " + d
	}
	b.text(Left+PlotWidth/2, Height-8, "middle", "", label)
}

// drawThreshold draws the SLO objective as a dashed line with its value.
func drawThreshold(b *svgWriter, p plot, g hindsight.Graph) {
	if g.Threshold == nil {
		return
	}
	y := p.Y(*g.Threshold)
	b.raw(`<line class="threshold" x1="` + itoa(Left) + `" y1="` + num(y) + `" x2="` + itoa(Left+PlotWidth) + `" y2="` +
		num(y) + `" stroke="` + colourThreshold + `" stroke-width="1.5" stroke-dasharray="6 4"/>`)
	b.raw(`<text class="threshold-label" x="` + itoa(Left+PlotWidth-4) + `" y="` + num(y-4) +
		`" text-anchor="end" fill="` + colourThreshold + `">`)
	b.escape("SLO " + hindsight.FormatNumber(*g.Threshold) + " " + g.Unit)
	b.raw("</text>")
}

// drawSeries draws the points as polylines, broken where a gap of more than
// one and a half steps has no data, or says why there is none.
func drawSeries(b *svgWriter, p plot, g hindsight.Graph) {
	if len(g.Points) == 0 {
		reason := g.Reason
		if reason == "" {
			reason = "no data over this range"
		}
		b.raw(`<text class="no-data" x="` + num(Left+PlotWidth/2) + `" y="` + num(Top+PlotHeight/2) +
			`" text-anchor="middle" fill="` + colourText + `">`)
		b.escape(reason)
		b.raw("</text>")
		return
	}
	var run []hindsight.Point
	flush := func() {
		if len(run) == 0 {
			return
		}
		if len(run) == 1 {
			b.raw(`<circle class="series" cx="` + num(p.X(run[0].T)) + `" cy="` + num(p.Y(run[0].V)) +
				`" r="2" fill="` + colourSeries + `"/>`)
		} else {
			b.raw(`<polyline class="series" fill="none" stroke="` + colourSeries + `" stroke-width="1.5" points="`)
			for i, pt := range run {
				if i > 0 {
					b.raw(" ")
				}
				b.raw(num(p.X(pt.T)) + "," + num(p.Y(pt.V)))
			}
			b.raw(`"/>`)
		}
		run = run[:0]
	}
	for i, pt := range g.Points {
		if i > 0 && g.Step > 0 && pt.T.Sub(g.Points[i-1].T) > g.Step*3/2 {
			flush()
		}
		run = append(run, pt)
	}
	flush()
}

// drawMarks draws each instant as a vertical line with its label, the
// labels staggered so that close marks stay readable.
func drawMarks(b *svgWriter, p plot, marks []hindsight.GraphMark) {
	for i, m := range marks {
		if m.At.Before(p.start) || m.At.After(p.end) {
			continue
		}
		x := p.X(m.At)
		b.raw(`<line class="mark" data-label="`)
		b.escape(m.Label)
		b.raw(`" x1="` + num(x) + `" y1="` + itoa(Top) + `" x2="` + num(x) + `" y2="` + itoa(Top+PlotHeight) +
			`" stroke="` + colourMark + `" stroke-width="1" stroke-dasharray="2 3"/>`)
		anchor := "start"
		tx := x + 3
		if x > Left+PlotWidth*0.8 {
			anchor, tx = "end", x-3
		}
		b.text(tx, float64(Top+12+12*(i%4)), anchor, "", m.Label+" "+m.At.UTC().Format("15:04"))
	}
}

// niceCeil rounds v up to 1, 2, 2.5 or 5 times a power of ten; 1 for v ≤ 0.
func niceCeil(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	pow := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if c := m * pow; c >= v*(1-1e-12) {
			return c
		}
	}
	return 10 * pow
}

// svgWriter builds the document; text is escaped as XML.
type svgWriter struct{ bytes.Buffer }

func (w *svgWriter) raw(s string) { w.WriteString(s) }

func (w *svgWriter) escape(s string) { _ = xml.EscapeText(w, []byte(s)) }

func (w *svgWriter) elem(name, text string) {
	w.raw("<" + name + ">")
	w.escape(text)
	w.raw("</" + name + ">")
}

func (w *svgWriter) text(x, y float64, anchor, weight, s string) {
	w.raw(`<text x="` + num(x) + `" y="` + num(y) + `" text-anchor="` + anchor + `" fill="` + colourText + `"`)
	if weight != "" {
		w.raw(` font-weight="` + weight + `"`)
	}
	w.raw(">")
	w.escape(s)
	w.raw("</text>")
}

// num writes a coordinate with two decimals, the same on every platform.
func num(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', 2, 64) }

func itoa(v int) string { return strconv.Itoa(v) }
