package distribution_test

import (
	"context"
	"encoding/json"
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/alertmanager"
	"github.com/hindsight-sre/hindsight/distribution"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/lint"
	"github.com/hindsight-sre/hindsight/notify"
	"github.com/hindsight-sre/hindsight/postmortem"
	"github.com/hindsight-sre/hindsight/review"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

var start = time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC)

// entries is the distribution configuration of every test.
func entries(t *testing.T) []hindsight.DistributionEntry {
	t.Helper()
	exec, err := hindsight.ParseSeverityCondition("severity <= SEV2")
	if err != nil {
		t.Fatal(err)
	}
	return []hindsight.DistributionEntry{
		{Name: "engineering", Email: []string{"eng@example.com", "Zoë Ops <zoe@example.com>"}, Slack: []string{"#eng"}},
		{Name: "customer_success", Slack: []string{"#cs"}},
		{Name: "executive", When: exec, Email: []string{"cto@example.com"}},
	}
}

// slackReceiver is a Slack-compatible incoming webhook that checks every
// request against the documented shape (POST, JSON with text, blocks of
// mrkdwn sections, an optional channel override) and records the valid
// ones; it answers fail[i] to the i-th request when set.
type slackReceiver struct {
	t    *testing.T
	mu   sync.Mutex
	got  []slackPost
	fail []int
	n    int
	srv  *httptest.Server
}

type slackPost struct {
	Channel string `json:"channel"`
	Text    string `json:"text"`
	Blocks  []struct {
		Type string `json:"type"`
		Text struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"text"`
	} `json:"blocks"`
}

const webhookPath = "/services/T000/B000/XXXXSECRET"

func newSlackReceiver(t *testing.T, fail ...int) *slackReceiver {
	r := &slackReceiver{t: t, fail: fail}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *slackReceiver) serve(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := r.n
	r.n++
	if i < len(r.fail) && r.fail[i] != 0 {
		http.Error(w, "unavailable", r.fail[i])
		return
	}
	body, _ := io.ReadAll(req.Body)
	var p slackPost
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	switch {
	case req.Method != http.MethodPost || req.URL.Path != webhookPath:
		r.t.Errorf("webhook request %s %s", req.Method, req.URL.Path)
	case req.Header.Get("Content-Type") != "application/json":
		r.t.Errorf("webhook Content-Type %q", req.Header.Get("Content-Type"))
	case dec.Decode(&p) != nil || p.Text == "" || len(p.Blocks) == 0:
		r.t.Errorf("webhook body is not a message: %s", body)
	default:
		for _, b := range p.Blocks {
			if b.Type != "section" || b.Text.Type != "mrkdwn" || b.Text.Text == "" {
				r.t.Errorf("block %+v is not a mrkdwn section", b)
			}
		}
		r.got = append(r.got, p)
		_, _ = io.WriteString(w, "ok")
		return
	}
	http.Error(w, "invalid_payload", http.StatusBadRequest)
}

func (r *slackReceiver) posts() []slackPost {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// instance is one Hindsight process: its own store handle and sender.
type instance struct {
	store  *sqlstore.Store
	sender *distribution.Sender
}

func newInstance(t *testing.T, dsn string, clock *testenv.Clock, sink *testenv.SMTPSink, slack *slackReceiver) *instance {
	t.Helper()
	store := teststore.Open(t, dsn)
	store.Now = clock.Now
	host, port := splitHostPort(t, sink.Addr)
	return &instance{store: store, sender: &distribution.Sender{Store: store, Entries: entries(t), Now: clock.Now,
		BaseURL: "https://hindsight.example.com/",
		SMTP:    &notify.SMTP{Host: host, Port: port, From: "Hindsight <hindsight@example.com>", StartTLS: "never"},
		Slack:   &notify.Slack{WebhookURL: slack.srv.URL + webhookPath},
		Retry:   notify.Retrying{Attempts: 1}}}
}

// approve opens an incident from a hand-written notification whose alert
// has only its alertname (SEV3 by the default rules) or, with sev, a
// declared incident with an odd title, and approves its post-mortem.
func approve(t *testing.T, in *instance, clock *testenv.Clock, sev hindsight.Severity) *hindsight.Postmortem {
	t.Helper()
	ctx := context.Background()
	var inc *hindsight.Incident
	if sev == "" {
		intake := &alertmanager.Intake{Store: in.store, Mapping: alertmanager.DefaultMapping(), Now: clock.Now}
		raw := []byte(`{"version":"4","groupKey":"{}:{alertname=\"Bare\"}","status":"firing","receiver":"hindsight",
"groupLabels":{"alertname":"Bare"},"commonLabels":{"alertname":"Bare"},"commonAnnotations":{},"externalURL":"http://am:9093",
"alerts":[{"status":"firing","labels":{"alertname":"Bare"},"annotations":{},"startsAt":"2025-09-30T00:24:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"b1"}]}`)
		msg, err := alertmanager.DecodeBytes(raw)
		if err != nil {
			t.Fatal(err)
		}
		res, err := intake.Ingest(ctx, raw, msg)
		if err != nil {
			t.Fatal(err)
		}
		if inc, err = in.store.FindIncidentByID(ctx, res.IncidentID); err != nil {
			t.Fatal(err)
		}
	} else {
		inc = &hindsight.Incident{ID: "INCIDENT-20250930-0024-odd", Title: "Ünïcødé <b>&</b> *bold* 🔥", Severity: sev,
			Status: hindsight.IncidentInvestigating, Summary: "Checkout <!channel> failed", Services: []string{"api"}, StartedAt: start}
		if err := in.store.CreateIncident(ctx, inc); err != nil {
			t.Fatal(err)
		}
	}
	pm := postmortem.NewDraft(*inc, postmortem.DraftOptions{Author: "parallels", Now: clock.Now()})
	pm.Document.Narrative = cleanNarrative()
	if err := in.store.CreateDocument(ctx, &pm.Document); err != nil {
		t.Fatal(err)
	}
	svc := review.NewService(in.store, hindsight.DefaultSignOffPolicy())
	svc.Now, svc.Lint = clock.Now, lint.Narrative(nil)
	if _, err := svc.TransitionDocument(as("eddie", hindsight.RoleEditor), inc.ID, hindsight.DocUnderReview, ""); err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		who  string
		role hindsight.SignOffRole
	}{{"parallels", hindsight.RoleAuthor}, {"tess", hindsight.RoleTechnicalReview}, {"mona", hindsight.RoleManagementReview}, {"dora", hindsight.RoleFinalApproval}} {
		if _, err := svc.SignOff(as(s.who, hindsight.RoleApprover), inc.ID, s.role); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.TransitionDocument(as("abe", hindsight.RoleApprover), inc.ID, hindsight.DocApproved, ""); err != nil {
		t.Fatal(err)
	}
	out, err := in.store.FindPostmortem(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// decodeBody returns the text of a quoted-printable message.
func decodeBody(t *testing.T, data string) string {
	t.Helper()
	_, body, _ := strings.Cut(data, "\r\n\r\n")
	b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func as(name string, role hindsight.Role) context.Context {
	return hindsight.NewContextWithIdentity(context.Background(), hindsight.Identity{Name: name, Role: role, Method: "token"})
}

// cleanNarrative is the seed's narrative with every placeholder answered;
// its Distribution List is the seed's.
func cleanNarrative() hindsight.Narrative {
	n := postmortem.PlaceholderNarrative()
	n.Impact, n.RootCause, n.Resolution, n.DataSources = "4% of checkouts failed", "A bad deploy", "Rolled back", "None affected"
	for i := range n.Whys {
		n.Whys[i].Answer = "Answered"
	}
	for _, l := range []*[]hindsight.Field{&n.BusinessImpact, &n.ContributingFactors, &n.WentWell, &n.CouldImprove,
		&n.TechnicalLessons, &n.ProcessLessons, &n.OrganizationalLessons, &n.Evidence, &n.ExternalCommunication} {
		for i := range *l {
			(*l)[i].Value = "Written"
		}
	}
	return n
}

func splitHostPort(t *testing.T, addr string) (string, int) {
	t.Helper()
	host, port, ok := strings.Cut(addr, ":")
	n := 0
	for _, c := range port {
		n = n*10 + int(c-'0')
	}
	if !ok || n == 0 {
		t.Fatalf("address %q", addr)
	}
	return host, n
}

// runBoth runs a pass of each instance at once, rounds times.
func runBoth(t *testing.T, rounds int, ins ...*instance) {
	t.Helper()
	for range rounds {
		var wg sync.WaitGroup
		for _, in := range ins {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := in.sender.RunOnce(context.Background()); err != nil {
					t.Errorf("pass: %v", err)
				}
			}()
		}
		wg.Wait()
	}
}

func TestSender_ExactlyOncePerEntry(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		clock := testenv.NewClock(start.Add(24 * time.Hour))
		sink, slack := testenv.NewSMTPSink(t, nil), newSlackReceiver(t)
		a := newInstance(t, dsn, clock, sink, slack)
		b := newInstance(t, dsn, clock, sink, slack)
		sev2 := approve(t, a, clock, hindsight.SEV2)
		bare := approve(t, a, clock, "")
		if bare.Incident.Severity != hindsight.SEV3 {
			t.Fatalf("the bare alert opened a %s incident, want SEV3", bare.Incident.Severity)
		}
		runBoth(t, 3, a, b)

		t.Run("Email", func(t *testing.T) {
			var got []string
			for _, m := range sink.Messages() {
				id := sev2.Incident.ID
				if strings.Contains(m.Data, bare.Incident.ID) {
					id = bare.Incident.ID
				}
				got = append(got, id+" "+strings.Join(m.To, ","))
				body := decodeBody(t, m.Data)
				if !strings.Contains(body, "Root cause: A bad deploy") ||
					!strings.Contains(body, "https://hindsight.example.com/api/v1/incidents/"+id+"/postmortem.html") {
					t.Errorf("message lacks the summary or the link:\n%s", m.Data)
				}
			}
			slices.Sort(got)
			want := []string{
				bare.Incident.ID + " eng@example.com,zoe@example.com",
				sev2.Incident.ID + " cto@example.com",
				sev2.Incident.ID + " eng@example.com,zoe@example.com",
			}
			slices.Sort(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("e-mails:\n%s\nwant (the SEV3 not to the executive entry):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
		t.Run("Slack", func(t *testing.T) {
			var got []string
			for _, p := range slack.posts() {
				id := sev2.Incident.ID
				if strings.Contains(p.Text, bare.Incident.ID) {
					id = bare.Incident.ID
				}
				got = append(got, id+" "+p.Channel)
				all := p.Blocks[0].Text.Text + p.Blocks[len(p.Blocks)-1].Text.Text
				if id == sev2.Incident.ID && (strings.Contains(all, "<b>") || strings.Contains(all, "<!channel>") || !strings.Contains(all, "&lt;!channel&gt;")) {
					t.Errorf("user text reached Slack unescaped: %q", all)
				}
			}
			slices.Sort(got)
			want := []string{bare.Incident.ID + " #cs", bare.Incident.ID + " #eng", sev2.Incident.ID + " #cs", sev2.Incident.ID + " #eng"}
			slices.Sort(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("posts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
		t.Run("Ticks", func(t *testing.T) {
			rec := &distribution.Record{Store: a.store, Entries: entries(t)}
			checkTicks(t, rec, sev2, map[string]string{"Engineering Team": "sent", "Operations Team": "no distribution entry",
				"Product Management": "no distribution entry", "Customer Success": "sent", "Executive Team (if SEV1-SEV2)": "sent"})
			checkTicks(t, rec, bare, map[string]string{"Engineering Team": "sent", "Customer Success": "sent",
				"Executive Team (if SEV1-SEV2)": "SEV3 is not severity <= SEV2"})
		})
		t.Run("TicksOutliveThePrune", func(t *testing.T) {
			if _, err := a.store.PruneReminders(context.Background(), clock.Now().AddDate(1, 0, 0)); err != nil {
				t.Fatal(err)
			}
			checkTicks(t, &distribution.Record{Store: a.store, Entries: entries(t)}, sev2, map[string]string{"Engineering Team": "sent"})
			runBoth(t, 1, a, b)
			if n := len(sink.Messages()); n != 3 {
				t.Fatalf("%d e-mails after the prune, want still 3", n)
			}
		})
		t.Run("RecordUnchanged", func(t *testing.T) {
			after, err := a.store.FindPostmortem(context.Background(), sev2.Incident.ID)
			if err != nil {
				t.Fatal(err)
			}
			if after.Document.ApprovedMarkdown != sev2.Document.ApprovedMarkdown || after.Document.Version != sev2.Document.Version {
				t.Fatal("sending changed the approved record")
			}
			if !strings.Contains(after.Document.ApprovedMarkdown, "- [ ] Engineering Team") {
				t.Fatalf("the record's list is not as approved:\n%s", after.Document.ApprovedMarkdown)
			}
		})
	})
}

// checkTicks checks the ticks of pm: "sent" entries carry a date, others
// a note containing the wanted text.
func checkTicks(t *testing.T, rec *distribution.Record, pm *hindsight.Postmortem, want map[string]string) {
	t.Helper()
	ticks, err := rec.DistributionTicks(context.Background(), pm)
	if err != nil {
		t.Fatal(err)
	}
	md := postmortem.DistributionSinceApproval(*pm, ticks)
	for _, tk := range ticks {
		w, ok := want[tk.Label]
		switch {
		case !ok:
		case w == "sent":
			if tk.SentAt == nil || !strings.Contains(md, "- [x] "+postmortem.EscapeCell(tk.Label)+": sent 2025-10-01 00:24 UTC") {
				t.Errorf("%s: %+v not sent, or not ticked in\n%s", tk.Label, tk, md)
			}
		default:
			if tk.SentAt != nil || !strings.Contains(tk.Note, w) {
				t.Errorf("%s: %+v, want unsent: %q", tk.Label, tk, w)
			}
		}
	}
	if len(ticks) != 5 {
		t.Errorf("%d ticks, want the seed's five entries", len(ticks))
	}
}

func TestSender_FailedDeliveryRetried(t *testing.T) {
	teststore.ForEachEngineDSN(t, func(t *testing.T, dsn string) {
		clock := testenv.NewClock(start.Add(24 * time.Hour))
		sink, slack := testenv.NewSMTPSink(t, nil), newSlackReceiver(t, http.StatusInternalServerError, http.StatusServiceUnavailable)
		a := newInstance(t, dsn, clock, sink, slack)
		b := newInstance(t, dsn, clock, sink, slack)
		pm := approve(t, a, clock, hindsight.SEV1)
		res, err := a.sender.RunOnce(context.Background())
		if err != nil || res.Failed != 2 || res.Sent != 2 {
			t.Fatalf("first pass: %+v, %v; want the 2 e-mails sent, the 2 posts failed", res, err)
		}
		ticks, err := (&distribution.Record{Store: a.store, Entries: entries(t)}).DistributionTicks(context.Background(), pm)
		if err != nil || ticks[0].SentAt != nil || ticks[0].Note != "pending" {
			t.Fatalf("engineering after a failed post: %+v, %v; want pending", ticks[0], err)
		}
		runBoth(t, 2, a, b)
		var channels []string
		for _, p := range slack.posts() {
			channels = append(channels, p.Channel)
		}
		slices.Sort(channels)
		if strings.Join(channels, " ") != "#cs #eng" || len(sink.Messages()) != 2 {
			t.Fatalf("posts %v and %d e-mails; want each channel once and the 2 e-mails once", channels, len(sink.Messages()))
		}
	})
}

func TestSender_NotYetApprovedOrOld(t *testing.T) {
	clock := testenv.NewClock(start.Add(24 * time.Hour))
	sink, slack := testenv.NewSMTPSink(t, nil), newSlackReceiver(t)
	a := newInstance(t, teststore.SQLiteDSN(t), clock, sink, slack)
	approve(t, a, clock, hindsight.SEV2)
	clock.Advance(distribution.DefaultWindow + time.Minute)
	res, err := a.sender.RunOnce(context.Background())
	if err != nil || res.Due != 0 || len(sink.Messages())+len(slack.posts()) != 0 {
		t.Fatalf("a post-mortem approved before the window was sent: %+v, %v", res, err)
	}
}
