package reminder_test

import (
	"context"
	"mime"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/testenv"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/notify"
	"github.com/hindsight-sre/hindsight/reminder"
	"github.com/hindsight-sre/hindsight/review"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// people is the directory of these tests.
var people = map[string]hindsight.Person{
	"bob":   {Handle: "bob", Name: "Bob Ngata", Email: "bob@example.com"},
	"carol": {Handle: "carol", Email: "carol@example.net"},
	"dan":   {Handle: "dan"}, // no address: the configured channels reach him
}

func recipients(_ context.Context, ref string) (*hindsight.Person, error) {
	if p, ok := people[hindsight.PersonKey(ref)]; ok {
		return &p, nil
	}
	return nil, hindsight.Errorf(hindsight.ENOTFOUND, "no person %q in the directory", ref)
}

// personScheduler is a scheduler that mails people through sink and sends
// everything else to fallback.
func personScheduler(store *sqlstore.Store, sink *testenv.SMTPSink, fallback *recorder) *reminder.Scheduler {
	host, port := splitAddr(sink.Addr)
	smtp := &notify.SMTP{Host: host, Port: port, From: "Hindsight <hindsight@example.com>", To: []string{"team@example.com"}, StartTLS: notify.StartTLSNever}
	return &reminder.Scheduler{Store: store, Recipients: recipients,
		PersonChannels: []notify.PersonChannel{{Name: notify.ChannelPersonEmail, Notifier: smtp}},
		Channels:       []notify.Channel{{Name: "fallback", Notifier: fallback}}}
}

// comment stores a comment as eddie through the review workflow.
func comment(t *testing.T, store *sqlstore.Store, incidentID, body string) *hindsight.Comment {
	t.Helper()
	ctx := hindsight.NewContextWithIdentity(context.Background(), hindsight.Identity{Name: "eddie", Role: hindsight.RoleEditor})
	c, err := review.NewService(store, hindsight.DefaultSignOffPolicy()).AddComment(ctx, incidentID, hindsight.Comment{Body: body})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustIncident(t *testing.T, store *sqlstore.Store, id string) {
	t.Helper()
	mustDo(t, store.CreateIncident(context.Background(), &hindsight.Incident{ID: id, Title: "Checkout errors ✓", Severity: hindsight.SEV2,
		Status: hindsight.IncidentInvestigating, StartedAt: time.Now().Add(-time.Hour)}))
}

// TestScheduler_MentionTwoInstances: a mention is one e-mail, to the person
// mentioned, however many instances share the database and pass at once.
func TestScheduler_MentionTwoInstances(t *testing.T) {
	dsn := teststore.PostgresDSN(t)
	stores := []*sqlstore.Store{teststore.Open(t, dsn), teststore.Open(t, dsn)}
	mustIncident(t, stores[0], "INC-M")
	c := comment(t, stores[0], "INC-M", "@bob can you confirm the deploy time?")
	sink := testenv.NewSMTPSink(t, nil)
	fallbacks := []*recorder{{}, {}}
	scheds := []*reminder.Scheduler{personScheduler(stores[0], sink, fallbacks[0]), personScheduler(stores[1], sink, fallbacks[1])}
	runConcurrently(t, scheds, 4)

	msgs := sink.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d e-mails for one mention, want 1: %+v", len(msgs), msgs)
	}
	m := msgs[0]
	if strings.Join(m.To, ",") != "bob@example.com" || !strings.Contains(m.Data, "To: \"Bob Ngata\" <bob@example.com>") ||
		!strings.Contains(m.Data, "eddie mentioned you on INC-M") {
		t.Fatalf("e-mail to %v:\n%s", m.To, m.Data)
	}
	if !strings.Contains(m.Data, "can you confirm the deploy time?") {
		t.Errorf("the e-mail does not quote the comment %d:\n%s", c.ID, m.Data)
	}
	if n := len(fallbacks[0].delivered()) + len(fallbacks[1].delivered()); n != 0 {
		t.Errorf("%d messages went to the configured channel, want none: bob is reached directly", n)
	}
}

// TestScheduler_PeopleRouting: who gets what, on both engines.
func TestScheduler_PeopleRouting(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, store *sqlstore.Store) {
		ctx := context.Background()
		mustIncident(t, store, "INC-R")
		sink := testenv.NewSMTPSink(t, nil)
		fallback := &recorder{}
		sched := personScheduler(store, sink, fallback)

		// carol turned e-mail off; dan has no address; erin is unknown.
		mustDo(t, store.SaveNotificationPrefs(ctx, &hindsight.NotificationPrefs{Handle: "@Carol", Email: false, SlackDM: true}))
		comment(t, store, "INC-R", "@carol @dan @erin @bob and @eddie (the author: no message)")
		mustDo(t, store.CreateActionItem(ctx, &hindsight.ActionItem{IncidentID: "INC-R", Title: "Pin the pool size", Owner: "@bob",
			Horizon: hindsight.HorizonImmediate, DueDate: time.Now().UTC().AddDate(0, 0, -2).Truncate(24 * time.Hour), Status: hindsight.ActionOpen}))
		for range 2 {
			if _, err := sched.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		var mails []string
		for _, m := range sink.Messages() {
			subject := ""
			for _, l := range strings.Split(m.Data, "\r\n") {
				if s, ok := strings.CutPrefix(l, "Subject: "); ok {
					subject, _ = new(mime.WordDecoder).DecodeHeader(s)
				}
			}
			mails = append(mails, strings.Join(m.To, ",")+" "+subject)
		}
		if len(mails) != 2 || !strings.Contains(mails[0]+mails[1], "bob@example.com [Hindsight] eddie mentioned you on INC-R (Checkout errors ✓)") ||
			!strings.Contains(mails[0]+mails[1], "bob@example.com [Hindsight] Action item overdue") {
			t.Errorf("e-mails %q, want bob's mention and bob's overdue action", mails)
		}
		var owners []string
		for _, r := range fallback.delivered() {
			owners = append(owners, string(r.Kind)+":"+r.Owner)
		}
		if strings.Join(owners, ",") != "mentioned:carol,mentioned:dan,mentioned:erin" {
			t.Errorf("the configured channel got %q, want the mentions of carol (e-mail off), dan (no address) and erin (unknown)", owners)
		}
	})
}

// splitAddr splits "127.0.0.1:port".
func splitAddr(addr string) (string, int) {
	host, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	return host, n
}
