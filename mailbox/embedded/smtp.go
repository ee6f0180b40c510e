package embedded

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	netsmtp "net/smtp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

var (
	errShuttingDown = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "Service shutting down, try again later"}
	errLocalFailure = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Requested action aborted: local error in processing"}
)

type smtpBackend struct{ s *Server }

func (b smtpBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	s := b.s
	if !s.begin() {
		return nil, errShuttingDown
	}
	remote := c.Conn().RemoteAddr()
	sess := &smtpSession{
		srv:      s,
		remote:   remote.String(),
		loopback: isLoopback(remote),
		helo:     c.Hostname(),
	}
	s.log.Debug("SMTP session started", "remote", sess.remote, "helo", sess.helo)
	return sess, nil
}

// smtpSession is one SMTP connection after EHLO. go-smtp calls Logout from
// Server.Close concurrently with the connection goroutine, hence the mutex.
type smtpSession struct {
	srv      *Server
	remote   string
	loopback bool
	helo     string

	mu        sync.Mutex
	auth      string // authenticated user
	from      string
	rcpts     []string // accepted RCPT TO as given
	loggedOut bool
}

var _ smtp.AuthSession = (*smtpSession)(nil)

func (sess *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (sess *smtpSession) Auth(mech string) (sasl.Server, error) {
	if !strings.EqualFold(mech, sasl.Plain) {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		acct := sess.srv.account(username)
		ok := acct != nil &&
			(identity == "" || normalizeAddr(identity) == acct.addr) &&
			subtle.ConstantTimeCompare([]byte(password), []byte(acct.password)) == 1
		if !ok {
			sess.srv.log.Warn("SMTP authentication failed", "remote", sess.remote, "user", username)
			return smtp.ErrAuthFailed // 535 5.7.8
		}
		sess.mu.Lock()
		sess.auth = acct.addr
		sess.mu.Unlock()
		sess.srv.log.Debug("SMTP authenticated", "remote", sess.remote, "user", acct.addr)
		return nil
	}), nil
}

func (sess *smtpSession) Mail(from string, opts *smtp.MailOptions) error {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if sess.auth == "" && !sess.loopback {
		return smtp.ErrAuthRequired
	}
	sess.from = from
	sess.rcpts = nil
	return nil
}

func (sess *smtpSession) Rcpt(to string, opts *smtp.RcptOptions) error {
	if _, err := sess.srv.resolveRecipient(to); err != nil {
		sess.srv.log.Info("SMTP recipient refused", "remote", sess.remote, "rcpt", to)
		return &smtp.SMTPError{
			Code:         550,
			EnhancedCode: smtp.EnhancedCode{5, 1, 1},
			Message:      fmt.Sprintf("<%s>: Recipient address rejected: User unknown in local recipient table", to),
		}
	}
	sess.mu.Lock()
	sess.rcpts = append(sess.rcpts, to)
	sess.mu.Unlock()
	return nil
}

func (sess *smtpSession) Data(r io.Reader) error {
	s := sess.srv
	if !s.begin() {
		return errShuttingDown
	}
	defer s.end()

	data, err := io.ReadAll(r)
	if err != nil {
		var smtpErr *smtp.SMTPError
		if errors.As(err, &smtpErr) {
			return smtpErr // e.g. 552 5.3.4 message too big; must not be wrapped
		}
		return fmt.Errorf("read message data: %w", err)
	}

	sess.mu.Lock()
	env := Envelope{
		From:       sess.from,
		To:         slices.Clone(sess.rcpts),
		Data:       data,
		Auth:       sess.auth,
		Helo:       sess.helo,
		RemoteAddr: sess.remote,
		QueueID:    newQueueID(),
		Time:       time.Now(),
	}
	sess.mu.Unlock()
	log := s.log.With("queue_id", env.QueueID, "remote", env.RemoteAddr, "from", env.From, "to", env.To, "size", len(data), "auth", env.Auth)

	s.mu.Lock()
	hook := s.hook
	s.mu.Unlock()
	if hook != nil {
		if err := hook(env.From, slices.Clone(env.To)); err != nil {
			var smtpErr *smtp.SMTPError
			if !errors.As(err, &smtpErr) {
				smtpErr = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary local problem: " + err.Error()}
			}
			log.Warn("SMTP message refused by hook", "code", smtpErr.Code, "enhanced_code", smtpErr.EnhancedCode, "reason", smtpErr.Message)
			return smtpErr
		}
	}

	if err := s.deliverEnvelope(env); err != nil {
		log.Error("SMTP delivery failed", "err", err)
		if errors.Is(err, ErrClosed) {
			return errShuttingDown
		}
		return errLocalFailure
	}
	log.Info("SMTP message accepted and delivered")
	return nil
}

func (sess *smtpSession) Reset() {
	sess.mu.Lock()
	sess.from = ""
	sess.rcpts = nil
	sess.mu.Unlock()
}

func (sess *smtpSession) Logout() error {
	sess.mu.Lock()
	already := sess.loggedOut
	sess.loggedOut = true
	sess.mu.Unlock()
	if !already {
		sess.srv.log.Debug("SMTP session ended", "remote", sess.remote)
		sess.srv.end()
	}
	return nil
}

// deliverEnvelope stores one copy per target mailbox (recipients that map to
// the same mailbox, e.g. via the catch-all, get one copy, as MTAs do), each
// with Return-Path and Received prepended, and records the envelope.
func (s *Server) deliverEnvelope(env Envelope) error {
	type target struct {
		acct  *account
		rcpts []string
	}
	var targets []*target
	byAddr := map[string]*target{}
	for _, rcpt := range env.To {
		acct, err := s.resolveRecipient(rcpt)
		if err != nil {
			return fmt.Errorf("resolve recipient %q: %w", rcpt, err)
		}
		t := byAddr[acct.addr]
		if t == nil {
			t = &target{acct: acct}
			byAddr[acct.addr] = t
			targets = append(targets, t)
		}
		if !slices.ContainsFunc(t.rcpts, func(r string) bool { return normalizeAddr(r) == normalizeAddr(rcpt) }) {
			t.rcpts = append(t.rcpts, rcpt)
		}
	}

	now := time.Now()
	for _, t := range targets {
		forRcpt := ""
		if len(env.To) == 1 {
			forRcpt = env.To[0]
		}
		stored := withTraceHeaders(env, forRcpt, now)
		uid, err := s.appendMessage(t.acct, "INBOX", stored, now, nil)
		if err != nil {
			return fmt.Errorf("deliver to %s INBOX: %w", t.acct.addr, err)
		}
		s.log.Debug("SMTP delivery stored", "queue_id", env.QueueID, "user", t.acct.addr, "rcpts", t.rcpts, "uid", uid)
	}

	s.mu.Lock()
	s.envelopes = append(s.envelopes, env)
	s.mu.Unlock()
	return nil
}

// withTraceHeaders prepends Return-Path and Received the way an MTA's local
// delivery does, using the message's own line ending.
func withTraceHeaders(env Envelope, forRcpt string, now time.Time) []byte {
	nl := "\r\n"
	if i := bytes.IndexByte(env.Data, '\n'); i >= 0 && (i == 0 || env.Data[i-1] != '\r') {
		nl = "\n"
	}
	helo := env.Helo
	if helo == "" {
		helo = "unknown"
	}
	ip := env.RemoteAddr
	if host, _, err := net.SplitHostPort(ip); err == nil {
		ip = host
	}
	proto := "ESMTP"
	if env.Auth != "" {
		proto = "ESMTPA" // RFC 3848
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Return-Path: <%s>%s", env.From, nl)
	fmt.Fprintf(&b, "Received: from %s (localhost [%s])%s", helo, ip, nl)
	if env.Auth != "" {
		fmt.Fprintf(&b, "\t(Authenticated sender: %s)%s", env.Auth, nl)
	}
	fmt.Fprintf(&b, "\tby localhost (klachtbot embedded) with %s id %s", proto, env.QueueID)
	if forRcpt != "" {
		fmt.Fprintf(&b, "%s\tfor <%s>", nl, forRcpt)
	}
	fmt.Fprintf(&b, "; %s%s", now.Format(time.RFC1123Z), nl)

	out := make([]byte, 0, b.Len()+len(env.Data))
	out = append(out, b.String()...)
	return append(out, env.Data...)
}

func newQueueID() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

func isLoopback(addr net.Addr) bool {
	if tcp, ok := addr.(*net.TCPAddr); ok {
		return tcp.IP.IsLoopback()
	}
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Submit hands raw to the server's own SMTP listener as another MTA would,
// so it is received like any mail from outside: trace headers added, an
// Envelope recorded.
func (s *Server) Submit(from string, to []string, raw []byte) error {
	return SubmitTo(s.SMTPAddr, from, to, raw)
}

// SubmitTo hands raw to the SMTP server at addr (a loopback MX: Postfix, or
// this package's) as another MTA would: plain SMTP, no AUTH. net/smtp's
// SendMail would insist on STARTTLS when it is offered.
func SubmitTo(addr, from string, to []string, raw []byte) error {
	c, err := netsmtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("MAIL FROM:<%s>: %w", from, err)
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt); err != nil {
			return fmt.Errorf("RCPT TO:<%s>: %w", rcpt, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
