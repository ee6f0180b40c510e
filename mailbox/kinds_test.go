package mailbox_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/mcoo/klachtbot/mailbox"
	"github.com/mcoo/klachtbot/mailbox/mailerr"
	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/mailbox/tlstest"
)

func serverAt(t *testing.T, addr string, security mailbox.Security, user, password string) *mailbox.Server {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	return &mailbox.Server{Host: host, Port: p, Security: security, Username: user, Password: password}
}

// TestSendErrorKinds: what the outbox decides by, for each way sending
// fails against real listeners: the account's failures (TLS, login,
// unreachable) and one mail's (refused, try later).
func TestSendErrorKinds(t *testing.T) {
	t.Parallel()
	srv := checkServer(t)
	tlsAddr, _ := tlstest.Listener(t) // a certificate nobody configured trusts
	tests := []struct {
		name    string
		server  *mailbox.Server
		hook    error
		kind    mailerr.Kind
		code    int
		account bool
	}{
		{"untrusted certificate", serverAt(t, tlsAddr, "tls", "marco@mcoo.nl", "geheim"), nil, mailerr.TLS, 0, true},
		{"wrong password", serverAt(t, srv.SMTPAddr, "none", "marco@mcoo.nl", "fout"), nil, mailerr.Auth, 535, true},
		{"closed port", serverAt(t, checkDeadAddr(t), "none", "marco@mcoo.nl", "geheim"), nil, mailerr.Unreachable, 0, true},
		{"recipient refused", serverAt(t, srv.SMTPAddr, "none", "marco@mcoo.nl", "geheim"),
			&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}, mailerr.Refused, 550, false},
		{"try later", serverAt(t, srv.SMTPAddr, "none", "marco@mcoo.nl", "geheim"),
			&smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}, mailerr.Temporary, 451, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv.SetSMTPHook(func(string, []string) error { return tc.hook })
			s := &mailbox.SMTPSender{Default: tc.server, Timeout: 5 * time.Second}
			err := s.Send(context.Background(), "marco@mcoo.nl", &message.Outgoing{From: "marco@mcoo.nl", To: []string{"marco@mcoo.nl"},
				Subject: "Ontvangst", MessageID: "<1@mcoo.nl>", Date: time.Now(), Text: "Goed ontvangen."})
			e := mailerr.As(err)
			if e == nil {
				t.Fatalf("error without a kind: %v", err)
			}
			if e.Kind != tc.kind || e.Kind.Account() != tc.account || e.Code != tc.code || e.Host != tc.server.Host || e.Port != tc.server.Port {
				t.Errorf("%v: kind %v (account %t), code %d, at %s:%d; want %v, code %d", err, e.Kind, e.Kind.Account(), e.Code, e.Host, e.Port, tc.kind, tc.code)
			}
		})
	}
	srv.SetSMTPHook(nil)
}

// TestWatchErrorKinds: a watcher tells its health with the failure's kind.
func TestWatchErrorKinds(t *testing.T) {
	t.Parallel()
	srv := checkServer(t)
	tlsAddr, _ := tlstest.Listener(t)
	tests := []struct {
		name   string
		server *mailbox.Server
		folder string
		kind   mailerr.Kind
	}{
		{"untrusted certificate", serverAt(t, tlsAddr, "tls", "marco@mcoo.nl", "geheim"), "INBOX", mailerr.TLS},
		{"wrong password", serverAt(t, srv.IMAPAddr, "none", "marco@mcoo.nl", "fout"), "INBOX", mailerr.Auth},
		{"closed port", serverAt(t, checkDeadAddr(t), "none", "marco@mcoo.nl", "geheim"), "INBOX", mailerr.Unreachable},
		{"folder missing", serverAt(t, srv.IMAPAddr, "none", "marco@mcoo.nl", "geheim"), "Bestaatniet", mailerr.NoFolder},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			health := make(chan error, 10)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			w := &mailbox.Watcher{Server: *tc.server, Folder: tc.folder, Handler: newRecorder(),
				Log: slog.New(slog.NewTextHandler(io.Discard, nil)), CommandTimeout: 5 * time.Second,
				Health: func(err error) {
					select {
					case health <- err:
					default:
					}
				}}
			go w.Run(ctx)
			var err error
			select {
			case err = <-health:
			case <-time.After(time.Minute): // a hang guard, not a timing
				t.Fatal("the watcher reported nothing")
			}
			if got := mailerr.KindOf(err); got != tc.kind {
				var e *mailerr.Error
				t.Errorf("%v: kind %v, want %v (typed: %t)", err, got, tc.kind, errors.As(err, &e))
			}
		})
	}
}
