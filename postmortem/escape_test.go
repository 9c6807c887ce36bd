package postmortem_test

import (
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// TestRender_HostileValues puts structure-making text into every kind of
// value the template interpolates (alert text, names, table cells, narrative
// values, 5 whys answers, labels) and checks that the document keeps its
// sections: it parses back with nothing set aside, every section heading is
// where the template puts it, and rendering what was parsed gives the same
// document (the escaping is stable).
func TestRender_HostileValues(t *testing.T) {
	plain := MustRender(t, seedDraft())
	for _, text := range []string{
		"x\n<!--", "x\r\n<!--\r\n", "x --> y\n<!-- z", "x\n## 🔍 Root Cause Analysis\n", "a | b\n|---|---|\n| c | d |",
		"x\n```\n", "x\n\n<div>\n", "x\n---", "x\n===", "Outage ##", "x\n\n- **Users Affected**: none", "x\u2028<!--", "<!-- x -->",
	} {
		t.Run(strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(text), func(t *testing.T) {
			pm := seedDraft()
			inc := &pm.Incident
			inc.Title, inc.AlertName, inc.Summary = "HighAPIErrorRate "+text, "HighAPIErrorRate "+text, text
			inc.Services, inc.Regions = []string{"api " + text}, []string{text}
			inc.Links = []hindsight.Link{{Kind: hindsight.LinkRunbook, URL: "https://runbooks.example.com/\n" + text}}
			n := &pm.Document.Narrative
			n.RootCause, n.Impact = "Pool exhausted\n"+text, text
			n.Whys = append([]hindsight.Why(nil), n.Whys...)
			n.Whys[0].Answer = "Because\n" + text
			n.Whys[1].Question = text
			n.WentWell = []hindsight.Field{{Label: "Alerting " + text, Value: "fast\n" + text}}
			pm.Timeline = []hindsight.TimelineEvent{{Time: inc.StartedAt, Type: hindsight.EventAlertFired, Event: "Initial trigger", Actor: "System", Action: "Alert fired: " + text}}
			pm.Actions = []hindsight.ActionItem{{Title: "Fix " + text, Owner: text, Horizon: hindsight.HorizonImmediate, Verification: text}}
			doc := MustRender(t, pm)
			if got, want := headings(doc), headings(plain); got != want {
				t.Errorf("section headings differ from the plain draft's:\n got: %s\nwant: %s\n%s", got, want, doc)
			}
			parsed := MustParse(t, []byte(doc))
			if len(parsed.Document.Narrative.Extra) != 0 {
				t.Errorf("sections set aside on parsing: %+v", parsed.Document.Narrative.Extra)
			}
			if again := MustRender(t, parsed); again != doc {
				t.Errorf("rendering the parsed document differs:\n%s", firstDiff(doc, again))
			}
			if pm.Incident.Summary != text {
				t.Errorf("Render changed the caller's post-mortem: %q", pm.Incident.Summary)
			}
		})
	}
	t.Run("RawRecordKept", func(t *testing.T) {
		pm := seedDraft()
		pm.Incident.Summary = "x\n<!--"
		if v := postmortem.NewView(pm); v.Postmortem.Incident.Summary != "x\n<!--" || strings.Contains(v.What, "\n") || !strings.Contains(v.What, `\<!--`) {
			t.Errorf("What %q, raw summary %q", v.What, v.Postmortem.Incident.Summary)
		}
	})
}

// headings lists a document's ATX heading lines outside code fences.
func headings(doc string) string {
	var out []string
	fenced := false
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if !fenced && strings.HasPrefix(line, "#") {
			out = append(out, strings.SplitN(line, ":", 2)[0])
		}
	}
	return strings.Join(out, " | ")
}
