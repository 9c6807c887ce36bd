package hindsight_test

import (
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

func TestParseSeverityCondition(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		holds    []hindsight.Severity
		err      string
	}{
		{"Empty", "", hindsight.Severities, ""},
		{"AtMost", "severity <= SEV2", []hindsight.Severity{hindsight.SEV1, hindsight.SEV2}, ""},
		{"Below", "severity<sev3", []hindsight.Severity{hindsight.SEV1, hindsight.SEV2}, ""},
		{"Equal", "severity == SEV4", []hindsight.Severity{hindsight.SEV4}, ""},
		{"SingleEquals", "severity = 1", []hindsight.Severity{hindsight.SEV1}, ""},
		{"AtLeast", "severity >= SEV4", []hindsight.Severity{hindsight.SEV4, hindsight.SEV5}, ""},
		{"ErrNoSubject", "SEV2", nil, "write it as"},
		{"ErrSeverity", "severity <= SEV9", nil, "unknown severity"},
		{"ErrOperator", "severity != SEV2", nil, "write it as"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := hindsight.ParseSeverityCondition(tc.in)
			if tc.err != "" {
				if hindsight.ErrorCode(err) != hindsight.EINVALID || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want EINVALID mentioning %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []hindsight.Severity
			for _, s := range hindsight.Severities {
				if c.Holds(s) {
					got = append(got, s)
				}
			}
			if len(got) != len(tc.holds) || (len(got) > 0 && got[0] != tc.holds[0]) || c.Holds("SEVX") && c.Op != "" {
				t.Fatalf("%q holds for %v, want %v", tc.in, got, tc.holds)
			}
		})
	}
}

func TestDistributionEntry_Matches(t *testing.T) {
	for _, tc := range []struct {
		entry hindsight.DistributionEntry
		label string
		want  bool
	}{
		{hindsight.DistributionEntry{Name: "engineering"}, "Engineering Team", true},
		{hindsight.DistributionEntry{Name: "executive"}, "Executive Team (if SEV1-SEV2)", true},
		{hindsight.DistributionEntry{Name: "customer_success"}, "Customer Success", true},
		{hindsight.DistributionEntry{Name: "customer"}, "Customer Success", true},
		{hindsight.DistributionEntry{Name: "eng"}, "Engineering Team", false},
		{hindsight.DistributionEntry{Name: "operations"}, "Engineering Team", false},
		{hindsight.DistributionEntry{Name: "x", Label: "Équipe Produit 🚀"}, "équipe produit 🚀", true},
		{hindsight.DistributionEntry{Name: "product", Label: "Product Management"}, "Product", false},
	} {
		if got := tc.entry.Matches(tc.label); got != tc.want {
			t.Errorf("%+v matches %q: %v, want %v", tc.entry, tc.label, got, tc.want)
		}
	}
}

func TestDeliveries(t *testing.T) {
	exec, _ := hindsight.ParseSeverityCondition("severity <= SEV2")
	entries := []hindsight.DistributionEntry{
		{Name: "engineering", Email: []string{"eng@example.com"}, Slack: []string{"#eng", "#sre"}},
		{Name: "executive", When: exec, Email: []string{"cto@example.com"}},
	}
	list := []hindsight.Check{{Label: "Engineering Team"}, {Label: "Executive Team (if SEV1-SEV2)"}, {Label: "Operations Team"}}
	keys := func(ds []hindsight.Delivery) string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Key())
		}
		return strings.Join(out, " ")
	}
	if got := keys(hindsight.Deliveries(entries, list, hindsight.SEV1)); got != "engineering/email engineering/slack:#eng engineering/slack:#sre executive/email" {
		t.Errorf("SEV1: %s", got)
	}
	if got := keys(hindsight.Deliveries(entries, list, hindsight.SEV3)); got != "engineering/email engineering/slack:#eng engineering/slack:#sre" {
		t.Errorf("SEV3 (no executive): %s", got)
	}
	if got := keys(hindsight.Deliveries(entries, list[2:], hindsight.SEV1)); got != "" {
		t.Errorf("a list without the configured entries: %s", got)
	}
}
