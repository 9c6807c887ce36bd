package sqlstore

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"

	"github.com/hindsight-sre/hindsight"
)

// Backup format: one JSON object whose first keys name the format and its
// version, then one array per table, rows in a stable order. The same store
// content gives the same bytes on either engine.
const (
	backupFormat        = "hindsight-backup"
	backupFormatVersion = 1
)

// backup is the whole of a store, as Export writes it and Import reads it.
type backup struct {
	Format             string                         `json:"format"`
	FormatVersion      int                            `json:"format_version"`
	Incidents          []*hindsight.Incident          `json:"incidents"`
	Documents          []*hindsight.Document          `json:"documents"`
	TimelineEvents     []*hindsight.TimelineEvent     `json:"timeline_events"`
	ActionItems        []*hindsight.ActionItem        `json:"action_items"`
	SignOffs           []*hindsight.SignOff           `json:"sign_offs"`
	Revisions          []*hindsight.Revision          `json:"revisions"`
	AlertStates        []*hindsight.AlertState        `json:"alert_states"`
	AlertNotifications []*hindsight.AlertNotification `json:"alert_notifications"`
	APITokens          []*hindsight.APIToken          `json:"api_tokens"`
	Impacts            []*hindsight.ImpactRecord      `json:"impacts"`
}

// section is one table of the backup: its key, query and row scanner.
type section struct {
	key   string
	query string
	scan  func(scanner) (any, error)
}

func sections() []section {
	return []section{
		{"incidents", incidentSelect + " ORDER BY i.seq", func(sc scanner) (any, error) { return scanIncident(sc) }},
		{"documents", "SELECT " + documentCols + " FROM documents ORDER BY incident_id", func(sc scanner) (any, error) { return scanDocument(sc) }},
		{"timeline_events", "SELECT id, " + eventCols + " FROM timeline_events ORDER BY id", func(sc scanner) (any, error) { return scanEvent(sc) }},
		{"action_items", "SELECT id, " + actionCols + " FROM action_items ORDER BY id", func(sc scanner) (any, error) { return scanAction(sc) }},
		{"sign_offs", "SELECT id, " + signOffCols + " FROM sign_offs ORDER BY id", func(sc scanner) (any, error) { return scanSignOff(sc) }},
		{"revisions", "SELECT " + revisionCols + " FROM revisions ORDER BY id", scanRevision},
		{"alert_states", "SELECT " + alertStateCols + " FROM alert_states ORDER BY incident_id, alert_key", func(sc scanner) (any, error) { return scanAlertState(sc) }},
		{"alert_notifications", "SELECT id, " + notificationCols + " FROM alert_notifications ORDER BY id", scanNotification},
		{"api_tokens", "SELECT id, " + tokenCols + " FROM api_tokens ORDER BY id", func(sc scanner) (any, error) { return scanToken(sc) }},
		{"impacts", "SELECT " + impactCols + " FROM impacts ORDER BY incident_id", func(sc scanner) (any, error) { return scanImpact(sc) }},
	}
}

func scanRevision(sc scanner) (any, error) {
	var r hindsight.Revision
	var at sql.NullInt64
	var fields string
	var before, after sql.NullString
	if err := sc.Scan(&r.ID, &r.IncidentID, &r.Entity, &r.EntityID, &r.Version, &r.Actor, &at, &fields, &before, &after); err != nil {
		return nil, err
	}
	r.At = fromTS(at)
	if before.Valid {
		r.Before = json.RawMessage(before.String)
	}
	if after.Valid {
		r.After = json.RawMessage(after.String)
	}
	return &r, fromJSON(fields, &r.Fields)
}

func scanNotification(sc scanner) (any, error) {
	var n hindsight.AlertNotification
	var received sql.NullInt64
	var incident sql.NullString
	if err := sc.Scan(&n.ID, &n.Fingerprint, &n.GroupKey, &n.Body, &received, &incident); err != nil {
		return nil, err
	}
	n.ReceivedAt, n.IncidentID = fromTS(received), incident.String
	return &n, nil
}

// Export writes everything in the store, revisions and token hashes
// included, as one JSON document read from one consistent snapshot.
func (s *Store) Export(ctx context.Context, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	err := s.view(ctx, func(tx *Tx) error {
		fmt.Fprintf(bw, "{\"format\":%q,\"format_version\":%d", backupFormat, backupFormatVersion)
		for _, sec := range sections() {
			if err := tx.exportSection(ctx, bw, sec); err != nil {
				return err
			}
		}
		_, err := bw.WriteString("\n}\n")
		return err
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

func (tx *Tx) exportSection(ctx context.Context, w *bufio.Writer, sec section) error {
	rows, err := tx.query(ctx, sec.query)
	if err != nil {
		return err
	}
	defer rows.Close()
	fmt.Fprintf(w, ",\n%q:[", sec.key)
	for n := 0; rows.Next(); n++ {
		v, err := sec.scan(rows)
		if err != nil {
			return err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if n > 0 {
			w.WriteByte(',')
		}
		w.WriteString("\n")
		w.Write(b)
	}
	if err := rows.Err(); err != nil {
		return tx.d.mapError(err)
	}
	_, err = w.WriteString("]")
	return err
}

// Import loads an Export into an empty store, in one transaction: on any
// error nothing is loaded.
func (s *Store) Import(ctx context.Context, r io.Reader) error {
	var b backup
	dec := json.NewDecoder(bufio.NewReader(r))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return hindsight.Errorf(hindsight.EINVALID, "cannot read the backup: %v", err)
	}
	if b.Format != backupFormat || b.FormatVersion != backupFormatVersion {
		return hindsight.Errorf(hindsight.EINVALID, "not a Hindsight backup of format version %d (format %q, version %d)",
			backupFormatVersion, b.Format, b.FormatVersion)
	}
	return s.update(ctx, func(tx *Tx) error { return tx.importAll(ctx, &b) })
}

func (tx *Tx) importAll(ctx context.Context, b *backup) error {
	n, err := tx.count(ctx, `SELECT (SELECT COUNT(*) FROM incidents) + (SELECT COUNT(*) FROM revisions)
		+ (SELECT COUNT(*) FROM api_tokens) + (SELECT COUNT(*) FROM alert_notifications)`)
	if err != nil {
		return err
	}
	if n > 0 {
		return hindsight.Errorf(hindsight.ECONFLICT, "the store is not empty: import only into a new store")
	}
	if err := tx.importRecords(ctx, b); err != nil {
		return err
	}
	for _, inc := range b.Incidents {
		if err := tx.reindex(ctx, inc.ID); err != nil {
			return err
		}
	}
	for _, q := range tx.d.resetSequences {
		if _, err := tx.exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// importRecords inserts every row as it is, IDs included.
func (tx *Tx) importRecords(ctx context.Context, b *backup) error {
	var steps []func() error
	for _, v := range b.Incidents {
		steps = append(steps, func() error { return tx.insertIncident(ctx, v) })
	}
	for _, v := range b.Documents {
		steps = append(steps, func() error { return tx.insertDocument(ctx, v) })
	}
	for _, v := range b.TimelineEvents {
		steps = append(steps, func() error { return tx.insertEvent(ctx, v) })
	}
	for _, v := range b.ActionItems {
		steps = append(steps, func() error { return tx.insertAction(ctx, v) })
	}
	for _, v := range b.SignOffs {
		steps = append(steps, func() error { return tx.insertSignOff(ctx, v) })
	}
	for _, v := range b.Revisions {
		steps = append(steps, func() error { return tx.insertRevision(ctx, v) })
	}
	for _, v := range b.AlertStates {
		steps = append(steps, func() error {
			_, err := tx.exec(ctx, "INSERT INTO alert_states ("+alertStateCols+") VALUES (?, ?, ?, ?, ?, ?, ?)", alertStateArgs(v)...)
			return err
		})
	}
	for _, v := range b.AlertNotifications {
		steps = append(steps, func() error { return tx.insertNotification(ctx, v) })
	}
	for _, v := range b.APITokens {
		steps = append(steps, func() error { return tx.insertToken(ctx, v) })
	}
	for _, v := range b.Impacts {
		steps = append(steps, func() error { return tx.upsertImpact(ctx, v) })
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) insertRevision(ctx context.Context, r *hindsight.Revision) error {
	if r.Fields == nil {
		r.Fields = []string{}
	}
	_, err := tx.exec(ctx, "INSERT INTO revisions ("+revisionCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		r.ID, r.IncidentID, r.Entity, r.EntityID, r.Version, r.Actor, ts(r.At), jsonText(r.Fields), rawOrNull(r.Before), rawOrNull(r.After))
	return err
}

// rawOrNull returns nil for an absent or JSON-null value.
func rawOrNull(m json.RawMessage) any {
	if len(m) == 0 || string(m) == "null" {
		return nil
	}
	return string(m)
}
