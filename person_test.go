package hindsight_test

import (
	"reflect"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

func TestMentions(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"ask @lead and @ops-team.", []string{"lead", "ops-team"}},
		{"mail ana@example.com, not a mention", nil},
		{"(@Zoë) @a @b_c- done", []string{"a", "b_c"}},
		{"@first at start; x@y no; `@code`", []string{"first", "code"}},
	} {
		var got []string
		for _, m := range hindsight.Mentions(tc.text) {
			if tc.text[m.Start:m.End] != "@"+m.Handle {
				t.Errorf("%q: offsets %d..%d give %q, want @%s", tc.text, m.Start, m.End, tc.text[m.Start:m.End], m.Handle)
			}
			got = append(got, m.Handle)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Mentions(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
	if got := hindsight.MentionedHandles("@B @a @b"); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("MentionedHandles = %q", got)
	}
}

func TestDirectory_Lookup(t *testing.T) {
	d := hindsight.NewDirectory([]*hindsight.Person{{Handle: "Lead", Name: "Ana Lima", Email: "Ana@Example.com"}})
	for _, ref := range []string{"@lead", "lead", "token:LEAD", " @Lead ", "ana@example.com"} {
		if p, ok := d.Lookup(ref); !ok || p.Handle != "Lead" {
			t.Errorf("Lookup(%q) = %v, %v", ref, p, ok)
		}
	}
	for _, ref := range []string{"@nobody", "", "bob@example.com"} {
		if _, ok := d.Lookup(ref); ok {
			t.Errorf("Lookup(%q) found someone", ref)
		}
	}
	var empty *hindsight.Directory
	if _, ok := empty.Lookup("@lead"); ok || empty.Len() != 0 {
		t.Error("a nil directory finds people")
	}
	if l := (&hindsight.Person{Handle: "lead", Name: "Ana"}).Label(); l != "Ana (@lead)" {
		t.Errorf("Label = %q", l)
	}
}
