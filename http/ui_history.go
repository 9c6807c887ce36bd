package http

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"

	"github.com/hindsight-sre/hindsight"
)

// historyPage is the data of an incident's history.
type historyPage struct {
	Incident  *hindsight.Incident
	Revisions []revisionView
	Pager     pager
}

// revisionView is one change with each changed field before and after.
type revisionView struct {
	*hindsight.Revision
	Changes []fieldChange
	// Activity is the change as a sentence.
	Activity activity
}

// fieldChange is one field's value before and after a change, as text.
type fieldChange struct {
	Field, Before, After string
}

// uiHistory lists an incident's changes, newest page last, each with the
// fields it changed shown before and after.
func (s *Server) uiHistory(w http.ResponseWriter, r *http.Request, v *visitor) {
	inc, err := s.Incidents.FindIncidentByID(r.Context(), r.PathValue("id"))
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	revs, total, err := s.UIStore.FindRevisions(r.Context(), hindsight.RevisionFilter{IncidentID: inc.ID,
		Page: hindsight.Page{Offset: max(offset, 0), Limit: uiPageSize}})
	if err != nil {
		s.uiError(w, r, v, err)
		return
	}
	data := historyPage{Incident: inc, Pager: newPager(r.URL, max(offset, 0), len(revs), total)}
	for _, rev := range revs {
		changes := fieldChanges(rev)
		data.Revisions = append(data.Revisions, revisionView{Revision: rev, Changes: changes, Activity: describe(rev, changes)})
	}
	s.render(w, r, http.StatusOK, "history", page{Title: "History · " + inc.Title, Nav: "incidents", Visitor: v, Data: data})
}

// fieldChanges pairs each changed field's value before and after.
func fieldChanges(rev *hindsight.Revision) []fieldChange {
	var before, after map[string]json.RawMessage
	_ = json.Unmarshal(rev.Before, &before)
	_ = json.Unmarshal(rev.After, &after)
	out := make([]fieldChange, 0, len(rev.Fields))
	for _, f := range rev.Fields {
		out = append(out, changedParts(f, before[f], after[f])...)
	}
	return out
}

// changedParts shows a change of field f. When both sides are objects
// (the narrative), only their members that differ are shown, as
// "narrative.dismissed": a one-line change must not print the whole
// narrative twice.
func changedParts(f string, before, after json.RawMessage) []fieldChange {
	var b, a map[string]json.RawMessage
	if json.Unmarshal(before, &b) != nil || json.Unmarshal(after, &a) != nil || b == nil || a == nil {
		return []fieldChange{{Field: f, Before: jsonText(before), After: jsonText(after)}}
	}
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []fieldChange
	for _, k := range keys {
		if !bytes.Equal(compactJSON(b[k]), compactJSON(a[k])) {
			out = append(out, fieldChange{Field: f + "." + k, Before: jsonText(b[k]), After: jsonText(a[k])})
		}
	}
	return out
}

// compactJSON returns raw without insignificant space, for comparing.
func compactJSON(raw json.RawMessage) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return raw
	}
	return buf.Bytes()
}

// jsonText shows a JSON value: strings without quotes, the rest indented.
func jsonText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var buf bytes.Buffer
	if json.Indent(&buf, raw, "", "  ") != nil {
		return string(raw)
	}
	return buf.String()
}
