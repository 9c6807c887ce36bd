package http

import (
	"math"
	"regexp"
	"strings"
	"testing"
)

var tickRe = regexp.MustCompile(`<text class="tick" x="42" y="[0-9.]+" text-anchor="end">([^<]*)</text>`)

// TestBarChart_Scale checks that an empty chart says so and that a chart
// with data has five distinct labels from 0 to a round top.
func TestBarChart_Scale(t *testing.T) {
	nan := math.NaN()
	empty := string(barChart("t", []string{"2025-01", "2025-02"}, []chartSeries{{Name: "a", Values: []float64{nan, nan}}}, "min"))
	if !strings.Contains(empty, emptyChart) || strings.Contains(empty, `class="grid"`) {
		t.Errorf("empty chart: %s", empty)
	}
	for _, c := range []struct {
		peak float64
		want string
	}{
		{0, "0 0.25 0.5 0.75 1"},
		{0.013, "0 0.005 0.01 0.015 0.02"},
		{3.2, "0 1.25 2.5 3.75 5"},
		{37, "0 12.5 25 37.5 50"},
		{100, "0 25 50 75 100"},
		{1234, "0 500 1000 1500 2000"},
	} {
		svg := string(barChart("t", []string{"m"}, []chartSeries{{Name: "a", Values: []float64{c.peak}}}, "min"))
		var got []string
		for _, m := range tickRe.FindAllStringSubmatch(svg, -1) {
			got = append(got, m[1])
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("peak %v: labels %q, want %q", c.peak, got, c.want)
		}
	}
}
