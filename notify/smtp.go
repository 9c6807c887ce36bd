package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// SMTPTimeout bounds one whole delivery: connect, greeting, TLS, auth and
// data.
const SMTPTimeout = 30 * time.Second

// STARTTLS modes.
const (
	// StartTLSAuto upgrades the connection when the server offers STARTTLS.
	StartTLSAuto = "auto"
	// StartTLSAlways fails when the server does not offer STARTTLS.
	StartTLSAlways = "always"
	// StartTLSNever never upgrades.
	StartTLSNever = "never"
)

// SMTP sends reminders as plain-text e-mail with net/smtp. With a user name
// it authenticates with PLAIN, which net/smtp allows only over TLS or to
// localhost, so a password never crosses the network in clear.
type SMTP struct {
	Host     string
	Port     int
	Username string
	// Password is a secret; it never appears in an error.
	Password string
	From     string
	To       []string
	// StartTLS is StartTLSAuto (""), StartTLSAlways or StartTLSNever.
	StartTLS string
	// TLSConfig, when set, replaces the default (ServerName Host); tests
	// set RootCAs.
	TLSConfig *tls.Config
	// HelloName is the name sent with EHLO; "" means "localhost".
	HelloName string
	// Now stamps the Date header; nil means time.Now.
	Now func() time.Time
}

// Send delivers r to every recipient in one SMTP transaction. A 5xx answer
// is permanent; connection faults and 4xx answers are worth retrying.
func (s *SMTP) Send(ctx context.Context, r hindsight.Reminder) error {
	msg, err := s.Message(r)
	if err != nil {
		return Permanent(err)
	}
	ctx, cancel := context.WithTimeout(ctx, SMTPTimeout)
	defer cancel()
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("smtp: connect to %s: %w", addr, err)
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return s.fail(addr, "greeting", err)
	}
	defer c.Close()
	if err := s.session(c, addr, msg); err != nil {
		return err
	}
	// The message was accepted at the end of DATA; a failed QUIT does not
	// undo that, and retrying would send it twice.
	_ = c.Quit()
	return nil
}

// session runs EHLO, STARTTLS, AUTH, MAIL, RCPT and DATA.
func (s *SMTP) session(c *smtp.Client, addr string, msg []byte) error {
	hello := s.HelloName
	if hello == "" {
		hello = "localhost"
	}
	if err := c.Hello(hello); err != nil {
		return s.fail(addr, "EHLO", err)
	}
	if err := s.startTLS(c, addr); err != nil {
		return err
	}
	if s.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return Permanent(fmt.Errorf("smtp: %s does not offer AUTH, but smtp.username is set", addr))
		}
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return s.fail(addr, "AUTH", err)
		}
	}
	from, _ := mail.ParseAddress(s.From)
	if err := c.Mail(from.Address); err != nil {
		return s.fail(addr, "MAIL FROM", err)
	}
	for _, to := range s.To {
		a, _ := mail.ParseAddress(to)
		if err := c.Rcpt(a.Address); err != nil {
			return s.fail(addr, "RCPT TO", err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return s.fail(addr, "DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		w.Close()
		return s.fail(addr, "DATA", err)
	}
	if err := w.Close(); err != nil {
		return s.fail(addr, "end of DATA", err)
	}
	return nil
}

func (s *SMTP) startTLS(c *smtp.Client, addr string) error {
	if s.StartTLS == StartTLSNever {
		return nil
	}
	if ok, _ := c.Extension("STARTTLS"); !ok {
		if s.StartTLS == StartTLSAlways {
			return Permanent(fmt.Errorf("smtp: %s does not offer STARTTLS and smtp.starttls is always", addr))
		}
		return nil
	}
	cfg := s.TLSConfig
	if cfg == nil {
		cfg = &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
	}
	if err := c.StartTLS(cfg); err != nil {
		return s.fail(addr, "STARTTLS", err)
	}
	return nil
}

// fail wraps an SMTP error, scrubbing the password, and marks 5xx answers
// permanent.
func (s *SMTP) fail(addr, step string, err error) error {
	text := err.Error()
	if s.Password != "" {
		text = strings.ReplaceAll(text, s.Password, "<secret>")
	}
	out := fmt.Errorf("smtp: %s at %s: %s", step, addr, text)
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return Permanent(out)
	}
	return out
}
