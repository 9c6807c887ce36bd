package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/config"
)

func TestTrackersConfig(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		tr := config.Default().Trackers
		if tr.SyncInterval.Std() != 30*time.Second || tr.ReconcileInterval.Std() != 15*time.Minute || len(tr.Routes) != 0 {
			t.Fatalf("defaults %+v", tr)
		}
	})

	t.Run("File", func(t *testing.T) {
		c := MustLoad(t, MustWriteConfig(t, `
trackers:
  sync_interval: 10s
  reconcile_interval: 5m
  routes:
    - name: platform
      kind: github
      repository: acme/platform
      token: ghp_SECRETtoken
      webhook_secret: hook-SECRET
      labels: [post-mortem]
      services: [checkout, api]
    - name: everything-else
      kind: github
      url: https://ghe.example.com/api/v3/
      repository: ops/follow-ups
      token: ghp_SECRETother
      webhook_secret: hook-SECRET2
      default: true
    - name: ops-jira
      kind: jira
      url: https://acme.atlassian.net
      project: OPS
      issue_type: Bug
      username: sre@example.com
      token: jira-SECRET
      webhook_secret: hook-SECRET3
      statuses: {"Won't Do": wont_do}
      services: [payments]
`))
		tr := c.Trackers
		if tr.SyncInterval.Std() != 10*time.Second || len(tr.Routes) != 3 || tr.Routes[2].Statuses["Won't Do"] != "wont_do" || tr.Routes[0].Services[1] != "api" ||
			!tr.Routes[1].Default || string(tr.Routes[0].Token) != "ghp_SECRETtoken" || tr.Routes[1].URL != "https://ghe.example.com/api/v3/" {
			t.Fatalf("read %+v", tr)
		}
		if out := c.Redacted(); strings.Contains(out, "SECRET") {
			t.Fatalf("a secret is printed:\n%s", out)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := config.Load(MustWriteConfig(t, `
trackers:
  sync_interval: 100ms
  reconcile_interval: 10s
  routes:
    - name: "a b"
      kind: linear
      url: ftp://x
      repository: acme
    - name: dup
      kind: github
      repository: acme/x
      token: t
      webhook_secret: s
    - name: dup
      kind: github
      repository: acme/y
      token: t
      webhook_secret: s
    - name: gh
      kind: github
      repository: acme
      project: acme/x
      token: t
      webhook_secret: s
    - name: gl
      kind: gitlab
      project: /acme
      token: t
      webhook_secret: s
      assign: true
    - name: jr
      kind: jira
      project: ops
      token: t
      webhook_secret: s
      assign: true
      statuses: {"Won't Do": wontdo}
`))
		for _, want := range []string{"trackers.sync_interval", "trackers.reconcile_interval", "trackers.routes[0].name",
			"trackers.routes[0].kind", "trackers.routes[0].url", "trackers.routes[0].token",
			"trackers.routes[3].repository: must be owner/name", "trackers.routes[3].project: is for gitlab routes",
			"trackers.routes[4].project: must be the project's path", "trackers.routes[5].assign: is for github and gitlab routes",
			"trackers.routes[5].url: is required for jira", "trackers.routes[5].project: must be the Jira project key",
			`trackers.routes[5].statuses: "Won't Do" maps to "wontdo"`,
			"trackers.routes[0].webhook_secret", `trackers.routes[2].name: "dup" is used by another route`} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q: %v", want, err)
			}
		}
		if err != nil && strings.Contains(err.Error(), "routes[4].assign") {
			t.Errorf("a gitlab route refused assign: %v", err)
		}
	})

	t.Run("ErrUnknownKey", func(t *testing.T) {
		_, err := config.Load(MustWriteConfig(t, "trackers:\n  routes:\n    - name: a\n      repo: x\n"))
		if err == nil || !strings.Contains(err.Error(), `unknown key`) || !strings.Contains(err.Error(), `repo"`) {
			t.Fatalf("got %v", err)
		}
	})
}
