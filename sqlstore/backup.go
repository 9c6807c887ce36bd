package sqlstore

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// Backup format: one JSON object whose first keys name the format and its
// version, then one array per table, rows in a stable order. The same store
// content gives the same bytes on either engine.
//
// Versions:
//
//	1: incidents, documents, timeline_events, action_items, sign_offs,
//	   revisions, alert_states, alert_notifications, api_tokens, impacts.
//	2: adds follow_ups, import_sources and reminders_sent.
//	3: adds changes and attachments (their bytes base64 in "data"), and
//	   later people (the directory), paging_acks (on-call tools'
//	   acknowledgements), comments, person_events and notification_prefs
//	   (each absent from older files, so left empty).
//
// Import reads every version from backupFormatVersionMin on; a table that an
// older version does not carry is left empty.
//
// Tables deliberately left out:
//
//   - sessions: web UI sign-ins, not data. A session's hash is what lets a
//     browser in; session secrets do not travel in backups, and a restore
//     signs everyone out.
//   - incident_services, search_docs and search_queue: derived from the
//     incidents; Import rebuilds the search documents.
//   - goose_db_version: the schema version, set by the migrations of the
//     store imported into.
const (
	backupFormat           = "hindsight-backup"
	backupFormatVersion    = 3
	backupFormatVersionMin = 1
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
	// Since version 2.
	FollowUps     []*hindsight.FollowUp `json:"follow_ups"`
	ImportSources []*importSourceRow    `json:"import_sources"`
	RemindersSent []*reminderRow        `json:"reminders_sent"`
	// Since version 3.
	Changes     []*hindsight.Change     `json:"changes"`
	Attachments []*hindsight.Attachment `json:"attachments"`
	// Since version 3, optional: the Slack app (slack_backup.go).
	SlackChannels []*hindsight.SlackChannel `json:"slack_channels"`
	SlackMessages []*hindsight.SlackMessage `json:"slack_messages"`
	// The directory of people; absent in backups written before it.
	People []*hindsight.Person `json:"people,omitempty"`
	// PagingAcks: on-call tools' acknowledgements (paging_acks), added
	// within version 3; older version 3 backups leave it empty.
	PagingAcks []*hindsight.Acknowledgement `json:"paging_acks"`
	// TrackerSync: the tracker outbox and issue links (backup_tracker.go).
	TrackerSync []*trackerSyncRow `json:"tracker_sync"`
	// Added to version 3 later; absent in older files.
	Comments          []*hindsight.Comment           `json:"comments"`
	PersonEvents      []*hindsight.PersonEvent       `json:"person_events"`
	NotificationPrefs []*hindsight.NotificationPrefs `json:"notification_prefs"`
}

// importSourceRow is one row of import_sources: the hash of the Markdown file
// an incident was imported from. Restoring it keeps "hindsight import" of the
// same files a no-op after a restore.
type importSourceRow struct {
	IncidentID string    `json:"incident_id"`
	Path       string    `json:"path"`
	SHA256     string    `json:"sha256"`
	ImportedAt time.Time `json:"imported_at"`
	// Markdown and Snapshot: absent in backups written before they were kept.
	Markdown string `json:"markdown,omitempty"`
	Snapshot string `json:"snapshot,omitempty"`
}

// reminderRow is one row of reminders_sent: a reminder claimed, and sent when
// SentAt is set. Restoring it keeps a restored store from sending again the
// reminders that already went out.
type reminderRow struct {
	Kind       hindsight.ReminderKind `json:"kind"`
	Subject    string                 `json:"subject"`
	Period     string                 `json:"period"`
	Channel    string                 `json:"channel"`
	Token      string                 `json:"token"`
	ClaimedAt  time.Time              `json:"claimed_at"`
	LeaseUntil time.Time              `json:"lease_until"`
	SentAt     *time.Time             `json:"sent_at"`
}

// section is one table of the backup: its key, query and row scanner.
type section struct {
	key   string
	query string
	scan  func(scanner) (any, error)
}

// sections returns the tables of the backup in the order Export writes them.
// Text sort keys compare byte by byte on PostgreSQL (COLLATE "C"), as they
// do on SQLite, so that both engines write rows in one order whatever the
// database's collation.
func sections(d *dialect) []section {
	by := func(cols ...string) string {
		out := " ORDER BY "
		for i, c := range cols {
			if i > 0 {
				out += ", "
			}
			out += c
			if d.name == "postgres" {
				out += ` COLLATE "C"`
			}
		}
		return out
	}
	return append([]section{
		{"incidents", incidentSelect + " ORDER BY i.seq", func(sc scanner) (any, error) { return scanIncident(sc) }},
		{"documents", "SELECT " + documentCols + " FROM documents" + by("incident_id"), func(sc scanner) (any, error) { return scanDocument(sc) }},
		{"timeline_events", "SELECT id, " + eventCols + " FROM timeline_events ORDER BY id", func(sc scanner) (any, error) { return scanEvent(sc) }},
		{"action_items", "SELECT id, " + actionCols + " FROM action_items ORDER BY id", func(sc scanner) (any, error) { return scanAction(sc) }},
		{"sign_offs", "SELECT id, " + signOffCols + " FROM sign_offs ORDER BY id", func(sc scanner) (any, error) { return scanSignOff(sc) }},
		{"revisions", "SELECT " + revisionCols + " FROM revisions ORDER BY id", scanRevision},
		{"alert_states", "SELECT " + alertStateCols + " FROM alert_states" + by("incident_id", "alert_key"), func(sc scanner) (any, error) { return scanAlertState(sc) }},
		{"alert_notifications", "SELECT id, " + notificationCols + " FROM alert_notifications ORDER BY id", scanNotification},
		{"api_tokens", "SELECT id, " + tokenCols + " FROM api_tokens ORDER BY id", func(sc scanner) (any, error) { return scanToken(sc) }},
		{"impacts", "SELECT " + impactCols + " FROM impacts" + by("incident_id"), func(sc scanner) (any, error) { return scanImpact(sc) }},
		{"follow_ups", "SELECT incident_id, computed_at, data FROM follow_ups" + by("incident_id"), scanFollowUpRow},
		{"import_sources", "SELECT incident_id, path, sha256, imported_at, markdown, snapshot FROM import_sources" + by("incident_id"), scanImportSourceRow},
		{"reminders_sent", "SELECT kind, subject, period, channel, token, claimed_at, lease_until, sent_at FROM reminders_sent" +
			by("kind", "subject", "period", "channel"), scanReminderRow},
		{"changes", "SELECT " + changeCols + " FROM changes ORDER BY id", func(sc scanner) (any, error) { return scanChange(sc) }},
		{"attachments", "SELECT " + attachmentMeta + ", data FROM attachments ORDER BY id",
			func(sc scanner) (any, error) { return scanAttachment(sc, true) }},
		{"people", "SELECT " + personCols + " FROM people" + by("handle_key"), func(sc scanner) (any, error) { return scanPerson(sc) }},
		{"paging_acks", "SELECT " + pagingAckCols + " FROM paging_acks" + by("incident_id", "source", "ref"),
			func(sc scanner) (any, error) { return scanPagingAck(sc) }},
		{"tracker_sync", "SELECT " + trackerSyncRowCols + " FROM tracker_sync ORDER BY action_id", scanTrackerSyncRow},
		{"comments", "SELECT " + commentCols + " FROM comments ORDER BY id", func(sc scanner) (any, error) { return scanComment(sc) }},
		{"person_events", "SELECT " + personEventCols + " FROM person_events ORDER BY id", func(sc scanner) (any, error) { return scanPersonEvent(sc) }},
		{"notification_prefs", "SELECT handle, email, slack_dm, updated_at FROM notification_prefs" + by("handle"),
			func(sc scanner) (any, error) { return scanPrefs(sc) }},
	}, slackSections(by)...)
}

// scanFollowUpRow reads a follow_ups row: the stored follow-up, with the
// incident and computation time of the row's own columns.
func scanFollowUpRow(sc scanner) (any, error) {
	var id, data string
	var computed sql.NullInt64
	if err := sc.Scan(&id, &computed, &data); err != nil {
		return nil, err
	}
	var f hindsight.FollowUp
	if err := fromJSON(data, &f); err != nil {
		return nil, err
	}
	f.IncidentID, f.ComputedAt = id, fromTS(computed)
	return &f, nil
}

// scanImportSourceRow reads an import_sources row.
func scanImportSourceRow(sc scanner) (any, error) {
	var r importSourceRow
	var at sql.NullInt64
	if err := sc.Scan(&r.IncidentID, &r.Path, &r.SHA256, &at, &r.Markdown, &r.Snapshot); err != nil {
		return nil, err
	}
	r.ImportedAt = fromTS(at)
	return &r, nil
}

// scanReminderRow reads a reminders_sent row; sent_at is NULL for a claim
// not yet delivered.
func scanReminderRow(sc scanner) (any, error) {
	var r reminderRow
	var claimed, lease, sent sql.NullInt64
	if err := sc.Scan(&r.Kind, &r.Subject, &r.Period, &r.Channel, &r.Token, &claimed, &lease, &sent); err != nil {
		return nil, err
	}
	r.ClaimedAt, r.LeaseUntil, r.SentAt = fromTS(claimed), fromTS(lease), fromTSPtr(sent)
	return &r, nil
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
	var stored []byte
	var encoding string
	if err := sc.Scan(&n.ID, &n.Fingerprint, &n.GroupKey, &stored, &received, &incident, &encoding); err != nil {
		return nil, err
	}
	n.ReceivedAt, n.IncidentID = fromTS(received), incident.String
	body, err := decodeBody(stored, encoding)
	if err != nil {
		return nil, fmt.Errorf("notification %d: %w", n.ID, err)
	}
	n.Body = body
	return &n, nil
}

// Export writes everything in the store, revisions, token hashes and raw
// notification bodies included, as one JSON document read from one
// consistent snapshot. Web UI sessions are left out on purpose: they are
// sign-ins, not data, and their secrets must not travel in a backup (a
// restored store signs everyone out). ExportWith leaves out more.
func (s *Store) Export(ctx context.Context, w io.Writer) error {
	return s.ExportWith(ctx, w, ExportOptions{Tokens: true, RawBodies: true})
}

// ExportWith writes the store as Export does, with the token hashes and
// the raw notification bodies only when opts asks for them: without
// Tokens, "api_tokens" is an empty array; without RawBodies, every
// notification's body is empty (its fingerprint, group and incident stay,
// so that a restore still recognises a re-delivered notification).
func (s *Store) ExportWith(ctx context.Context, w io.Writer, opts ExportOptions) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	err := s.view(ctx, func(tx *Tx) error {
		fmt.Fprintf(bw, "{\"format\":%q,\"format_version\":%d", backupFormat, backupFormatVersion)
		for _, sec := range sections(s.d) {
			if err := tx.exportSection(ctx, bw, opts.apply(sec)); err != nil {
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
// error nothing is loaded. It reads every format version from
// backupFormatVersionMin to backupFormatVersion; the tables an older version
// does not carry stay empty.
func (s *Store) Import(ctx context.Context, r io.Reader) error {
	var b backup
	dec := json.NewDecoder(bufio.NewReader(r))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return hindsight.Errorf(hindsight.EINVALID, "cannot read the backup: %v", err)
	}
	if b.Format != backupFormat || b.FormatVersion < backupFormatVersionMin || b.FormatVersion > backupFormatVersion {
		return hindsight.Errorf(hindsight.EINVALID, "not a Hindsight backup of format version %d to %d (format %q, version %d)",
			backupFormatVersionMin, backupFormatVersion, b.Format, b.FormatVersion)
	}
	if where := b.nullEntry(); where != "" {
		return hindsight.Errorf(hindsight.EINVALID, "cannot read the backup: %s is null; the file is damaged or was edited by hand", where)
	}
	return s.update(ctx, func(tx *Tx) error { return tx.importAll(ctx, &b) })
}

// nullEntry names the first null row of any table ("follow_ups[0]"), or ""
// when there is none: a null row would otherwise reach the inserts.
func (b *backup) nullEntry() string {
	v := reflect.ValueOf(b).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if f.Kind() != reflect.Slice {
			continue
		}
		for j := 0; j < f.Len(); j++ {
			if f.Index(j).IsNil() {
				tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
				return fmt.Sprintf("%s[%d]", tag, j)
			}
		}
	}
	return ""
}

func (tx *Tx) importAll(ctx context.Context, b *backup) error {
	n, err := tx.count(ctx, `SELECT (SELECT COUNT(*) FROM incidents) + (SELECT COUNT(*) FROM revisions)
		+ (SELECT COUNT(*) FROM api_tokens) + (SELECT COUNT(*) FROM alert_notifications)
		+ (SELECT COUNT(*) FROM reminders_sent)`)
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
		steps = append(steps, func() error { return tx.insertDocument(ctx, encodeNarrative(v)) })
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
	for _, v := range b.FollowUps {
		steps = append(steps, func() error {
			_, err := tx.exec(ctx, "INSERT INTO follow_ups (incident_id, computed_at, data) VALUES (?, ?, ?)",
				v.IncidentID, ts(v.ComputedAt), jsonText(v))
			return err
		})
	}
	for _, v := range b.ImportSources {
		steps = append(steps, func() error {
			_, err := tx.exec(ctx, "INSERT INTO import_sources (incident_id, path, sha256, imported_at, markdown, snapshot) VALUES (?, ?, ?, ?, ?, ?)",
				v.IncidentID, v.Path, v.SHA256, ts(v.ImportedAt), v.Markdown, v.Snapshot)
			return err
		})
	}
	for _, v := range b.RemindersSent {
		steps = append(steps, func() error {
			_, err := tx.exec(ctx, `INSERT INTO reminders_sent (kind, subject, period, channel, token, claimed_at, lease_until, sent_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				string(v.Kind), v.Subject, v.Period, v.Channel, v.Token, ts(v.ClaimedAt), ts(v.LeaseUntil), tsPtr(v.SentAt))
			return err
		})
	}
	for _, v := range b.Changes {
		steps = append(steps, func() error { return tx.insertChange(ctx, v) })
	}
	for _, v := range b.Attachments {
		steps = append(steps, func() error { return tx.insertAttachment(ctx, v) })
	}
	for _, v := range b.People {
		steps = append(steps, func() error { return tx.insertPerson(ctx, v) })
	}
	for _, v := range b.PagingAcks {
		steps = append(steps, func() error {
			_, err := tx.exec(ctx, "INSERT INTO paging_acks ("+pagingAckCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?)", pagingAckArgs(v)...)
			return err
		})
	}
	for _, v := range b.TrackerSync {
		steps = append(steps, func() error { return tx.insertTrackerSyncRow(ctx, v) })
	}
	for _, v := range b.Comments {
		steps = append(steps, func() error { return tx.insertComment(ctx, v) })
	}
	for _, v := range b.PersonEvents {
		steps = append(steps, func() error { return tx.insertPersonEvent(ctx, v) })
	}
	for _, v := range b.NotificationPrefs {
		steps = append(steps, func() error {
			_, err := tx.exec(ctx, "INSERT INTO notification_prefs (handle, email, slack_dm, updated_at) VALUES (?, ?, ?, ?)",
				v.Handle, v.Email, v.SlackDM, ts(v.UpdatedAt))
			return err
		})
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return tx.importSlack(ctx, b)
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
