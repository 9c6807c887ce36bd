package http

import (
	"encoding/json"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// activity is one change of the history feed as a sentence: who did what
// ("@lead edited Root cause and 5 whys", "@approver approved"), with the
// raw field diff kept one click away.
type activity struct {
	Who, What string
}

// docStatusVerbs say what moving a post-mortem to a status means.
var docStatusVerbs = map[hindsight.DocumentStatus]string{
	hindsight.DocDraft: "sent the post-mortem back to draft", hindsight.DocUnderReview: "submitted the post-mortem for review",
	hindsight.DocApproved: "approved", hindsight.DocArchived: "archived",
}

// entityNames name the records of a revision in a sentence.
var entityNames = map[string]string{
	hindsight.EntityIncident: "the incident", hindsight.EntityDocument: "the post-mortem",
	hindsight.EntityTimeline: "a timeline event", hindsight.EntityAction: "an action item", hindsight.EntitySignOff: "a sign-off",
}

// describe writes a revision as an activity.
func describe(rev *hindsight.Revision, changes []fieldChange) activity {
	a := activity{Who: actorHandle(rev.Actor)}
	var after map[string]json.RawMessage
	_ = json.Unmarshal(rev.After, &after)
	str := func(field string) string {
		var s string
		_ = json.Unmarshal(after[field], &s)
		return s
	}
	name := entityNames[rev.Entity]
	if name == "" {
		name = rev.Entity
	}
	created := len(rev.Before) == 0 || string(rev.Before) == "null"
	switch {
	case rev.Entity == "impact" && created:
		a.What = "measured the impact"
	case rev.Entity == "impact":
		a.What = "measured the impact again"
	case created:
		a.What = "created " + name + titleOf(rev.Entity, str)
	case len(rev.After) == 0 || string(rev.After) == "null":
		a.What = "deleted " + name
	case rev.Entity == hindsight.EntityDocument && hasField(rev, "status"):
		a.What = docStatusVerbs[hindsight.DocumentStatus(str("status"))]
	case rev.Entity == hindsight.EntitySignOff && str("voided_reason") != "":
		a.What = strings.TrimSpace("voided the "+roleLabel(str("role"))) + " sign-off: " + str("voided_reason")
	case rev.Entity == hindsight.EntitySignOff && hasField(rev, "signed_at"):
		a.What = strings.TrimSpace("signed off as " + roleLabel(str("role")))
		a.What = strings.TrimSuffix(a.What, " as")
	case rev.Entity == hindsight.EntityDocument && hasField(rev, "narrative"):
		a.What = "edited " + narrativeChanged(changes)
	case rev.Entity == hindsight.EntityIncident && hasField(rev, "status"):
		a.What = "moved the incident to " + str("status")
	default:
		a.What = "changed " + joinWords(rev.Fields) + " of " + name
	}
	if a.What == "" {
		a.What = "changed " + name
	}
	return a
}

// titleOf names a created timeline event or action item.
func titleOf(entity string, str func(string) string) string {
	switch entity {
	case hindsight.EntityTimeline:
		if e := str("event"); e != "" {
			return ": " + e
		}
	case hindsight.EntityAction:
		if t := str("title"); t != "" {
			return ": " + t
		}
	}
	return ""
}

// narrativeChanged names the narrative sections a change touched, by the
// labels the editor shows ("Root cause and 5 whys").
func narrativeChanged(changes []fieldChange) string {
	var labels []string
	seen := map[string]bool{}
	for _, sec := range narrativeSections { // in document order
		for _, c := range changes {
			if strings.TrimPrefix(c.Field, "narrative.") == sec.Key && !seen[sec.Key] {
				seen[sec.Key] = true
				labels = append(labels, sec.Label)
			}
		}
	}
	for _, c := range changes {
		key := strings.TrimPrefix(c.Field, "narrative.")
		if _, err := findSection(key); err == nil || seen[key] {
			continue
		}
		seen[key] = true
		if key == "dismissed_placeholders" {
			key = "the template rows (dismissed)"
		}
		labels = append(labels, key)
	}
	if len(labels) == 0 {
		return "the narrative"
	}
	return joinWords(labels)
}

// joinWords writes "a", "a and b", "a, b and c".
func joinWords(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// roleLabel names a review role: "Technical review"; "" when unknown.
func roleLabel(role string) string {
	return hindsight.SignOffRole(role).Label()
}

// hasField reports whether a revision changed field.
func hasField(rev *hindsight.Revision, field string) bool {
	for _, f := range rev.Fields {
		if f == field {
			return true
		}
	}
	return false
}

// actorHandle shows who made a change as a handle: "token:lead" and
// "lead" are "@lead"; an empty actor is Hindsight itself (its workers).
func actorHandle(actor string) string {
	actor = strings.TrimSpace(actor)
	if _, name, ok := strings.Cut(actor, ":"); ok && !strings.Contains(actor, "@") {
		actor = name
	}
	if actor == "" {
		return "Hindsight"
	}
	if strings.Contains(actor, "@") && !strings.HasPrefix(actor, "@") {
		return actor // an e-mail address from the proxy
	}
	return "@" + strings.TrimLeft(actor, "@")
}
