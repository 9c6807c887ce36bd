package hindsight

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Role is what an authenticated identity may do. Each role includes the
// rights of the roles before it.
type Role string

// Roles, least privileged first.
const (
	// RoleViewer reads incidents, documents and metrics.
	RoleViewer Role = "viewer"
	// RoleEditor edits incidents, narratives, timelines and action items.
	RoleEditor Role = "editor"
	// RoleApprover also signs off and approves post-mortems.
	RoleApprover Role = "approver"
	// RoleAdmin also manages tokens and configuration-level actions.
	RoleAdmin Role = "admin"
)

// Roles lists every role, least privileged first.
var Roles = []Role{RoleViewer, RoleEditor, RoleApprover, RoleAdmin}

func (r Role) rank() int {
	for i, v := range Roles {
		if v == r {
			return i + 1
		}
	}
	return 0
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.rank() > 0 }

// Allows reports whether r has at least the rights of min.
func (r Role) Allows(min Role) bool { return r.Valid() && r.rank() >= min.rank() }

// ParseRole reads a role name, case-insensitively.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", Errorf(EINVALID, "unknown role %q: use viewer, editor, approver or admin", s)
	}
	return r, nil
}

// Identity is who makes a request: a person or a token, with a role. There
// is one kind of identity whatever the sign-in: people are compared by
// handle (SamePerson), so a token, a session and a proxy user with the same
// handle are the same person for history, sign-offs and review.signers.
type Identity struct {
	// Name is the person's handle as recorded in history and shown in
	// documents (as "@name"): a token's handle (or its name when it has
	// none), a proxy user's e-mail or user name.
	Name string `json:"name"`
	// Display is a readable name, such as "On-call lead"; empty means Name.
	Display string `json:"display,omitempty"`
	// Email is the person's e-mail address when the sign-in gave one
	// (OpenID Connect).
	Email string `json:"email,omitempty"`
	Role  Role   `json:"role"`
	// Method says how the identity was established: token, proxy, session.
	Method string `json:"method"`
	// Token and TokenCreatedBy are, for a request made with an API token,
	// the token's name and who created it.
	Token          string `json:"token,omitempty"`
	TokenCreatedBy string `json:"token_created_by,omitempty"`
}

// Label returns how the UI names the identity: "On-call lead (@lead)", or
// "@lead" without a display name.
func (id Identity) Label() string {
	h := "@" + strings.TrimLeft(id.Name, "@")
	if strings.Contains(id.Name, "@") && !strings.HasPrefix(id.Name, "@") {
		h = id.Name // an e-mail address reads as it is
	}
	if d := strings.TrimSpace(id.Display); d != "" && d != id.Name {
		return d + " (" + h + ")"
	}
	return h
}

// TokenIdentity returns the identity of a request authenticated by t,
// established by method ("token" for the API, "session" for the UI).
func TokenIdentity(t *APIToken, method string) Identity {
	name := HandleName(t.Handle)
	if name == "" {
		name = strings.TrimSpace(t.Name)
	}
	return Identity{Name: name, Display: strings.TrimSpace(t.Display), Role: Role(t.Role), Method: method,
		Token: t.Name, TokenCreatedBy: t.CreatedBy}
}

// HandleName returns a handle as stored, without its leading "@" and
// surrounding space: "@lead" and "lead" both give "lead".
func HandleName(handle string) string {
	return strings.TrimLeft(strings.TrimSpace(handle), "@")
}

// ValidHandle reports whether a handle (with or without its "@") is usable:
// 1 to 64 letters, digits, '.', '_' or '-'.
func ValidHandle(handle string) bool {
	h := HandleName(handle)
	if h == "" || len(h) > 64 {
		return false
	}
	for _, r := range h {
		if !(r == '.' || r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

type identityKey struct{}

// NewContextWithIdentity returns a copy of ctx carrying id; its Name is also
// the actor recorded in history.
func NewContextWithIdentity(ctx context.Context, id Identity) context.Context {
	ctx = context.WithValue(ctx, identityKey{}, id)
	return NewContextWithActor(ctx, id.Name)
}

// IdentityFromContext returns the identity carried by ctx, and false for an
// anonymous request.
func IdentityFromContext(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	return id, ok && id.Name != ""
}

// TokenPrefix starts every API token, so that leaked tokens are easy to
// recognise by secret scanners.
const TokenPrefix = "hs_"

// NewToken returns a new random API token secret (hs_ followed by 40 hex
// digits, 160 bits). Only its HashToken is stored.
func NewToken() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return TokenPrefix + hex.EncodeToString(b), nil
}

// HashToken returns the stored form of a token secret. Tokens carry 160
// random bits, so a plain SHA-256 is enough: there is nothing to brute-force.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	return hex.EncodeToString(sum[:])
}
