package mailbox_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/mailbox"
	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/mailbox/tlstest"
)

// TestConnectHints: the wrong security for a port gets an error that says
// what to try, from the checks and from sending alike, against real
// listeners: the embedded plaintext servers, and a TLS port.
func TestConnectHints(t *testing.T) {
	t.Parallel()
	plain := checkServer(t)
	tlsAddr, tlsConf := tlstest.Listener(t)
	const toStartTLS = `(the server at 127.0.0.1:`
	const toStartTLSTail = ` answers in plaintext, not TLS: try security = "starttls" (or "none" on loopback))`
	const toTLS = `(no plaintext greeting came: if the port expects TLS from the first byte, try security = "tls")`

	account := func(addr string, security mailbox.Security) mailbox.Server {
		srv := checkAccount(t, addr, "marco@mcoo.nl", "geheim")
		srv.Security, srv.TLS = security, tlsConf
		return srv
	}
	send := func(srv mailbox.Server) error {
		s := &mailbox.SMTPSender{Default: &srv, Timeout: 2 * time.Second}
		return s.Send(context.Background(), "marco@mcoo.nl", &message.Outgoing{
			From: "marco@mcoo.nl", To: []string{"jan@example.nl"}, Subject: "test", Text: "test",
			MessageID: "<hint@mcoo.nl>", Date: time.Now(),
		})
	}
	firstErr := func(res []mailbox.CheckResult) error {
		for _, r := range res {
			if r.Err != nil {
				return r.Err
			}
		}
		return errors.New("every step passed")
	}
	ctx := func() context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		t.Cleanup(cancel)
		return ctx
	}
	tests := []struct {
		name string
		err  func() error
		want []string
	}{
		{"imap check, tls to plaintext", func() error {
			return firstErr(mailbox.CheckIMAP(ctx(), account(plain.IMAPAddr, "tls"), []string{"INBOX"}))
		},
			[]string{"first record does not look like a TLS handshake", toStartTLS, toStartTLSTail}},
		{"smtp check, tls to plaintext", func() error { return firstErr(mailbox.CheckSMTP(ctx(), account(plain.SMTPAddr, "tls"))) },
			[]string{"first record does not look like a TLS handshake", toStartTLS, toStartTLSTail}},
		{"smtp send, tls to plaintext", func() error { return send(account(plain.SMTPAddr, "tls")) },
			[]string{"first record does not look like a TLS handshake", toStartTLS, toStartTLSTail}},
		{"imap check, starttls to a TLS port", func() error {
			return firstErr(mailbox.CheckIMAP(ctx(), account(tlsAddr, "starttls"), []string{"INBOX"}))
		},
			[]string{toTLS}},
		{"smtp check, starttls to a TLS port", func() error { return firstErr(mailbox.CheckSMTP(ctx(), account(tlsAddr, "starttls"))) },
			[]string{toTLS}},
		{"smtp send, starttls to a TLS port", func() error { return send(account(tlsAddr, "starttls")) },
			[]string{toTLS}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			for _, w := range tt.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error %v\nlacks %q", err, w)
				}
			}
		})
	}

	// The right security on the same ports passes: the hints are not
	// guesses added to every failure.
	if err := firstErr(mailbox.CheckSMTP(ctx(), account(plain.SMTPAddr, "none"))); err.Error() != "every step passed" {
		t.Errorf("plaintext smtp: %v", err)
	}
	if err := firstErr(mailbox.CheckIMAP(ctx(), account(plain.IMAPAddr, "none"), []string{"INBOX"})); err.Error() != "every step passed" {
		t.Errorf("plaintext imap: %v", err)
	}
}
