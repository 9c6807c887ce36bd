package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// postmortemCondition narrows a list to incidents whose post-mortem has
// status st (PostmortemNone: without one), over incidents i or, joined,
// their service rows sv.
func postmortemCondition(st hindsight.DocumentStatus, joined bool) (string, []any, error) {
	if st == "" {
		return "", nil, nil
	}
	seq := "i.seq"
	if joined {
		seq = "sv.incident_seq"
	}
	docs := "SELECT di.seq FROM incidents di JOIN documents d ON d.incident_id = di.id"
	if st == hindsight.PostmortemNone {
		return seq + " NOT IN (" + docs + ")", nil, nil
	}
	if !st.Valid() {
		return "", nil, fmt.Errorf("unknown post-mortem status %q: use DRAFT, UNDER REVIEW, APPROVED, ARCHIVED or NONE", st)
	}
	return seq + " IN (" + docs + " WHERE d.status = ?)", []any{string(st)}, nil
}

// FindServices returns the services incidents list, each once.
func (tx *Tx) FindServices(ctx context.Context) ([]string, error) {
	rows, err := tx.query(ctx, "SELECT DISTINCT service FROM incident_services ORDER BY service LIMIT ?", 4*hindsight.MaxServices)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	seen := map[string]bool{}
	for rows.Next() && len(out) < hindsight.MaxServices {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, tx.d.mapError(err)
		}
		if k := strings.ToLower(s); !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	return out, tx.d.mapError(rows.Err())
}

// FindPostmortemStatuses returns the post-mortem status of each incident
// of ids that has a post-mortem.
func (tx *Tx) FindPostmortemStatuses(ctx context.Context, ids []string) (map[string]hindsight.DocumentStatus, error) {
	out := map[string]hindsight.DocumentStatus{}
	if len(ids) > hindsight.MaxPageLimit {
		return nil, hindsight.Errorf(hindsight.EINVALID, "at most %d incidents at a time, not %d", hindsight.MaxPageLimit, len(ids))
	}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	q := "SELECT incident_id, status FROM documents WHERE incident_id IN (?" + strings.Repeat(", ?", len(ids)-1) + ")"
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, st string
		if err := rows.Scan(&id, &st); err != nil {
			return nil, tx.d.mapError(err)
		}
		out[id] = hindsight.DocumentStatus(st)
	}
	return out, tx.d.mapError(rows.Err())
}

// FindServices returns the services incidents list, each once.
func (s *Store) FindServices(ctx context.Context) (out []string, err error) {
	err = s.view(ctx, func(tx *Tx) error { out, err = tx.FindServices(ctx); return err })
	return out, err
}

// FindPostmortemStatuses returns the post-mortem status of each incident
// of ids that has a post-mortem.
func (s *Store) FindPostmortemStatuses(ctx context.Context, ids []string) (out map[string]hindsight.DocumentStatus, err error) {
	err = s.view(ctx, func(tx *Tx) error { out, err = tx.FindPostmortemStatuses(ctx, ids); return err })
	return out, err
}
