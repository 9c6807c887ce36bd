package hindsight

import "strings"

// SeverityRules map alert labels onto a severity.
type SeverityRules struct {
	// Labels are the label names read, first match wins (default: severity, priority).
	Labels []string `yaml:"labels" json:"labels"`
	// Map maps a label value (case-insensitive) onto a severity. Literal
	// SEV1…SEV5 values need no entry.
	Map map[string]Severity `yaml:"map" json:"map"`
	// Default applies when no label matches.
	Default Severity `yaml:"default" json:"default"`
}

// DefaultSeverityRules maps critical → SEV2 (the seed's HighAPIErrorRate, a
// critical alert, is a SEV2), error → SEV3, warning → SEV3, info → SEV4, and
// defaults to SEV3.
func DefaultSeverityRules() SeverityRules {
	return SeverityRules{
		Labels: []string{"severity", "priority"},
		Map: map[string]Severity{
			"page":     SEV1,
			"critical": SEV2,
			"error":    SEV3,
			"warning":  SEV3,
			"info":     SEV4,
			"none":     SEV5,
		},
		Default: SEV3,
	}
}

// Resolve returns the severity for an alert's labels.
func (r SeverityRules) Resolve(labels map[string]string) Severity {
	for _, name := range r.Labels {
		value, ok := labels[name]
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		for k, sev := range r.Map {
			if strings.EqualFold(k, value) {
				return sev
			}
		}
		if sev, err := ParseSeverity(value); err == nil && strings.HasPrefix(strings.ToUpper(value), "SEV") {
			return sev
		}
	}
	if r.Default.Valid() {
		return r.Default
	}
	return SEV3
}

// Validate returns an EINVALID error listing every bad entry.
func (r SeverityRules) Validate() error {
	var v Validation
	for k, sev := range r.Map {
		if !sev.Valid() {
			v.Add("severity.map."+k, "must be one of SEV1 to SEV5, got %q", sev)
		}
	}
	if r.Default != "" && !r.Default.Valid() {
		v.Add("severity.default", "must be one of SEV1 to SEV5, got %q", r.Default)
	}
	return v.Err("severity rules")
}

// LabelRules name the alert labels that carry services and regions.
type LabelRules struct {
	// Service labels, first present wins per alert (default: service, job, app).
	Service []string `yaml:"service" json:"service"`
	// Region labels (default: region, zone, cluster).
	Region []string `yaml:"region" json:"region"`
}

// DefaultLabelRules reads services from service, then job, then app, and
// regions from region, then zone.
func DefaultLabelRules() LabelRules {
	return LabelRules{
		Service: []string{"service", "job", "app"},
		Region:  []string{"region", "zone"},
	}
}

// First returns the value of the first of names present in labels, or "".
func First(labels map[string]string, names []string) string {
	for _, n := range names {
		if v := strings.TrimSpace(labels[n]); v != "" {
			return v
		}
	}
	return ""
}
