package sqlstore

import (
	"context"
	"database/sql"
	"html"
	"strings"
	"unicode"

	"github.com/hindsight-sre/hindsight"
)

// reindex rewrites an incident's search document from what is stored now. It
// runs in the transaction of every write that changes indexed text, after the
// incident's row lock, so the index never lags behind a commit.
func (tx *Tx) reindex(ctx context.Context, incidentID string) error {
	var seq int64
	if err := tx.queryRow(ctx, "SELECT seq FROM incidents WHERE id = ?", incidentID).Scan(&seq); err != nil {
		return tx.d.mapError(err)
	}
	inc, err := tx.FindIncidentByID(ctx, incidentID)
	if err != nil {
		return err
	}
	var b strings.Builder
	writeIncidentText(&b, inc)
	if doc, err := tx.FindDocument(ctx, incidentID); err == nil {
		writeNarrativeText(&b, &doc.Narrative)
	} else if hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
		return err
	}
	if err := tx.writeRecordsText(ctx, &b, incidentID); err != nil {
		return err
	}
	return tx.putSearchDoc(ctx, seq, inc.Title, b.String())
}

// putSearchDoc replaces the search document of incident seq.
func (tx *Tx) putSearchDoc(ctx context.Context, seq int64, title, body string) error {
	title, body = clean(title), clean(body)
	if tx.d.dollar {
		_, err := tx.exec(ctx, `INSERT INTO search_docs (incident_seq, title, body) VALUES (?, ?, ?)
			ON CONFLICT (incident_seq) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body`, seq, title, body)
		return err
	}
	if _, err := tx.exec(ctx, "DELETE FROM search_docs WHERE rowid = ?", seq); err != nil {
		return err
	}
	_, err := tx.exec(ctx, "INSERT INTO search_docs (rowid, title, body) VALUES (?, ?, ?)", seq, title, body)
	return err
}

// clean removes the snippet markers from indexed text, so that only the
// engine's highlighting can produce them.
func clean(s string) string {
	if !strings.ContainsAny(s, markStart+markEnd) {
		return s
	}
	return strings.NewReplacer(markStart, "", markEnd, "").Replace(s)
}

func writeIncidentText(b *strings.Builder, inc *hindsight.Incident) {
	line(b, inc.AlertName, inc.Summary, inc.Description, strings.Join(inc.Services, " "), strings.Join(inc.Regions, " "))
}

func writeNarrativeText(b *strings.Builder, n *hindsight.Narrative) {
	line(b, n.Impact, n.RootCause, n.Resolution, n.DataSources)
	for _, w := range n.Whys {
		line(b, w.Answer)
	}
	for _, list := range [][]hindsight.Field{n.BusinessImpact, n.ContributingFactors, n.WentWell, n.CouldImprove,
		n.TechnicalLessons, n.ProcessLessons, n.OrganizationalLessons, n.RelevantLinks, n.Evidence, n.ExternalCommunication} {
		for _, f := range list {
			line(b, f.Value)
		}
	}
	for _, s := range n.Extra {
		line(b, s.Heading, s.Body)
	}
}

// writeRecordsText adds the timeline and the action items.
func (tx *Tx) writeRecordsText(ctx context.Context, b *strings.Builder, incidentID string) error {
	rows, err := tx.query(ctx, `SELECT event, action FROM timeline_events WHERE incident_id = ?
		UNION ALL SELECT title, verification FROM action_items WHERE incident_id = ?`, incidentID, incidentID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a, c string
		if err := rows.Scan(&a, &c); err != nil {
			return err
		}
		line(b, a, c)
	}
	return tx.d.mapError(rows.Err())
}

func line(b *strings.Builder, parts ...string) {
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			b.WriteString(p)
			b.WriteString("\n")
		}
	}
}

// Search returns one page of incidents matching every word of q.Text, best
// first, with a highlighted snippet of safe HTML.
func (tx *Tx) Search(ctx context.Context, q hindsight.SearchQuery) ([]*hindsight.SearchResult, int, error) {
	text := strings.TrimSpace(q.Text)
	match := fts5Query(text)
	if tx.d.dollar {
		match = text
	}
	if fts5Query(text) == "" {
		return nil, 0, &hindsight.Error{Code: hindsight.EINVALID, Message: "invalid search",
			Fields: []hindsight.FieldError{{Field: "text", Message: "is required: give at least one word"}}}
	}
	cond, args, err := incidentConditions(q.IncidentFilter, false)
	if err != nil {
		return nil, 0, err
	}
	join := "search_docs s JOIN incidents i ON " + tx.d.searchOn
	cond = " WHERE " + tx.d.searchMatch + strings.Replace(cond, " WHERE ", " AND ", 1)
	args = append([]any{match}, args...)
	n, err := tx.count(ctx, "SELECT COUNT(*) FROM "+join+cond, args...)
	if err != nil || n == 0 {
		return []*hindsight.SearchResult{}, n, err
	}
	p := q.Page.Normalize()
	rankArgs, snippetArgs := []any{}, []any{}
	if tx.d.dollar {
		rankArgs, snippetArgs = []any{match}, []any{match}
	}
	// The rank is computed for every match, the snippet for the page only.
	inner := "SELECT i.seq AS seq, i.started_at AS started, " + tx.d.searchRank + " AS score FROM " + join + cond +
		" ORDER BY score DESC, i.started_at DESC LIMIT ? OFFSET ?"
	outer := "SELECT i.id, i.title, i.severity, i.status, i.started_at, m.score, " + tx.d.searchSnippet +
		" FROM (" + inner + ") m JOIN incidents i ON i.seq = m.seq JOIN search_docs s ON " + tx.d.searchOn +
		snippetFilter(tx.d) + " ORDER BY m.score DESC, m.started DESC"
	all := append(append(append(snippetArgs, rankArgs...), args...), p.Limit, p.Offset)
	if !tx.d.dollar {
		all = append(all, match)
	}
	rows, err := tx.query(ctx, outer, all...)
	if err != nil {
		return nil, 0, err
	}
	res, err := scanResults(rows)
	return res, n, tx.d.mapError(err)
}

// snippetFilter: FTS5's snippet() works only in a query that has a MATCH on
// the table, so SQLite matches again on the page's rows.
func snippetFilter(d *dialect) string {
	if d.dollar {
		return ""
	}
	return " WHERE " + d.searchMatch
}

func scanResults(rows *sql.Rows) ([]*hindsight.SearchResult, error) {
	defer rows.Close()
	out := []*hindsight.SearchResult{}
	for rows.Next() {
		var r hindsight.SearchResult
		var started sql.NullInt64
		var snippet string
		if err := rows.Scan(&r.IncidentID, &r.Title, &r.Severity, &r.Status, &started, &r.Rank, &snippet); err != nil {
			return nil, err
		}
		r.StartedAt = fromTS(started)
		r.Snippet = highlight(snippet)
		out = append(out, &r)
	}
	return out, rows.Err()
}

// highlight escapes a snippet and turns the engine's markers into <mark>.
func highlight(s string) string {
	s = html.EscapeString(s)
	return strings.NewReplacer(markStart, "<mark>", markEnd, "</mark>").Replace(s)
}

// fts5Query turns user text into an FTS5 query that requires every word:
// each word is quoted, so FTS5 operators and syntax in the input are inert.
func fts5Query(text string) string {
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range words {
		words[i] = `"` + w + `"`
	}
	return strings.Join(words, " ")
}
