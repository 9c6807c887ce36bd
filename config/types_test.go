package config_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight/config"
	"gopkg.in/yaml.v3"
)

func TestSecret(t *testing.T) {
	c := MustLoad(t, "testdata/full.yaml")
	c.Server.DB = "postgres://hindsight:s3cr3t-db-password@db.example.com/hindsight"
	secrets := []string{"s3cr3t-webhook-token", "s3cr3t-basic-password", "s3cr3t-prometheus-token", "s3cr3t-db-password"}

	jsonOut, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	yamlOut, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var logBuf bytes.Buffer
	logger := log.New(&logBuf, "", 0)
	logger.Printf("%v %+v %s", c.Webhook, c.Prometheus, c.Webhook.Token)
	var slogText, slogJSON bytes.Buffer
	slog.New(slog.NewTextHandler(&slogText, nil)).Info("cfg", "token", c.Webhook.Token, "webhook", c.Webhook)
	slog.New(slog.NewJSONHandler(&slogJSON, nil)).Info("cfg", "token", c.Webhook.Token, "webhook", c.Webhook)
	kv := config.Default()
	kv.Server.DB = "host=db user=hindsight password=s3cr3t-db-password dbname=hindsight"

	for _, tt := range []struct {
		name string
		out  string
	}{
		{"Redacted", c.Redacted()},
		{"String", c.String()},
		{"%v", fmt.Sprintf("%v", c)},
		{"%+v webhook", fmt.Sprintf("%+v", c.Webhook)},
		{"%#v webhook", fmt.Sprintf("%#v", c.Webhook)},
		{"Sprint token", fmt.Sprint(c.Webhook.Token)},
		{"%q token", fmt.Sprintf("%q", c.Webhook.Token)},
		{"%x token", fmt.Sprintf("%x", c.Webhook.Token)},
		{"JSON", string(jsonOut)},
		{"YAML", string(yamlOut)},
		{"log", logBuf.String()},
		{"slog text", slogText.String()},
		{"slog JSON", slogJSON.String()},
		{"key/value DSN", kv.Redacted()},
		{"DSN %v", fmt.Sprintf("%v %#v", c.Server.DB, c.Server)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range secrets {
				if strings.Contains(tt.out, s) || strings.Contains(tt.out, fmt.Sprintf("%x", s)) {
					t.Fatalf("%s printed %q:\n%s", tt.name, s, tt.out)
				}
			}
		})
	}

	t.Run("RedactedShowsSecretMarker", func(t *testing.T) {
		out := c.Redacted()
		for _, want := range []string{"token: <secret>", "password: <secret>", "bearer_token: <secret>", "hindsight:xxxxx@db.example.com"} {
			if !strings.Contains(out, want) {
				t.Errorf("Redacted lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("EmptySecretPrintsEmpty", func(t *testing.T) {
		if s := config.Secret("").String(); s != "" {
			t.Fatalf("empty secret prints %q", s)
		}
	})
	t.Run("RedactedLoadsBackExceptSecrets", func(t *testing.T) {
		d := config.Default()
		path := MustWriteConfig(t, d.Redacted())
		got := MustLoad(t, path)
		got.Server.DB = d.Server.DB // made relative to the file
		if got.Redacted() != d.Redacted() {
			t.Fatalf("defaults do not round-trip:\n%s", got.Redacted())
		}
	})
}

func TestParseDuration(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{in: "500ms", want: 500 * time.Millisecond},
		{in: "2h", want: 2 * time.Hour},
		{in: "90m", want: 90 * time.Minute},
		{in: "30d", want: 30 * 24 * time.Hour},
		{in: "1d12h", want: 36 * time.Hour},
		{in: " 7d ", want: 7 * 24 * time.Hour},
		{in: "0s", want: 0},
		{in: "0d", want: 0},
		{in: "15", err: true},
		{in: "1.5d", err: true},
		{in: "30 days", err: true},
		{in: "d", err: true},
		{in: "1d-2h", err: true},
		{in: "", err: true},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := config.ParseDuration(tt.in)
			if (err != nil) != tt.err || got != tt.want {
				t.Fatalf("got %v, %v; want %v, error %v", got, err, tt.want, tt.err)
			}
		})
	}
}

func TestDuration_String(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{30 * 24 * time.Hour, "30d"},
		{2 * time.Hour, "2h"},
		{90 * time.Minute, "1h30m"},
		{36 * time.Hour, "36h"},
		{500 * time.Millisecond, "500ms"},
		{10 * time.Second, "10s"},
		{0, "0s"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			if got := config.Duration(tt.d).String(); got != tt.want {
				t.Fatalf("got %q", got)
			}
			back, err := config.ParseDuration(tt.want)
			if err != nil || back != tt.d {
				t.Fatalf("%q reads back as %v, %v", tt.want, back, err)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want config.Size
		err  bool
	}{
		{in: "5MiB", want: 5 << 20},
		{in: "512KiB", want: 512 << 10},
		{in: "1GiB", want: 1 << 30},
		{in: "10MB", want: 10_000_000},
		{in: "500kB", want: 500_000},
		{in: "1048576", want: 1 << 20},
		{in: "64 B", want: 64},
		{in: "5 MiB", want: 5 << 20},
		{in: "-1", err: true},
		{in: "5TiB", err: true},
		{in: "lots", err: true},
		{in: "99999999999GiB", err: true},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := config.ParseSize(tt.in)
			if (err != nil) != tt.err || got != tt.want {
				t.Fatalf("got %v, %v; want %v, error %v", got, err, tt.want, tt.err)
			}
		})
	}
	if got := config.Size(5 << 20).String(); got != "5MiB" {
		t.Errorf("5 MiB prints %q", got)
	}
	if got := config.Size(1000).String(); got != "1000B" {
		t.Errorf("1000 bytes prints %q", got)
	}
}
