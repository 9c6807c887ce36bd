package http

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// computeDashboard turns incident facts into the dashboard's charts:
// median time to detect, acknowledge and resolve per month and severity,
// the action completion rate per month, and the alerts that fired most.
func computeDashboard(facts []*hindsight.IncidentFacts, from, end time.Time) *dashboardData {
	var months []string
	index := map[string]int{}
	for m := from; m.Before(end); m = m.AddDate(0, 1, 0) {
		index[m.Format("2006-01")] = len(months)
		months = append(months, m.Format("2006-01"))
	}
	sevIndex := map[hindsight.Severity]int{}
	for i, s := range hindsight.Severities {
		sevIndex[s] = i
	}
	// samples[metric][month][severity] holds the measured minutes.
	samples := make([][][][]float64, 3)
	for k := range samples {
		samples[k] = make([][][]float64, len(months))
		for m := range samples[k] {
			samples[k][m] = make([][]float64, len(hindsight.Severities))
		}
	}
	done, total := make([]int, len(months)), make([]int, len(months))
	alerts := map[string]int{}
	d := &dashboardData{From: from, End: end, Incidents: len(facts)}
	for _, f := range facts {
		m, ok := index[f.StartedAt.UTC().Format("2006-01")]
		sv, known := sevIndex[f.Severity]
		if !ok || !known {
			continue
		}
		rt := f.ResponseTimes()
		for k, fig := range []hindsight.Figure{rt.Detect, rt.Acknowledge, rt.Resolve} {
			if fig.Measured {
				samples[k][m][sv] = append(samples[k][m][sv], fig.Value)
			}
		}
		done[m] += f.ActionsDone
		total[m] += f.Actions
		d.ActionsDone += f.ActionsDone
		d.Acts += f.Actions
		alerts[firstNonBlank(f.AlertName, f.Title)]++
	}
	titles := []struct{ id, title, caption string }{
		{"ttd", "Time to detect", "From the start of the issue to the first alert: needs an issue_started event or a measured impact start."},
		{"tta", "Time to acknowledge", "From the first alert to the first acknowledged event."},
		{"ttr", "Time to resolve", "From the start of the issue (or the incident) to its resolution."},
	}
	for k, t := range titles {
		series := severitySeries(samples[k])
		d.Charts = append(d.Charts, dashboardChart{ID: t.id, Title: t.title + " (median minutes)", Caption: t.caption + " " + measuredNote(samples[k]),
			SVG: barChart(t.title, months, series, "min")})
	}
	d.Severity = severitySeries(samples[0])
	rates := make([]float64, len(months))
	for i := range months {
		rates[i] = math.NaN()
		if total[i] > 0 {
			rates[i] = 100 * float64(done[i]) / float64(total[i])
		}
	}
	if d.Acts > 0 {
		d.Completion = 100 * float64(d.ActionsDone) / float64(d.Acts)
	}
	d.Charts = append(d.Charts, dashboardChart{ID: "completion", Title: "Action completion rate (%)",
		Caption: "Done action items among those not marked won't do, by month of the incident.",
		SVG:     barChart("Action completion rate", months, []chartSeries{{Name: "done", Class: "s-main", Values: rates}}, "%")})
	d.Repeats = repeats(alerts, 10)
	if len(d.Repeats) > 0 {
		labels, values := make([]string, len(d.Repeats)), make([]float64, len(d.Repeats))
		for i, r := range d.Repeats {
			labels[i], values[i] = r.Alert, float64(r.Count)
		}
		d.Charts = append(d.Charts, dashboardChart{ID: "repeats", Title: "Repeat incidents",
			Caption: "Alerts that opened more than one incident in the window, most frequent first.", SVG: hbarChart("Repeat incidents", labels, values)})
	}
	return d
}

// severitySeries returns one series per severity of the medians.
func severitySeries(byMonth [][][]float64) []chartSeries {
	out := make([]chartSeries, len(hindsight.Severities))
	for s, sev := range hindsight.Severities {
		out[s] = chartSeries{Name: string(sev), Class: "s-" + slug(sev), Values: make([]float64, len(byMonth))}
		for m := range byMonth {
			out[s].Values[m] = median(byMonth[m][s])
		}
	}
	return out
}

// measuredNote says how many incidents had the figure measured.
func measuredNote(byMonth [][][]float64) string {
	n := 0
	for _, m := range byMonth {
		for _, s := range m {
			n += len(s)
		}
	}
	if n == 0 {
		return "No incident in the window has this figure."
	}
	return "Measured for " + itoa(n) + " incident(s)."
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// repeats returns the alerts seen more than once, most frequent first.
func repeats(alerts map[string]int, limit int) []repeatRow {
	var out []repeatRow
	for a, n := range alerts {
		if n > 1 {
			out = append(out, repeatRow{Alert: a, Count: n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Alert < out[j].Alert
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

func firstNonBlank(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func itoa(n int) string { return strconv.Itoa(n) }
