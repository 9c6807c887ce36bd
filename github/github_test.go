package github_test

import (
	"testing"

	"github.com/hindsight-sre/hindsight/github"
)

// TestVerifySignature uses the example of GitHub's "Validating webhook
// deliveries": secret "It's a Secret to Everybody", payload "Hello, World!".
func TestVerifySignature(t *testing.T) {
	const secret, payload = "It's a Secret to Everybody", "Hello, World!"
	const want = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
	if got := github.Sign(secret, []byte(payload)); got != want {
		t.Errorf("Sign = %s, want GitHub's documented %s", got, want)
	}
	for _, tc := range []struct {
		name, secret, payload, header string
		ok                            bool
	}{
		{"Documented", secret, payload, want, true},
		{"OtherPayload", secret, "Hello, World?", want, false},
		{"OtherSecret", "another", payload, want, false},
		{"EmptySecret", "", payload, github.Sign("", []byte(payload)), false},
		{"SHA1Header", secret, payload, "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59", false},
		{"NotHex", secret, payload, "sha256=zz", false},
		{"Missing", secret, payload, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := github.VerifySignature(tc.secret, []byte(tc.payload), tc.header); got != tc.ok {
				t.Errorf("VerifySignature = %v, want %v", got, tc.ok)
			}
		})
	}
}

func TestParseIssueURL(t *testing.T) {
	for _, tc := range []struct {
		name, host, url, repo string
		number                int
	}{
		{"GitHub", "github.com", "https://github.com/acme/platform/issues/12", "acme/platform", 12},
		{"TrailingSlash", "github.com", "https://github.com/acme/platform/issues/12/", "acme/platform", 12},
		{"Enterprise", "ghe.example.com", "https://ghe.example.com/ops/db/issues/3", "ops/db", 3},
		{"OtherHost", "github.com", "https://gitlab.com/acme/platform/issues/12", "", 0},
		{"PullRequest", "github.com", "https://github.com/acme/platform/pull/12", "", 0},
		{"NotANumber", "github.com", "https://github.com/acme/platform/issues/twelve", "", 0},
		{"Zero", "github.com", "https://github.com/acme/platform/issues/0", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo, n, ok := github.ParseIssueURL(tc.host, tc.url)
			if repo != tc.repo || n != tc.number || ok != (tc.repo != "") {
				t.Errorf("ParseIssueURL = %q %d %v, want %q %d", repo, n, ok, tc.repo, tc.number)
			}
		})
	}
	if h := github.WebHost("https://api.github.com/"); h != "github.com" {
		t.Errorf("WebHost(api.github.com) = %q", h)
	}
	if repo, n, ok := github.ParseIssueKey("acme/platform#12"); !ok || repo != "acme/platform" || n != 12 {
		t.Errorf("ParseIssueKey = %q %d %v", repo, n, ok)
	}
	for _, bad := range []string{"acme#1", "acme/platform#", "acme/platform#-1", "a/b/c#1"} {
		if _, _, ok := github.ParseIssueKey(bad); ok {
			t.Errorf("ParseIssueKey(%q) accepted", bad)
		}
	}
}
