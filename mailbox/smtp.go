package mailbox

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/mcoo/klachtbot/mailbox/message"
)

// Security is how a connection to a mail server is protected, as
// configured (security = "tls").
type Security string

// Securities.
const (
	SecurityTLS      Security = "tls"      // TLS from the start (IMAP 993, SMTP 465)
	SecurityStartTLS Security = "starttls" // plain, then STARTTLS, which must succeed (IMAP 143, SMTP 587)
	SecurityNone     Security = "none"     // plaintext: only to a loopback host
)

// Server is how to reach a mail server.
type Server struct {
	Host     string
	Port     int
	Security Security // "tls", "starttls" or "none" (loopback only)
	Username string
	Password string
	OAuth    *Tokens     // set: log in with an OAuth2 token instead of the password
	TLS      *tls.Config // RootCAs etc.; ServerName is filled in from Host
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, fmt.Sprint(s.Port)) }

// CheckSecurity refuses plaintext to anything but loopback.
func (s *Server) CheckSecurity() error {
	switch s.Security {
	case SecurityTLS, SecurityStartTLS:
		return nil
	case SecurityNone:
		if IsLoopback(s.Host) {
			return nil
		}
		return fmt.Errorf("\"none\" (plaintext) is only allowed to a loopback host, not %q", s.Host)
	default:
		return fmt.Errorf("%q: must be \"tls\", \"starttls\" or \"none\"", s.Security)
	}
}

// IsLoopback reports whether host is a loopback name or address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Server) tlsConfig() *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.TLS != nil {
		c = s.TLS.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = s.Host
	}
	return c
}

// SMTPSender sends mail over SMTP with go-mail: Dial opens a session for a
// run of mails, Send a connection for one.
type SMTPSender struct {
	Accounts map[string]*Server // by account (director address)
	Default  *Server
	Timeout  time.Duration
}

// Send sends m with the settings of account over a connection of its own
// (Dial). Its errors carry their kind (mailerr.KindOf).
func (s *SMTPSender) Send(ctx context.Context, account string, m *message.Outgoing) error {
	c, err := s.Dial(ctx, account)
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Send(ctx, m)
	return err
}

func build(m *message.Outgoing) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent()) // no library advertised to the firm's clients
	if err := msg.FromFormat(m.FromName, m.From); err != nil {
		return nil, err
	}
	if err := msg.To(m.To...); err != nil {
		return nil, err
	}
	if len(m.Bcc) > 0 {
		if err := msg.Bcc(m.Bcc...); err != nil {
			return nil, err
		}
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(strings.Trim(m.MessageID, "<>"))
	msg.SetDateWithValue(m.Date)
	if m.InReplyTo != "" {
		msg.SetGenHeader(gomail.HeaderInReplyTo, m.InReplyTo)
	}
	if len(m.References) > 0 {
		// One space-joined value: go-mail joins several with ", ", which
		// mail readers (go-message among them) misparse.
		msg.SetGenHeader(gomail.HeaderReferences, strings.Join(m.References, " "))
	}
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}
