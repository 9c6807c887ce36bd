package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"html"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/hindsight-sre/hindsight"
)

// reindex rewrites an incident's search document from what is stored now. It
// runs in the transaction of every write that changes indexed text, after the
// incident's row lock, so the index never lags behind a commit.
// reindexSelect reads what reindex needs of an incident and its document.
var reindexSelect = strings.Replace(incidentSelect, " FROM incidents i", ", i.seq, d.narrative FROM incidents i", 1) +
	" LEFT JOIN documents d ON d.incident_id = i.id WHERE i.id = ?"

func (tx *Tx) reindex(ctx context.Context, incidentID string) error {
	doc, err := tx.searchDocOf(ctx, incidentID)
	if err != nil {
		return err
	}
	return tx.putSearchDoc(ctx, doc.seq, doc.title, doc.body)
}

// searchDoc is the search document of the incident of sequence number seq.
type searchDoc struct {
	seq         int64
	title, body string
}

// searchDocOf builds an incident's search document from what is stored now.
func (tx *Tx) searchDocOf(ctx context.Context, incidentID string) (searchDoc, error) {
	// One query reads the incident, its sequence number and its document's
	// narrative (NULL without a document).
	var seq int64
	var narrative sql.NullString
	inc, err := scanIncidentAnd(tx.queryRow(ctx, reindexSelect, incidentID), &seq, &narrative)
	if errors.Is(err, sql.ErrNoRows) {
		return searchDoc{}, notFound("incident", incidentID)
	} else if err != nil {
		return searchDoc{}, tx.d.mapError(err)
	}
	var b strings.Builder
	writeIncidentText(&b, inc)
	if narrative.Valid {
		var n hindsight.Narrative
		if err := fromJSON(narrative.String, &n); err != nil {
			return searchDoc{}, err
		}
		writeNarrativeText(&b, &n)
	}
	if err := tx.writeRecordsText(ctx, &b, incidentID); err != nil {
		return searchDoc{}, err
	}
	return searchDoc{seq: seq, title: inc.Title, body: b.String()}, nil
}

// putSearchDoc replaces the search document of incident seq.
func (tx *Tx) putSearchDoc(ctx context.Context, seq int64, title, body string) error {
	title, body = clean(title), clean(truncateUTF8(body, maxSearchBody))
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

// maxSearchBody bounds the indexed text of one incident: PostgreSQL
// refuses a tsvector over 1 MB, and past this the text of an incident adds
// little a search needs. Both engines index the same prefix.
const maxSearchBody = 256 << 10

// truncateUTF8 returns at most max bytes of s, cut at a rune boundary.
func truncateUTF8(s string, max int) string {
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
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

// writeNarrativeText adds the narrative's answers, leaving out the
// template's placeholders ("[Brief technical explanation]"): they say
// nothing of the incident, would match every new draft, and were most of a
// new draft's indexed text.
func writeNarrativeText(b *strings.Builder, n *hindsight.Narrative) {
	line(b, answered(n.Impact), answered(n.RootCause), answered(n.Resolution), answered(n.DataSources))
	for _, w := range n.Whys {
		line(b, answered(w.Answer))
	}
	for _, list := range [][]hindsight.Field{n.BusinessImpact, n.ContributingFactors, n.WentWell, n.CouldImprove,
		n.TechnicalLessons, n.ProcessLessons, n.OrganizationalLessons, n.RelevantLinks, n.Evidence, n.ExternalCommunication} {
		for _, f := range list {
			line(b, answered(f.Value))
		}
	}
	for _, s := range n.Extra {
		line(b, s.Heading, s.Body)
	}
}

// answered returns v, or "" when v is a bracketed placeholder left from the
// template: the whole value one "[…]", with no other brackets.
func answered(v string) string {
	t := strings.TrimSpace(v)
	if len(t) >= 2 && t[0] == '[' && t[len(t)-1] == ']' && !strings.ContainsAny(t[1:len(t)-1], "[]") {
		return ""
	}
	return v
}

// writeRecordsText adds the timeline and the action items.
func (tx *Tx) writeRecordsText(ctx context.Context, b *strings.Builder, incidentID string) error {
	rows, err := tx.query(ctx, `SELECT event, action FROM timeline_events WHERE incident_id = ?
		UNION ALL SELECT title, verification FROM action_items WHERE incident_id = ?`, incidentID, incidentID)
	if err != nil {
		return err
	}
	defer rows.Close()
	var seen recordLines
	for rows.Next() {
		var a, c string
		if err := rows.Scan(&a, &c); err != nil {
			return err
		}
		seen.add(b, a, c)
	}
	return tx.d.mapError(rows.Err())
}

// recordLines writes a document's timeline and action-item lines, each
// distinct line once. A notification of 100 alerts writes 100 events, 99
// of them with the action "Alert firing": the repeats change no match, but
// were a fifth of such an incident's text for the index to parse.
type recordLines map[string]bool

func (r *recordLines) add(b *strings.Builder, parts ...string) {
	if *r == nil {
		*r = recordLines{}
	}
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" && !(*r)[p] {
			(*r)[p] = true
			line(b, p)
		}
	}
}

func line(b *strings.Builder, parts ...string) {
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			b.WriteString(p)
			b.WriteString("\n")
		}
	}
}

// SearchCountLimit bounds the work of one search: at most SearchCountLimit+1
// matches, the most recently created, are counted and ranked. A total above
// SearchCountLimit means "more than SearchCountLimit".
const SearchCountLimit = 1000

// Search returns one page of incidents matching every word of q.Text, best
// first, with a highlighted snippet of safe HTML.
//
// It reads the matches in creation order, newest first, straight from the
// full-text index (FTS5 walks its doclist by descending rowid; PostgreSQL
// uses the GIN index), keeps those that pass the filters, and stops at
// SearchCountLimit+1: those candidates give the total and are the only ones
// ranked. Snippets are computed for the returned page only. The cost is thus
// bounded by the limit, not by how many incidents match a broad query.
func (tx *Tx) Search(ctx context.Context, q hindsight.SearchQuery) ([]*hindsight.SearchResult, int, error) {
	terms, err := hindsight.SearchTerms(q.Text)
	if err != nil {
		return nil, 0, err
	}
	match := tx.searchMatchArg(terms)
	candidates, cargs, err := tx.searchCandidates(q.IncidentFilter, match, SearchCountLimit+1)
	if err != nil {
		return nil, 0, err
	}
	p := q.Page.Normalize()
	// SQLite ranks in the candidate query itself: bm25() needs the MATCH.
	// PostgreSQL ranks in a second step, so that ts_rank runs on the
	// candidates only.
	ranked, rargs := "c", cargs
	if tx.d.dollar {
		ranked = "r"
		candidates += ", r AS MATERIALIZED (SELECT c.seq, ts_rank(s.tsv, plainto_tsquery('english', ?)) AS score FROM c JOIN search_docs s ON s.incident_seq = c.seq)"
		rargs = append(cargs, match)
	}
	// The page is cut from the ranked candidates before the incidents are
	// joined: only the page's incidents are read.
	page := candidates + " SELECT p.n, i.seq, i.id, i.title, i.severity, i.status, i.started_at, p.score FROM" +
		" (SELECT (SELECT COUNT(*) FROM c) AS n, seq, score FROM " + ranked + " ORDER BY score DESC, seq DESC LIMIT ? OFFSET ?) p" +
		" JOIN incidents i ON i.seq = p.seq ORDER BY p.score DESC, p.seq DESC"
	rows, err := tx.query(ctx, page, tx.planEach(append(rargs, p.Limit, p.Offset))...)
	if err != nil {
		return nil, 0, err
	}
	n, res, seqs, err := scanResults(rows)
	if err != nil {
		return nil, 0, tx.d.mapError(err)
	}
	if len(res) == 0 {
		if p.Offset > 0 {
			// rargs: on PostgreSQL the ranking clause of candidates has a
			// placeholder of its own.
			n, err = tx.count(ctx, candidates+" SELECT COUNT(*) FROM c", tx.planEach(rargs)...)
		}
		return res, n, err
	}
	return res, n, tx.snippets(ctx, match, seqs, res)
}

// planEach makes PostgreSQL plan a search for its words, every time: a
// cached generic plan does not know whether a word is rare (read the GIN
// index) or matches half the store (walk the newest rows and stop at the
// limit), and the wrong one reads every match.
func (tx *Tx) planEach(args []any) []any {
	if !tx.d.dollar {
		return args
	}
	return append([]any{pgx.QueryExecModeExec}, args...)
}

// searchCandidates returns a WITH clause defining c(seq[, score]): the limit
// newest matches that pass the filter f.
func (tx *Tx) searchCandidates(f hindsight.IncidentFilter, match string, limit int) (string, []any, error) {
	key, score := "s.rowid", ", "+tx.d.searchRank+" AS score"
	if tx.d.dollar {
		key, score = "s.incident_seq", ""
	}
	from, where := " FROM search_docs s", " WHERE "+tx.d.searchMatch
	if f.Service != "" {
		// The service's rows carry every filtered field: a semi-join on
		// them, without reading incidents. On SQLite the unary + keeps the
		// IN from driving FTS5 (one MATCH per listed row is far slower than
		// one walk of the doclist).
		cond, args, err := incidentConditions(f, true)
		if err != nil {
			return "", nil, err
		}
		in := " AND " + key + " IN"
		if !tx.d.dollar {
			in = " AND +" + key + " IN"
		}
		where += in + " (SELECT sv.incident_seq FROM incident_services sv" + cond + ")"
		return tx.candidatesSQL(key, score, from, where), append(append([]any{match}, args...), limit), nil
	}
	cond, args, err := incidentConditions(f, false)
	if err != nil {
		return "", nil, err
	}
	if cond != "" {
		from += " JOIN incidents i ON " + tx.d.searchOn
		where += strings.Replace(cond, " WHERE ", " AND ", 1)
	}
	return tx.candidatesSQL(key, score, from, where), append(append([]any{match}, args...), limit), nil
}

func (tx *Tx) candidatesSQL(key, score, from, where string) string {
	return "WITH c AS MATERIALIZED (SELECT " + key + " AS seq" + score + from + where + " ORDER BY " + key + " DESC LIMIT ?)"
}

// snippets sets the snippet of each result; seqs are the results' incident
// sequence numbers, in order.
func (tx *Tx) snippets(ctx context.Context, match string, seqs []int64, res []*hindsight.SearchResult) error {
	key, where := "s.rowid", " AND "+tx.d.searchMatch
	if tx.d.dollar {
		key, where = "s.incident_seq", ""
	}
	args := []any{match}
	for _, seq := range seqs {
		args = append(args, seq)
	}
	// FTS5's snippet() works only in a query that has a MATCH on the table,
	// so SQLite matches again, on the page's rows only.
	q := "SELECT " + key + ", " + tx.d.searchSnippet + " FROM search_docs s WHERE " + key + " IN (" +
		strings.TrimSuffix(strings.Repeat("?, ", len(seqs)), ", ") + ")" + where
	if !tx.d.dollar {
		args = append(args[1:], match)
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	bySeq := make(map[int64]*hindsight.SearchResult, len(seqs))
	for i, seq := range seqs {
		bySeq[seq] = res[i]
	}
	for rows.Next() {
		var seq int64
		var snippet string
		if err := rows.Scan(&seq, &snippet); err != nil {
			return tx.d.mapError(err)
		}
		if r := bySeq[seq]; r != nil {
			r.Snippet = highlight(snippet)
		}
	}
	return tx.d.mapError(rows.Err())
}

// CountMatches returns the exact number of incidents that match q, without
// Search's limit; benchmarks use it to report how selective their queries
// are.
func (s *Store) CountMatches(ctx context.Context, q hindsight.SearchQuery) (n int, err error) {
	err = s.view(ctx, func(tx *Tx) error {
		terms, err := hindsight.SearchTerms(q.Text)
		if err != nil {
			return err
		}
		match := tx.searchMatchArg(terms)
		cond, args, err := incidentConditions(q.IncidentFilter, false)
		if err != nil {
			return err
		}
		n, err = tx.count(ctx, "SELECT COUNT(*) FROM search_docs s JOIN incidents i ON "+tx.d.searchOn+" WHERE "+
			tx.d.searchMatch+strings.Replace(cond, " WHERE ", " AND ", 1), append([]any{match}, args...)...)
		return err
	})
	return n, err
}

// scanResults reads a page of results, each row led by the candidates'
// count and the incident's sequence number.
func scanResults(rows *sql.Rows) (n int, out []*hindsight.SearchResult, seqs []int64, err error) {
	defer rows.Close()
	out = []*hindsight.SearchResult{}
	for rows.Next() {
		var r hindsight.SearchResult
		var seq int64
		var started sql.NullInt64
		if err := rows.Scan(&n, &seq, &r.IncidentID, &r.Title, &r.Severity, &r.Status, &started, &r.Rank); err != nil {
			return 0, nil, nil, err
		}
		r.StartedAt = fromTS(started)
		out, seqs = append(out, &r), append(seqs, seq)
	}
	return n, out, seqs, rows.Err()
}

// highlight escapes a snippet and turns the engine's markers into <mark>.
func highlight(s string) string {
	s = html.EscapeString(s)
	return strings.NewReplacer(markStart, "<mark>", markEnd, "</mark>").Replace(s)
}

// searchMatchArg returns the engine's query argument requiring every term:
// on SQLite an FTS5 query of quoted words (so FTS5 syntax is inert), on
// PostgreSQL the words for plainto_tsquery.
func (tx *Tx) searchMatchArg(terms []string) string {
	if tx.d.dollar {
		return strings.Join(terms, " ")
	}
	quoted := make([]string, len(terms))
	for i, w := range terms {
		quoted[i] = `"` + w + `"`
	}
	return strings.Join(quoted, " ")
}
