package evidence

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// Grafana writes region annotations through Grafana's HTTP API
// (POST /api/annotations, PATCH /api/annotations/{id}) with a service
// account token.
type Grafana struct {
	// URL is Grafana's base URL; Token a service account token.
	URL, Token string
	// HTTP is the client (a 10 s timeout when nil).
	HTTP *http.Client
	// Attempts is how many times one request is tried (3 when 0); Backoff
	// the wait before the second, doubling (500 ms when 0).
	Attempts int
	Backoff  time.Duration
}

// annotationBody is the JSON Grafana's annotations API takes.
type annotationBody struct {
	Time    int64    `json:"time"`
	TimeEnd int64    `json:"timeEnd"`
	Tags    []string `json:"tags,omitempty"`
	Text    string   `json:"text,omitempty"`
}

// Create writes a region annotation for inc: from its start to its
// resolution (its start while it is open), tagged "incident" and its ID,
// and returns Grafana's ID of it.
func (g *Grafana) Create(ctx context.Context, inc *hindsight.Incident) (int64, error) {
	body := annotationBody{Time: inc.StartedAt.UnixMilli(), TimeEnd: inc.StartedAt.UnixMilli(),
		Tags: []string{"incident", inc.ID}, Text: annotationText(inc)}
	if inc.ResolvedAt != nil {
		body.TimeEnd = inc.ResolvedAt.UnixMilli()
	}
	var out struct {
		ID int64 `json:"id"`
	}
	if err := g.do(ctx, http.MethodPost, "/api/annotations", body, &out); err != nil {
		return 0, err
	}
	if out.ID == 0 {
		return 0, fmt.Errorf("grafana: POST /api/annotations answered no annotation id")
	}
	return out.ID, nil
}

// Close sets the end of annotation id to the incident's resolution.
func (g *Grafana) Close(ctx context.Context, id int64, inc *hindsight.Incident) error {
	if inc.ResolvedAt == nil {
		return nil
	}
	body := annotationBody{Time: inc.StartedAt.UnixMilli(), TimeEnd: inc.ResolvedAt.UnixMilli(),
		Tags: []string{"incident", inc.ID}, Text: annotationText(inc)}
	return g.do(ctx, http.MethodPatch, "/api/annotations/"+strconv.FormatInt(id, 10), body, nil)
}

// annotationText is the annotation's text: "INCIDENT-…: title (SEV2)".
func annotationText(inc *hindsight.Incident) string {
	return inc.ID + ": " + inc.Title + " (" + string(inc.Severity) + ")"
}

// errPermanent marks an answer a retry cannot change (4xx).
var errPermanent = errors.New("permanent")

// do sends one request, retrying network errors and 5xx answers.
func (g *Grafana) do(ctx context.Context, method, path string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	attempts, backoff := g.Attempts, g.Backoff
	if attempts <= 0 {
		attempts = 3
	}
	if backoff <= 0 {
		backoff = 500 * time.Millisecond
	}
	for i := 1; ; i++ {
		err = g.once(ctx, method, path, b, out)
		if err == nil || errors.Is(err, errPermanent) || i >= attempts {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff *= 2
	}
}

func (g *Grafana) once(ctx context.Context, method, path string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(g.URL, "/")+path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("grafana: %w: %v", errPermanent, err)
	}
	req.Header.Set("Authorization", "Bearer "+g.Token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	client := g.HTTP
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("grafana: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode >= 500:
		return fmt.Errorf("grafana: %s %s: HTTP %d", method, path, resp.StatusCode)
	case resp.StatusCode >= 300:
		return fmt.Errorf("grafana: %s %s: HTTP %d: %.200s: %w", method, path, resp.StatusCode, msg, errPermanent)
	}
	if out != nil {
		if err := json.Unmarshal(msg, out); err != nil {
			return fmt.Errorf("grafana: %s %s: %v: %w", method, path, err, errPermanent)
		}
	}
	return nil
}

// AnnotationStore is what the annotator needs from the store.
type AnnotationStore interface {
	hindsight.IncidentService
	hindsight.AnnotationService
}

// Annotator keeps one Grafana region annotation per recent incident:
// written when the incident is first seen, its end set when it resolves.
type Annotator struct {
	Grafana *Grafana
	Store   AnnotationStore
	// Since is how far back incidents are annotated (7 days when 0).
	Since time.Duration
}

// Pass annotates the incidents that started within Since of now and lack
// an annotation, and closes those resolved since; it returns how many
// requests it made to Grafana. It returns the first error and goes on with
// the other incidents; an incident that failed is tried again next pass.
func (a *Annotator) Pass(ctx context.Context, now time.Time) (int, error) {
	since := a.Since
	if since <= 0 {
		since = 7 * 24 * time.Hour
	}
	var first error
	done := 0
	f := hindsight.IncidentFilter{StartedFrom: now.Add(-since)}
	for offset := 0; ; {
		f.Page = hindsight.Page{Offset: offset, Limit: hindsight.MaxPageLimit}
		incs, total, err := a.Store.FindIncidents(ctx, f)
		if err != nil {
			return done, err
		}
		for _, inc := range incs {
			wrote, err := a.annotate(ctx, inc)
			if wrote {
				done++
			}
			if err != nil && first == nil {
				first = err
			}
		}
		offset += len(incs)
		if len(incs) == 0 || offset >= total {
			return done, first
		}
	}
}

// annotate writes or closes the annotation of one incident; wrote reports
// whether it sent Grafana a change.
func (a *Annotator) annotate(ctx context.Context, inc *hindsight.Incident) (wrote bool, err error) {
	rec, err := a.Store.FindAnnotation(ctx, inc.ID)
	switch {
	case hindsight.ErrorCode(err) == hindsight.ENOTFOUND:
		id, err := a.Grafana.Create(ctx, inc)
		if err != nil {
			return false, err
		}
		return true, a.Store.SaveAnnotation(ctx, &hindsight.Annotation{IncidentID: inc.ID, AnnotationID: id, Closed: inc.ResolvedAt != nil})
	case err != nil:
		return false, err
	case rec.Closed || inc.ResolvedAt == nil:
		return false, nil
	}
	if err := a.Grafana.Close(ctx, rec.AnnotationID, inc); err != nil {
		return false, err
	}
	rec.Closed = true
	return true, a.Store.SaveAnnotation(ctx, rec)
}
