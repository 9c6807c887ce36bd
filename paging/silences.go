package paging

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// maxSilencesBody bounds one Alertmanager's answer to GET /api/v2/silences.
const maxSilencesBody = 32 << 20

// Silence is one silence as Alertmanager's API v2 returns it.
type Silence struct {
	ID        string         `json:"id"`
	Matchers  []silenceMatch `json:"matchers"`
	StartsAt  time.Time      `json:"startsAt"`
	EndsAt    time.Time      `json:"endsAt"`
	UpdatedAt time.Time      `json:"updatedAt"`
	CreatedBy string         `json:"createdBy"`
	Comment   string         `json:"comment"`
	Status    struct {
		State string `json:"state"`
	} `json:"status"`
}

// silenceMatch is a matcher as the API sends it; isEqual is absent before
// Alertmanager 0.22 and then means true.
type silenceMatch struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	IsRegex bool   `json:"isRegex"`
	IsEqual *bool  `json:"isEqual"`
}

// matchers compiles the silence's matchers.
func (s *Silence) matchers() (*hindsight.Matchers, error) {
	ms := make([]hindsight.LabelMatcher, len(s.Matchers))
	for i, m := range s.Matchers {
		ms[i] = hindsight.LabelMatcher{Name: m.Name, Value: m.Value, IsRegex: m.IsRegex, IsEqual: m.IsEqual == nil || *m.IsEqual}
	}
	return hindsight.CompileMatchers(ms)
}

// SilencePoller reads the silences of one or more Alertmanagers and records
// each that matches an incident's alerts as acknowledged by its creator, at
// its last update. The members of an HA pair share their silences, so a
// silence is taken once by its ID however many of them return it.
type SilencePoller struct {
	// URLs are the Alertmanagers' base URLs, such as http://am-0:9093;
	// credentials in the URL are sent as basic auth and never logged.
	URLs []string
	// Client: nil means one with a 10-second timeout.
	Client *http.Client
	// Service records what matches.
	Service *Service
}

// Poll reads every Alertmanager's silences and records those that match
// open incidents; it returns how many acknowledged events it added. One
// Alertmanager that cannot be read is logged and skipped while another
// answers; the error is returned only when none does.
func (p *SilencePoller) Poll(ctx context.Context) (int, error) {
	silences, err := p.fetchAll(ctx)
	if err != nil {
		return 0, err
	}
	incs, err := p.Service.candidates(ctx)
	if err != nil {
		return 0, err
	}
	added := 0
	for _, inc := range incs {
		n, err := p.apply(ctx, inc, silences)
		added += n
		if err != nil {
			return added, err
		}
	}
	return added, nil
}

// apply records the silences that match inc's alerts and that inc does not
// have yet.
func (p *SilencePoller) apply(ctx context.Context, inc *hindsight.PageableIncident, silences []*Silence) (int, error) {
	var known map[string]bool
	added := 0
	for _, s := range silences {
		if !silenceMatches(s, inc) {
			continue
		}
		if known == nil {
			acks, err := p.Service.Incidents.FindAcknowledgements(ctx, inc.ID)
			if err != nil {
				return added, err
			}
			known = map[string]bool{}
			for _, a := range acks {
				known[string(a.Source)+" "+a.Ref] = true
			}
		}
		if known[string(hindsight.PagingAlertmanager)+" "+s.ID] {
			continue
		}
		n := Notice{Source: hindsight.PagingAlertmanager, Ref: s.ID, Actor: s.CreatedBy, At: s.UpdatedAt, Comment: s.Comment}
		if err := n.check(); err != nil {
			// One silence the store cannot take must not stop the others.
			p.Service.log().Warn("silence not recorded", "silence", s.ID, "incident", inc.ID, "err", hindsight.ErrorMessage(err))
			continue
		}
		ok, err := p.Service.record(ctx, inc.ID, n)
		if err != nil {
			return added, err
		}
		known[string(hindsight.PagingAlertmanager)+" "+s.ID] = true
		if ok {
			added++
		}
	}
	return added, nil
}

// silenceMatches reports whether s silences one of inc's alerts while inc
// was open. A silence not yet started (pending) acknowledges nothing yet,
// and one made after the incident resolved (a flapping alert silenced)
// acknowledges something else.
func silenceMatches(s *Silence, inc *hindsight.PageableIncident) bool {
	if s.Status.State == "pending" || (inc.ResolvedAt != nil && s.UpdatedAt.After(*inc.ResolvedAt)) {
		return false
	}
	ms, err := s.matchers()
	if err != nil {
		return false
	}
	for _, a := range inc.Alerts {
		if ms.Match(a.Labels) {
			return true
		}
	}
	return false
}

// fetchAll returns the silences of every Alertmanager, each ID once.
func (p *SilencePoller) fetchAll(ctx context.Context) ([]*Silence, error) {
	if len(p.URLs) == 0 {
		return nil, nil
	}
	seen := map[string]bool{}
	var out []*Silence
	var errs []error
	for _, u := range p.URLs {
		list, err := p.fetch(ctx, u)
		if err != nil {
			p.Service.log().Warn("cannot read Alertmanager silences", "alertmanager", redact(u), "err", err)
			errs = append(errs, err)
			continue
		}
		for _, s := range list {
			if s.ID != "" && !seen[s.ID] {
				seen[s.ID] = true
				out = append(out, s)
			}
		}
	}
	if len(errs) == len(p.URLs) {
		return nil, hindsight.Errorf(hindsight.EUNAVAILABLE, "no Alertmanager answered: %v", errors.Join(errs...))
	}
	return out, nil
}

// fetch reads one Alertmanager's silences.
func (p *SilencePoller) fetch(ctx context.Context, base string) ([]*Silence, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/api/v2/silences", nil)
	if err != nil {
		return nil, fmt.Errorf("alertmanager URL %s: %w", redact(base), err)
	}
	req.Header.Set("Accept", "application/json")
	client := p.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, errors.New(redactErr(err, base))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxSilencesBody+1))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s/api/v2/silences: %s", redact(base), resp.Status)
	}
	if len(body) > maxSilencesBody {
		return nil, fmt.Errorf("GET %s/api/v2/silences: answer larger than %d bytes", redact(base), maxSilencesBody)
	}
	var list []*Silence
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("GET %s/api/v2/silences: %w", redact(base), err)
	}
	return list, nil
}

// redact returns u with any password replaced, for messages.
func redact(u string) string {
	parsed, err := url.Parse(u)
	if err != nil {
		return "<unparsable URL>"
	}
	return parsed.Redacted()
}

// redactErr returns err's message with base's password, if any, removed.
func redactErr(err error, base string) string {
	msg := err.Error()
	if parsed, perr := url.Parse(base); perr == nil && parsed.User != nil {
		if pw, ok := parsed.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "xxxxx")
		}
	}
	return msg
}
