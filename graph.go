package hindsight

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// DefaultGraphMargin is how far the graphs of an incident reach before its
// impact start and after its resolution.
const DefaultGraphMargin = 30 * time.Minute

// Graph names: the file name of each graph without ".svg".
const (
	GraphErrorRatio  = "error-ratio"
	GraphRequestRate = "request-rate"
	GraphLatencyP95  = "latency-p95"
	GraphLatencyP99  = "latency-p99"
	GraphFreshness   = "freshness"
)

// Graph is one SLI series of an incident, fetched from Prometheus when the
// impact is measured and stored with it, so that the drawing stays the same
// after Prometheus has forgotten the data. Values are in Unit, as the
// document shows them (percent, requests per second, milliseconds,
// minutes).
type Graph struct {
	// Name is the file name without ".svg": "error-ratio".
	Name string `json:"name"`
	// Title is what the graph shows: "Error ratio".
	Title string `json:"title"`
	// Unit is the unit of the values: "%", "req/s", "ms", "minutes".
	Unit  string `json:"unit"`
	Query string `json:"query,omitempty"`
	// Start and End bound the graph; Step is the query's resolution.
	Start time.Time     `json:"start"`
	End   time.Time     `json:"end"`
	Step  time.Duration `json:"step"`
	// Points are the finite samples, in time order.
	Points []Point `json:"points"`
	// Threshold is the SLO objective in Unit; nil when the SLI has none.
	Threshold *float64 `json:"threshold,omitempty"`
	// Reason says why there are no points ("no data: …").
	Reason string `json:"reason,omitempty"`
}

// Point is one sample of a graph. It is stored as [unix milliseconds,
// value], which keeps a stored impact small.
type Point struct {
	T time.Time
	V float64
}

// MarshalJSON writes p as [unix milliseconds, value].
func (p Point) MarshalJSON() ([]byte, error) {
	if math.IsNaN(p.V) || math.IsInf(p.V, 0) {
		return nil, fmt.Errorf("graph point at %s: value %v is not finite", p.T, p.V)
	}
	return json.Marshal([2]float64{float64(p.T.UnixMilli()), p.V})
}

// UnmarshalJSON reads [unix milliseconds, value].
func (p *Point) UnmarshalJSON(b []byte) error {
	var v [2]float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	p.T, p.V = time.UnixMilli(int64(v[0])).UTC(), v[1]
	return nil
}

// GraphMark is an instant marked on every graph of an incident.
type GraphMark struct {
	// Label is "alert fired", "acknowledged", "mitigated" or "resolved".
	Label string    `json:"label"`
	At    time.Time `json:"at"`
}

// GraphPoints converts samples to graph points, scaled into the graph's
// unit, dropping the samples that are not finite.
func GraphPoints(s []Sample, scale float64) []Point {
	out := make([]Point, 0, len(s))
	for _, p := range s {
		if v := p.V * scale; finite(v) {
			out = append(out, Point{T: p.T.UTC(), V: v})
		}
	}
	return out
}

// GraphWindow returns the time range of an incident's graphs: margin before
// the impact start (the measured one when there is, else the alert) to
// margin after the end.
func GraphWindow(imp Impact, margin time.Duration) (time.Time, time.Time) {
	start := imp.Start
	if imp.ImpactStart.Measured && !imp.ImpactStart.At.IsZero() && imp.ImpactStart.At.Before(start) {
		start = imp.ImpactStart.At
	}
	return start.Add(-margin).UTC(), imp.End.Add(margin).UTC()
}

// ImpactWindow returns the span a graph shades as the impact: from the
// measured impact start (else the alert) to the resolution.
func (imp Impact) ImpactWindow() (time.Time, time.Time) {
	start := imp.Start
	if imp.ImpactStart.Measured && !imp.ImpactStart.At.IsZero() && imp.ImpactStart.At.Before(start) {
		start = imp.ImpactStart.At
	}
	return start.UTC(), imp.End.UTC()
}

// GraphMarks lists the instants the graphs mark: the alert, the first
// acknowledgement and mitigation of the timeline, and the resolution.
func GraphMarks(inc *Incident, events []TimelineEvent) []GraphMark {
	first := firstEvents(events)
	fired := first[EventAlertFired]
	if fired.IsZero() {
		fired = inc.StartedAt
	}
	marks := []GraphMark{{Label: "alert fired", At: fired.UTC()}}
	if t := first[EventAcknowledged]; !t.IsZero() {
		marks = append(marks, GraphMark{Label: "acknowledged", At: t.UTC()})
	}
	if t := first[EventMitigation]; !t.IsZero() {
		marks = append(marks, GraphMark{Label: "mitigated", At: t.UTC()})
	}
	if inc.ResolvedAt != nil {
		marks = append(marks, GraphMark{Label: "resolved", At: inc.ResolvedAt.UTC()})
	}
	return marks
}

// GraphFile is where a document's graph is written beside it, relative
// to the document: "INCIDENT-…/error-ratio.svg".
func GraphFile(incidentID, name string) string { return incidentID + "/" + name + ".svg" }

// FindGraph returns the graph of imp with the given name.
func (imp Impact) FindGraph(name string) (Graph, bool) {
	for _, g := range imp.Graphs {
		if g.Name == name {
			return g, true
		}
	}
	return Graph{}, false
}
