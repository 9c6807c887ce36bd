package notify_test

import (
	"context"
	"io"
	"mime/quotedprintable"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/notify"
)

func sampleReminder() hindsight.Reminder {
	return hindsight.Reminder{
		Kind: hindsight.ReminderActionOverdue, Subject: "7", Period: "2025-10-08",
		IncidentID: "INCIDENT-20250930-0024-highapierrorrate",
		Title:      "Overdue: Add a circuit breaker to the checkout client",
		Lines:      []string{"Owner: @alice", "Due: 2025-10-07 (1 day ago)", "Incident: INCIDENT-20250930-0024-highapierrorrate"},
		Owner:      "@alice",
		URL:        "https://hindsight.example.com/incidents/INCIDENT-20250930-0024-highapierrorrate",
	}
}

// smtpTo returns an SMTP notifier aimed at the sink.
func smtpTo(t *testing.T, sink *smtpSink) *notify.SMTP {
	t.Helper()
	host, port, _ := net.SplitHostPort(sink.Addr)
	p, _ := strconv.Atoi(port)
	return &notify.SMTP{
		Host: host, Port: p, From: "Hindsight <hindsight@example.com>",
		To:  []string{"oncall@example.com", "Team Lead <lead@example.com>"},
		Now: func() time.Time { return time.Date(2025, 10, 8, 9, 0, 0, 0, time.UTC) },
	}
}

func TestSMTP_Send(t *testing.T) {
	ctx := context.Background()

	t.Run("PlainMessage", func(t *testing.T) {
		sink := newSMTPSink(t, nil)
		if err := smtpTo(t, sink).Send(ctx, sampleReminder()); err != nil {
			t.Fatal(err)
		}
		msgs := sink.Messages()
		if len(msgs) != 1 {
			t.Fatalf("%d messages", len(msgs))
		}
		m := msgs[0]
		if m.From != "hindsight@example.com" || strings.Join(m.To, ",") != "oncall@example.com,lead@example.com" {
			t.Fatalf("envelope %q -> %q", m.From, m.To)
		}
		head, body, ok := strings.Cut(m.Data, "\r\n\r\n")
		if !ok {
			t.Fatalf("no blank CRLF line between header and body:\n%q", m.Data)
		}
		for _, want := range []string{
			"From: \"Hindsight\" <hindsight@example.com>\r\n",
			"To: <oncall@example.com>, \"Team Lead\" <lead@example.com>\r\n",
			"Subject: [Hindsight] Overdue: Add a circuit breaker to the checkout client\r\n",
			"Date: Wed, 08 Oct 2025 09:00:00 +0000\r\n",
			"Message-ID: <", "@example.com>\r\n",
			"Content-Type: text/plain; charset=utf-8\r\n",
		} {
			if !strings.Contains(head+"\r\n", want) {
				t.Errorf("header lacks %q:\n%s", want, head)
			}
		}
		if strings.Contains(strings.ReplaceAll(m.Data, "\r\n", ""), "\n") {
			t.Errorf("a line ends in a bare LF:\n%q", m.Data)
		}
		decoded, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body)))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"- Owner: @alice\r\n", "\r\nhttps://hindsight.example.com/incidents/INCIDENT-20250930-0024-highapierrorrate\r\n"} {
			if !strings.Contains(string(decoded), want) {
				t.Errorf("body lacks %q:\n%s", want, body)
			}
		}
	})

	t.Run("StartTLSAndPlainAuth", func(t *testing.T) {
		serverTLS, clientTLS := selfSignedTLS(t)
		sink := newSMTPSink(t, func(s *smtpSink) { s.TLS, s.User, s.Pass = serverTLS, "bot", "pa55-word" })
		n := smtpTo(t, sink)
		n.Username, n.Password, n.TLSConfig = "bot", "pa55-word", clientTLS
		if err := n.Send(ctx, sampleReminder()); err != nil {
			t.Fatal(err)
		}
		m := sink.Messages()[0]
		if !m.TLS || m.AuthAs != "bot" {
			t.Fatalf("tls %v, auth %q; commands %v", m.TLS, m.AuthAs, m.Command)
		}
	})

	t.Run("ErrStartTLSRequired", func(t *testing.T) {
		sink := newSMTPSink(t, nil)
		n := smtpTo(t, sink)
		n.StartTLS = notify.StartTLSAlways
		err := n.Send(ctx, sampleReminder())
		if err == nil || !notify.IsPermanent(err) || len(sink.Messages()) != 0 {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("ErrAuthKeepsPasswordSecret", func(t *testing.T) {
		sink := newSMTPSink(t, func(s *smtpSink) {
			s.User, s.Pass = "bot", "right"
			s.Reply["AUTH"] = "535 bad credentials for password pa55-word"
		})
		n := smtpTo(t, sink)
		n.Username, n.Password = "bot", "pa55-word"
		err := n.Send(ctx, sampleReminder())
		if err == nil || strings.Contains(err.Error(), "pa55-word") || !notify.IsPermanent(err) {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("TemporaryRejectIsRetryable", func(t *testing.T) {
		sink := newSMTPSink(t, func(s *smtpSink) { s.Reply["RCPT"] = "451 try again later" })
		err := smtpTo(t, sink).Send(ctx, sampleReminder())
		if err == nil || notify.IsPermanent(err) {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("ErrConnectionRefused", func(t *testing.T) {
		sink := newSMTPSink(t, nil)
		sink.Close()
		err := smtpTo(t, sink).Send(ctx, sampleReminder())
		if err == nil || notify.IsPermanent(err) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestSMTP_Message(t *testing.T) {
	n := &notify.SMTP{From: "hindsight@example.com", To: []string{"a@example.com"}}
	r := sampleReminder()
	r.Title = "Überfällig\r\nBcc: victim@example.com"
	msg, err := n.Message(r)
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(string(msg), "\r\n\r\n")
	if strings.Contains(head, "\r\nBcc:") || !strings.Contains(head, "Subject: =?utf-8?q?") {
		t.Fatalf("header injection or unencoded subject:\n%s", head)
	}

	t.Run("ErrBadAddress", func(t *testing.T) {
		bad := &notify.SMTP{From: "not an address", To: []string{"a@example.com"}}
		if _, err := bad.Message(r); err == nil {
			t.Fatal("no error")
		}
	})
}
