package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/review"
)

// mustApprovedSEV3 stores a SEV3 incident with an approved post-mortem.
func mustApprovedSEV3(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	s := teststore.Open(t, dsn)
	defer s.Close()
	inc := hindsight.Incident{ID: "INCIDENT-1", Title: "DiskFull", Severity: hindsight.SEV3, Status: hindsight.IncidentInvestigating,
		Summary: "Disk full on db-1", StartedAt: time.Now().UTC().Add(-time.Hour)}
	if err := s.CreateIncident(ctx, &inc); err != nil {
		t.Fatal(err)
	}
	pm := postmortem.NewDraft(inc, postmortem.DraftOptions{Author: "ana", Now: time.Now()})
	n := postmortem.PlaceholderNarrative()
	n.Impact, n.RootCause, n.Resolution = "Writes failed", "Logs filled the disk", "Rotated logs"
	pm.Document.Narrative = n
	if err := s.CreateDocument(ctx, &pm.Document); err != nil {
		t.Fatal(err)
	}
	svc := review.NewService(s, hindsight.DefaultSignOffPolicy())
	who := func(name string) context.Context {
		return hindsight.NewContextWithIdentity(ctx, hindsight.Identity{Name: name, Role: hindsight.RoleApprover, Method: "token"})
	}
	svc.Lint = func(context.Context, hindsight.Postmortem) ([]hindsight.Finding, error) { return nil, nil } // placeholders may stay
	if _, err := svc.TransitionDocument(who("ed"), inc.ID, hindsight.DocUnderReview, ""); err != nil {
		t.Fatal(err)
	}
	for i, role := range hindsight.SignOffRoles {
		if _, err := svc.SignOff(who("signer"+strconv.Itoa(i)), inc.ID, role); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.TransitionDocument(who("abe"), inc.ID, hindsight.DocApproved, ""); err != nil {
		t.Fatal(err)
	}
	return inc.ID
}

// TestServe_Distribution starts two servers on one store, configured with
// the seed's entries, and checks that the approved SEV3 post-mortem goes
// once to the engineering e-mail and Slack channel, never to the
// executive entry.
func TestServe_Distribution(t *testing.T) {
	t.Parallel()
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		id := mustApprovedSEV3(t, dsn)
		sink := testenv.NewSMTPSink(t, nil)
		var mu sync.Mutex
		var posts []string
		recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			mu.Lock()
			defer mu.Unlock()
			if r.Method == http.MethodPost && r.URL.Path == "/hook/XXXXsecret" && r.Header.Get("Content-Type") == "application/json" {
				posts = append(posts, string(body))
			}
		}))
		defer recv.Close()
		host, portText, _ := strings.Cut(sink.Addr, ":")
		port, _ := strconv.Atoi(portText)
		configure := func(m *Main) {
			m.Config.Server.BaseURL = "https://hindsight.example.com"
			m.Config.Auth.AnonymousRead = true
			m.Config.Reminders.Slack.WebhookURL = config.Secret(recv.URL + "/hook/XXXXsecret")
			m.Config.Reminders.SMTP = config.SMTPConfig{Host: host, Port: port, From: "Hindsight <h@example.com>",
				To: []string{"oncall@example.com"}, StartTLS: "never"}
			m.Config.Distribution = config.DistributionConfig{
				"engineering": {Email: []string{"eng@example.com"}, Slack: []string{"#eng"}},
				"executive":   {When: "severity <= SEV2", Email: []string{"cto@example.com"}},
			}
		}
		a := MustRunMain(t, dsn, configure)
		MustRunMain(t, dsn, configure)
		deadline := time.Now().Add(20 * time.Second)
		for {
			mu.Lock()
			n := len(posts)
			mu.Unlock()
			if n >= 1 && len(sink.Messages()) >= 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("not distributed: %d posts, %d e-mails", n, len(sink.Messages()))
			}
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond) // both first passes are over
		msgs := sink.Messages()
		mu.Lock()
		defer mu.Unlock()
		if len(msgs) != 1 || strings.Join(msgs[0].To, ",") != "eng@example.com" || len(posts) != 1 || !strings.Contains(posts[0], `"channel":"#eng"`) {
			t.Fatalf("%d e-mails (%v), %d posts %v; want one each, none to cto@example.com", len(msgs), msgs, len(posts), posts)
		}
		page := getBody(t, a.URL()+"/api/v1/incidents/"+id+"/distribution")
		if !strings.Contains(page, `"note": "not sent: SEV3 is not severity \u003c= SEV2"`) && !strings.Contains(page, `not sent: SEV3 is not severity <= SEV2`) {
			t.Fatalf("distribution record:\n%s", page)
		}
	})
}
