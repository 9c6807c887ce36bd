package hindsight

import (
	"context"
	"strings"
)

// SystemActor is the identity recorded in history when a change is made with
// no authenticated person behind it (alert intake, reminders, migrations).
const SystemActor = "system"

// actorKey is the private context key under which the acting identity lives.
type actorKey struct{}

// NewContextWithActor returns a copy of ctx that carries actor, the identity
// (a user handle, a token name) recorded in the history of every change made
// with that context.
func NewContextWithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, strings.TrimSpace(actor))
}

// ActorFromContext returns the identity carried by ctx, or SystemActor when
// there is none.
func ActorFromContext(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return SystemActor
}
