package postmortem

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// Date and time layouts of the document, all in UTC.
const (
	dateLayout     = "2006-01-02"
	clockLayout    = "15:04"
	dateTimeLayout = "2006-01-02 15:04"
)

// JoinList renders items as the readable comma list the document uses:
// "api, database, load-balancer". Blank items are dropped.
func JoinList(items []string) string {
	kept := make([]string, 0, len(items))
	for _, it := range items {
		if it = strings.TrimSpace(it); it != "" {
			kept = append(kept, it)
		}
	}
	return strings.Join(kept, ", ")
}

// EscapeCell makes s safe inside a Markdown table cell: a "|" would end the
// cell and a line break would end the row, so pipes are escaped and line
// breaks become spaces.
func EscapeCell(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
	var b strings.Builder
	for i, r := range s {
		if r == '|' && (i == 0 || s[i-1] != '\\') {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// FormatNumber rounds f to at most decimals places and drops needless
// trailing zeros: 43.2, 432, 0.43.
func FormatNumber(f float64, decimals int) string {
	p := math.Pow10(decimals)
	r := math.Round(f*p) / p
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// FormatBudget formats an error budget in minutes: one decimal place is
// enough (six seconds), except below one minute where two keep it from
// reading 0. 99.9% over 30 days gives "43.2".
func FormatBudget(minutes float64) string {
	if math.Abs(minutes) < 1 {
		return FormatNumber(minutes, 2)
	}
	return FormatNumber(minutes, 1)
}

// FormatPercent formats an objective such as 99.9 or 99.95 without
// trailing zeros and with the percent sign: "99.95%".
func FormatPercent(p float64) string {
	return FormatNumber(p, 4) + "%"
}

// formatObjective renders a duration objective the way the seed does:
// "2 hours", "30 minutes", "500ms".
func formatObjective(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return plural(int(d/time.Minute), "minute")
	case d%time.Millisecond == 0:
		return fmt.Sprintf("%dms", d.Milliseconds())
	default:
		return d.String()
	}
}

// formatLatency renders a latency objective in milliseconds, as the seed's
// "<500ms".
func formatLatency(d time.Duration) string {
	return FormatNumber(float64(d)/float64(time.Millisecond), 3) + "ms"
}

func plural(n int, unit string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, unit)
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// Handle returns a person's handle with one leading "@": "parallels" and
// "@parallels" both give "@parallels"; the "token:" prefix that earlier
// versions recorded for API tokens is dropped ("token:lead" gives "@lead");
// an empty name gives "".
func Handle(name string) string {
	name = strings.TrimSpace(name)
	if len(name) > 6 && strings.EqualFold(name[:6], "token:") {
		name = name[6:]
	}
	if name == "" {
		return ""
	}
	return "@" + strings.TrimLeft(name, "@")
}

// budgetPeriod names the SLO window in the "Monthly SLO budget" line.
func budgetPeriod(window time.Duration) string {
	const day = 24 * time.Hour
	if window <= 0 || window%day != 0 {
		return "Window"
	}
	switch days := int(window / day); days {
	case 7:
		return "Weekly"
	case 30:
		return "Monthly"
	case 90:
		return "Quarterly"
	default:
		return fmt.Sprintf("%d-day", days)
	}
}

// eventTime renders a timeline time in layout ("" meaning HH:MM), with its
// date when the incident crosses midnight (dated), the layout has one, or
// the time is not on the incident's first (UTC) day.
func eventTime(t, start time.Time, layout string, dated bool) string {
	t, start = t.UTC(), start.UTC()
	clock, withDate := strings.CutPrefix(layout, dateLayout+" ")
	if clock == "" {
		clock = clockLayout
	}
	if dated || withDate || t.Format(dateLayout) != start.Format(dateLayout) {
		return t.Format(dateLayout + " " + clock)
	}
	return t.Format(clock)
}

// crossesMidnight reports whether an incident runs over more than one UTC
// day: its timeline then gives every time with its date, so that "00:10"
// cannot be read as the first day's.
func crossesMidnight(start time.Time, resolved *time.Time, events []hindsight.TimelineEvent) bool {
	day := start.UTC().Format(dateLayout)
	if resolved != nil && resolved.UTC().Format(dateLayout) != day {
		return true
	}
	for _, e := range events {
		if e.Time.UTC().Format(dateLayout) != day {
			return true
		}
	}
	return false
}

// durationText is hindsight.FormatDuration, or the placeholder when the
// duration is not known.
func durationText(d time.Duration, known bool, placeholder string) string {
	if !known {
		return placeholder
	}
	return hindsight.FormatDuration(d)
}
