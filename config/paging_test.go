package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight/config"
)

func TestPaging(t *testing.T) {
	write := func(t *testing.T, yaml string) string {
		t.Helper()
		p := filepath.Join(t.TempDir(), "hindsight.yaml")
		if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Run("Defaults", func(t *testing.T) {
		c := config.Default()
		if c.Paging.Alertmanager.PollInterval.Std().Seconds() != 30 || c.Paging.ResolvedWindow.Std().Hours() != 24 || len(c.Paging.Alertmanager.URLs) != 0 {
			t.Fatalf("defaults %+v", c.Paging)
		}
	})
	t.Run("SecretsFromEnvAndRedacted", func(t *testing.T) {
		p := write(t, "paging:\n  alertmanager:\n    urls: [\"http://am:p%40ss@127.0.0.1:9093\"]\n  opsgenie:\n    token: og-file\n")
		env := map[string]string{config.EnvPagerDutySecret: "pd-env", config.EnvGrafanaOnCallToken: "oc-env"}
		c, _, err := config.Resolve(p, func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if string(c.Paging.PagerDuty.SigningSecret) != "pd-env" || string(c.Paging.Opsgenie.Token) != "og-file" || string(c.Paging.GrafanaOnCall.Token) != "oc-env" {
			t.Fatalf("paging %+v", c.Paging)
		}
		out := c.Redacted()
		for _, secret := range []string{"pd-env", "og-file", "oc-env", "p%40ss", "p@ss"} {
			if strings.Contains(out, secret) {
				t.Errorf("the printed configuration shows %q:\n%s", secret, out)
			}
		}
		if !strings.Contains(out, "signing_secret: <secret>") {
			t.Errorf("the printed configuration does not show the PagerDuty secret as set:\n%s", out)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		p := write(t, "paging:\n  alertmanager:\n    urls: [\"am:9093\"]\n    poll_interval: 10ms\n  resolved_window: -1h\n")
		_, _, err := config.Resolve(p, func(string) string { return "" })
		for _, field := range []string{"paging.alertmanager.urls", "paging.alertmanager.poll_interval", "paging.resolved_window"} {
			if err == nil || !strings.Contains(err.Error(), field) {
				t.Errorf("error %v does not name %s", err, field)
			}
		}
	})
}
