package notify_test

import (
	"context"
	"errors"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/notify"
)

func TestSlackDM(t *testing.T) {
	var gotUser, gotText string
	dm := &notify.SlackDM{DM: func(_ context.Context, user, text string) error { gotUser, gotText = user, text; return nil }}
	on := hindsight.DefaultNotificationPrefs("bob")
	for _, tt := range []struct {
		name  string
		dm    *notify.SlackDM
		to    hindsight.Person
		prefs hindsight.NotificationPrefs
		reach bool
	}{
		{"Reached", dm, hindsight.Person{Handle: "bob", SlackID: "U024BE7LH"}, on, true},
		{"NoSlackID", dm, hindsight.Person{Handle: "bob", Email: "bob@example.com"}, on, false},
		{"TurnedOff", dm, hindsight.Person{Handle: "bob", SlackID: "U024BE7LH"}, hindsight.NotificationPrefs{Handle: "bob", Email: true}, false},
		{"NoSlackApp", &notify.SlackDM{}, hindsight.Person{Handle: "bob", SlackID: "U024BE7LH"}, on, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.dm.Reaches(tt.to, tt.prefs); got != tt.reach {
				t.Fatalf("Reaches = %v, want %v", got, tt.reach)
			}
		})
	}
	r := hindsight.Reminder{Kind: hindsight.EventMentioned, Title: "ana mentioned you on <INC-1> & more",
		Lines: []string{"Comment: a <b>bold</b> claim"}, URL: "https://hindsight.example.com/incidents/INC-1#comment-4"}
	if err := dm.SendTo(context.Background(), hindsight.Person{Handle: "bob", SlackID: "U024BE7LH"}, r); err != nil {
		t.Fatal(err)
	}
	want := "*<https://hindsight.example.com/incidents/INC-1#comment-4|ana mentioned you on &lt;INC-1&gt; &amp; more>*\n• Comment: a &lt;b&gt;bold&lt;/b&gt; claim"
	if gotUser != "U024BE7LH" || gotText != want {
		t.Fatalf("sent %q to %s, want %q", gotText, gotUser, want)
	}
	fail := &notify.SlackDM{DM: func(context.Context, string, string) error { return errors.New("slack down") }}
	if err := fail.SendTo(context.Background(), hindsight.Person{SlackID: "U1"}, r); err == nil {
		t.Fatal("a failed DM reported success")
	}
}
