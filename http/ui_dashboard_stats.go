package http

import (
	"math"
	"strconv"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// computeDashboard turns the store's aggregates into the dashboard's
// charts: median time to detect, acknowledge and resolve per month and
// severity, the action completion rate and the error budget consumed per
// month, and the alerts that fired most.
func computeDashboard(st *hindsight.DashboardStats, from, end time.Time) *dashboardData {
	months := st.Months
	d := &dashboardData{From: from, End: end, Incidents: st.Incidents}
	titles := []struct {
		id, title, caption string
		cells              [][]hindsight.Median
	}{
		{"ttd", "Time to detect", "From the start of the issue to the first alert: needs an issue_started event or a measured impact start.", st.Detect},
		{"tta", "Time to acknowledge", "From the first alert to the first acknowledged event.", st.Acknowledge},
		{"ttr", "Time to resolve", "From the start of the issue (or the incident) to its resolution.", st.Resolve},
	}
	for _, t := range titles {
		series := severitySeries(t.cells)
		d.Charts = append(d.Charts, dashboardChart{ID: t.id, Title: t.title + " (median minutes)", Caption: t.caption + " " + measuredNote(t.cells),
			SVG: barChart(t.title, months, series, "min")})
	}
	d.Severity = severitySeries(st.Detect)
	rates := make([]float64, len(months))
	for i := range months {
		rates[i] = math.NaN()
		if st.Actions[i] > 0 {
			rates[i] = 100 * float64(st.ActionsDone[i]) / float64(st.Actions[i])
		}
		d.ActionsDone += st.ActionsDone[i]
		d.Acts += st.Actions[i]
	}
	if d.Acts > 0 {
		d.Completion = 100 * float64(d.ActionsDone) / float64(d.Acts)
	}
	d.Charts = append(d.Charts, dashboardChart{ID: "completion", Title: "Action completion rate (%)",
		Caption: "Done action items among those not marked won't do, by month of the incident.",
		SVG:     barChart("Action completion rate", months, []chartSeries{{Name: "done", Class: "s-main", Values: rates}}, "%")})
	d.Charts = append(d.Charts, budgetChart(st, d))
	for _, r := range st.Repeats {
		d.Repeats = append(d.Repeats, repeatRow{Alert: r.Alert, Count: r.Count})
	}
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

// budgetChart draws the error budget consumed per month and totals it
// over the window into d.
func budgetChart(st *hindsight.DashboardStats, d *dashboardData) dashboardChart {
	values := make([]float64, len(st.Months))
	for i, b := range st.Budget {
		values[i] = math.NaN()
		if b.N > 0 {
			values[i] = b.Percent
			d.Budget += b.Percent
			d.BudgetN += b.N
		}
	}
	caption := "Sum per month of the error budget each incident consumed, in percent of a budget, by month of the incident: " +
		"the event-based figure (errors over the errors the objective allows) where measured, else downtime over the monthly budget. "
	if d.BudgetN == 0 {
		caption += "No incident in the window has a measured budget figure."
	} else {
		caption += "Measured for " + itoa(d.BudgetN) + " incident(s); months without a bar have none."
	}
	return dashboardChart{ID: "budget", Title: "Error budget consumed (% of budget, sum per month)", Caption: caption,
		SVG: barChart("Error budget consumed", st.Months, []chartSeries{{Name: "consumed", Class: "s-main", Values: values}}, "%")}
}

// severitySeries returns one series per severity of the medians.
func severitySeries(byMonth [][]hindsight.Median) []chartSeries {
	out := make([]chartSeries, len(hindsight.Severities))
	for s, sev := range hindsight.Severities {
		out[s] = chartSeries{Name: string(sev), Class: "s-" + slug(sev), Values: make([]float64, len(byMonth))}
		for m := range byMonth {
			out[s].Values[m] = math.NaN()
			if byMonth[m][s].N > 0 {
				out[s].Values[m] = byMonth[m][s].Minutes
			}
		}
	}
	return out
}

// measuredNote says how many incidents had the figure measured.
func measuredNote(byMonth [][]hindsight.Median) string {
	n := 0
	for _, m := range byMonth {
		for _, s := range m {
			n += s.N
		}
	}
	if n == 0 {
		return "No incident in the window has this figure."
	}
	return "Measured for " + itoa(n) + " incident(s)."
}

func itoa(n int) string { return strconv.Itoa(n) }
