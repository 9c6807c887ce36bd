package http

import "testing"

// findingDoc is an excerpt of a rendered post-mortem, line numbers in comments.
var findingDoc = []string{
	"# Post-Mortem: X", // 1
	"## 📋 Executive Summary",
	"- What: [Brief description of what happened]",
	"- Root Cause: [Brief technical explanation]",
	"## 🎯 Impact Assessment", // 5
	"### Geographic/Component Scope",
	"- **Regions**: [Which regions/zones affected]",
	"- **Data Sources**: [Which data providers/feeds]",
	"## ⏰ Timeline",
	"### Detection and Response", // 10
	"| HH:MM | Detection | On-call | Alert acknowledged |",
	"## 🔍 Root Cause Analysis",
	"### Primary Root Cause",
	"   - Answer: [Direct cause]",
	"### What Went Well", // 15
	"- **Detection**: [How quickly we detected the issue]",
	"## 🛠️ Corrective Actions",
	"| [Specific action] | @lead | 2025-10-07 | ⏳ Open | [How to verify completion] |",
}

func TestFindingPlace(t *testing.T) {
	tests := []struct {
		line      int
		key, link string
	}{
		{3, "", ""}, // What: the incident's own summary, not the narrative
		{4, "root_cause", "/incidents/X/narrative#sec-root_cause"},
		{7, "", ""},
		{8, "data_sources", "/incidents/X/narrative#sec-data_sources"},
		{11, "timeline", "/incidents/X#timeline"},
		{14, "whys", "/incidents/X/narrative#sec-whys"},
		{16, "went_well", "/incidents/X/narrative#sec-went_well"},
		{18, "actions", "/incidents/X#actions"},
	}
	for _, tt := range tests {
		key, label, link := findingPlace(findingDoc, tt.line, "X")
		if key != tt.key || link != tt.link || label == "" {
			t.Errorf("line %d: %q %q %q, want key %q link %q", tt.line, key, label, link, tt.key, tt.link)
		}
	}
	if _, label, _ := findingPlace(findingDoc, 7, "X"); label != "Geographic/Component Scope" {
		t.Errorf("a finding outside the narrative is grouped under %q, want its heading", label)
	}
	for field, want := range map[string]string{"whys[2].answer": "whys", "business_impact.Users Affected": "business_impact", "root_cause": "root_cause"} {
		if sec, ok := fieldSection(field); !ok || sec.Key != want {
			t.Errorf("fieldSection(%q) = %v, %v; want %s", field, sec.Key, ok, want)
		}
	}
	if _, ok := fieldSection("nowhere"); ok {
		t.Error("an unknown field has a section")
	}
}
