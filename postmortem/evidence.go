package postmortem

import (
	"strconv"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// Labels of the Supporting Information fields that Hindsight fills from
// what it recorded, while they still hold the seed's placeholder.
const (
	labelLogs          = "Log Analysis"
	labelCodeChanges   = "Code Changes"
	labelConfigChanges = "Configuration Changes"
	labelScreenshots   = "Screenshots"
	labelGraphs        = "Metrics Graphs"
)

// placeholderValues are the seed's placeholder values of those fields.
var placeholderValues = map[string]string{
	labelDashboard:     placeholderDashboard,
	labelLogs:          "[CloudWatch/ELK/Splunk link]",
	labelCodeChanges:   "[GitHub PR links]",
	labelConfigChanges: "[Change management tickets]",
	labelScreenshots:   "[Attach relevant dashboard screenshots]",
	labelGraphs:        "[Before/during/after metric charts]",
}

// AttachmentPath is the API path of an attachment, which the document
// links to.
func AttachmentPath(incidentID string, id int64) string {
	return "/api/v1/incidents/" + incidentID + "/attachments/" + strconv.FormatInt(id, 10)
}

// evidenceLinks fills the Relevant Links that still hold their
// placeholder: the dashboard and logs links computed for the incident's
// window, and the changes before it.
func evidenceLinks(pm hindsight.Postmortem, links []hindsight.Field) []hindsight.Field {
	fill := map[string]string{}
	if pm.Impact != nil {
		for _, l := range pm.Impact.Links {
			fill[l.Label] = autolink(l.Value)
		}
	}
	var code, config []string
	for _, c := range pm.Changes {
		if c.Kind.IsCode() {
			code = append(code, changeText(c))
		} else {
			config = append(config, changeText(c))
		}
	}
	if len(code) > 0 {
		fill[labelCodeChanges] = strings.Join(code, "; ")
	}
	if len(config) > 0 {
		fill[labelConfigChanges] = strings.Join(config, "; ")
	}
	return fillPlaceholders(links, fill)
}

// evidenceFields fills the Data and Evidence fields that still hold their
// placeholder: the frozen graphs and the attachments.
func evidenceFields(pm hindsight.Postmortem, fields []hindsight.Field) []hindsight.Field {
	fill := map[string]string{}
	if pm.Impact != nil && len(pm.Impact.Graphs) > 0 {
		var imgs []string
		for _, g := range pm.Impact.Graphs {
			imgs = append(imgs, "!["+escapeLinkText(g.Title)+"]("+hindsight.GraphFile(pm.Incident.ID, g.Name)+")")
		}
		fill[labelGraphs] = strings.Join(imgs, " ")
	}
	if len(pm.Attachments) > 0 {
		var files []string
		for _, a := range pm.Attachments {
			files = append(files, "["+escapeLinkText(a.Name)+"]("+AttachmentPath(pm.Incident.ID, a.ID)+") ("+a.ContentType+", "+
				strconv.FormatInt(a.Size, 10)+" bytes)")
		}
		fill[labelScreenshots] = strings.Join(files, "; ")
	}
	return fillPlaceholders(fields, fill)
}

// fillPlaceholders replaces the value of each field whose value is still
// its seed placeholder and that fill has a value for.
func fillPlaceholders(fields []hindsight.Field, fill map[string]string) []hindsight.Field {
	if len(fill) == 0 {
		return fields
	}
	out := make([]hindsight.Field, len(fields))
	for i, f := range fields {
		if v, ok := fill[f.Label]; ok && f.Value == placeholderValues[f.Label] {
			f.Value = v
		}
		out[i] = f
	}
	return out
}

// changeText is one change as the document lists it:
// "[Deploy api v1.2.3](<https://…>) (api, 2025-09-30 00:10 UTC, by alice)".
func changeText(c hindsight.Change) string {
	title := escapeLinkText(oneLine(c.Title))
	if c.URL != "" && !strings.ContainsAny(c.URL, " <>") {
		title = "[" + title + "](<" + c.URL + ">)"
	}
	meta := []string{escapeLinkText(c.Service), c.At.UTC().Format(dateTimeLayout) + " UTC"}
	if c.Author != "" {
		meta = append(meta, "by "+escapeLinkText(c.Author))
	}
	return title + " (" + strings.Join(meta, ", ") + ")"
}

// escapeLinkText escapes what would end a link's text or start Markdown
// or HTML structure inside it.
var linkTextEscaper = strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, `*`, `\*`, `_`, `\_`, "`", "\\`",
	`<`, `\<`, `>`, `\>`, `|`, `\|`, `!`, `\!`)

func escapeLinkText(s string) string { return linkTextEscaper.Replace(oneLine(s)) }
