package hindsight_test

import (
	"math"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

func TestFormatPercent(t *testing.T) {
	tests := []struct {
		name string
		in   float64
		want string
	}{
		{"two decimals kept", 99.95, "99.95%"},
		{"three decimals rounded", 80.988, "80.99%"},
		{"many decimals", 97.8512345, "97.85%"},
		{"half rounds up on decimal digits", 0.995, "1%"},
		{"just below half", 0.994, "0.99%"},
		{"whole", 5, "5%"},
		{"trailing zeros dropped", 12.50, "12.5%"},
		{"zero", 0, "0%"},
		{"hundred", 100, "100%"},
		{"short of hundred never reads hundred", 99.995, ">99.99%"},
		{"just below the boundary", 99.9949, "99.99%"},
		{"tiny never reads zero", 0.004, "<0.01%"},
		{"above hundred", 250.126, "250.13%"},
		{"carry through nines", 9.999, "10%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hindsight.FormatPercent(tt.in); got != tt.want {
				t.Errorf("FormatPercent(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFormatLatency(t *testing.T) {
	tests := []struct {
		name string
		ms   float64
		want string
	}{
		{"whole milliseconds", 420, "420 ms"},
		{"fraction rounded", 420.4, "420 ms"},
		{"below 10 ms keeps decimals", 4.567, "4.57 ms"},
		{"sub-millisecond", 0.42, "0.42 ms"},
		{"999 ms", 999, "999 ms"},
		{"999.4 ms stays ms", 999.4, "999 ms"},
		{"999.6 ms rounds into seconds", 999.6, "1 s"},
		{"1,000 ms", 1000, "1 s"},
		{"seconds two decimals", 2390.327, "2.39 s"},
		{"seconds half up", 1995, "2 s"},
		{"minute-long", 60000, "60 s"},
		{"zero", 0, "0 ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hindsight.FormatLatency(tt.ms); got != tt.want {
				t.Errorf("FormatLatency(%v) = %q, want %q", tt.ms, got, tt.want)
			}
		})
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		name string
		in   time.Duration
		want string
	}{
		{"zero", 0, "0 seconds"},
		{"one second", time.Second, "1 second"},
		{"15 seconds", 15 * time.Second, "15 seconds"},
		{"59 seconds", 59 * time.Second, "59 seconds"},
		{"59.6 seconds rounds to a minute", 59*time.Second + 600*time.Millisecond, "1 minute"},
		{"60 seconds", 60 * time.Second, "1 minute"},
		{"61 seconds", 61 * time.Second, "1 minute 1 second"},
		{"minutes and seconds", 4*time.Minute + 10*time.Second, "4 minutes 10 seconds"},
		{"45 minutes", 45 * time.Minute, "45 minutes"},
		{"59:59", 59*time.Minute + 59*time.Second, "59 minutes 59 seconds"},
		{"one hour", time.Hour, "1 hour"},
		{"hour and one minute", time.Hour + time.Minute, "1 hour 1 minute"},
		{"1 hour 41 minutes", time.Hour + 41*time.Minute + 10*time.Second, "1 hour 41 minutes"},
		{"seconds rounded past the hour", time.Hour + 29*time.Second, "1 hour"},
		{"2 hours 5 minutes", 2*time.Hour + 5*time.Minute, "2 hours 5 minutes"},
		{"more than a day", 26*time.Hour + time.Minute, "26 hours 1 minute"},
		{"negative reads zero", -time.Minute, "0 seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hindsight.FormatDuration(tt.in); got != tt.want {
				t.Errorf("FormatDuration(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFormatMinutes(t *testing.T) {
	tests := []struct {
		name string
		in   float64
		want string
	}{
		{"one minute", 1, "1 minute"},
		{"half a minute", 0.5, "30 seconds"},
		{"40.5 minutes", 40.5, "40 minutes 30 seconds"},
		{"overspent budget", -2.5, "-2 minutes 30 seconds"},
		{"101 minutes", 101, "1 hour 41 minutes"},
		{"negative rounding to zero", -0.001, "0 seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hindsight.FormatMinutes(tt.in); got != tt.want {
				t.Errorf("FormatMinutes(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseFigureText(t *testing.T) {
	tests := []struct {
		name string
		text string
		unit hindsight.Unit
		want float64
	}{
		{"percent", "80.99%", hindsight.UnitPercent, 80.99},
		{"older percent", "97.851%", hindsight.UnitPercent, 97.851},
		{"percent near hundred", ">99.99%", hindsight.UnitPercent, 99.995},
		{"milliseconds", "420 ms", hindsight.UnitMilliseconds, 420},
		{"older milliseconds", "2390.327ms", hindsight.UnitMilliseconds, 2390.327},
		{"seconds", "2.39 s", hindsight.UnitMilliseconds, 2390},
		{"duration", "1 hour 41 minutes", hindsight.UnitMinutes, 101},
		{"seconds duration", "15 seconds", hindsight.UnitMinutes, 0.25},
		{"older minutes", "12.5 minutes", hindsight.UnitMinutes, 12.5},
		{"negative", "-2 minutes 30 seconds", hindsight.UnitMinutes, -2.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := hindsight.ParseFigureText(tt.text, tt.unit)
			if err != nil || math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("ParseFigureText(%q) = %v, %v; want %v", tt.text, got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "fast", "12 parsecs", "%", "1 hour 2"} {
		if _, err := hindsight.ParseFigureText(bad, hindsight.UnitMinutes); hindsight.ErrorCode(err) != hindsight.EINVALID {
			t.Errorf("ParseFigureText(%q) error %v, want EINVALID", bad, err)
		}
	}
	// Every formatted figure reads back to the value it shows.
	for _, v := range []float64{0.004, 12.345, 80.988, 99.996, 100} {
		text := hindsight.FormatPercent(v)
		back, err := hindsight.ParseFigureText(text, hindsight.UnitPercent)
		if err != nil || hindsight.FormatPercent(back) != text {
			t.Errorf("percent %v → %q → %v (%v) does not show the same", v, text, back, err)
		}
	}
}
