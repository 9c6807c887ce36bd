package alertmanager_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/alertmanager"
)

// TestDecode_TextBounds: text no store can hold, or that one engine would
// store and the other refuse, is refused by the decoder with the field
// named.
func TestDecode_TextBounds(t *testing.T) {
	raw := string(MustReadFixture(t, "0-single-alert-firing.json"))
	cases := []struct {
		name, old, new, field string
	}{
		{"NUL in a label value", `"job": "api"`, `"job": "a\u0000pi"`, "alerts[0].labels.job"},
		{"NUL in a label name", `"job": "api"`, `"j\u0000ob": "api"`, "alerts[0].labels"},
		{"invalid UTF-8 in a label value", `"job": "api"`, "\"job\": \"a\xff\xfepi\"", "alerts[0].labels.job"},
		{"invalid UTF-8 in an annotation", `"summary": "High`, "\"summary\": \"\xc3High", "alerts[0].annotations.summary"},
		{"invalid UTF-8 in the alert name", `"alertname": "HighAPIErrorRate",
        "job"`, "\"alertname\": \"\xff\xff\",\n        \"job\"", "alerts[0].labels.alertname"},
		{"2,000-character alert name", `"alertname": "HighAPIErrorRate",
        "job"`, `"alertname": "` + strings.Repeat("A", 2000) + `", "job"`, "alerts[0].labels.alertname"},
		{"3,000-character group key", `"groupKey": "{}:{alertname=\"HighAPIErrorRate\"}"`, `"groupKey": "` + strings.Repeat("k", 3000) + `"`, "groupKey"},
		{"long label name", `"job": "api"`, `"` + strings.Repeat("j", 300) + `": "api"`, "alerts[0].labels"},
		{"long label value", `"job": "api"`, `"job": "` + strings.Repeat("v", 3000) + `"`, "alerts[0].labels.job"},
		{"huge annotation", `"summary": "High`, `"summary": "` + strings.Repeat("s", 70<<10), "alerts[0].annotations.summary"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := strings.Replace(raw, c.old, c.new, 1)
			if body == raw {
				t.Fatalf("the case does not change the payload")
			}
			_, err := alertmanager.DecodeBytes([]byte(body))
			var e *hindsight.Error
			if !errors.As(err, &e) || e.Code != hindsight.EINVALID {
				t.Fatalf("got %v, want EINVALID", err)
			}
			for _, f := range e.Fields {
				if f.Field == c.field {
					return
				}
			}
			t.Errorf("got %v, want the field %s named", err, c.field)
		})
	}
}
