package report_test

import (
	"testing"

	"github.com/hindsight-sre/hindsight/report"
)

func TestNeutralizeCell(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"Equals", `=cmd|' /C calc'!A0`, `'=cmd|' /C calc'!A0`},
		{"Plus", "+1+cmd", "'+1+cmd"},
		{"Minus", "-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"At", "@SUM(A1)", "'@SUM(A1)"},
		{"Tab", "\t=1", "'\t=1"},
		{"CarriageReturn", "\r=1", "'\r=1"},
		{"AfterSpaces", "   =1+1", "'   =1+1"},
		{"NegativeNumber", "-3.5", "-3.5"},
		{"PositiveNumber", "+12", "+12"},
		{"Text", "Grow the disk", "Grow the disk"},
		{"InnerEquals", "a=b", "a=b"},
		{"Empty", "", ""},
		{"Unicode", "Ünïcødé =1", "Ünïcødé =1"},
		{"Infinity", "-Inf", "'-Inf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := report.NeutralizeCell(tc.in); got != tc.want {
				t.Errorf("NeutralizeCell(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
