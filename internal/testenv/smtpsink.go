package testenv

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// SMTPSink is a tiny ESMTP server on 127.0.0.1 that records what it
// receives: enough of RFC 5321 for net/smtp, with optional STARTTLS and
// AUTH PLAIN.
type SMTPSink struct {
	Addr string
	// TLS, when set, makes the sink offer STARTTLS.
	TLS *tls.Config
	// Auth makes the sink offer AUTH PLAIN and accept these credentials.
	User, Pass string
	// Reply overrides the reply to a command ("RCPT": "550 no such user").
	Reply map[string]string

	mu       sync.Mutex
	messages []SinkMessage
	ln       net.Listener
}

// SinkMessage is one message as the sink received it.
type SinkMessage struct {
	From    string
	To      []string
	Data    string // raw, CRLF line ends kept, dot-stuffing undone
	TLS     bool
	AuthAs  string
	Command []string
}

// NewSMTPSink starts a sink on 127.0.0.1, configured by configure before
// it listens, and stops it when the test ends.
func NewSMTPSink(t testing.TB, configure func(*SMTPSink)) *SMTPSink {
	t.Helper()
	s := &SMTPSink{Reply: map[string]string{}}
	if configure != nil {
		configure(s)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.ln, s.Addr = ln, ln.Addr().String()
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

// Close stops listening: later connections are refused.
func (s *SMTPSink) Close() error { return s.ln.Close() }

// Messages returns what the sink has received so far.
func (s *SMTPSink) Messages() []SinkMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SinkMessage(nil), s.messages...)
}

func (s *SMTPSink) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(c)
	tp.PrintfLine("220 sink ESMTP")
	var m SinkMessage
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		verb = strings.ToUpper(verb)
		m.Command = append(m.Command, verb)
		if r, ok := s.Reply[verb]; ok {
			tp.PrintfLine("%s", r)
			continue
		}
		switch verb {
		case "EHLO", "HELO":
			s.ehlo(tp, m.TLS)
		case "STARTTLS":
			tp.PrintfLine("220 go ahead")
			tc := tls.Server(c, s.TLS)
			if tc.Handshake() != nil {
				return
			}
			c, tp, m.TLS = tc, textproto.NewConn(tc), true
		case "AUTH":
			m.AuthAs = s.auth(tp, arg)
		case "MAIL":
			m.From = pathOf(arg)
			tp.PrintfLine("250 ok")
		case "RCPT":
			m.To = append(m.To, pathOf(arg))
			tp.PrintfLine("250 ok")
		case "DATA":
			tp.PrintfLine("354 end with .")
			data, err := readData(tp.R)
			if err != nil {
				return
			}
			m.Data = data
			s.mu.Lock()
			s.messages = append(s.messages, m)
			s.mu.Unlock()
			tp.PrintfLine("250 queued")
		case "RSET", "NOOP":
			tp.PrintfLine("250 ok")
		case "QUIT":
			tp.PrintfLine("221 bye")
			return
		default:
			tp.PrintfLine("502 unknown command")
		}
	}
}

func (s *SMTPSink) ehlo(tp *textproto.Conn, secure bool) {
	ext := []string{"sink", "8BITMIME"}
	if s.TLS != nil && !secure {
		ext = append(ext, "STARTTLS")
	}
	if s.User != "" {
		ext = append(ext, "AUTH PLAIN")
	}
	for i, e := range ext {
		sep := "-"
		if i == len(ext)-1 {
			sep = " "
		}
		tp.PrintfLine("250%s%s", sep, e)
	}
}

// auth handles "AUTH PLAIN <base64>" and returns the user it accepted.
func (s *SMTPSink) auth(tp *textproto.Conn, arg string) string {
	mech, resp, _ := strings.Cut(arg, " ")
	raw, err := base64.StdEncoding.DecodeString(resp)
	parts := strings.Split(string(raw), "\x00")
	if mech != "PLAIN" || err != nil || len(parts) != 3 || parts[1] != s.User || parts[2] != s.Pass {
		tp.PrintfLine("535 authentication failed")
		return ""
	}
	tp.PrintfLine("235 ok")
	return parts[1]
}

// readData reads a DATA section up to the lone dot, keeping CRLFs.
func readData(r *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		if line == ".\r\n" {
			return b.String(), nil
		}
		b.WriteString(strings.TrimPrefix(line, "."))
	}
}

// SelfSignedTLS returns a server config for 127.0.0.1 and a client config
// that trusts it.
func SelfSignedTLS(t testing.TB) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	return server, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}

// pathOf returns the address of "FROM:<a@b> BODY=8BITMIME".
func pathOf(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}
