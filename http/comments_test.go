package http_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

// TestCommentAPI comments, replies, resolves and requests changes through
// the JSON API, and checks what each role and bad input get.
func TestCommentAPI(t *testing.T) {
	a := newReviewAPI(t)
	base := "/api/v1/incidents/" + apiIncident + "/comments"
	var c hindsight.Comment
	if st := a.do(hindsight.RoleEditor, "POST", base, map[string]any{"body": "Which deploy, @lead? <script>window.x=1</script>", "section": "root_cause"}, &c); st != http.StatusCreated {
		t.Fatalf("create: %d", st)
	}
	if c.Author != "editor" || c.Section != "root_cause" || strings.Join(c.Mentions, ",") != "lead" || c.Kind != hindsight.CommentNote {
		t.Fatalf("created %+v", c)
	}
	t.Run("Refused", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			role hindsight.Role
			body any
			want int
		}{
			{"Anonymous", "", map[string]any{"body": "x"}, http.StatusUnauthorized},
			{"Viewer", hindsight.RoleViewer, map[string]any{"body": "x"}, http.StatusForbidden},
			{"EmptyBody", hindsight.RoleEditor, map[string]any{"body": " "}, http.StatusBadRequest},
			{"UnknownField", hindsight.RoleEditor, map[string]any{"body": "x", "author": "someone else"}, http.StatusBadRequest},
			{"BadKind", hindsight.RoleEditor, map[string]any{"body": "x", "kind": "shout"}, http.StatusBadRequest},
			{"BadSection", hindsight.RoleEditor, map[string]any{"body": "x", "section": "Root Cause!"}, http.StatusBadRequest},
			{"NotJSON", hindsight.RoleEditor, "body=x", http.StatusBadRequest},
			{"UnknownParent", hindsight.RoleEditor, map[string]any{"body": "x", "parent_id": 9999}, http.StatusNotFound},
			{"ChangesOfADraft", hindsight.RoleEditor, map[string]any{"body": "x", "kind": "request_changes"}, http.StatusConflict},
		} {
			t.Run(tt.name, func(t *testing.T) {
				var e map[string]any
				if st := a.do(tt.role, "POST", base, tt.body, &e); st != tt.want || e["error"] == "" {
					t.Fatalf("status %d %v, want %d with a message", st, e, tt.want)
				}
			})
		}
		all, err := a.store.FindComments(context.Background(), apiIncident)
		if err != nil || len(all) != 1 {
			t.Fatalf("refused comments stored: %d (%v)", len(all), err)
		}
		if st := a.do(hindsight.RoleEditor, "POST", "/api/v1/incidents/INCIDENT-20250930-0024-none/comments", map[string]any{"body": "x"}, nil); st != http.StatusNotFound {
			t.Errorf("comment on a missing incident: %d", st)
		}
	})
	t.Run("ThreadAndResolve", func(t *testing.T) {
		var reply hindsight.Comment
		if st := a.do(hindsight.RoleApprover, "POST", base, map[string]any{"body": "The 00:20 one.", "parent_id": c.ID}, &reply); st != http.StatusCreated {
			t.Fatalf("reply: %d", st)
		}
		resolve := base + "/" + strconv.FormatInt(c.ID, 10) + "/resolve"
		if st := a.do(hindsight.RoleViewer, "POST", resolve, nil, nil); st != http.StatusForbidden {
			t.Errorf("a viewer resolving: %d", st)
		}
		if st := a.do(hindsight.RoleEditor, "POST", base+"/"+strconv.FormatInt(reply.ID, 10)+"/resolve", nil, nil); st != http.StatusConflict {
			t.Errorf("resolving a reply: %d", st)
		}
		if st := a.do(hindsight.RoleEditor, "POST", base+"/abc/resolve", nil, nil); st != http.StatusNotFound {
			t.Errorf("resolving comment abc: %d", st)
		}
		var done hindsight.Comment
		if st := a.do(hindsight.RoleEditor, "POST", resolve, nil, &done); st != http.StatusOK || done.ResolvedBy != "editor" {
			t.Fatalf("resolve: %d %+v", st, done)
		}
		var list struct {
			Items []hindsight.CommentThread `json:"items"`
			Total int                       `json:"total"`
		}
		if st := a.do(hindsight.RoleViewer, "GET", base, nil, &list); st != http.StatusOK || list.Total != 1 ||
			len(list.Items[0].Replies) != 1 || list.Items[0].ResolvedAt == nil || !strings.Contains(list.Items[0].Body, "<script>") {
			t.Fatalf("list: %d %+v", st, list)
		}
	})
	t.Run("RequestChanges", func(t *testing.T) {
		ctx := hindsight.NewContextWithIdentity(context.Background(), hindsight.Identity{Name: "setup", Role: hindsight.RoleAdmin})
		doc, err := a.store.FindDocument(ctx, apiIncident)
		if err != nil {
			t.Fatal(err)
		}
		d := *doc
		d.Status = hindsight.DocUnderReview
		if err := a.store.UpdateDocument(ctx, &d, doc.Version); err != nil {
			t.Fatal(err)
		}
		var rc hindsight.Comment
		if st := a.do(hindsight.RoleApprover, "POST", base, map[string]any{"body": "Name the deploy.", "kind": "request_changes", "section": "whys"}, &rc); st != http.StatusCreated {
			t.Fatalf("request changes: %d", st)
		}
		after, _ := a.store.FindDocument(ctx, apiIncident)
		if after.Status != hindsight.DocDraft || rc.Kind != hindsight.CommentRequestChanges || rc.Author != "approver" {
			t.Fatalf("after a request for changes: %s, %+v", after.Status, rc)
		}
	})
}
