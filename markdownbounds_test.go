package hindsight

import (
	"errors"
	"strings"
	"testing"
)

// TestNarrativeCheck_NamesTheField: each problem of a narrative is reported
// under the JSON path of its field, list fields with their index, and a
// valid narrative has none.
func TestNarrativeCheck_NamesTheField(t *testing.T) {
	n := Narrative{
		RootCause: "fine",
		Whys:      []Why{{Answer: "ok"}, {Answer: strings.Repeat("> ", MaxMarkdownDepth+1) + "deep"}},
		WentWell:  []Field{{Label: "a", Value: "ok"}, {Label: "b\x00", Value: "ok"}},
		Extra:     []Section{{Heading: "Appendix", Body: strings.Repeat("[", MaxMarkdownLinks+1)}},
	}
	var v Validation
	n.Check(&v)
	var e *Error
	if !errors.As(v.Err("document"), &e) {
		t.Fatalf("no error for %+v", n)
	}
	got := map[string]bool{}
	for _, f := range e.Fields {
		got[f.Field] = true
	}
	for _, want := range []string{"narrative.whys[1]", "narrative.went_well[1].label", "narrative.extra[0]"} {
		if !got[want] {
			t.Errorf("no problem reported for %s; got %+v", want, e.Fields)
		}
	}
	if len(e.Fields) != 3 {
		t.Errorf("%d problems, want 3: %+v", len(e.Fields), e.Fields)
	}
	var ok Validation
	(&Narrative{Whys: []Why{{Answer: "ok"}}, WentWell: []Field{{Label: "a", Value: "b"}}}).Check(&ok)
	if err := ok.Err("document"); err != nil {
		t.Errorf("valid narrative: %v", err)
	}
}
