package mailbox

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/mcoo/klachtbot/mailbox/mailerr"
	"github.com/mcoo/klachtbot/mailbox/message"
)

// Dial opens one connection to an account's SMTP server, for the outbox to
// send several mails in a row over it (outbox.Dialer).
func (s *SMTPSender) Dial(ctx context.Context, account string) (message.Conn, error) {
	srv := s.Accounts[account]
	if srv == nil {
		srv = s.Default
	}
	if srv == nil {
		return nil, fmt.Errorf("no SMTP server for %s", account)
	}
	if err := srv.CheckSecurity(); err != nil {
		return nil, srv.fail(mailerr.TLS, err)
	}
	for attempt := 0; ; attempt++ {
		c, err := gomail.NewClient(srv.Host, smtpOptions(srv, cmp.Or(s.Timeout, 30*time.Second))...)
		if err != nil {
			return nil, srv.fail(mailerr.Unreachable, fmt.Errorf("smtp client for %s: %w", srv.Addr(), err))
		}
		err = c.DialWithContext(ctx)
		if err == nil {
			return &smtpConn{c: c, srv: srv}, nil
		}
		c.Close() // go-mail keeps the connection when AUTH fails
		if attempt == 0 && srv.OAuth != nil && isSMTPAuthError(err) {
			srv.OAuth.Invalidate() // revoked or expired early: one more try with a new token
			continue
		}
		return nil, srv.fail(srv.dialKind(err), fmt.Errorf("connect to %s: %w", srv.Addr(), hint(err, srv)))
	}
}

// smtpConn is one open SMTP session.
type smtpConn struct {
	c   *gomail.Client
	srv *Server
}

// Send sends one mail over the session and returns its bytes as sent: the
// message is rendered once for the record and written again to the server
// (go-mail keeps a message's MIME boundaries between renderings, and every
// header is set here, so both are the same bytes).
func (c *smtpConn) Send(ctx context.Context, m *message.Outgoing) ([]byte, error) {
	msg, err := build(m)
	if err != nil { // the mail itself cannot go: no retry makes it
		return nil, c.srv.fail(mailerr.Refused, fmt.Errorf("build mail %s: %w", m.MessageID, err))
	}
	var raw bytes.Buffer
	if _, err := msg.WriteTo(&raw); err != nil {
		return nil, c.srv.fail(mailerr.Refused, fmt.Errorf("render mail %s: %w", m.MessageID, err))
	}
	if err := ctx.Err(); err != nil {
		return nil, c.srv.fail(mailerr.Temporary, err)
	}
	if err := c.c.Send(msg); err != nil {
		return nil, c.srv.fail(sendKind(err), fmt.Errorf("send %s via %s: %w", m.MessageID, c.srv.Addr(), err))
	}
	return raw.Bytes(), nil
}

// Close ends the session with QUIT.
func (c *smtpConn) Close() error { return c.c.Close() }
