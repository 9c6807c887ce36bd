package hindsight_test

import (
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		name  string
		start string
		n     int
		want  string
	}{
		{"PlainMonth", "2025-09-30 00:24", 1, "2025-10-30 00:24"},
		{"Jan31ToFeb28", "2025-01-31 10:00", 1, "2025-02-28 10:00"},
		{"Jan31ToFeb29LeapYear", "2024-01-31 10:00", 1, "2024-02-29 10:00"},
		{"Feb29PlusYearOfMonths", "2024-02-29 10:00", 12, "2025-02-28 10:00"},
		{"Mar31ToJun30", "2025-03-31 23:59", 3, "2025-06-30 23:59"},
		{"YearBoundary", "2025-11-30 00:00", 3, "2026-02-28 00:00"},
		{"Dec31PlusOne", "2025-12-31 12:00", 1, "2026-01-31 12:00"},
		{"Aug31PlusSix", "2025-08-31 12:00", 6, "2026-02-28 12:00"},
		{"Sep30PlusSix", "2025-09-30 00:24", 6, "2026-03-30 00:24"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hindsight.AddMonths(date(tt.start), tt.n)
			if want := date(tt.want); !got.Equal(want) {
				t.Fatalf("AddMonths(%s, %d) = %s, want %s", tt.start, tt.n, got.Format(time.RFC3339), tt.want)
			}
		})
	}
}

func TestHorizon_DueDate(t *testing.T) {
	tests := []struct {
		name    string
		start   string
		horizon hindsight.Horizon
		want    string
	}{
		{"SeedImmediate", "2025-09-30 00:24", hindsight.HorizonImmediate, "2025-10-07"},
		{"SeedMedium", "2025-09-30 00:24", hindsight.HorizonMedium, "2025-10-30"},
		{"SeedLong", "2025-09-30 00:24", hindsight.HorizonLong, "2025-12-30"},
		{"ImmediateAcrossYear", "2025-12-28 09:00", hindsight.HorizonImmediate, "2026-01-04"},
		{"MediumMonthEnd", "2025-01-31 09:00", hindsight.HorizonMedium, "2025-02-28"},
		{"MediumMonthEndLeap", "2028-01-31 09:00", hindsight.HorizonMedium, "2028-02-29"},
		{"LongMonthEnd", "2025-11-30 09:00", hindsight.HorizonLong, "2026-02-28"},
		{"LongFromMay31", "2025-05-31 09:00", hindsight.HorizonLong, "2025-08-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.horizon.DueDate(date(tt.start)).Format("2006-01-02")
			if got != tt.want {
				t.Fatalf("%s due date for %s = %s, want %s", tt.horizon, tt.start, got, tt.want)
			}
		})
	}
}

func TestNextReviewDate(t *testing.T) {
	for start, want := range map[string]string{
		"2025-09-30 00:24": "2026-03-30",
		"2025-08-31 00:00": "2026-02-28",
		"2023-08-31 00:00": "2024-02-29",
		"2025-07-01 00:00": "2026-01-01",
	} {
		if got := hindsight.NextReviewDate(date(start)).Format("2006-01-02"); got != want {
			t.Errorf("NextReviewDate(%s) = %s, want %s", start, got, want)
		}
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"SeedForm", "2025-09-30 00:24", "2025-09-30T00:24:00Z", false},
		{"RFC3339UTC", "2025-09-30T00:24:00Z", "2025-09-30T00:24:00Z", false},
		{"RFC3339Offset", "2025-09-30T02:24:00+02:00", "2025-09-30T00:24:00Z", false},
		{"Fraction", "2026-11-27T05:59:53.81Z", "2026-11-27T05:59:53.81Z", false},
		{"ErrGarbage", "yesterday", "", true},
		{"ErrDateOnly", "2025-09-30", "", true},
		{"ErrBadMonth", "2025-13-01 00:00", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := hindsight.ParseTime(tt.in)
			if tt.wantErr {
				if hindsight.ErrorCode(err) != hindsight.EINVALID {
					t.Fatalf("ParseTime(%q) error = %v, want an EINVALID error", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := got.Format(time.RFC3339Nano); s != tt.want {
				t.Fatalf("ParseTime(%q) = %s, want %s", tt.in, s, tt.want)
			}
		})
	}
}

func TestSLOTargets_BudgetMinutes(t *testing.T) {
	tests := []struct {
		name   string
		avail  float64
		window time.Duration
		want   float64
	}{
		{"Seed", 99.9, 30 * 24 * time.Hour, 43.2},
		{"FourNines", 99.99, 30 * 24 * time.Hour, 4.32},
		{"TwentyEightDays", 99.9, 28 * 24 * time.Hour, 40.32},
		{"Hundred", 100, 30 * 24 * time.Hour, 0},
		{"NinetyNine", 99, 7 * 24 * time.Hour, 100.8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slo := hindsight.DefaultSLOTargets()
			slo.Availability, slo.Window = tt.avail, tt.window
			if got := slo.BudgetMinutes(); got < tt.want-1e-9 || got > tt.want+1e-9 {
				t.Fatalf("BudgetMinutes = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSLOTargets_Validate(t *testing.T) {
	slo := hindsight.SLOTargets{Availability: 101, ErrorRate: -1, Window: 0}
	err := slo.Validate()
	var e *hindsight.Error
	if !asError(err, &e) || e.Code != hindsight.EINVALID {
		t.Fatalf("Validate() = %v, want EINVALID", err)
	}
	fields := map[string]bool{}
	for _, f := range e.Fields {
		fields[f.Field] = true
	}
	for _, want := range []string{"availability", "error_rate", "window"} {
		if !fields[want] {
			t.Errorf("field %q not reported in %v", want, err)
		}
	}
	if err := hindsight.DefaultSLOTargets().Validate(); err != nil {
		t.Fatalf("default targets invalid: %v", err)
	}
}
