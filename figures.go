package hindsight

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Figures are stored at full precision and rounded only where people read
// them: the document, the web UI and the CLI. The functions below are that
// one rounding; ParseFigureText reads their output back.

// FormatPercent writes a percentage with at most two decimals, rounded half
// away from zero on the decimal digits ("80.99%", "99.95%", "1%" for
// 0.995). A value that is not 0 or 100 never reads as either: 99.996 is
// ">99.99%" and 0.004 is "<0.01%", so an availability short of perfect is
// not shown as perfect.
func FormatPercent(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64) + "%"
	}
	r := roundDecimal(v, 2)
	switch {
	case r == 100 && v < 100:
		return ">99.99%"
	case r == 0 && v > 0:
		return "<0.01%"
	case r == 0 && v < 0:
		return ">-0.01%"
	}
	return formatRounded(r) + "%"
}

// FormatLatency writes a latency given in milliseconds: whole milliseconds
// below one second ("420 ms", two decimals under 10 ms: "4.5 ms"), seconds
// with at most two decimals from one second on ("1 s", "2.39 s"). The unit
// is chosen after rounding, so 999.6 ms reads "1 s", never "1000 ms".
func FormatLatency(ms float64) string {
	if math.IsNaN(ms) || math.IsInf(ms, 0) {
		return strconv.FormatFloat(ms, 'f', -1, 64) + " ms"
	}
	abs := math.Abs(ms)
	if abs < 10 {
		return formatRounded(roundDecimal(ms, 2)) + " ms"
	}
	if r := roundDecimal(ms, 0); math.Abs(r) < 1000 {
		return formatRounded(r) + " ms"
	}
	return formatRounded(roundDecimal(ms/1000, 2)) + " s"
}

// FormatDuration writes a duration with its two largest units and correct
// plurals: "15 seconds", "1 minute", "4 minutes 10 seconds", "1 hour 41
// minutes", "2 hours", "26 hours 1 minute". Under an hour it is rounded to
// the second, from an hour on to the minute; a negative duration reads as
// zero ("0 seconds"). Use FormatMinutes for a signed figure.
func FormatDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if secs := int64((d + time.Second/2) / time.Second); secs < 3600 {
		m, s := secs/60, secs%60
		switch {
		case m == 0:
			return plural(int(s), "second")
		case s == 0:
			return plural(int(m), "minute")
		}
		return plural(int(m), "minute") + " " + plural(int(s), "second")
	}
	mins := int64((d + 30*time.Second) / time.Minute)
	h, m := mins/60, mins%60
	if m == 0 {
		return plural(int(h), "hour")
	}
	return plural(int(h), "hour") + " " + plural(int(m), "minute")
}

// FormatMinutes writes a figure counted in minutes as a duration
// (FormatDuration), keeping its sign: an overspent error budget of -2.5
// minutes reads "-2 minutes 30 seconds".
func FormatMinutes(minutes float64) string {
	if math.IsNaN(minutes) || math.IsInf(minutes, 0) {
		return strconv.FormatFloat(minutes, 'f', -1, 64) + " minutes"
	}
	d := time.Duration(math.Round(math.Abs(minutes) * float64(time.Minute)))
	text := FormatDuration(d)
	if minutes < 0 && text != "0 seconds" {
		return "-" + text
	}
	return text
}

// ParseFigureText reads a figure's text back into its value in unit: what
// FormatPercent, FormatLatency and FormatMinutes write, and the older
// forms "97.5%", "420ms" and "12.5 minutes". The value is what the text
// shows, so a rounded figure reads back rounded. Errors: EINVALID.
func ParseFigureText(text string, unit Unit) (float64, error) {
	s := strings.TrimSpace(text)
	var v float64
	var ok bool
	switch unit {
	case UnitPercent:
		v, ok = parsePercent(s)
	case UnitMilliseconds:
		v, ok = parseLatency(s)
	case UnitMinutes:
		v, ok = parseMinutes(s)
	default:
		v, ok = parseFloat(strings.TrimSpace(strings.TrimSuffix(s, string(unit))))
	}
	if !ok {
		return 0, Errorf(EINVALID, "cannot read the figure %q as %s", text, unit)
	}
	return v, nil
}

func parsePercent(s string) (float64, bool) {
	switch s {
	case ">99.99%":
		return 99.995, true
	case "<0.01%":
		return 0.004, true
	case ">-0.01%":
		return -0.004, true
	}
	num, found := strings.CutSuffix(s, "%")
	if !found {
		return 0, false
	}
	return parseFloat(strings.TrimSpace(num))
}

func parseLatency(s string) (float64, bool) {
	if num, ok := strings.CutSuffix(s, "ms"); ok {
		return parseFloat(strings.TrimSpace(num))
	}
	if num, ok := strings.CutSuffix(s, " s"); ok {
		v, ok := parseFloat(num)
		return v * 1000, ok
	}
	return 0, false
}

// durationUnits are the units FormatDuration writes, in minutes.
var durationUnits = map[string]float64{"hour": 60, "minute": 1, "second": 1.0 / 60}

func parseMinutes(s string) (float64, bool) {
	sign := 1.0
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		sign, s = -1, rest
	}
	words := strings.Fields(s)
	if len(words) == 0 || len(words)%2 != 0 {
		return 0, false
	}
	total := 0.0
	for i := 0; i < len(words); i += 2 {
		n, ok := parseFloat(words[i])
		per, known := durationUnits[strings.TrimSuffix(words[i+1], "s")]
		if !ok || !known {
			return 0, false
		}
		total += n * per
	}
	return sign * total, true
}

func parseFloat(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// roundDecimal rounds v to places decimals, half away from zero, on its
// shortest decimal form: 0.995 rounds to 1 (binary rounding of 0.995*100,
// which is 99.49999…, would give 0.99, not what a person computes).
func roundDecimal(v float64, places int) float64 {
	s := strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) <= places {
		return v
	}
	digits := []byte(whole + frac[:places])
	if frac[places] >= '5' {
		i := len(digits) - 1
		for ; i >= 0 && digits[i] == '9'; i-- {
			digits[i] = '0'
		}
		if i < 0 {
			digits = append([]byte{'1'}, digits...)
		} else {
			digits[i]++
		}
	}
	n := string(digits)
	if places > 0 {
		n = n[:len(n)-places] + "." + n[len(n)-places:]
	}
	r, _ := strconv.ParseFloat(n, 64)
	if v < 0 {
		return -r
	}
	return r
}

// formatRounded writes an already rounded value without trailing zeros.
func formatRounded(r float64) string {
	if r == 0 {
		return "0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}
