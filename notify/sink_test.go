package notify_test

import (
	"crypto/tls"
	"testing"

	"github.com/hindsight-sre/hindsight/internal/testenv"
)

// The SMTP sink lives in testenv, shared with the other packages that send
// mail.
type smtpSink = testenv.SMTPSink

func newSMTPSink(t *testing.T, configure func(*smtpSink)) *smtpSink {
	return testenv.NewSMTPSink(t, configure)
}

func selfSignedTLS(t *testing.T) (server, client *tls.Config) { return testenv.SelfSignedTLS(t) }
