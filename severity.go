package hindsight

import (
	"fmt"
	"strings"
)

// Severity ranks an incident from SEV1 (the worst) to SEV5.
type Severity string

// The five severities, worst first.
const (
	SEV1 Severity = "SEV1"
	SEV2 Severity = "SEV2"
	SEV3 Severity = "SEV3"
	SEV4 Severity = "SEV4"
	SEV5 Severity = "SEV5"
)

// Severities lists every severity, worst first.
var Severities = []Severity{SEV1, SEV2, SEV3, SEV4, SEV5}

// ParseSeverity accepts "SEV2", "sev2", "Sev-2" or "2" and returns SEV2.
func ParseSeverity(s string) (Severity, error) {
	v := strings.ToUpper(strings.TrimSpace(s))
	v = strings.TrimPrefix(strings.ReplaceAll(v, "-", ""), "SEV")
	if len(v) == 1 && v[0] >= '1' && v[0] <= '5' {
		return Severity("SEV" + v), nil
	}
	return "", Errorf(EINVALID, "unknown severity %q: use one of SEV1, SEV2, SEV3, SEV4, SEV5", s)
}

// Valid reports whether s is one of the five severities.
func (s Severity) Valid() bool {
	_, err := ParseSeverity(string(s))
	return err == nil && len(s) == 4
}

// Rank returns 1 for SEV1 through 5 for SEV5, and 0 for an invalid value.
func (s Severity) Rank() int {
	if !s.Valid() {
		return 0
	}
	return int(s[3] - '0')
}

// AtLeast reports whether s is as severe as min or worse (SEV1 is at least SEV2).
func (s Severity) AtLeast(min Severity) bool {
	return s.Valid() && min.Valid() && s.Rank() <= min.Rank()
}

// Short returns the seed's "SEV-2" form used in timeline text.
func (s Severity) Short() string {
	if !s.Valid() {
		return "SEV-X"
	}
	return fmt.Sprintf("SEV-%c", s[3])
}
