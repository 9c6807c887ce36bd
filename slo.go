package hindsight

import "time"

// SLOTargets are the objectives a service is measured against. They appear in
// the seed's "Service Level Impact" and "SLO Impact Calculation" sections.
type SLOTargets struct {
	// Availability is the objective in percent, for example 99.9.
	Availability float64 `yaml:"availability" json:"availability"`
	// ErrorRate is the highest acceptable error ratio in percent, for example 0.1.
	ErrorRate float64 `yaml:"error_rate" json:"error_rate"`
	// LatencyP95 is the p95 latency objective.
	LatencyP95 time.Duration `yaml:"latency_p95" json:"latency_p95"`
	// LatencyP99 is the p99 latency objective; zero means the p95 objective applies.
	LatencyP99 time.Duration `yaml:"latency_p99" json:"latency_p99"`
	// Freshness is the largest acceptable data staleness.
	Freshness time.Duration `yaml:"freshness" json:"freshness"`
	// Window is the SLO window over which the error budget is counted.
	Window time.Duration `yaml:"window" json:"window"`
}

// DefaultSLOTargets returns the seed's objectives: 99.9% availability, error
// rate below 0.1%, p95 below 500 ms, freshness below 2 hours, a 30-day window.
func DefaultSLOTargets() SLOTargets {
	return SLOTargets{
		Availability: 99.9,
		ErrorRate:    0.1,
		LatencyP95:   500 * time.Millisecond,
		LatencyP99:   500 * time.Millisecond,
		Freshness:    2 * time.Hour,
		Window:       30 * 24 * time.Hour,
	}
}

// Validate returns an EINVALID error listing every objective out of range.
func (t SLOTargets) Validate() error {
	var v Validation
	if t.Availability <= 0 || t.Availability > 100 {
		v.Add("availability", "must be a percentage above 0 and at most 100, got %v", t.Availability)
	}
	if t.ErrorRate < 0 || t.ErrorRate > 100 {
		v.Add("error_rate", "must be a percentage from 0 to 100, got %v", t.ErrorRate)
	}
	if t.LatencyP95 < 0 {
		v.Add("latency_p95", "must not be negative")
	}
	if t.LatencyP99 < 0 {
		v.Add("latency_p99", "must not be negative")
	}
	if t.Freshness < 0 {
		v.Add("freshness", "must not be negative")
	}
	if t.Window <= 0 {
		v.Add("window", "must be positive, for example 720h for 30 days")
	}
	return v.Err("SLO targets")
}

// BudgetMinutes returns the error budget of the window in minutes: 99.9% over
// 30 days is 43.2 minutes.
func (t SLOTargets) BudgetMinutes() float64 {
	return (100 - t.Availability) / 100 * t.Window.Minutes()
}
