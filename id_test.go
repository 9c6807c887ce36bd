package hindsight_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

func asError(err error, target **hindsight.Error) bool { return errors.As(err, target) }

func TestSlug(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"CamelCase", "HighAPIErrorRate", "highapierrorrate"},
		{"Spaces", "High API error rate", "high-api-error-rate"},
		{"Punctuation", "DB: replica lag > 30s!", "db-replica-lag-30s"},
		{"Accents", "Dépassement de quota", "depassement-de-quota"},
		{"NonLatin", "ошибка API", "api"},
		{"OnlySymbols", "!!!", "incident"},
		{"Empty", "", "incident"},
		{"LeadingTrailing", "  --Disk full--  ", "disk-full"},
		{"Underscores", "kube_pod_crash_looping", "kube-pod-crash-looping"},
		{"Emoji", "🔥 fire 🔥", "fire"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hindsight.Slug(tt.in); got != tt.want {
				t.Fatalf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	t.Run("LongName", func(t *testing.T) {
		got := hindsight.Slug(strings.Repeat("abc def ", 40))
		if len(got) > 60 || strings.HasSuffix(got, "-") || !strings.HasPrefix(got, "abc-def-") {
			t.Fatalf("Slug of a 320-character name = %q (%d bytes), want at most 60 bytes without a trailing hyphen", got, len(got))
		}
	})
}

func TestIncidentID(t *testing.T) {
	start := date("2025-09-30 00:24")
	if got, want := hindsight.IncidentID(start, "HighAPIErrorRate"), "INCIDENT-20250930-0024-highapierrorrate"; got != want {
		t.Fatalf("IncidentID = %q, want %q", got, want)
	}
	if got, want := hindsight.DocumentFileName(start, "HighAPIErrorRate"), "2025-09-30-highapierrorrate.md"; got != want {
		t.Fatalf("DocumentFileName = %q, want %q", got, want)
	}
	long := hindsight.IncidentID(start, strings.Repeat("x", 300))
	if len(long) > len("INCIDENT-20250930-0024-")+60 {
		t.Fatalf("IncidentID of a 300-character name is %d bytes", len(long))
	}
}

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]hindsight.Severity{
		"SEV2": hindsight.SEV2, "sev1": hindsight.SEV1, "Sev-3": hindsight.SEV3, "5": hindsight.SEV5, " SEV4 ": hindsight.SEV4,
	} {
		got, err := hindsight.ParseSeverity(in)
		if err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"SEV0", "SEV6", "critical", "", "SEV12"} {
		if _, err := hindsight.ParseSeverity(in); hindsight.ErrorCode(err) != hindsight.EINVALID {
			t.Errorf("ParseSeverity(%q) error = %v, want EINVALID", in, err)
		}
	}
	if !hindsight.SEV1.AtLeast(hindsight.SEV2) || hindsight.SEV3.AtLeast(hindsight.SEV2) || !hindsight.SEV2.AtLeast(hindsight.SEV2) {
		t.Fatal("AtLeast ordering is wrong")
	}
	if hindsight.SEV2.Short() != "SEV-2" {
		t.Fatalf("Short = %q", hindsight.SEV2.Short())
	}
}

func TestSeverityRules_Resolve(t *testing.T) {
	rules := hindsight.DefaultSeverityRules()
	tests := []struct {
		name   string
		labels map[string]string
		want   hindsight.Severity
	}{
		{"Critical", map[string]string{"severity": "critical"}, hindsight.SEV2},
		{"CriticalUpper", map[string]string{"severity": "CRITICAL"}, hindsight.SEV2},
		{"Warning", map[string]string{"severity": "warning"}, hindsight.SEV3},
		{"Info", map[string]string{"severity": "info"}, hindsight.SEV4},
		{"Page", map[string]string{"severity": "page"}, hindsight.SEV1},
		{"LiteralSEV1", map[string]string{"severity": "SEV1"}, hindsight.SEV1},
		{"LiteralSev5", map[string]string{"severity": "sev5"}, hindsight.SEV5},
		{"PriorityLabel", map[string]string{"priority": "critical"}, hindsight.SEV2},
		{"SeverityBeforePriority", map[string]string{"severity": "info", "priority": "critical"}, hindsight.SEV4},
		{"UnknownValueFallsToNextLabel", map[string]string{"severity": "weird", "priority": "page"}, hindsight.SEV1},
		{"None", map[string]string{}, hindsight.SEV3},
		{"BareDigitIsNotASeverity", map[string]string{"severity": "1"}, hindsight.SEV3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rules.Resolve(tt.labels); got != tt.want {
				t.Fatalf("Resolve(%v) = %s, want %s", tt.labels, got, tt.want)
			}
		})
	}
	custom := hindsight.SeverityRules{Labels: []string{"level"}, Map: map[string]hindsight.Severity{"p1": hindsight.SEV1}, Default: hindsight.SEV5}
	if got := custom.Resolve(map[string]string{"level": "P1"}); got != hindsight.SEV1 {
		t.Fatalf("custom Resolve = %s", got)
	}
	if got := custom.Resolve(map[string]string{"severity": "critical"}); got != hindsight.SEV5 {
		t.Fatalf("custom default = %s", got)
	}
	bad := hindsight.SeverityRules{Map: map[string]hindsight.Severity{"x": "SEV9"}, Default: "high"}
	if err := bad.Validate(); hindsight.ErrorCode(err) != hindsight.EINVALID || !strings.Contains(err.Error(), "severity.map.x") || !strings.Contains(err.Error(), "severity.default") {
		t.Fatalf("Validate = %v", err)
	}
}

func TestSplitList(t *testing.T) {
	got := hindsight.SplitList("api,database", " load-balancer", "api", "", " , ")
	want := []string{"api", "database", "load-balancer"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("SplitList = %q, want %q", got, want)
	}
}
