package github

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// SignatureHeader carries the HMAC-SHA256 of a webhook delivery's body
// under the webhook's secret, as "sha256=<hex>".
const SignatureHeader = "X-Hub-Signature-256"

// EventHeader names a delivery's event, such as "issues" or "ping".
const EventHeader = "X-GitHub-Event"

// VerifySignature reports whether header is body's signature under secret,
// compared in constant time. An empty secret verifies nothing.
func VerifySignature(secret string, body []byte, header string) bool {
	hexSum, ok := strings.CutPrefix(header, "sha256=")
	if !ok || secret == "" {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// Sign returns the X-Hub-Signature-256 value of body under secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// IssuesEvent is the part of the "issues" webhook payload Hindsight reads.
type IssuesEvent struct {
	// Action is "opened", "closed", "reopened", "edited"…
	Action     string `json:"action"`
	Issue      Issue  `json:"issue"`
	Repository struct {
		FullName string `json:"full_name"`
	} `json:"repository"`
	Sender struct {
		Login string `json:"login"`
	} `json:"sender"`
}

// DecodeIssuesEvent reads an "issues" payload.
func DecodeIssuesEvent(body []byte) (*IssuesEvent, error) {
	var e IssuesEvent
	if err := json.Unmarshal(body, &e); err != nil {
		return nil, fmt.Errorf("github: not an issues event: %w", err)
	}
	if e.Issue.Number <= 0 || e.Repository.FullName == "" {
		return nil, fmt.Errorf("github: issues event without issue number or repository")
	}
	return &e, nil
}

// IssueKey is how Hindsight names an issue: "owner/repo#12".
func IssueKey(repo string, number int) string { return repo + "#" + strconv.Itoa(number) }

// ParseIssueKey reads "owner/repo#12".
func ParseIssueKey(key string) (repo string, number int, ok bool) {
	repo, n, found := strings.Cut(key, "#")
	number, err := strconv.Atoi(n)
	if !found || err != nil || number <= 0 || strings.Count(repo, "/") != 1 {
		return "", 0, false
	}
	return repo, number, true
}

// ParseIssueURL reads an issue's web address, such as
// https://github.com/owner/repo/issues/12, on the web host webHost
// ("github.com", or the Enterprise Server's host).
func ParseIssueURL(webHost, raw string) (repo string, number int, ok bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || !strings.EqualFold(u.Host, webHost) {
		return "", 0, false
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) != 4 || parts[2] != "issues" || parts[0] == "" || parts[1] == "" {
		return "", 0, false
	}
	number, err = strconv.Atoi(parts[3])
	if err != nil || number <= 0 {
		return "", 0, false
	}
	return parts[0] + "/" + parts[1], number, true
}

// WebHost returns the web host of an API base URL: github.com for
// api.github.com, the host itself for an Enterprise Server's /api/v3/.
func WebHost(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		return ""
	}
	if strings.EqualFold(u.Host, "api.github.com") {
		return "github.com"
	}
	return u.Host
}
