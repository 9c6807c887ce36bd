package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

const signOffCols = "incident_id, role, signer, signed_at, voided_at, voided_reason"

func signOffArgs(s *hindsight.SignOff) []any {
	return []any{s.IncidentID, string(s.Role), s.Signer, tsPtr(s.SignedAt), tsPtr(s.VoidedAt), s.VoidedReason}
}

func scanSignOff(sc scanner) (*hindsight.SignOff, error) {
	var s hindsight.SignOff
	var signed, voided sql.NullInt64
	if err := sc.Scan(&s.ID, &s.IncidentID, &s.Role, &s.Signer, &signed, &voided, &s.VoidedReason); err != nil {
		return nil, err
	}
	s.SignedAt, s.VoidedAt = fromTSPtr(signed), fromTSPtr(voided)
	return &s, nil
}

// validateSignOff returns an EINVALID error listing every bad field.
func validateSignOff(s *hindsight.SignOff) error {
	var v hindsight.Validation
	if strings.TrimSpace(s.IncidentID) == "" {
		v.Add("incident_id", "is required")
	}
	if !s.Role.Valid() {
		v.Add("role", "must be author, technical_review, management_review or final_approval, got %q", s.Role)
	}
	if s.VoidedAt != nil && strings.TrimSpace(s.VoidedReason) == "" {
		v.Add("voided_reason", "is required when the sign-off is voided")
	}
	return v.Err("sign-off")
}

// FindSignOffs returns an incident's sign-offs in role order.
func (tx *Tx) FindSignOffs(ctx context.Context, incidentID string) ([]*hindsight.SignOff, error) {
	if _, err := tx.FindIncidentByID(ctx, incidentID); err != nil {
		return nil, err
	}
	return tx.findSignOffs(ctx, incidentID)
}

func (tx *Tx) findSignOffs(ctx context.Context, incidentID string) ([]*hindsight.SignOff, error) {
	rows, err := tx.query(ctx, "SELECT id, "+signOffCols+" FROM sign_offs WHERE incident_id = ? ORDER BY id", incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byRole := map[hindsight.SignOffRole][]*hindsight.SignOff{}
	for rows.Next() {
		s, err := scanSignOff(rows)
		if err != nil {
			return nil, err
		}
		byRole[s.Role] = append(byRole[s.Role], s)
	}
	out := []*hindsight.SignOff{}
	for _, r := range hindsight.SignOffRoles {
		out = append(out, byRole[r]...)
	}
	return out, tx.d.mapError(rows.Err())
}

func (tx *Tx) findSignOff(ctx context.Context, id int64) (*hindsight.SignOff, error) {
	s, err := scanSignOff(tx.queryRow(ctx, "SELECT id, "+signOffCols+" FROM sign_offs WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("sign-off", id)
	}
	return s, tx.d.mapError(err)
}

// CreateSignOff stores a sign-off; each role has at most one per incident.
func (tx *Tx) CreateSignOff(ctx context.Context, s *hindsight.SignOff) error {
	if err := validateSignOff(s); err != nil {
		return err
	}
	if _, _, err := tx.lockIncident(ctx, s.IncidentID); err != nil {
		return err
	}
	s.SignedAt, s.VoidedAt = normalizePtr(s.SignedAt), normalizePtr(s.VoidedAt)
	if err := tx.insertSignOff(ctx, s); err != nil {
		if hindsight.ErrorCode(err) == hindsight.ECONFLICT {
			return hindsight.Errorf(hindsight.ECONFLICT, "incident %s already has a %s sign-off", s.IncidentID, s.Role.Label())
		}
		return err
	}
	return tx.record(ctx, s.IncidentID, hindsight.EntitySignOff, strconv.FormatInt(s.ID, 10), 0, nil, s)
}

func (tx *Tx) insertSignOff(ctx context.Context, s *hindsight.SignOff) error {
	if s.ID != 0 {
		_, err := tx.exec(ctx, "INSERT INTO sign_offs (id, "+signOffCols+") VALUES (?, ?, ?, ?, ?, ?, ?)",
			append([]any{s.ID}, signOffArgs(s)...)...)
		return err
	}
	err := tx.queryRow(ctx, "INSERT INTO sign_offs ("+signOffCols+") VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		signOffArgs(s)...).Scan(&s.ID)
	return tx.d.mapError(err)
}

// UpdateSignOff replaces a sign-off (signing or voiding it); its incident and
// role stay.
func (tx *Tx) UpdateSignOff(ctx context.Context, s *hindsight.SignOff) error {
	before, err := tx.findSignOff(ctx, s.ID)
	if err != nil {
		return err
	}
	s.IncidentID, s.Role = before.IncidentID, before.Role
	if err := validateSignOff(s); err != nil {
		return err
	}
	if _, _, err := tx.lockIncident(ctx, s.IncidentID); err != nil {
		return err
	}
	if before, err = tx.findSignOff(ctx, s.ID); err != nil {
		return err
	}
	s.SignedAt, s.VoidedAt = normalizePtr(s.SignedAt), normalizePtr(s.VoidedAt)
	if _, err := tx.exec(ctx, "UPDATE sign_offs SET signer = ?, signed_at = ?, voided_at = ?, voided_reason = ? WHERE id = ?",
		s.Signer, tsPtr(s.SignedAt), tsPtr(s.VoidedAt), s.VoidedReason, s.ID); err != nil {
		return err
	}
	return tx.record(ctx, s.IncidentID, hindsight.EntitySignOff, strconv.FormatInt(s.ID, 10), 0, before, s)
}
