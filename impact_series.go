package hindsight

import (
	"fmt"
	"math"
	"time"
)

// Within returns the finite samples of s with start < T ≤ end, in order, and
// how many NaN or infinite samples it dropped in that range. A zero start
// means no lower bound. The range is half-open at the start because a rate
// sample at T describes the step that ends at T.
func Within(s []Sample, start, end time.Time) (in []Sample, dropped int) {
	in = make([]Sample, 0, len(s))
	for _, p := range s {
		if (!start.IsZero() && !p.T.After(start)) || p.T.After(end) {
			continue
		}
		if !finite(p.V) {
			dropped++
			continue
		}
		in = append(in, p)
	}
	return in, dropped
}

// Peak returns the largest sample of s, the earliest of equal ones, and false
// when s is empty. Callers drop non-finite samples first (Within does).
func Peak(s []Sample) (Sample, bool) {
	if len(s) == 0 {
		return Sample{}, false
	}
	best := s[0]
	for _, p := range s[1:] {
		if p.V > best.V {
			best = p
		}
	}
	return best, true
}

// TimeAbove counts the time s spends strictly above threshold, each sample
// standing for one step. Missing samples (gaps) count as unknown, not as
// time above: the figure then carries a coverage note.
func TimeAbove(s []Sample, threshold float64, step time.Duration) time.Duration {
	var d time.Duration
	for _, p := range s {
		if p.V > threshold {
			d += step
		}
	}
	return d
}

// Coverage returns the share of (start, end] that samples one step apart
// cover, from 0 to 1. Only real gaps count as missing: a sample stands for
// the step that ends with it, and a distance of up to one and a half steps
// between samples, or between a sample and an end of the range, is the
// alignment of the query's steps, not missing data.
func Coverage(s []Sample, step time.Duration, start, end time.Time) float64 {
	span := end.Sub(start)
	if span <= 0 || step <= 0 {
		return 0
	}
	if len(s) == 0 {
		return 0
	}
	var missing time.Duration
	prev := start
	for _, p := range s {
		if gap := p.T.Sub(prev); gap > step*3/2 {
			missing += gap - step
		}
		prev = p.T
	}
	if gap := end.Sub(prev); gap > step*3/2 {
		missing += gap
	}
	return max(0, 1-float64(missing)/float64(span))
}

// coverageNote says how much of the range the data covered, when real gaps
// left some of it without data.
func coverageNote(s []Sample, step time.Duration, start, end time.Time) string {
	if step <= 0 || end.Sub(start) < 2*step {
		return ""
	}
	return coverageText(Coverage(s, step, start, end))
}

// coverageText is the note of a coverage c below 1, "" for full coverage.
func coverageText(c float64) string {
	if c >= 1 {
		return ""
	}
	return fmt.Sprintf("data covers %s%% of the range (gaps or missing data)", FormatNumber(math.Floor(c*1000+1e-6)/10))
}

// HeldSpan returns how much of the window of length w ending at end the
// series s holds data for: from one step before its first finite sample to
// end. ok is false when s cannot tell (no samples, a failed query) or when
// it holds the whole window (to within one percent).
func HeldSpan(s Series, w time.Duration, end time.Time) (time.Duration, bool) {
	if s.Reason != "" || w <= 0 {
		return 0, false
	}
	in, _ := Within(s.Samples, end.Add(-w), end)
	if len(in) == 0 {
		return 0, false
	}
	held := min(end.Sub(in[0].T)+s.Step, w)
	if float64(held) >= 0.99*float64(w) {
		return 0, false
	}
	return held, true
}

// heldNote says that a figure over a window was computed over less of it:
// "computed over the 2 days of the 30-day SLO window that Prometheus holds".
func heldNote(held, w time.Duration) string {
	text := FormatDuration(held)
	if held >= 48*time.Hour {
		text = FormatNumber(math.Round(held.Hours()/24*10)/10) + " days"
	}
	return "computed over the " + text + " of the " +
		windowName(w) + " SLO window that Prometheus holds, not the whole window"
}

// windowName writes a window as "30-day" or, when not whole days, "36h".
func windowName(w time.Duration) string {
	if w%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d-day", int(w/(24*time.Hour)))
	}
	return w.String()
}

// BreachStart walks back from the alert through the samples above threshold
// and returns the first one of that run: when the impact began. s holds the
// finite samples up to the alert, in order. The run stops at a sample within
// the objective or at a gap of more than one and a half steps; a run that
// reaches the first sample began at least that early. The reason is
// non-empty when there is no such run.
func BreachStart(s []Sample, threshold float64, step time.Duration, alert time.Time) (time.Time, string) {
	if len(s) == 0 {
		return time.Time{}, "no error ratio data before the alert"
	}
	last := s[len(s)-1]
	if alert.Sub(last.T) > 2*step {
		return time.Time{}, "no error ratio data just before the alert"
	}
	if last.V <= threshold {
		return time.Time{}, "the error ratio was within its objective when the alert fired"
	}
	first := last
	for i := len(s) - 2; i >= 0; i-- {
		p := s[i]
		if p.V <= threshold || first.T.Sub(p.T) > step*3/2 {
			break
		}
		first = p
	}
	return first.T, ""
}
