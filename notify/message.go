package notify

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// Message returns the e-mail for r: headers (From, To, Subject, Date,
// Message-ID, MIME) and a quoted-printable UTF-8 plain-text body, every line
// ending in CRLF.
func (s *SMTP) Message(r hindsight.Reminder) ([]byte, error) {
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return nil, fmt.Errorf("smtp: smtp.from %q is not an e-mail address", s.From)
	}
	if len(s.To) == 0 {
		return nil, errors.New("smtp: smtp.to lists no recipient")
	}
	to := make([]string, len(s.To))
	for i, addr := range s.To {
		a, err := mail.ParseAddress(addr)
		if err != nil {
			return nil, fmt.Errorf("smtp: recipient %q is not an e-mail address", addr)
		}
		to[i] = a.String()
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from.String())
	header("To", strings.Join(to, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", oneLine("[Hindsight] "+r.Title)))
	header("Date", now().Format(time.RFC1123Z))
	header("Message-ID", messageID(from.Address))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(plainBody(r), "\n", "\r\n")))
	qp.Close()
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	return b.Bytes(), nil
}

// plainBody is the text of the e-mail, lines ending in LF.
func plainBody(r hindsight.Reminder) string {
	var b strings.Builder
	b.WriteString(oneLine(r.Title) + "\n\n")
	for _, l := range r.Lines {
		b.WriteString("- " + oneLine(l) + "\n")
	}
	if r.URL != "" {
		b.WriteString("\n" + r.URL + "\n")
	}
	b.WriteString("\n-- \nSent by Hindsight: " + string(r.Kind) + ", " + r.Period + ".\n")
	return b.String()
}

// oneLine flattens s onto one line, so that a title can never inject a
// header or break the body's layout.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// messageID returns a unique Message-ID in the sender's domain.
func messageID(from string) string {
	domain := "hindsight.invalid"
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i+1 < len(from) {
		domain = from[i+1:]
	}
	var random [12]byte
	rand.Read(random[:])
	return "<" + hex.EncodeToString(random[:]) + "." + fmt.Sprint(time.Now().UnixNano()) + "@" + domain + ">"
}
