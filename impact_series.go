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
// cover, from 0 to 1.
func Coverage(s []Sample, step time.Duration, start, end time.Time) float64 {
	span := end.Sub(start)
	if span <= 0 || step <= 0 {
		return 0
	}
	return min(float64(len(s))*float64(step)/float64(span), 1)
}

// coverageNote says how much of the range the data covered, when not all.
func coverageNote(s []Sample, step time.Duration, start, end time.Time) string {
	c := Coverage(s, step, start, end)
	if step <= 0 || c >= 0.99 || end.Sub(start) < 2*step {
		return ""
	}
	return fmt.Sprintf("data covers %s%% of the range (gaps or missing data)", FormatNumber(math.Floor(c*1000)/10))
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
