package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hindsight-sre/hindsight"
)

// SpecResult is what one SLO of a spec file (slo.specs) became: the
// service it applies to and the objectives and queries it set, or why it
// was skipped. "hindsight config check" prints them.
type SpecResult struct {
	// File is the spec file; Format names its kind ("Sloth prometheus/v1",
	// "Sloth PrometheusServiceLevel", "Pyrra ServiceLevelObjective",
	// "OpenSLO v1 SLO").
	File, Format string
	// Name is the SLO's name in the file; Service the Hindsight service.
	Name, Service string
	// SLO is what it set for the service.
	SLO ServiceSLO
	// Skipped says why the SLO set nothing ("" when it did).
	Skipped string
}

// SpecResults returns what each SLO of slo.specs produced, in file order.
func (c *Config) SpecResults() []SpecResult { return c.specResults }

// String describes a result on one line for "hindsight config check".
func (r SpecResult) String() string {
	head := fmt.Sprintf("%s: %s %q", r.File, r.Format, r.Name)
	if r.Skipped != "" {
		return head + ": skipped: " + r.Skipped
	}
	var parts []string
	if r.SLO.Availability != nil {
		parts = append(parts, "availability "+hindsight.FormatNumber(*r.SLO.Availability)+"%")
	}
	if r.SLO.ErrorRate != nil {
		parts = append(parts, "error_rate "+hindsight.FormatNumber(*r.SLO.ErrorRate)+"%")
	}
	if r.SLO.Window != nil {
		parts = append(parts, "window "+r.SLO.Window.String())
	}
	for _, q := range r.SLO.Queries.named() {
		if q.text != "" {
			parts = append(parts, q.key+" "+q.text)
		}
	}
	return head + " → service " + r.Service + ": " + strings.Join(parts, "; ")
}

// loadSpecs reads the spec files of c.SLO.Specs (relative to dir) and puts
// what they define into c.SLO.Services: a key the configuration file sets
// for a service wins over a spec's, and of two specs for one service the
// first wins.
func (c *Config) loadSpecs(dir string) error {
	for _, p := range c.SLO.Specs {
		path := relativeTo(dir, p)
		b, err := os.ReadFile(path)
		if err != nil {
			return hindsight.Errorf(hindsight.EINVALID, "slo.specs: cannot read %s: %v", p, err)
		}
		results, err := ParseSpecs(p, b)
		if err != nil {
			return err
		}
		for _, r := range results {
			if r.Skipped == "" {
				r.Skipped = c.applySpec(r)
			}
			c.specResults = append(c.specResults, r)
		}
	}
	return nil
}

// applySpec merges one result into the services; it returns why it was
// skipped, or "".
func (c *Config) applySpec(r SpecResult) string {
	if c.specServices == nil {
		c.specServices = map[string]string{}
	}
	if first, ok := c.specServices[r.Service]; ok {
		return "service " + r.Service + " already has its SLO from " + first
	}
	c.specServices[r.Service] = r.File + " " + strconv.Quote(r.Name)
	if c.SLO.Services == nil {
		c.SLO.Services = map[string]ServiceSLO{}
	}
	own := c.SLO.Services[r.Service]
	merged := r.SLO
	if own.Availability != nil {
		merged.Availability = own.Availability
	}
	if own.ErrorRate != nil {
		merged.ErrorRate = own.ErrorRate
	}
	for _, p := range []struct{ own, dst **Duration }{{&own.LatencyP95, &merged.LatencyP95}, {&own.LatencyP99, &merged.LatencyP99},
		{&own.Freshness, &merged.Freshness}, {&own.Window, &merged.Window}} {
		if *p.own != nil {
			*p.dst = *p.own
		}
	}
	merged.Queries = r.SLO.Queries.over(own.Queries)
	c.SLO.Services[r.Service] = merged
	return ""
}

// specDoc is the union of the spec formats' fields that Hindsight reads.
type specDoc struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name   string            `yaml:"name"`
		Labels map[string]string `yaml:"labels"`
	} `yaml:"metadata"`
	Spec yaml.Node `yaml:"spec"`
	// Sloth prometheus/v1 has no apiVersion: version, service and slos
	// sit at the top.
	Version string     `yaml:"version"`
	Service string     `yaml:"service"`
	SLOs    []slothSLO `yaml:"slos"`
}

// ParseSpecs reads the SLOs of one spec file (several YAML documents
// allowed): Sloth prometheus/v1 and its PrometheusServiceLevel CRD, Pyrra
// ServiceLevelObjective, OpenSLO v1 SLO. Other documents are reported as
// skipped; a file Hindsight cannot read at all is EINVALID.
func ParseSpecs(name string, b []byte) ([]SpecResult, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var out []SpecResult
	for i := 1; ; i++ {
		var d specDoc
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, hindsight.Errorf(hindsight.EINVALID, "slo.specs: %s: document %d: %v", name, i, err)
		}
		rs, err := d.results(name)
		if err != nil {
			return nil, hindsight.Errorf(hindsight.EINVALID, "slo.specs: %s: document %d: %v", name, i, err)
		}
		out = append(out, rs...)
	}
	if len(out) == 0 {
		return nil, hindsight.Errorf(hindsight.EINVALID, "slo.specs: %s holds no Sloth, Pyrra or OpenSLO SLO", name)
	}
	return out, nil
}

func (d *specDoc) results(file string) ([]SpecResult, error) {
	switch {
	case d.Version == "prometheus/v1":
		return slothResults(file, "Sloth prometheus/v1", d.Service, d.SLOs), nil
	case strings.HasPrefix(d.APIVersion, "sloth.slok.dev/") && d.Kind == "PrometheusServiceLevel":
		var s struct {
			Service string     `yaml:"service"`
			SLOs    []slothSLO `yaml:"slos"`
		}
		if err := d.Spec.Decode(&s); err != nil {
			return nil, err
		}
		return slothResults(file, "Sloth PrometheusServiceLevel", s.Service, s.SLOs), nil
	case strings.HasPrefix(d.APIVersion, "pyrra.dev/") && d.Kind == "ServiceLevelObjective":
		return []SpecResult{pyrraResult(file, d)}, nil
	case d.APIVersion == "openslo/v1" && d.Kind == "SLO":
		return []SpecResult{openSLOResult(file, d)}, nil
	case d.APIVersion == "" && d.Kind == "" && d.Version == "":
		return nil, nil // an empty document, such as after a trailing "---"
	}
	what := strings.TrimSpace(d.APIVersion + " " + d.Kind + " " + d.Version)
	return []SpecResult{{File: file, Format: what, Name: d.Metadata.Name,
		Skipped: "not a Sloth prometheus/v1 or PrometheusServiceLevel, Pyrra ServiceLevelObjective or OpenSLO v1 SLO"}}, nil
}

// slothSLO is one SLO of a Sloth spec, in either spelling (prometheus/v1
// snake_case, the CRD camelCase).
type slothSLO struct {
	Name      string  `yaml:"name"`
	Objective float64 `yaml:"objective"`
	SLI       struct {
		Events *struct {
			ErrorQuery      string `yaml:"error_query"`
			TotalQuery      string `yaml:"total_query"`
			ErrorQueryCamel string `yaml:"errorQuery"`
			TotalQueryCamel string `yaml:"totalQuery"`
		} `yaml:"events"`
		Raw *struct {
			ErrorRatioQuery      string `yaml:"error_ratio_query"`
			ErrorRatioQueryCamel string `yaml:"errorRatioQuery"`
		} `yaml:"raw"`
		Plugin *struct {
			ID string `yaml:"id"`
		} `yaml:"plugin"`
	} `yaml:"sli"`
}

// slothWindow turns Sloth's {{.window}} into Hindsight's {{.Range}}.
func slothWindow(q string) string {
	q = strings.TrimSpace(q)
	for _, w := range []string{"{{.window}}", "{{ .window }}", "{{ .window}}", "{{.window }}"} {
		q = strings.ReplaceAll(q, w, "{{.Range}}")
	}
	return q
}

func slothResults(file, format, service string, slos []slothSLO) []SpecResult {
	out := make([]SpecResult, 0, len(slos))
	for _, s := range slos {
		r := SpecResult{File: file, Format: format, Name: s.Name, Service: service}
		switch ev, raw := s.SLI.Events, s.SLI.Raw; {
		case service == "":
			r.Skipped = "the file names no service"
		case s.Objective <= 0 || s.Objective > 100:
			r.Skipped = "objective " + hindsight.FormatNumber(s.Objective) + " is not a percentage"
		case ev != nil:
			errQ, totalQ := firstNonEmpty(ev.ErrorQuery, ev.ErrorQueryCamel), firstNonEmpty(ev.TotalQuery, ev.TotalQueryCamel)
			r.SLO = objectiveSLO(s.Objective, nil)
			r.SLO.Queries = Queries{ErrorRatio: "(" + slothWindow(errQ) + ") / (" + slothWindow(totalQ) + ")", RequestRate: slothWindow(totalQ)}
		case raw != nil:
			r.SLO = objectiveSLO(s.Objective, nil)
			r.SLO.Queries = Queries{ErrorRatio: slothWindow(firstNonEmpty(raw.ErrorRatioQuery, raw.ErrorRatioQueryCamel))}
		case s.SLI.Plugin != nil:
			r.Skipped = "SLI plugin " + s.SLI.Plugin.ID + " is Sloth's own code: write its query in slo.services"
		default:
			r.Skipped = "no events or raw SLI"
		}
		out = append(out, r)
	}
	return out
}

// objectiveSLO is the service override of an objective in percent: the
// availability, and the error rate it allows.
func objectiveSLO(objective float64, window *Duration) ServiceSLO {
	avail := objective
	errRate := 100 - objective
	errRate = float64(int64(errRate*1e9+0.5)) / 1e9 // 100 − 99.9 is 0.1, not 0.09999999999999432
	return ServiceSLO{Availability: &avail, ErrorRate: &errRate, Window: window}
}

// pyrraResult converts a Pyrra ServiceLevelObjective. Pyrra writes bare
// selectors (apiserver_request_total{code=~"5.."}) and wraps them itself:
// Hindsight wraps them the same way, sum(rate(SELECTOR[{{.Range}}])).
func pyrraResult(file string, d *specDoc) SpecResult {
	r := SpecResult{File: file, Format: "Pyrra ServiceLevelObjective", Name: d.Metadata.Name,
		Service: firstNonEmpty(d.Metadata.Labels["service"], d.Metadata.Name)}
	var s struct {
		Target    string `yaml:"target"`
		Window    string `yaml:"window"`
		Indicator struct {
			Ratio *struct {
				Errors struct{ Metric string } `yaml:"errors"`
				Total  struct{ Metric string } `yaml:"total"`
			} `yaml:"ratio"`
			Latency *struct {
				Success struct{ Metric string } `yaml:"success"`
				Total   struct{ Metric string } `yaml:"total"`
			} `yaml:"latency"`
		} `yaml:"indicator"`
	}
	if err := d.Spec.Decode(&s); err != nil {
		r.Skipped = err.Error()
		return r
	}
	target, err := strconv.ParseFloat(strings.TrimSpace(s.Target), 64)
	if err != nil || target <= 0 || target > 100 {
		r.Skipped = "target " + strconv.Quote(s.Target) + " is not a percentage"
		return r
	}
	window, err := specDuration(s.Window)
	if err != nil {
		r.Skipped = err.Error()
		return r
	}
	rate := func(sel string) string { return "sum(rate(" + strings.TrimSpace(sel) + "[{{.Range}}]))" }
	r.SLO = objectiveSLO(target, window)
	switch ind := s.Indicator; {
	case ind.Ratio != nil:
		r.SLO.Queries = Queries{ErrorRatio: rate(ind.Ratio.Errors.Metric) + " / " + rate(ind.Ratio.Total.Metric), RequestRate: rate(ind.Ratio.Total.Metric)}
	case ind.Latency != nil:
		r.SLO.Queries = Queries{ErrorRatio: "1 - " + rate(ind.Latency.Success.Metric) + " / " + rate(ind.Latency.Total.Metric),
			RequestRate: rate(ind.Latency.Total.Metric)}
	default:
		r.SLO, r.Skipped = ServiceSLO{}, "only ratio and latency indicators are read (bool gauges are not)"
	}
	return r
}

// openSLOResult converts an OpenSLO v1 SLO with a ratio metric. A good
// metric gives the error ratio 1 − good/total, a bad one bad/total; a
// counter (ratioMetric.counter: true) is wrapped in sum(rate(…[{{.Range}}])).
func openSLOResult(file string, d *specDoc) SpecResult {
	r := SpecResult{File: file, Format: "OpenSLO v1 SLO", Name: d.Metadata.Name}
	type source struct {
		MetricSource struct {
			Type string `yaml:"type"`
			Spec struct {
				Query  string `yaml:"query"`
				PromQL string `yaml:"promql"`
			} `yaml:"spec"`
		} `yaml:"metricSource"`
	}
	var s struct {
		Service    string `yaml:"service"`
		TimeWindow []struct {
			Duration string `yaml:"duration"`
		} `yaml:"timeWindow"`
		Objectives []struct {
			Target        float64 `yaml:"target"`
			TargetPercent float64 `yaml:"targetPercent"`
		} `yaml:"objectives"`
		Indicator struct {
			Spec struct {
				RatioMetric *struct {
					Counter bool    `yaml:"counter"`
					Good    *source `yaml:"good"`
					Bad     *source `yaml:"bad"`
					Total   source  `yaml:"total"`
				} `yaml:"ratioMetric"`
			} `yaml:"spec"`
		} `yaml:"indicator"`
	}
	if err := d.Spec.Decode(&s); err != nil {
		r.Skipped = err.Error()
		return r
	}
	r.Service = s.Service
	rm := s.Indicator.Spec.RatioMetric
	var target float64
	if len(s.Objectives) > 0 {
		target = firstPositive(s.Objectives[0].TargetPercent, s.Objectives[0].Target*100)
	}
	var window *Duration
	if len(s.TimeWindow) > 0 {
		w, err := specDuration(s.TimeWindow[0].Duration)
		if err != nil {
			r.Skipped = err.Error()
			return r
		}
		window = w
	}
	query := func(src source) string {
		q := strings.TrimSpace(firstNonEmpty(src.MetricSource.Spec.Query, src.MetricSource.Spec.PromQL))
		if rm.Counter {
			q = "sum(rate(" + q + "[{{.Range}}]))"
		}
		return q
	}
	switch {
	case r.Service == "":
		r.Skipped = "the SLO names no service"
	case rm == nil:
		r.Skipped = "only ratio metrics are read (a threshold metric has no error ratio)"
	case target <= 0 || target > 100:
		r.Skipped = "objective target is not a ratio from 0 to 1"
	case rm.Good != nil:
		r.SLO = objectiveSLO(target, window)
		r.SLO.Queries = Queries{ErrorRatio: "1 - (" + query(*rm.Good) + ") / (" + query(rm.Total) + ")", RequestRate: query(rm.Total)}
	case rm.Bad != nil:
		r.SLO = objectiveSLO(target, window)
		r.SLO.Queries = Queries{ErrorRatio: "(" + query(*rm.Bad) + ") / (" + query(rm.Total) + ")", RequestRate: query(rm.Total)}
	default:
		r.Skipped = "the ratio metric has neither good nor bad"
	}
	return r
}

// specDuration reads a spec's window: Prometheus durations such as "2w",
// "30d", "28d", "1h"; nil for "".
func specDuration(s string) (*Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	units := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour,
		'w': 7 * 24 * time.Hour, 'y': 365 * 24 * time.Hour}
	u, ok := units[s[len(s)-1]]
	n, err := strconv.ParseUint(s[:len(s)-1], 10, 32)
	if !ok || err != nil || n == 0 {
		return nil, fmt.Errorf("window %q is not a duration such as 2w or 30d", s)
	}
	d := Duration(time.Duration(n) * u)
	return &d, nil
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

func firstPositive(v ...float64) float64 {
	for _, x := range v {
		if x > 0 {
			return x
		}
	}
	return 0
}
