package postmortem_test

import (
	"testing"

	"github.com/hindsight-sre/hindsight/postmortem"
)

func TestFormatBudget(t *testing.T) {
	tests := []struct {
		name    string
		minutes float64
		want    string
	}{
		{"three nines over 30 days", 43.200000000000728, "43.2"},
		{"three nines over 30.44 days", 43.83, "43.8"},
		{"three nines over 5 days", 7.2, "7.2"},
		{"two nines over 30 days", 432.00000000000006, "432"},
		{"whole number", 60, "60"},
		{"rounds half up", 21.65, "21.7"},
		{"below one minute keeps two places", 0.432, "0.43"},
		{"zero", 0, "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := postmortem.FormatBudget(tt.minutes); got != tt.want {
				t.Errorf("FormatBudget(%v) = %q, want %q", tt.minutes, got, tt.want)
			}
		})
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		name     string
		f        float64
		decimals int
		want     string
	}{
		{"drops trailing zeros", 43.20, 2, "43.2"},
		{"integer", 432, 1, "432"},
		{"rounds", 1.23456, 3, "1.235"},
		{"no negative zero", -0.0001, 2, "0"},
		{"negative", -1.5, 1, "-1.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := postmortem.FormatNumber(tt.f, tt.decimals); got != tt.want {
				t.Errorf("FormatNumber(%v, %d) = %q, want %q", tt.f, tt.decimals, got, tt.want)
			}
		})
	}
}

func TestFormatPercent(t *testing.T) {
	tests := []struct {
		name string
		p    float64
		want string
	}{
		{"three nines", 99.9, "99.9%"},
		{"three and a half nines", 99.95, "99.95%"},
		{"five nines", 99.999, "99.999%"},
		{"error rate", 0.1, "0.1%"},
		{"whole", 99, "99%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := postmortem.FormatPercent(tt.p); got != tt.want {
				t.Errorf("FormatPercent(%v) = %q, want %q", tt.p, got, tt.want)
			}
		})
	}
}

func TestJoinList(t *testing.T) {
	tests := []struct {
		name  string
		items []string
		want  string
	}{
		{"seed services", []string{"api", "database", "load-balancer"}, "api, database, load-balancer"},
		{"one", []string{"api"}, "api"},
		{"none", nil, ""},
		{"blanks dropped and trimmed", []string{" api ", "", "  ", "db"}, "api, db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := postmortem.JoinList(tt.items); got != tt.want {
				t.Errorf("JoinList(%q) = %q, want %q", tt.items, got, tt.want)
			}
		})
	}
}

func TestEscapeCell(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain", "Alert acknowledged", "Alert acknowledged"},
		{"pipe", "a | b", `a \| b`},
		{"pipe at start", "|x", `\|x`},
		{"already escaped", `a \| b`, `a \| b`},
		{"line breaks", "first line\nsecond\r\nthird", "first line second third"},
		{"surrounding space", "  padded  ", "padded"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := postmortem.EscapeCell(tt.in); got != tt.want {
				t.Errorf("EscapeCell(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestHandle(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"bare", "parallels", "@parallels"},
		{"already a handle", "@parallels", "@parallels"},
		{"doubled", "@@x", "@x"},
		{"empty", "  ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := postmortem.Handle(tt.in); got != tt.want {
				t.Errorf("Handle(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
