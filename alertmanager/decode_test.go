package alertmanager_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/alertmanager"
)

// fixtures are the real payloads under testdata/alertmanager.
var fixtures = []string{
	"0-single-alert-firing.json",
	"1-group-firing-3-alerts.json",
	"2-group-repeat-notification.json",
	"3-group-one-alert-resolved.json",
	"4-group-all-resolved.json",
	"grafana-firing.json",
}

// MustReadFixture returns the raw bytes of a payload under testdata/alertmanager.
func MustReadFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "alertmanager", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// MustDecodeFixture decodes a payload under testdata/alertmanager.
func MustDecodeFixture(tb testing.TB, name string) *alertmanager.Message {
	tb.Helper()
	m, err := alertmanager.DecodeBytes(MustReadFixture(tb, name))
	if err != nil {
		tb.Fatalf("decode %s: %v", name, err)
	}
	return m
}

func TestDecode(t *testing.T) {
	for _, name := range fixtures {
		t.Run("OK/"+name, func(t *testing.T) {
			raw := MustReadFixture(t, name)
			m, err := alertmanager.Decode(bytes.NewReader(raw), int64(len(raw)))
			if err != nil {
				t.Fatal(err)
			}
			if m.GroupKey == "" || len(m.Alerts) == 0 || m.Alerts[0].StartsAt.IsZero() {
				t.Fatalf("incomplete message: %+v", m)
			}
		})
	}

	t.Run("Grafana", func(t *testing.T) {
		m := MustDecodeFixture(t, "grafana-firing.json")
		if m.Version != alertmanager.VersionGrafana || m.OrgID != 1 || m.State != "alerting" || m.Title == "" {
			t.Fatalf("Grafana message fields: %+v", m)
		}
		a := m.Alerts[0]
		if a.DashboardURL != "https://grafana.example.com/d/mem-usage?orgId=1" || a.PanelURL == "" || a.SilenceURL == "" || a.ValueString == "" || len(a.Values) == 0 {
			t.Fatalf("Grafana alert fields: %+v", a)
		}
	})

	t.Run("UnknownFieldsIgnored", func(t *testing.T) {
		body := strings.Replace(valid, `"version": "4"`, `"version": "4", "notification_reason": "repeat", "extra": {"a": [1, 2]}`, 1)
		if _, err := alertmanager.DecodeBytes([]byte(body)); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("ExactlyAtLimit", func(t *testing.T) {
		if _, err := alertmanager.Decode(strings.NewReader(valid), int64(len(valid))); err != nil {
			t.Fatal(err)
		}
	})

	for _, tt := range []struct {
		name string
		body string
		want string // a substring of the error message
	}{
		{"ErrEmptyBody", "  \n", "empty body"},
		{"ErrMalformedJSON", `{"version": "4", "alerts": [}`, "malformed JSON at byte 29: invalid character '}'"},
		{"ErrTrailingData", valid + "}", "malformed JSON at byte"},
		{"ErrNotAnObject", `[1, 2]`, "malformed JSON at byte 1: the payload: expected an object, got array"},
		{"ErrWrongType", strings.Replace(valid, `"job": "api"`, `"job": 5`, 1), "alerts.labels: expected a string, got number"},
		{"ErrBadTime", strings.Replace(valid, `"2026-11-27T05:35:29.404Z"`, `"yesterday"`, 1), "malformed JSON"},
		{"ErrUnsupportedVersion", strings.Replace(valid, `"version": "4"`, `"version": "3"`, 1), `unsupported payload version "3"`},
		{"ErrMissingVersion", strings.Replace(valid, `"version": "4",`, ``, 1), `unsupported payload version ""`},
		{"ErrNoAlerts", `{"version": "4", "status": "firing", "groupKey": "{}", "alerts": []}`, "alerts: the notification has no alerts"},
		{"ErrAlertnameRequired", strings.Replace(valid, `"alertname": "HighAPIErrorRate",`+"\n        ", ``, 1), "alerts[0].labels.alertname: is required"},
		{"ErrBadStatus", strings.Replace(valid, `"status": "firing",`+"\n  \"alerts\"", `"status": "burning",`+"\n  \"alerts\"", 1), `status: must be firing or resolved, got "burning"`},
		{"ErrBadAlertStatus", strings.Replace(valid, `"status": "firing",`+"\n      ", `"status": "active",`+"\n      ", 1), `alerts[0].status: must be firing or resolved, got "active"`},
		{"ErrStartsAtRequired", strings.Replace(valid, `"2026-11-27T05:35:29.404Z"`, `"0001-01-01T00:00:00Z"`, 1), "alerts[0].startsAt: is required"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := alertmanager.Decode(strings.NewReader(tt.body), 0)
			if err == nil {
				t.Fatalf("no error, got %+v", m)
			}
			if code := hindsight.ErrorCode(err); code != hindsight.EINVALID {
				t.Fatalf("code %q, want %q (%v)", code, hindsight.EINVALID, err)
			}
			if errors.Is(err, alertmanager.ErrTooLarge) {
				t.Fatalf("%v must not be ErrTooLarge", err)
			}
			if msg := hindsight.ErrorMessage(err); !strings.Contains(msg, tt.want) {
				t.Fatalf("error %q does not contain %q", msg, tt.want)
			}
		})
	}

	t.Run("ErrManyInvalidAlertsBounded", func(t *testing.T) {
		alerts := strings.Repeat(`{"status": "x", "labels": {}},`, 50)
		body := `{"version": "4", "status": "firing", "alerts": [` + strings.TrimSuffix(alerts, ",") + `]}`
		_, err := alertmanager.DecodeBytes([]byte(body))
		var e *hindsight.Error
		if !errors.As(err, &e) {
			t.Fatalf("got %v", err)
		}
		if len(e.Fields) > 31 || !strings.Contains(e.Error(), "more invalid alerts not listed") {
			t.Fatalf("%d fields: %v", len(e.Fields), e)
		}
	})

	t.Run("ErrTooLarge", func(t *testing.T) {
		_, err := alertmanager.Decode(strings.NewReader(valid), int64(len(valid))-1)
		if !errors.Is(err, alertmanager.ErrTooLarge) {
			t.Fatalf("got %v, want ErrTooLarge", err)
		}
		if hindsight.ErrorCode(err) != hindsight.EINVALID || !strings.Contains(hindsight.ErrorMessage(err), "webhook.body_limit") {
			t.Fatalf("user message: %q", hindsight.ErrorMessage(err))
		}
	})

	t.Run("ErrTooLargeFromMaxBytesReader", func(t *testing.T) {
		rec := httptest.NewRecorder()
		body := http.MaxBytesReader(rec, io.NopCloser(strings.NewReader(valid)), 100)
		_, err := alertmanager.Decode(body, 0)
		if !errors.Is(err, alertmanager.ErrTooLarge) || hindsight.ErrorCode(err) != hindsight.EINVALID {
			t.Fatalf("got %v, want ErrTooLarge", err)
		}
	})

	t.Run("ErrReadFailure", func(t *testing.T) {
		_, err := alertmanager.Decode(iotest.ErrReader(errors.New("connection reset")), 0)
		if err == nil || hindsight.ErrorCode(err) != hindsight.EINTERNAL {
			t.Fatalf("got %v (code %q), want an internal error", err, hindsight.ErrorCode(err))
		}
	})
}

func TestReadBody(t *testing.T) {
	t.Run("KeepsRawBytes", func(t *testing.T) {
		raw := MustReadFixture(t, "1-group-firing-3-alerts.json")
		b, err := alertmanager.ReadBody(bytes.NewReader(raw), 0)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, raw) {
			t.Fatal("raw bytes changed")
		}
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		_, err := alertmanager.ReadBody(strings.NewReader(strings.Repeat("x", 11)), 10)
		if !errors.Is(err, alertmanager.ErrTooLarge) {
			t.Fatalf("got %v", err)
		}
	})
}

// valid is a minimal version 4 payload that the error cases edit.
const valid = `{
  "receiver": "webhook",
  "status": "firing",
  "alerts": [
    {
      "status": "firing",
      "labels": {
        "alertname": "HighAPIErrorRate",
        "job": "api"
      },
      "annotations": {},
      "startsAt": "2026-11-27T05:35:29.404Z",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "http://vm:9090/graph",
      "fingerprint": "abc192c4a96f501f"
    }
  ],
  "groupLabels": {"alertname": "HighAPIErrorRate"},
  "commonLabels": {"alertname": "HighAPIErrorRate", "job": "api"},
  "commonAnnotations": {},
  "externalURL": "http://vm:9093",
  "version": "4",
  "groupKey": "{}:{alertname=\"HighAPIErrorRate\"}",
  "truncatedAlerts": 0
}`
