package postmortem_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight/postmortem"
)

// TestDocs_Templates checks that docs/templates.md names every field of the
// view model and every template function, so that the reference cannot fall
// behind the code.
func TestDocs_Templates(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "templates.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	for _, v := range []any{
		postmortem.View{}, postmortem.SLOView{}, postmortem.MetricsView{}, postmortem.WhyView{},
		postmortem.TimelineTable{}, postmortem.TimelineRow{}, postmortem.ActionTable{},
		postmortem.ActionRow{}, postmortem.SignOffView{}, postmortem.ImpactView{}, postmortem.Footnote{},
	} {
		typ := reflect.TypeOf(v)
		for i := 0; i < typ.NumField(); i++ {
			if name := typ.Field(i).Name; !strings.Contains(text, "."+name+"`") {
				t.Errorf("docs/templates.md does not document %s.%s", typ.Name(), name)
			}
		}
	}
	for name := range postmortem.Funcs() {
		if !strings.Contains(text, "| `"+name+"` |") {
			t.Errorf("docs/templates.md does not document the function %q", name)
		}
	}
}
