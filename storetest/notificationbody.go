package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// NotificationBodies are raw bodies of every kind a store must keep byte
// for byte, by fingerprint: the store may keep them compressed, but export
// and backup give them back as received.
func NotificationBodies() map[string][]byte {
	random := make([]byte, 4096) // nothing to compress
	r := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(r.UintN(256))
	}
	var many strings.Builder // a notification of 100 alerts, as Alertmanager writes it
	many.WriteString(`{"version":"4","status":"firing","receiver":"hindsight","groupKey":"{}:{alertname=\"DiskFull\"}","alerts":[`)
	for i := range 100 {
		if i > 0 {
			many.WriteByte(',')
		}
		fmt.Fprintf(&many, `{"status":"firing","labels":{"alertname":"DiskFull","instance":"10.0.%d.%d:9100","mountpoint":"/var/lib/пример"},`+
			`"annotations":{"summary":"Disk %d is 97%% full ✓"},"startsAt":"2026-11-27T05:58:%02d.123456789Z","endsAt":"0001-01-01T00:00:00Z",`+
			`"generatorURL":"http://prometheus:9090/graph?g0.expr=disk","fingerprint":"%016x"}`, i/250, i%250, i, i%60, i*7919)
	}
	many.WriteString(`]}`)
	return map[string][]byte{
		"body-many":       []byte(many.String()),
		"body-random":     random,
		"body-small":      []byte(`{"status":"firing","alerts":[{"labels":{"alertname":"Bare"}}]}`),
		"body-at-minimum": append(bytes.Repeat([]byte(" "), 511), '{'),
		"body-empty":      {},
		"body-odd":        []byte("{\"raw\":\"\xff\x00\xfe\"," + strings.Repeat(`"e\u0301\u202e":"`+"\u200b", 200) + `"}`),
	}
}

// testNotificationBodies: every body comes back from export as it was
// recorded, and again from a store restored from that export.
func testNotificationBodies(t *testing.T, open OpenFunc) {
	ctx := context.Background()
	src := open(t)
	want := NotificationBodies()
	for fp, body := range want {
		ok(t, src.RecordNotification(ctx, &hindsight.AlertNotification{Fingerprint: fp, GroupKey: "g", Body: body, ReceivedAt: T0.Add(time.Minute)}))
	}
	check := func(t *testing.T, s hindsight.Store) []byte {
		t.Helper()
		var out bytes.Buffer
		ok(t, s.Export(ctx, &out))
		var backup struct {
			Notifications []*hindsight.AlertNotification `json:"alert_notifications"`
		}
		ok(t, json.Unmarshal(out.Bytes(), &backup))
		if len(backup.Notifications) != len(want) {
			t.Fatalf("%d notifications exported, want %d", len(backup.Notifications), len(want))
		}
		for _, n := range backup.Notifications {
			if !bytes.Equal(n.Body, want[n.Fingerprint]) {
				t.Errorf("%s: body of %d bytes exported, want the %d recorded:\n%q", n.Fingerprint, len(n.Body), len(want[n.Fingerprint]), n.Body)
			}
		}
		return out.Bytes()
	}
	first := check(t, src)
	dst := open(t)
	ok(t, dst.Import(ctx, bytes.NewReader(first)))
	check(t, dst)
}
