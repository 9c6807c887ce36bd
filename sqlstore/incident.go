package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// incidentCols are the stored columns of an incident, in incidentArgs order.
const incidentCols = "id, title, alert_name, severity, status, summary, description, services, regions, labels, links, group_key, author, started_at, resolved_at, created_at, updated_at, version, recurrence_of"

// incidentSelect selects incidentCols from incidents aliased i.
const incidentSelect = "SELECT i.id, i.title, i.alert_name, i.severity, i.status, i.summary, i.description, i.services, i.regions, i.labels, i.links, i.group_key, i.author, i.started_at, i.resolved_at, i.created_at, i.updated_at, i.version, i.recurrence_of FROM incidents i"

func incidentArgs(inc *hindsight.Incident) []any {
	return []any{inc.ID, inc.Title, inc.AlertName, string(inc.Severity), string(inc.Status), inc.Summary, inc.Description,
		jsonText(inc.Services), jsonText(inc.Regions), jsonText(inc.Labels), jsonText(inc.Links),
		inc.GroupKey, inc.Author, ts(inc.StartedAt), tsPtr(inc.ResolvedAt), ts(inc.CreatedAt), ts(inc.UpdatedAt), inc.Version, inc.RecurrenceOf}
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface{ Scan(dest ...any) error }

func scanIncident(sc scanner) (*hindsight.Incident, error) { return scanIncidentAnd(sc) }

// scanIncidentAnd scans incidentCols and then the extra columns into extra.
func scanIncidentAnd(sc scanner, extra ...any) (*hindsight.Incident, error) {
	var inc hindsight.Incident
	var services, regions, labels, links string
	var started, resolved, created, updated sql.NullInt64
	if err := sc.Scan(append([]any{&inc.ID, &inc.Title, &inc.AlertName, &inc.Severity, &inc.Status, &inc.Summary, &inc.Description,
		&services, &regions, &labels, &links, &inc.GroupKey, &inc.Author, &started, &resolved, &created, &updated, &inc.Version, &inc.RecurrenceOf}, extra...)...); err != nil {
		return nil, err
	}
	inc.StartedAt, inc.ResolvedAt = fromTS(started), fromTSPtr(resolved)
	inc.CreatedAt, inc.UpdatedAt = fromTS(created), fromTS(updated)
	for _, f := range []struct {
		s string
		v any
	}{{services, &inc.Services}, {regions, &inc.Regions}, {labels, &inc.Labels}, {links, &inc.Links}} {
		if err := fromJSON(f.s, f.v); err != nil {
			return nil, err
		}
	}
	return &inc, nil
}

func normalizeIncident(inc *hindsight.Incident) {
	inc.StartedAt = normalize(inc.StartedAt)
	inc.ResolvedAt = normalizePtr(inc.ResolvedAt)
	inc.CreatedAt = normalize(inc.CreatedAt)
	inc.UpdatedAt = normalize(inc.UpdatedAt)
}

// FindIncidentByID returns one incident.
func (tx *Tx) FindIncidentByID(ctx context.Context, id string) (*hindsight.Incident, error) {
	inc, err := scanIncident(tx.queryRow(ctx, incidentSelect+" WHERE i.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("incident", id)
	}
	return inc, tx.d.mapError(err)
}

// lockIncident locks an incident's row until the transaction ends and returns
// its sequence number and version. Every write that touches an incident or
// its records takes this lock first, so that on PostgreSQL concurrent writers
// of one incident queue and each reads what the previous one committed.
func (tx *Tx) lockIncident(ctx context.Context, id string) (seq int64, version int, err error) {
	err = tx.queryRow(ctx, "SELECT seq, version FROM incidents WHERE id = ?"+tx.d.forUpdate, id).Scan(&seq, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, notFound("incident", id)
	}
	return seq, version, tx.d.mapError(err)
}

// CreateIncident stores a new incident at version 1.
func (tx *Tx) CreateIncident(ctx context.Context, inc *hindsight.Incident) error {
	if err := inc.Validate(); err != nil {
		return err
	}
	normalizeIncident(inc)
	inc.CreatedAt, inc.UpdatedAt, inc.Version = tx.now, tx.now, 1
	if err := tx.insertIncident(ctx, inc); err != nil {
		if hindsight.ErrorCode(err) == hindsight.ECONFLICT {
			return hindsight.Errorf(hindsight.ECONFLICT, "incident %s already exists", inc.ID)
		}
		return err
	}
	// A row this transaction inserted is as good as locked: no other
	// transaction sees it before the commit.
	tx.markLocked(inc.ID)
	if tx.fresh == nil {
		tx.fresh = map[string]bool{}
	}
	tx.fresh[inc.ID] = true
	if err := tx.record(ctx, inc.ID, hindsight.EntityIncident, inc.ID, inc.Version, nil, inc); err != nil {
		return err
	}
	return tx.reindexLater(inc.ID)
}

// insertIncident writes an incident and its service index rows as they are.
func (tx *Tx) insertIncident(ctx context.Context, inc *hindsight.Incident) error {
	var seq int64
	// ON CONFLICT DO NOTHING: a taken ID is ECONFLICT without aborting the
	// transaction, so that the caller may try another.
	err := tx.queryRow(ctx, "INSERT INTO incidents ("+incidentCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING seq",
		incidentArgs(inc)...).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return hindsight.Errorf(hindsight.ECONFLICT, "incident %s already exists", inc.ID)
	} else if err != nil {
		return tx.d.mapError(err)
	}
	return tx.insertServices(ctx, seq, inc)
}

// indexServices rewrites the rows that let lists filter on a service.
func (tx *Tx) indexServices(ctx context.Context, seq int64, inc *hindsight.Incident) error {
	if _, err := tx.exec(ctx, "DELETE FROM incident_services WHERE incident_seq = ?", seq); err != nil {
		return err
	}
	return tx.insertServices(ctx, seq, inc)
}

// insertServices writes an incident's service index rows, in one statement.
func (tx *Tx) insertServices(ctx context.Context, seq int64, inc *hindsight.Incident) error {
	seen := map[string]bool{}
	var args []any
	for _, svc := range inc.Services {
		if seen[svc] {
			continue
		}
		seen[svc] = true
		args = append(args, seq, svc, ts(inc.StartedAt), string(inc.Status), string(inc.Severity))
	}
	if len(args) == 0 {
		return nil
	}
	return tx.addRows(ctx, heldServices, args)
}

// UpdateIncident replaces an incident still at expectedVersion.
func (tx *Tx) UpdateIncident(ctx context.Context, inc *hindsight.Incident, expectedVersion int) error {
	if err := inc.Validate(); err != nil {
		return err
	}
	seq, version, err := tx.lockIncident(ctx, inc.ID)
	if err != nil {
		return err
	}
	if version != expectedVersion {
		return tx.staleError(ctx, "incident", hindsight.EntityIncident, inc.ID, expectedVersion, version)
	}
	before, err := tx.FindIncidentByID(ctx, inc.ID)
	if err != nil {
		return err
	}
	if before.Status != inc.Status {
		if err := before.Status.CanTransition(inc.Status); err != nil {
			return err
		}
	}
	normalizeIncident(inc)
	inc.CreatedAt, inc.UpdatedAt, inc.Version = before.CreatedAt, tx.now, version+1
	args := append(incidentArgs(inc)[1:], inc.ID)
	if _, err := tx.exec(ctx, `UPDATE incidents SET title = ?, alert_name = ?, severity = ?, status = ?, summary = ?,
		description = ?, services = ?, regions = ?, labels = ?, links = ?, group_key = ?, author = ?, started_at = ?,
		resolved_at = ?, created_at = ?, updated_at = ?, version = ?, recurrence_of = ? WHERE id = ?`, args...); err != nil {
		return err
	}
	if err := tx.indexServices(ctx, seq, inc); err != nil {
		return err
	}
	if err := tx.record(ctx, inc.ID, hindsight.EntityIncident, inc.ID, inc.Version, before, inc); err != nil {
		return err
	}
	return tx.reindexLater(inc.ID)
}

// FindIncidents returns one page of incidents and the total that match.
func (tx *Tx) FindIncidents(ctx context.Context, f hindsight.IncidentFilter) ([]*hindsight.Incident, int, error) {
	cond, args, err := incidentConditions(f, f.Service != "")
	if err != nil {
		return nil, 0, err
	}
	p := f.Page.Normalize()
	sel := strings.TrimSuffix(incidentSelect, " FROM incidents i")
	count := "SELECT COUNT(*) FROM incidents i" + cond
	page := sel + " FROM incidents i" + cond + " ORDER BY i.started_at DESC, i.seq DESC LIMIT ? OFFSET ?"
	if f.Service != "" {
		// A service's rows carry the incident's start, status and severity:
		// the count reads that index alone, and the page walks it in time
		// order and joins only the incidents it returns.
		count = "SELECT COUNT(*) FROM incident_services sv" + cond
		page = sel + " FROM (SELECT sv.incident_seq, sv.started_at FROM incident_services sv" + cond +
			" ORDER BY sv.started_at DESC, sv.incident_seq DESC LIMIT ? OFFSET ?) sv JOIN incidents i ON i.seq = sv.incident_seq" +
			" ORDER BY sv.started_at DESC, sv.incident_seq DESC"
	}
	n, err := tx.count(ctx, count, args...)
	if err != nil {
		return nil, 0, err
	}
	rows, err := tx.query(ctx, page, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*hindsight.Incident
	for rows.Next() {
		inc, err := scanIncident(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, inc)
	}
	return out, n, tx.d.mapError(rows.Err())
}

// incidentConditions turns a filter into a WHERE clause over incidents i;
// with joined, every condition is on the service's rows, incident_services
// sv, which copy the incident's start, status and severity.
func incidentConditions(f hindsight.IncidentFilter, joined bool) (string, []any, error) {
	col := func(name string) string {
		if joined {
			return "sv." + name
		}
		return "i." + name
	}
	var v hindsight.Validation
	var where []string
	var args []any
	if f.Status != "" {
		if !f.Status.Valid() {
			v.Add("status", "unknown incident status %q", f.Status)
		}
		where, args = append(where, col("status")+" = ?"), append(args, string(f.Status))
	}
	if f.Severity != "" {
		if !f.Severity.Valid() {
			v.Add("severity", "unknown severity %q", f.Severity)
		}
		where, args = append(where, col("severity")+" = ?"), append(args, string(f.Severity))
	}
	if f.Service != "" && joined {
		where, args = append(where, "lower(sv.service) = lower(?)"), append(args, f.Service)
	} else if f.Service != "" {
		where = append(where, "i.seq IN (SELECT incident_seq FROM incident_services WHERE lower(service) = lower(?))")
		args = append(args, f.Service)
	}
	if cond, arg, err := postmortemCondition(f.PostmortemStatus, joined); err != nil {
		v.Add("postmortem_status", "%s", err.Error())
	} else if cond != "" {
		where = append(where, cond)
		args = append(args, arg...)
	}
	if !f.StartedFrom.IsZero() {
		where, args = append(where, col("started_at")+" >= ?"), append(args, ts(f.StartedFrom))
	}
	if !f.StartedTo.IsZero() {
		where, args = append(where, col("started_at")+" < ?"), append(args, ts(f.StartedTo))
	}
	if f.RecurrenceOf != "" {
		seq := "i.seq"
		if joined {
			seq = "sv.incident_seq"
		}
		where = append(where, seq+" IN (SELECT seq FROM incidents WHERE recurrence_of = ?)")
		args = append(args, f.RecurrenceOf)
	}
	if !f.StartedFrom.IsZero() && !f.StartedTo.IsZero() && !f.StartedTo.After(f.StartedFrom) {
		v.Add("started_to", "must be after started_from")
	}
	if err := v.Err("incident filter"); err != nil {
		return "", nil, err
	}
	return whereClause(where), args, nil
}

// FindPostmortem returns an incident with everything its document shows.
func (tx *Tx) FindPostmortem(ctx context.Context, incidentID string) (*hindsight.Postmortem, error) {
	inc, err := tx.FindIncidentByID(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	pm := &hindsight.Postmortem{Incident: *inc}
	doc, err := tx.FindDocument(ctx, incidentID)
	if err == nil {
		pm.Document = *doc
	} else if hindsight.ErrorCode(err) != hindsight.ENOTFOUND {
		return nil, err
	}
	events, err := tx.findTimeline(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	actions, err := tx.findActionsOf(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	signOffs, err := tx.findSignOffs(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	pm.Timeline = derefAll(events)
	pm.Actions = derefAll(actions)
	pm.SignOffs = derefAll(signOffs)
	if pm.FollowUp, err = noneAsNil(tx.FindFollowUp(ctx, incidentID)); err != nil {
		return nil, err
	}
	impact, err := noneAsNil(tx.FindImpact(ctx, incidentID))
	if err != nil {
		return nil, err
	}
	if impact != nil {
		pm.Impact = &impact.Impact
	}
	if pm.Changes, err = tx.changesBefore(ctx, pm); err != nil {
		return nil, err
	}
	attachments, err := tx.FindAttachments(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	if len(attachments) > 0 {
		pm.Attachments = derefAll(attachments)
	}
	return pm, nil
}

func derefAll[T any](in []*T) []T {
	out := make([]T, len(in))
	for i, p := range in {
		out[i] = *p
	}
	return out
}
