package main

import (
	"context"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
)

// tokenExpiry reads --expires as of now: "never" (nil), a lifetime such as
// 90d or 12h, or a date (YYYY-MM-DD, the token works until its start, UTC)
// or RFC 3339 time, which must be in the future.
func tokenExpiry(s string, now time.Time) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "never") {
		return nil, nil
	}
	var at time.Time
	if d, err := config.ParseDuration(s); err == nil {
		if d <= 0 {
			return nil, hindsight.Errorf(hindsight.EINVALID, "--expires %q: the lifetime must be positive", s)
		}
		at = now.Add(d)
	} else if t, err := time.Parse("2006-01-02", s); err == nil {
		at = t
	} else if t, err := time.Parse(time.RFC3339, s); err == nil {
		at = t
	} else {
		return nil, hindsight.Errorf(hindsight.EINVALID, "--expires %q: use a lifetime such as 90d or 12h, a date such as 2026-06-30, or never", s)
	}
	if !at.After(now) {
		return nil, hindsight.Errorf(hindsight.EINVALID, "--expires %q is in the past", s)
	}
	at = at.UTC().Truncate(time.Microsecond)
	return &at, nil
}

// expiresText says when a token expires: "expires 2026-03-05T10:00:00Z"
// or "never expires".
func expiresText(at *time.Time) string {
	if at == nil {
		return "never expires"
	}
	return "expires " + at.UTC().Format(time.RFC3339)
}

// cliCreator names who creates a token from the command line: "cli:" and
// the operating system's user name.
func cliCreator() string {
	return "cli:" + firstNonEmpty(os.Getenv("USER"), os.Getenv("USERNAME"), "unknown")
}

// findTokenRef returns the token that ref names: its ID (a number) or,
// failing that, its name.
func findTokenRef(ctx context.Context, s hindsight.TokenService, ref string) (*hindsight.APIToken, error) {
	tokens, err := s.FindTokens(ctx)
	if err != nil {
		return nil, storeFailure("cannot list tokens", err)
	}
	id, numErr := strconv.ParseInt(strings.TrimSpace(ref), 10, 64)
	for _, t := range tokens {
		if numErr == nil && t.ID == id {
			return t, nil
		}
	}
	for _, t := range tokens {
		if t.Name == strings.TrimSpace(ref) {
			return t, nil
		}
	}
	return nil, hindsight.Errorf(hindsight.ENOTFOUND, "no token with ID or name %q: see 'hindsight token list'", ref)
}
