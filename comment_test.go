package hindsight_test

import (
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

func TestComment_SetMentions(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"Plain", "@lead please look", "lead"},
		{"Adjacent", "@a @b,@c", "a,b,c"},
		{"Email", "mail ops@example.com or @ops.", "ops"},
		{"Repeated", "@Ana and @ana and @ANA", "Ana"},
		{"TrailingPunctuation", "thanks @bob-. and (@carol)", "bob,carol"},
		{"NonASCIINotAHandle", "@zoë @Zoë @z", "z"},
		{"None", "no one @ all", ""},
		{"InCode", "`@x` still names x", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := hindsight.Comment{Body: tt.body}
			c.SetMentions()
			if got := strings.Join(c.Mentions, ","); got != tt.want {
				t.Fatalf("mentions of %q = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}

func TestComment_Validate(t *testing.T) {
	ok := hindsight.Comment{IncidentID: "INC-1", Kind: hindsight.CommentNote, Body: "fine", Section: "root_cause"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := hindsight.Comment{Kind: "shout", Body: "\x00", Section: "Root Cause", ParentID: -1}
	err := bad.Validate()
	for _, field := range []string{"incident_id", "kind", "section", "body", "parent_id"} {
		if !strings.Contains(hindsight.ErrorMessage(err), field) {
			t.Errorf("error %v does not name %s", err, field)
		}
	}
}

func TestThreads(t *testing.T) {
	cs := []*hindsight.Comment{{ID: 1}, {ID: 2, ParentID: 1}, {ID: 3}, {ID: 4, ParentID: 1}, {ID: 5, ParentID: 99}}
	th := hindsight.Threads(cs)
	if len(th) != 3 || th[0].ID != 1 || len(th[0].Replies) != 2 || th[0].Replies[1].ID != 4 || th[1].ID != 3 || th[2].ID != 5 {
		t.Fatalf("threads %+v", th)
	}
}
