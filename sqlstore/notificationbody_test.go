package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/storetest"
)

// TestNotificationBody_Stored: a raw body is kept compressed when that
// makes it smaller, as received otherwise; a row written before bodies
// were compressed reads as it is; a damaged or unknown stored form fails
// the export with the notification named, instead of exporting garbage.
func TestNotificationBody_Stored(t *testing.T) {
	t.Parallel()
	teststore.ForEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		bodies := storetest.NotificationBodies()
		for fp, body := range bodies {
			if err := s.RecordNotification(ctx, &hindsight.AlertNotification{Fingerprint: fp, Body: body, ReceivedAt: storetest.T0}); err != nil {
				t.Fatal(err)
			}
		}
		for fp, want := range map[string]string{"body-many": "zstd", "body-at-minimum": "zstd", "body-odd": "zstd",
			"body-random": "", "body-small": "", "body-empty": ""} {
			stored, encoding, err := sqlstore.StoredBody(ctx, s, fp)
			if err != nil {
				t.Fatal(err)
			}
			if encoding != want {
				t.Errorf("%s: stored as %q, want %q", fp, encoding, want)
			}
			if want == "" && !bytes.Equal(stored, bodies[fp]) {
				t.Errorf("%s: stored %q, want the body as received", fp, stored)
			}
		}
		if stored, _, _ := sqlstore.StoredBody(ctx, s, "body-many"); len(stored)*5 > len(bodies["body-many"]) {
			t.Errorf("a notification of 100 alerts is stored in %d bytes of %d: less than a fifth expected", len(stored), len(bodies["body-many"]))
		}

		// A row as written before migration 00026: the default encoding.
		old := []byte(`{"version":"4","status":"firing","alerts":[` + strings.Repeat(`{"labels":{"alertname":"Old"}},`, 40) + `{}]}`)
		if err := sqlstore.ExecInTx(ctx, s, "INSERT INTO alert_notifications (fingerprint, group_key, body, received_at) VALUES (?, '', ?, 0)", "body-old", old); err != nil {
			t.Fatal(err)
		}
		bodies["body-old"] = old
		exported := exportBodies(t, s)
		for fp, body := range bodies {
			if !bytes.Equal(exported[fp], body) {
				t.Errorf("%s: exported %q, want %q", fp, exported[fp], body)
			}
		}

		for _, c := range []struct{ encoding, want string }{{"zstd", "damaged"}, {"br", `unknown encoding "br"`}} {
			if err := sqlstore.ExecInTx(ctx, s, "UPDATE alert_notifications SET body_encoding = ? WHERE fingerprint = 'body-old'", c.encoding); err != nil {
				t.Fatal(err)
			}
			err := s.Export(ctx, io.Discard)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "notification ") {
				t.Errorf("export of a body stored as %q in another form: %v, want an error naming the notification, %q", c.encoding, err, c.want)
			}
		}
	})
}

// exportBodies returns the bodies of s's notifications, by fingerprint, as
// Export writes them.
func exportBodies(t *testing.T, s *sqlstore.Store) map[string][]byte {
	t.Helper()
	var out bytes.Buffer
	if err := s.Export(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	var backup struct {
		Notifications []*hindsight.AlertNotification `json:"alert_notifications"`
	}
	if err := json.Unmarshal(out.Bytes(), &backup); err != nil {
		t.Fatal(err)
	}
	bodies := map[string][]byte{}
	for _, n := range backup.Notifications {
		bodies[n.Fingerprint] = n.Body
	}
	return bodies
}
