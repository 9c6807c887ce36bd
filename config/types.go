package config

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Duration is a time.Duration read from YAML as "500ms", "2h" or "30d". Go's
// duration syntax has no day unit; SLO windows are counted in days, so a
// leading "<n>d" is accepted ("1d12h" too).
type Duration time.Duration

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// ParseDuration reads a duration in Go's syntax with an optional leading
// day count: "30d", "1d12h", "90m", "500ms".
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	orig := s
	var days time.Duration
	hasDays := false
	if i := strings.IndexByte(s, 'd'); i > 0 {
		if n, err := strconv.ParseUint(s[:i], 10, 16); err == nil {
			days, hasDays = time.Duration(n)*24*time.Hour, true
			s = s[i+1:]
		}
	}
	if s == "" && hasDays {
		return days, nil
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil && !hasDays {
		return 0, fmt.Errorf("duration %q has no unit: write for example 500ms, 90s, 2h or 30d", orig)
	}
	d, err := time.ParseDuration(s)
	if err != nil || (hasDays && strings.HasPrefix(s, "-")) {
		return 0, fmt.Errorf("cannot read duration %q: write for example 500ms, 90s, 2h or 30d", orig)
	}
	return days + d, nil
}

// String formats d the way it is written in the file: "30d", "2h", "1h30m",
// "500ms".
func (d Duration) String() string {
	td := time.Duration(d)
	if td > 0 && td%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(td/(24*time.Hour)), 10) + "d"
	}
	s := td.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// UnmarshalYAML reads a duration string, reporting the line of a bad one.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return lineError(n, "expected a duration such as 2h or 30d")
	}
	v, err := ParseDuration(n.Value)
	if err != nil {
		return lineError(n, "%v", err)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration in the file's syntax.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// MarshalJSON writes the duration in the file's syntax.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// Size is a byte count read from YAML as a plain number of bytes or with a
// unit: "512KiB", "5MiB", "1GiB" (powers of 1024) or "500kB", "5MB" (powers
// of 1000).
type Size int64

var sizeUnits = []struct {
	suffix string
	factor int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"kB", 1000}, {"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000},
	{"B", 1},
}

// ParseSize reads a size such as "5MiB", "512KiB", "10MB" or "1048576".
func ParseSize(s string) (Size, error) {
	s = strings.TrimSpace(s)
	num, factor := s, int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(s, u.suffix) {
			num, factor = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.factor
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/factor {
		return 0, fmt.Errorf("cannot read size %q: write a number of bytes or for example 512KiB, 5MiB", s)
	}
	return Size(n * factor), nil
}

// String formats s with the largest binary unit that divides it: "5MiB".
func (s Size) String() string {
	for _, u := range []struct {
		suffix string
		factor int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if s > 0 && int64(s)%u.factor == 0 {
			return strconv.FormatInt(int64(s)/u.factor, 10) + u.suffix
		}
	}
	return strconv.FormatInt(int64(s), 10) + "B"
}

// UnmarshalYAML reads a size, reporting the line of a bad one.
func (s *Size) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return lineError(n, "expected a size such as 5MiB")
	}
	v, err := ParseSize(n.Value)
	if err != nil {
		return lineError(n, "%v", err)
	}
	*s = v
	return nil
}

// MarshalYAML writes the size with its unit.
func (s Size) MarshalYAML() (any, error) { return s.String(), nil }

// redacted is what every printed form of a non-empty Secret shows.
const redacted = "<secret>"

// Secret is a password or token. Every way of printing it (fmt, YAML, JSON,
// text, slog) shows "<secret>", so that a configuration can be logged or
// dumped without leaking credentials. Convert with string(s) only where the
// value is used, such as a constant-time comparison.
type Secret string

// String returns "<secret>", or "" for an empty secret so that a missing one
// shows as missing.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string { return strconv.Quote(s.String()) }

// MarshalText implements encoding.TextMarshaler.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// MarshalJSON implements json.Marshaler.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// MarshalYAML implements yaml.Marshaler.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// UnmarshalYAML reads the secret and refuses a pasted "<secret>", the sign
// of a configuration copied from a redacted dump.
func (s *Secret) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return lineError(n, "expected a string")
	}
	if n.Value == redacted {
		return lineError(n, "the value is %q, copied from a redacted dump: write the real secret or set it through the environment", redacted)
	}
	*s = Secret(n.Value)
	return nil
}

// DSN is a database location: a SQLite file path or a PostgreSQL connection
// string. Its printed forms hide the password ("postgres://u:xxxxx@host/db",
// "password=<secret>"); convert with string(d) to open the database.
type DSN string

// String returns the DSN with its password hidden.
func (d DSN) String() string { return redactURL(string(d)) }

// GoString keeps %#v from printing the password.
func (d DSN) GoString() string { return strconv.Quote(d.String()) }

// MarshalText implements encoding.TextMarshaler.
func (d DSN) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// MarshalJSON implements json.Marshaler.
func (d DSN) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// MarshalYAML implements yaml.Marshaler.
func (d DSN) MarshalYAML() (any, error) { return d.String(), nil }

// LogValue implements slog.LogValuer.
func (d DSN) LogValue() slog.Value { return slog.StringValue(d.String()) }

// passwordKV matches the password of a key/value connection string.
var passwordKV = regexp.MustCompile(`(?i)(\bpassword\s*=\s*)('[^']*'|\S+)`)

// redactURL hides the password of a URL such as postgres://u:p@host/db, or
// of a key/value connection string such as "host=db password=p".
func redactURL(s string) string {
	s = passwordKV.ReplaceAllString(s, "${1}"+redacted)
	u, err := url.Parse(s)
	if err != nil {
		if strings.Contains(s, "@") {
			return redacted
		}
		return s
	}
	if u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); !ok {
		return s
	}
	return u.Redacted()
}

// lineError returns a yaml.TypeError so that the decoder carries on and
// reports every bad value with its line, like its own type errors.
func lineError(n *yaml.Node, format string, args ...any) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s", n.Line, fmt.Sprintf(format, args...))}}
}
