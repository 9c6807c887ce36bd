package postmortem_test

import (
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

// evidencePostmortem is the measured seed incident with graphs, links,
// changes (one with a hostile title) and attachments.
func evidencePostmortem() hindsight.Postmortem {
	pm := measuredPostmortem()
	imp := *pm.Impact
	threshold := 0.1
	imp.Graphs = []hindsight.Graph{
		{Name: hindsight.GraphErrorRatio, Title: "Error ratio", Unit: "%", Threshold: &threshold, Points: []hindsight.Point{}},
		{Name: hindsight.GraphRequestRate, Title: "Request rate", Unit: "req/s", Points: []hindsight.Point{}},
	}
	imp.Links = []hindsight.Field{
		{Label: "Alert Dashboard", Value: "https://grafana.example/d/api?from=1759191840000&to=1759200000000"},
		{Label: "Log Analysis", Value: "https://logs.example/?service=api&from=2025-09-30T00:24:00Z"},
	}
	imp.PrometheusURL = "http://prometheus.example:9090"
	pm.Impact = &imp
	pm.Changes = []hindsight.Change{
		{ID: 2, Service: "api", Kind: hindsight.ChangeConfig, Title: "Raise pool size", At: at("00:10"), Author: "bob"},
		{ID: 1, Service: "api", Kind: hindsight.ChangeDeploy, Title: "v1.2.3](javascript:alert(1)) <script>*x*",
			URL: "https://github.com/example/api/pull/42", At: at("00:05"), Author: "alice"},
	}
	pm.Attachments = []hindsight.Attachment{{ID: 7, IncidentID: pm.Incident.ID, Name: "grafana [1].png", ContentType: "image/png", Size: 1234,
		CreatedAt: at("01:00")}}
	return pm
}

func TestRender_Evidence(t *testing.T) {
	pm := evidencePostmortem()
	got := MustRender(t, pm)
	id := pm.Incident.ID
	for _, want := range []string{
		"- **Alert Dashboard**: <https://grafana.example/d/api?from=1759191840000&to=1759200000000>",
		"- **Log Analysis**: <https://logs.example/?service=api&from=2025-09-30T00:24:00Z>",
		"- **Code Changes**: [v1.2.3\\](javascript:alert(1)) \\<script\\>\\*x\\*](<https://github.com/example/api/pull/42>) (api, 2025-09-30 00:05 UTC, by alice)",
		"- **Configuration Changes**: Raise pool size (api, 2025-09-30 00:10 UTC, by bob)",
		"- **Metrics Graphs**: ![Error ratio](" + id + "/error-ratio.svg) ![Request rate](" + id + "/request-rate.svg)",
		"- **Screenshots**: [grafana \\[1\\].png](/api/v1/incidents/" + id + "/attachments/7) (image/png, 1234 bytes)",
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("document lacks the line %q", want)
		}
	}
	if !strings.Contains(got, "[Prometheus graph](<http://prometheus.example:9090/graph?g0.end_input=") {
		t.Error("the figures' footnotes do not link to Prometheus's graph page")
	}
	// A field a person has written is theirs: nothing replaces it.
	pm.Document.Narrative.RelevantLinks = []hindsight.Field{{Label: "Code Changes", Value: "See PR 41"}}
	if got := MustRender(t, pm); !strings.Contains(got, "- **Code Changes**: See PR 41\n") {
		t.Error("a written Code Changes field was replaced")
	}
}

// TestParse_EvidenceFootnotes checks that the graph links added to the
// footnotes read back as the same figures.
func TestParse_EvidenceFootnotes(t *testing.T) {
	pm := evidencePostmortem()
	back := MustParse(t, []byte(MustRender(t, pm)))
	if back.Impact == nil {
		t.Fatal("Parse lost the measured impact")
	}
	w, g := pm.Impact.Availability, back.Impact.Availability
	if w.Query != g.Query || !w.End.Equal(g.End) || g.Note != w.Note {
		t.Errorf("availability read back as %+v, want %+v", g, w)
	}
}
