package prometheus

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"sort"
	"strings"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"github.com/hindsight-sre/hindsight"
)

// span is the time range and step of one range query.
type span struct {
	start, end time.Time
	step       time.Duration
}

// combine folds the values several series give at one time into one.
type combine func(a, b float64) float64

// combineSum adds rates of several series; combineMax keeps the worst of
// several ratios, latencies or ages, which is the conservative reading when
// a query is not aggregated to one series.
var (
	combineSum combine = func(a, b float64) float64 { return a + b }
	combineMax combine = func(a, b float64) float64 { return math.Max(a, b) }
)

// rangeQuery runs q over sp. An empty query, a template error or a failed
// query gives a Series with a Reason.
func (c *Client) rangeQuery(ctx context.Context, q, tmplErr string, sp span, fold combine) hindsight.Series {
	s := hindsight.Series{Query: q, Step: sp.step}
	if s.Reason = c.precheck(q, tmplErr); s.Reason != "" {
		return s
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	val, warnings, _, err := c.api.QueryRange(ctx, q, v1.Range{Start: sp.start, End: sp.end, Step: sp.step})
	if err != nil {
		s.Reason, s.Transient = c.reason(ctx, err)
		return s
	}
	s.Note = warningNote(warnings)
	m, ok := val.(model.Matrix)
	if !ok {
		s.Reason = fmt.Sprintf("the query returned a %s, not a range of samples", val.Type())
		return s
	}
	if len(m) == 0 {
		s.Reason = "no data: the query matched no series"
		return s
	}
	s.Samples = foldMatrix(m, fold)
	return s
}

// instantQuery runs q at t; rng is the range its rate() covers, ending at t.
func (c *Client) instantQuery(ctx context.Context, q, tmplErr string, t time.Time, rng time.Duration, fold combine) hindsight.Scalar {
	s := hindsight.Scalar{Query: q, At: t, Range: rng}
	if s.Reason = c.precheck(q, tmplErr); s.Reason != "" {
		return s
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	val, warnings, _, err := c.api.Query(ctx, q, t)
	if err != nil {
		s.Reason, s.Transient = c.reason(ctx, err)
		return s
	}
	s.Note = warningNote(warnings)
	switch v := val.(type) {
	case model.Vector:
		if len(v) == 0 {
			s.Reason = "no data: the query matched no series"
			return s
		}
		s.Value = float64(v[0].Value)
		for _, e := range v[1:] {
			s.Value = fold(s.Value, float64(e.Value))
		}
	case *model.Scalar:
		s.Value = float64(v.Value)
	default:
		s.Reason = fmt.Sprintf("the query returned a %s, not a number", val.Type())
	}
	return s
}

// precheck gives the reason a query cannot run at all.
func (c *Client) precheck(q, tmplErr string) string {
	switch {
	case tmplErr != "":
		return tmplErr
	case strings.TrimSpace(q) == "":
		return hindsight.ReasonNoQuery
	}
	return ""
}

// foldMatrix merges the series of m into one, in time order.
func foldMatrix(m model.Matrix, fold combine) []hindsight.Sample {
	if len(m) == 1 {
		out := make([]hindsight.Sample, len(m[0].Values))
		for i, p := range m[0].Values {
			out[i] = hindsight.Sample{T: p.Timestamp.Time().UTC(), V: float64(p.Value)}
		}
		return out
	}
	byTime := map[model.Time]float64{}
	for _, ss := range m {
		for _, p := range ss.Values {
			if prev, ok := byTime[p.Timestamp]; ok {
				byTime[p.Timestamp] = fold(prev, float64(p.Value))
			} else {
				byTime[p.Timestamp] = float64(p.Value)
			}
		}
	}
	out := make([]hindsight.Sample, 0, len(byTime))
	for t, v := range byTime {
		out = append(out, hindsight.Sample{T: t.Time().UTC(), V: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].T.Before(out[j].T) })
	return out
}

// reason turns a query error into the text after "not measured: ", and
// says whether the failure may clear on its own (a retry is worth it): a
// timeout, a cancelled measurement, Prometheus unreachable or answering
// with a server error; not a PromQL error, a query Prometheus cannot run or
// a client error.
func (c *Client) reason(ctx context.Context, err error) (string, bool) {
	var apiErr *v1.Error
	var netErr net.Error
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("Prometheus did not answer within %s", c.Timeout), true
	case errors.Is(err, context.Canceled):
		return "the measurement was cancelled", true
	case errors.As(err, &apiErr):
		return apiReason(apiErr)
	case errors.As(err, &netErr):
		return fmt.Sprintf("Prometheus unreachable at %s: %s", c.url, shorten(unwrapAll(err).Error())), true
	}
	return "Prometheus query failed: " + shorten(err.Error()), true
}

// apiReason explains an error the Prometheus API answered with, and whether
// it is transient.
func apiReason(e *v1.Error) (string, bool) {
	switch e.Type {
	case v1.ErrBadData:
		return "PromQL error: " + shorten(e.Msg), false
	case v1.ErrTimeout:
		return "Prometheus timed out running the query: " + shorten(e.Msg), true
	case v1.ErrExec:
		return "Prometheus could not run the query: " + shorten(e.Msg), false
	case v1.ErrServer, v1.ErrClient:
		msg := e.Msg
		if d := strings.TrimSpace(e.Detail); d != "" {
			msg += " (" + d + ")"
		}
		return "Prometheus answered with an HTTP " + shorten(msg), e.Type == v1.ErrServer
	}
	return "Prometheus query failed: " + shorten(string(e.Type)+": "+e.Msg), true
}

// unwrapAll returns the innermost error, which for a refused connection is
// the readable "connect: connection refused".
func unwrapAll(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// shorten keeps a reason on one line and under 200 characters.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}

// warningNote turns Prometheus's warnings into a figure note.
func warningNote(w v1.Warnings) string {
	if len(w) == 0 {
		return ""
	}
	return "Prometheus warned: " + shorten(strings.Join(w, "; "))
}
