package http

import (
	"encoding/json"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

func TestDescribe(t *testing.T) {
	rev := func(entity, actor string, fields []string, before, after string) *hindsight.Revision {
		r := &hindsight.Revision{Entity: entity, Actor: actor, Fields: fields}
		if before != "" {
			r.Before = json.RawMessage(before)
		}
		if after != "" {
			r.After = json.RawMessage(after)
		}
		return r
	}
	tests := []struct {
		name string
		rev  *hindsight.Revision
		want string
	}{
		{"approved", rev(hindsight.EntityDocument, "approver", []string{"status"}, `{"status":"UNDER REVIEW"}`, `{"status":"APPROVED"}`), "@approver approved"},
		{"submitted", rev(hindsight.EntityDocument, "token:lead", []string{"status"}, `{"status":"DRAFT"}`, `{"status":"UNDER REVIEW"}`), "@lead submitted the post-mortem for review"},
		{"edited in document order", rev(hindsight.EntityDocument, "@lead", []string{"narrative"},
			`{"narrative":{"whys":[],"root_cause":"a"}}`, `{"narrative":{"whys":[1],"root_cause":"b"}}`), "@lead edited Root cause and 5 whys"},
		{"signed", rev(hindsight.EntitySignOff, "ana", []string{"signed_at", "signer"}, `{"signed_at":null}`, `{"role":"technical_review","signed_at":"2025-10-01T00:00:00Z"}`), "@ana signed off as Technical Review"},
		{"signed without role", rev(hindsight.EntitySignOff, "ana", []string{"signed_at"}, `{"signed_at":null}`, `{"signed_at":"2025-10-01T00:00:00Z"}`), "@ana signed off"},
		{"event added", rev(hindsight.EntityTimeline, "ana", []string{"event"}, "", `{"event":"Rollback"}`), "@ana created a timeline event: Rollback"},
		{"incident resolved", rev(hindsight.EntityIncident, "ana", []string{"resolved_at", "status"}, `{"status":"MITIGATED"}`, `{"status":"RESOLVED"}`), "@ana moved the incident to RESOLVED"},
		{"impact", rev("impact", "", []string{"impact"}, "", `{"impact":{}}`), "Hindsight measured the impact"},
		{"proxy e-mail", rev(hindsight.EntityAction, "ana@example.com", []string{"owner"}, `{"owner":"a"}`, `{"owner":"b"}`), "ana@example.com changed owner of an action item"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := describe(tt.rev, fieldChanges(tt.rev))
			if got := a.Who + " " + a.What; got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
