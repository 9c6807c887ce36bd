package http

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Charts are drawn on the server as SVG: they need no script, print
// cleanly, and take their colours from classes in the stylesheet (the CSP
// forbids inline styles). Every label is escaped.

const (
	chartW, chartH         = 760, 240
	padL, padR, padT, padB = 48, 12, 12, 36
)

// chartSeries is one coloured series of a grouped bar chart.
type chartSeries struct {
	Name   string
	Class  string
	Values []float64 // NaN where there is no value
}

// barChart draws grouped bars: one group per label, one bar per series.
// A chart without any value says so instead of drawing an empty scale.
func barChart(title string, labels []string, series []chartSeries, unit string) template.HTML {
	peak, seen := 0.0, false
	for _, s := range series {
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				peak, seen = math.Max(peak, v), true
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s">`, chartW, chartH, esc(title))
	if !seen {
		fmt.Fprintf(&b, `<text class="tick empty" x="%d" y="%d" text-anchor="middle">%s</text></svg>`, chartW/2, chartH/2, emptyChart)
		return template.HTML(b.String())
	}
	top := niceCeil(peak)
	if top == 0 {
		top = 1 // every value is 0: still a scale with distinct labels
	}
	axes(&b, top, unit)
	plotW, plotH := float64(chartW-padL-padR), float64(chartH-padT-padB)
	group := plotW / float64(max(len(labels), 1))
	bar := group * 0.8 / float64(max(len(series), 1))
	for i, label := range labels {
		x0 := float64(padL) + float64(i)*group + group*0.1
		for j, s := range series {
			v := s.Values[i]
			if math.IsNaN(v) || top == 0 {
				continue
			}
			h := v / top * plotH
			fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s %s: %s %s</title></rect>`,
				s.Class, x0+float64(j)*bar, float64(padT)+plotH-h, math.Max(bar-1, 1), h, esc(label), esc(s.Name), fmtNum(v), esc(unit))
		}
		if len(labels) <= 12 || i%2 == 0 {
			fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%d" text-anchor="middle">%s</text>`, x0+group*0.4, chartH-padB+16, esc(label))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// hbarChart draws one horizontal bar per label, longest first as given.
func hbarChart(title string, labels []string, values []float64) template.HTML {
	rowH, labelW := 24, 240
	h := rowH*len(labels) + 8
	peak := 0.0
	for _, v := range values {
		peak = math.Max(peak, v)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s">`, chartW, h, esc(title))
	for i, label := range labels {
		y := 4 + i*rowH
		w := 0.0
		if peak > 0 {
			w = values[i] / peak * float64(chartW-labelW-60)
		}
		fmt.Fprintf(&b, `<text class="tick" x="%d" y="%d" text-anchor="end">%s</text>`, labelW-8, y+16, esc(truncate(label, 34)))
		fmt.Fprintf(&b, `<rect class="s-main" x="%d" y="%d" width="%.1f" height="%d"></rect>`, labelW, y+3, w, rowH-8)
		fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%d">%s</text>`, float64(labelW)+w+6, y+16, fmtNum(values[i]))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// axes draws the y axis with four grid lines up to top.
func axes(b *strings.Builder, top float64, unit string) {
	plotH := float64(chartH - padT - padB)
	for i := 0; i <= 4; i++ {
		y := float64(padT) + plotH - plotH*float64(i)/4
		fmt.Fprintf(b, `<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"></line>`, padL, chartW-padR, y, y)
		fmt.Fprintf(b, `<text class="tick" x="%d" y="%.1f" text-anchor="end">%s</text>`, padL-6, y+4, tickLabel(top*float64(i)/4, top))
	}
	fmt.Fprintf(b, `<text class="tick unit" x="4" y="%d">%s</text>`, padT+4, esc(unit))
}

// emptyChart is what a chart without any value in its window shows.
const emptyChart = "No data in this window"

// tickLabel formats a scale value with the fewest decimals that show it
// exactly (top/4 steps of a 1, 2 or 5 times a power of ten need at most
// two more than top), so that the labels of a scale are distinct.
func tickLabel(v, top float64) string {
	for d := 0; d <= 8; d++ {
		p := math.Pow(10, float64(d))
		if r := math.Round(v*p) / p; math.Abs(r-v) <= top*1e-9 {
			return strconv.FormatFloat(r, 'f', -1, 64)
		}
	}
	return fmtNum(v)
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func fmtNum(v float64) string {
	if v >= 100 || v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func esc(s string) string { return template.HTMLEscapeString(s) }

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
