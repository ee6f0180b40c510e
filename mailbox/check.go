package mailbox

// Connection checks for `klachtbot check`: reach a server with the settings
// the service would use, log in, look around, and leave. Nothing is read,
// changed or sent.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	gomail "github.com/wneessen/go-mail"
)

// CheckTimeout bounds one CheckIMAP or CheckSMTP call when ctx has no earlier
// deadline: a server that does not answer must not hang the check.
const CheckTimeout = 15 * time.Second

// CheckResult is one step of a check; Err is nil when the step passed.
type CheckResult struct {
	Step string
	Err  error
}

// OK reports whether the step passed.
func (r CheckResult) OK() bool { return r.Err == nil }

// CheckIMAP connects to srv with its configured security (certificates
// verified), logs in, lists the mailboxes, checks that each of folders exists
// and can be selected (names compared case-sensitively, INBOX excepted), and
// logs out. It stops at the first step that fails: the steps after it are not
// reported.
// SentFolder is looked up as the watcher would find it; a folder named in
// create may be missing: the watcher creates it.
func CheckIMAP(ctx context.Context, srv Server, folders []string, create ...string) []CheckResult {
	ctx, cancel, limit := withCheckTimeout(ctx)
	defer cancel()
	var res []CheckResult
	add := func(step string, err error) bool {
		if err != nil {
			err = timeoutError(ctx, limit, err)
		}
		res = append(res, CheckResult{Step: step, Err: err})
		return err == nil
	}

	connect := fmt.Sprintf("connect %s (%s)", srv.Addr(), securityName(srv.Security))
	if err := srv.CheckSecurity(); err != nil {
		add(connect, fmt.Errorf("refused before connecting: %w", err))
		return res
	}
	c, err := dialIMAP(ctx, &srv)
	if !add(connect, err) {
		return res
	}
	// go-imap has no contexts: closing the client ends any call in progress.
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	defer c.Close()

	if !add(loginStep(&srv), loginError(srv.imapLogin(ctx, c))) {
		return res
	}

	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		err = fmt.Errorf("could not list the folders: %w", timeoutError(ctx, limit, err))
		for _, f := range folders {
			res = append(res, CheckResult{Step: "folder " + f, Err: err})
		}
		return res
	}
	var names []string
	byName := map[string]*imap.ListData{}
	for _, l := range list {
		name := l.Mailbox
		if strings.EqualFold(name, "INBOX") {
			name = "INBOX"
		}
		if byName[name] == nil {
			names = append(names, name)
		}
		byName[name] = l
	}
	for _, f := range folders {
		if f == SentFolder {
			found, err := pickSent(list)
			step := "folder Sent"
			if err == nil {
				step = fmt.Sprintf("folder Sent (found %q)", found)
			}
			add(step, err)
			continue
		}
		key := f
		if strings.EqualFold(f, "INBOX") {
			key = "INBOX"
		}
		l := byName[key]
		switch {
		case l == nil && slices.Contains(create, f):
			add("folder "+f+" (does not exist yet: created at start)", nil)
		case l == nil:
			add("folder "+f, fmt.Errorf("does not exist (folders: %s)", folderList(names, f)))
		case hasAttr(l.Attrs, imap.MailboxAttrNoSelect) || hasAttr(l.Attrs, imap.MailboxAttrNonExistent):
			add("folder "+f, fmt.Errorf("exists but cannot be selected (%s)", attrList(l.Attrs)))
		default:
			add("folder "+f, nil)
		}
	}

	add("logout", c.Logout().Wait())
	return res
}

// dialIMAP connects as Watcher.dial does, within ctx. The imapclient Dial
// functions take no context and STARTTLS waits for the greeting with a 30s
// read timeout of its own: a late client is closed when it arrives.
func dialIMAP(ctx context.Context, srv *Server) (*imapclient.Client, error) {
	dialer := &net.Dialer{Timeout: CheckTimeout}
	if d, ok := ctx.Deadline(); ok {
		dialer.Deadline = d
	}
	type result struct {
		c   *imapclient.Client
		err error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		r.c, r.err = srv.imapDial(&imapclient.Options{Dialer: dialer})
		done <- r
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, connectError(r.err)
		}
		return r.c, nil
	case <-ctx.Done():
		go func() {
			if r := <-done; r.c != nil {
				r.c.Close()
			}
		}()
		return nil, hint(ctx.Err(), srv)
	}
}

// CheckSMTP connects to srv with the settings SMTPSender uses (security,
// certificates verified, AUTH PLAIN when a username is set), authenticates and
// quits. No mail is sent.
func CheckSMTP(ctx context.Context, srv Server) []CheckResult {
	ctx, cancel, limit := withCheckTimeout(ctx)
	defer cancel()
	connect := fmt.Sprintf("connect %s (%s)", srv.Addr(), securityName(srv.Security))
	login := loginStep(&srv)
	if err := srv.CheckSecurity(); err != nil {
		return []CheckResult{{Step: connect, Err: fmt.Errorf("refused before connecting: %w", err)}}
	}

	// go-mail dials, greets, does STARTTLS and AUTH in one call. The dial
	// function (what go-mail does itself: plain TCP, or TLS for "tls") tells
	// whether the connection stood, and lets a failed attempt be closed:
	// go-mail leaves the connection open when AUTH fails.
	var conn net.Conn
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		nd := &net.Dialer{}
		var err error
		if srv.Security == SecurityTLS {
			td := &tls.Dialer{NetDialer: nd, Config: srv.tlsConfig()}
			conn, err = td.DialContext(ctx, network, addr)
		} else {
			conn, err = nd.DialContext(ctx, network, addr)
		}
		return conn, err
	}
	// go-mail puts its timeout on the connection's deadline: the check's limit, not a longer one.
	opts := append(smtpOptions(&srv, limit), gomail.WithDialContextFunc(dial))
	c, err := gomail.NewClient(srv.Host, opts...)
	if err != nil {
		return []CheckResult{{Step: connect, Err: err}}
	}
	err = c.DialWithContext(ctx)
	if err == nil {
		c.Close()
	}
	if conn != nil {
		conn.Close()
	}
	if err != nil {
		err = timeoutError(ctx, limit, err)
	}
	switch {
	case err == nil:
		res := []CheckResult{{Step: connect}}
		if srv.Username != "" {
			res = append(res, CheckResult{Step: login})
		}
		return res
	case conn == nil || !isSMTPAuthError(err):
		return []CheckResult{{Step: connect, Err: connectError(hint(err, &srv))}}
	default:
		return []CheckResult{{Step: connect}, {Step: login, Err: smtpLoginError(err)}}
	}
}

// smtpOptions are the go-mail options for srv. They repeat what
// SMTPSender.Send builds, which could use this helper instead.
func smtpOptions(srv *Server, timeout time.Duration) []gomail.Option {
	opts := []gomail.Option{
		gomail.WithPort(srv.Port),
		gomail.WithTimeout(timeout),
		gomail.WithTLSConfig(srv.tlsConfig()),
	}
	switch srv.Security {
	case SecurityTLS:
		opts = append(opts, gomail.WithSSL())
	case SecurityStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case SecurityNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	switch {
	case srv.OAuth != nil:
		opts = append(opts, gomail.WithSMTPAuthCustom(&tokenAuth{srv: srv}))
	case srv.Username != "":
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain),
			gomail.WithUsername(srv.Username), gomail.WithPassword(srv.Password))
	}
	return opts
}

func isSMTPAuthError(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "SMTP AUTH") ||
		errors.Is(err, gomail.ErrPlainAuthNotSupported) ||
		errors.Is(err, gomail.ErrNoSupportedAuthDiscovered)
}

func smtpLoginError(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "does not support SMTP AUTH"), errors.Is(err, gomail.ErrPlainAuthNotSupported):
		return fmt.Errorf("the server offers no AUTH PLAIN here (submission port? STARTTLS?): %w", err)
	case strings.Contains(msg, "oauth2"):
		return fmt.Errorf("login refused: %s", strings.TrimPrefix(msg, "SMTP AUTH failed: "))
	default:
		return fmt.Errorf("login refused by the server (wrong username or password?): %s",
			strings.TrimPrefix(msg, "SMTP AUTH failed: "))
	}
}

// loginStep names the login step of a check.
func loginStep(srv *Server) string {
	if srv.OAuth != nil {
		return "login as " + srv.Username + " (oauth2 " + strings.ToLower(srv.OAuth.Mechanism) + ")"
	}
	return "login as " + srv.Username
}

func loginError(err error) error {
	if err == nil {
		return nil
	}
	var te *TokenError
	if errors.As(err, &te) {
		return fmt.Errorf("login refused: %w", err)
	}
	var ie *imap.Error
	if errors.As(err, &ie) {
		text := ie.Text
		if ie.Code != "" {
			text = "[" + string(ie.Code) + "] " + text
		}
		return fmt.Errorf("login refused by the server (wrong username or password?): %s %s", ie.Type, text)
	}
	return err
}

// connectError adds a hint to a certificate that does not verify.
func connectError(err error) error {
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	switch {
	case errors.As(err, &ua):
		return fmt.Errorf("%w (certificate not signed by a trusted CA: set ca_file for a private CA)", err)
	case errors.As(err, &hn):
		return fmt.Errorf("%w (the certificate is not for this host name)", err)
	}
	return err
}

// withCheckTimeout bounds a check by CheckTimeout or ctx's earlier deadline,
// and returns that limit for the messages.
func withCheckTimeout(ctx context.Context) (context.Context, context.CancelFunc, time.Duration) {
	limit := CheckTimeout
	if d, ok := ctx.Deadline(); ok && time.Until(d) < limit {
		limit = max(time.Until(d), 0).Round(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	return ctx, cancel, limit
}

// timeoutError says so when err comes from the check's time running out
// (the dialers share its deadline and may notice first).
func timeoutError(ctx context.Context, limit time.Duration, err error) error {
	var ne net.Error
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) ||
		errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("no answer within %v: %w", limit, err)
	}
	return err
}

func securityName(s Security) string {
	if s == SecurityNone {
		return "plaintext"
	}
	return string(s)
}

func hasAttr(attrs []imap.MailboxAttr, a imap.MailboxAttr) bool {
	return slices.ContainsFunc(attrs, func(x imap.MailboxAttr) bool { return strings.EqualFold(string(x), string(a)) })
}

func attrList(attrs []imap.MailboxAttr) string {
	s := make([]string, len(attrs))
	for i, a := range attrs {
		s[i] = string(a)
	}
	return strings.Join(s, " ")
}

// folderList names the folders a missing one was looked for among: those that
// differ only in case first (the likely typo), at most 20 in all.
func folderList(names []string, missing string) string {
	if len(names) == 0 {
		return "none"
	}
	var near, rest []string
	for _, n := range names {
		if strings.EqualFold(n, missing) {
			near = append(near, n)
		} else {
			rest = append(rest, n)
		}
	}
	all := append(near, rest...)
	if len(all) > 20 {
		return strings.Join(all[:20], ", ") + fmt.Sprintf(", ... %d more", len(all)-20)
	}
	return strings.Join(all, ", ")
}

// CheckTarget is one account for CheckAll. Server is nil when its secrets
// could not be resolved: it is reported as skipped.
type CheckTarget struct {
	Label   string // "imap marco@mcoo.nl"
	Key     string // its configuration key, "directors[0].imap"
	IMAP    bool   // else SMTP
	Server  *Server
	Folders []string // IMAP: the folders that must exist
	Create  []string // of those, the ones the service creates when missing
}

// CheckAll checks every account, one after the other (a failed IMAP login
// costs a few seconds on Dovecot, auth_failure_delay), and writes one line
// per step to out: "label: step ok" or "label: step: FAIL reason". It
// returns how many steps ran and how many failed.
func CheckAll(ctx context.Context, out io.Writer, targets []CheckTarget) (total, failed int) {
	for _, t := range targets {
		if t.Server == nil {
			fmt.Fprintf(out, "%s: skipped (%s: secrets not resolved, see above)\n", t.Label, t.Key)
			continue
		}
		var res []CheckResult
		if t.IMAP {
			res = CheckIMAP(ctx, *t.Server, t.Folders, t.Create...)
		} else {
			res = CheckSMTP(ctx, *t.Server)
		}
		for _, r := range res {
			// Plaintext to a host that is not loopback: configuration checks
			// refuse it first, so this only shows if the rules drift apart.
			if r.Err != nil && strings.HasPrefix(r.Err.Error(), "refused before connecting") {
				r.Err = fmt.Errorf("%s.security: %w", t.Key, r.Err)
			}
			total++
			if !r.print(out, t.Label) {
				failed++
			}
		}
	}
	return total, failed
}

// print writes the step's line, "label: step ok" or "label: step: FAIL
// reason", and reports whether it passed.
func (r CheckResult) print(out io.Writer, label string) bool {
	if r.Err != nil {
		fmt.Fprintf(out, "%s: %s: FAIL %v\n", label, r.Step, r.Err)
		return false
	}
	fmt.Fprintf(out, "%s: %s ok\n", label, r.Step)
	return true
}
