package slack

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// MaxTopic is Slack's limit on a channel topic.
const MaxTopic = 250

// Escape makes text safe inside a mrkdwn message: Slack reads &, < and >
// as the start of entities and links, so a title or an alert annotation
// could otherwise ping @channel or hide a link.
func Escape(text string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(text)
}

// oneLine flattens text onto one line.
func oneLine(text string) string { return strings.Join(strings.Fields(text), " ") }

// Topic is a channel's topic: "SEV2 · UNDER INVESTIGATION · title", cut to
// Slack's 250 characters.
func Topic(inc *hindsight.Incident) string {
	t := fmt.Sprintf("%s · %s · %s", inc.Severity, inc.Status, oneLine(inc.Title))
	if r := []rune(t); len(r) > MaxTopic {
		t = string(r[:MaxTopic-1]) + "…"
	}
	return t
}

// incidentURL links the incident's page in the web UI, or "".
func incidentURL(baseURL, id string) string {
	if baseURL == "" {
		return ""
	}
	return strings.TrimRight(baseURL, "/") + "/incidents/" + url.PathEscape(id)
}

// link is a mrkdwn link, or the escaped label alone without a URL.
func link(u, label string) string {
	if u == "" {
		return Escape(label)
	}
	return "<" + u + "|" + Escape(label) + ">"
}

// head names the incident in every message: its ID linked to its page.
func head(inc *hindsight.Incident, baseURL string) string {
	return "*" + link(incidentURL(baseURL, inc.ID), inc.ID) + "*"
}

// Summary is the first message of an incident's channel: title, severity,
// status, start, services, what happened, and links.
func Summary(pm *hindsight.Postmortem, baseURL string) string {
	inc := &pm.Incident
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", head(inc, baseURL), Escape(oneLine(inc.Title)))
	fmt.Fprintf(&b, "Severity *%s* · Status *%s* · Started %s\n", inc.Severity, inc.Status, inc.StartedAt.UTC().Format("2006-01-02 15:04 UTC"))
	if len(inc.Services) > 0 {
		fmt.Fprintf(&b, "Services: %s\n", Escape(strings.Join(inc.Services, ", ")))
	}
	if s := oneLine(inc.Summary); s != "" {
		fmt.Fprintf(&b, "> %s\n", Escape(s))
	}
	var links []string
	if u := incidentURL(baseURL, inc.ID); u != "" {
		links = append(links, link(u, "Hindsight"))
	}
	for _, l := range inc.Links {
		if strings.HasPrefix(l.URL, "https://") || strings.HasPrefix(l.URL, "http://") {
			links = append(links, link(l.URL, l.Kind))
		}
	}
	if len(links) > 0 {
		b.WriteString("Links: " + strings.Join(links, " · ") + "\n")
	}
	b.WriteString("Pin a message or react with a configured emoji to put it on the timeline; `/incident status` shows where things are.")
	return b.String()
}

// StatusUpdate announces a status change; a resolution says how long the
// incident lasted.
func StatusUpdate(inc *hindsight.Incident, from, baseURL string) string {
	msg := fmt.Sprintf("%s status: %s → *%s*", head(inc, baseURL), orNone(from), inc.Status)
	if d, ok := inc.Duration(); ok && inc.Status == hindsight.IncidentResolved {
		msg = fmt.Sprintf("%s resolved at %s after %s", head(inc, baseURL), inc.ResolvedAt.UTC().Format("2006-01-02 15:04 UTC"),
			hindsight.FormatDuration(d))
	}
	return msg
}

// SeverityUpdate announces a severity change.
func SeverityUpdate(inc *hindsight.Incident, from, baseURL string) string {
	return fmt.Sprintf("%s severity: %s → *%s*", head(inc, baseURL), orNone(from), inc.Severity)
}

// DocumentUpdate announces a post-mortem's move: a review request names
// the reviewers of each required sign-off role (Slack mentions for the
// people mapped to a Slack user), an approval says so.
func DocumentUpdate(pm *hindsight.Postmortem, policy hindsight.SignOffPolicy, slackIDs map[string]string, baseURL string) string {
	inc := &pm.Incident
	switch pm.Document.Status {
	case hindsight.DocUnderReview:
		var lines []string
		for _, role := range policy.RequiredRoles() {
			names := policy.Signers[role]
			who := make([]string, 0, len(names))
			for _, n := range names {
				who = append(who, mention(n, slackIDs))
			}
			if len(who) == 0 {
				who = []string{"anyone with the approver role"}
			}
			lines = append(lines, fmt.Sprintf("• %s: %s", role, strings.Join(who, ", ")))
		}
		return fmt.Sprintf("%s post-mortem is *UNDER REVIEW*: sign-offs requested\n%s", head(inc, baseURL), strings.Join(lines, "\n"))
	case hindsight.DocApproved:
		return fmt.Sprintf("%s post-mortem *APPROVED*: it is now a record.", head(inc, baseURL))
	}
	return fmt.Sprintf("%s post-mortem status: *%s*", head(inc, baseURL), pm.Document.Status)
}

// mention is a Slack mention of a handle mapped to a Slack user, else
// "@handle".
func mention(handle string, slackIDs map[string]string) string {
	if id, ok := slackIDs[strings.ToLower(hindsight.HandleName(handle))]; ok {
		return "<@" + id + ">"
	}
	return Escape("@" + hindsight.HandleName(handle))
}

// ImpactUpdate lists the measured figures of an incident's impact.
func ImpactUpdate(inc *hindsight.Incident, imp hindsight.Impact, baseURL string) string {
	var lines []string
	for _, f := range imp.Figures() {
		if f.Figure.Measured {
			lines = append(lines, fmt.Sprintf("• %s: %s", f.Name, f.Figure.String()))
		}
	}
	if len(lines) == 0 {
		lines = []string{"• nothing could be measured (see the post-mortem for why)"}
	}
	return fmt.Sprintf("%s measured impact:\n%s", head(inc, baseURL), strings.Join(lines, "\n"))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
