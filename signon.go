package hindsight

import (
	"context"
	"net/url"
)

// SignOn is sign-in through an external identity provider (OpenID
// Connect): the server sends the browser to the provider, and the provider
// sends it back with a code that Finish turns into a person.
type SignOn interface {
	// Name is the provider's name as the sign-in page shows it.
	Name() string
	// Start returns the provider's URL to send the browser to, and the
	// pending sign-in (state, nonce, PKCE verifier) that the browser keeps
	// until it returns; pending is opaque to the caller.
	Start(ctx context.Context, redirectURL string) (authURL, pending string, err error)
	// Finish checks the provider's answer (the callback's query) against
	// pending and returns who signed in. Errors: EUNAUTHORIZED with the
	// reason (state does not match, ID token expired, for another client,
	// nonce does not match, the provider refused), EUNAVAILABLE when the
	// provider cannot be reached.
	Finish(ctx context.Context, redirectURL string, query url.Values, pending string) (*SignedOn, error)
}

// SignedOn is a person signed in through a SignOn: the identity of their
// session, and their directory entry as the provider's claims give it.
type SignedOn struct {
	Identity Identity
	Person   Person
}
