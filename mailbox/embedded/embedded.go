// Package embedded is a small, real mail system that runs in-process on
// loopback: an IMAP server (go-imap/v2's imapmemserver, IMAP4rev1 + IDLE,
// UIDPLUS, MOVE, ...) and an SMTP server (go-smtp) that delivers accepted mail
// into the recipients' INBOX in the same in-memory store.
//
// It backs `klachtbot demo` and the fast tests. Clients talk to it over real
// TCP connections with the real protocols; the Server methods (Deliver, Append,
// Messages, RecreateFolder, ...) give tests and the demo in-process access to
// the same store. Everything is kept in memory and lost on Close. It knows
// nothing of klachtbot: it must not import any other package of it.
//
// Differences from a production mail server worth knowing:
//   - plaintext only (no TLS); IMAP LOGIN/AUTHENTICATE PLAIN and SMTP AUTH PLAIN
//     are allowed without TLS because both servers listen on 127.0.0.1 only;
//   - SMTP also accepts unauthenticated submission from loopback, like a local MTA;
//   - mail for non-local recipients is never relayed: it is refused (550 5.1.1)
//     or, when Options.Catchall is set, delivered to the catch-all INBOX;
//   - UIDVALIDITY values are small per-user counters (1, 2, 3, ...), not
//     timestamps; keywords are stored lower-cased (imapmemserver behaviour);
//   - no SPECIAL-USE attributes (\Sent, \Trash, ...): imapmemserver v2.0.0-beta.8
//     ignores them, so clients must find Sent/Trash by name.
package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"
)

// DefaultFolders are created for every user, in this order, before Options.Folders.
var DefaultFolders = []string{"INBOX", "Sent", "Drafts", "Trash"}

// MaxMessageBytes is the largest message accepted over SMTP (SIZE) and IMAP
// APPEND (APPENDLIMIT).
const MaxMessageBytes = 25 << 20

const (
	// closeWait bounds how long Close waits for connection goroutines to finish.
	closeWait = 5 * time.Second
	// idlePollInterval is the safety net of the IDLE loop: even without a change
	// notification a session's pending updates are flushed this often.
	idlePollInterval = 500 * time.Millisecond
	// internalTimeout bounds the loopback IMAP conversation of Messages.
	internalTimeout = 30 * time.Second
)

var (
	// ErrClosed is returned by Deliver, Append, Messages, StoredMessages and
	// RecreateFolder after Close. (Envelopes and UIDValidity keep working.)
	ErrClosed = errors.New("embedded mail server is closed")
	// ErrUnknownUser is returned for addresses that are not in Options.Users
	// (and, for deliveries, when there is no catch-all).
	ErrUnknownUser = errors.New("unknown user")
	// ErrNoSuchFolder is returned when a folder does not exist.
	ErrNoSuchFolder = errors.New("no such folder")
)

// Options configures Start.
type Options struct {
	// Users maps address to password. The address is the IMAP login name and
	// the local SMTP recipient; it is matched case-insensitively. Each user gets
	// DefaultFolders (INBOX, Sent, Drafts, Trash) plus Folders, all subscribed.
	Users map[string]string
	// Folders are extra folders created for every user, e.g. "Klachten".
	Folders []string
	// Catchall, if set, must be one of Users: mail to non-local recipients is
	// delivered to this user's INBOX. Otherwise such RCPT is refused with
	// 550 5.1.1 and Deliver returns ErrUnknownUser.
	Catchall string
	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
}

// Envelope is one SMTP transaction the server accepted.
type Envelope struct {
	From       string    // MAIL FROM address, "" for the null sender <>
	To         []string  // accepted RCPT TO addresses, as the client gave them
	Data       []byte    // the message exactly as received (without the trace headers added on delivery)
	Auth       string    // authenticated user, "" for unauthenticated submission
	Helo       string    // EHLO/HELO name
	RemoteAddr string    // client address
	QueueID    string    // id in the Received header
	Time       time.Time // when the transaction was accepted
}

// StoredMessage is one message of a folder as the IMAP server has it.
type StoredMessage struct {
	UID          uint32
	Flags        []string // e.g. `\Seen`; keywords are lower-cased by imapmemserver
	InternalDate time.Time
	Raw          []byte
}

// Server is a running embedded mail system. Its methods are safe for
// concurrent use.
type Server struct {
	IMAPAddr string // "127.0.0.1:port"
	SMTPAddr string // "127.0.0.1:port"

	log      *slog.Logger
	accounts map[string]*account // by lower-cased address; immutable after Start
	catchall *account            // nil without catch-all
	folders  []string            // all folders created per user

	imap   *imapserver.Server
	smtp   *smtp.Server
	imapLn net.Listener
	smtpLn net.Listener

	// storeMu makes RecreateFolder (delete + create) atomic with respect to
	// in-process and SMTP deliveries: deliveries hold it shared.
	storeMu sync.RWMutex

	mu        sync.Mutex
	cond      *sync.Cond // signalled when active drops
	closed    bool
	active    int // running IMAP sessions, SMTP sessions and SMTP DATA handlers
	sessions  map[*imapSession]struct{}
	envelopes []Envelope
	hook      func(from string, to []string) error
	changed   chan struct{} // closed and replaced whenever a mailbox changes

	serveWG   sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
	quiet     atomic.Bool // set once Close is done: library loggers go silent
}

type account struct {
	addr     string // lower-cased
	password string
	user     *imapmemserver.User
}

// Start validates opts, creates the users and their folders and starts the
// IMAP and SMTP servers on random free loopback ports.
func Start(opts Options) (*Server, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		log:      logger.With("component", "embedded-mail"),
		accounts: make(map[string]*account, len(opts.Users)),
		sessions: make(map[*imapSession]struct{}),
		changed:  make(chan struct{}),
	}
	s.cond = sync.NewCond(&s.mu)

	s.folders = append(s.folders, DefaultFolders...)
	for _, f := range opts.Folders {
		f = canonicalFolder(f)
		if f == "" {
			return nil, fmt.Errorf("embedded: start: empty folder name in Options.Folders")
		}
		if !slices.Contains(s.folders, f) {
			s.folders = append(s.folders, f)
		}
	}

	mem := imapmemserver.New()
	for addr, password := range opts.Users {
		key := normalizeAddr(addr)
		if key == "" || !strings.Contains(key, "@") {
			return nil, fmt.Errorf("embedded: start: user %q is not a mail address", addr)
		}
		if _, dup := s.accounts[key]; dup {
			return nil, fmt.Errorf("embedded: start: user %q given twice (addresses are case-insensitive)", addr)
		}
		u := imapmemserver.NewUser(key, password)
		for _, f := range s.folders {
			if err := u.Create(f, nil); err != nil {
				return nil, fmt.Errorf("embedded: start: create folder %q for %s: %w", f, key, err)
			}
			if err := u.Subscribe(f); err != nil {
				return nil, fmt.Errorf("embedded: start: subscribe folder %q for %s: %w", f, key, err)
			}
		}
		mem.AddUser(u)
		s.accounts[key] = &account{addr: key, password: password, user: u}
	}
	if opts.Catchall != "" {
		acct := s.accounts[normalizeAddr(opts.Catchall)]
		if acct == nil {
			return nil, fmt.Errorf("embedded: start: catch-all %q is not one of Options.Users", opts.Catchall)
		}
		s.catchall = acct
	}

	imapLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("embedded: start: listen for IMAP: %w", err)
	}
	smtpLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		imapLn.Close()
		return nil, fmt.Errorf("embedded: start: listen for SMTP: %w", err)
	}
	s.imapLn, s.smtpLn = imapLn, smtpLn
	s.IMAPAddr, s.SMTPAddr = imapLn.Addr().String(), smtpLn.Addr().String()

	s.imap = imapserver.New(&imapserver.Options{
		NewSession: s.newIMAPSession,
		Caps: imap.CapSet{
			imap.CapIMAP4rev1:    {},
			imap.CapNamespace:    {},
			imap.CapUIDPlus:      {},
			imap.CapESearch:      {},
			imap.CapSearchRes:    {},
			imap.CapListExtended: {},
			imap.CapListStatus:   {},
			imap.CapMove:         {},
			imap.CapStatusSize:   {},
			imap.CapBinary:       {},
			// IDLE, UNSELECT, ENABLE, UTF8=ACCEPT, SASL-IR, LITERAL- and
			// AUTH=PLAIN are added by imapserver itself; APPENDLIMIT comes
			// from imapSession.AppendLimit.
		},
		Logger:       libLogger{s: s, component: "imap"},
		InsecureAuth: true,
	})

	s.smtp = smtp.NewServer(smtpBackend{s})
	s.smtp.Domain = "localhost"
	s.smtp.AllowInsecureAuth = true
	s.smtp.MaxMessageBytes = MaxMessageBytes
	s.smtp.MaxRecipients = 100
	s.smtp.ReadTimeout = 5 * time.Minute
	s.smtp.WriteTimeout = time.Minute
	s.smtp.EnableSMTPUTF8 = true
	s.smtp.ErrorLog = libLogger{s: s, component: "smtp"}

	s.serveWG.Add(2)
	go func() {
		defer s.serveWG.Done()
		if err := s.imap.Serve(imapLn); err != nil && !s.isClosed() {
			s.log.Error("IMAP server stopped", "addr", s.IMAPAddr, "err", err)
		}
	}()
	go func() {
		defer s.serveWG.Done()
		if err := s.smtp.Serve(smtpLn); err != nil && !s.isClosed() {
			s.log.Error("SMTP server stopped", "addr", s.SMTPAddr, "err", err)
		}
	}()

	s.log.Info("embedded mail server started",
		"imap", s.IMAPAddr, "smtp", s.SMTPAddr,
		"users", len(s.accounts), "folders", s.folders, "catchall", s.catchallAddr())
	return s, nil
}

// Close stops both servers and closes all connections. It waits (bounded) for
// the connection handlers to finish, so nothing is delivered or logged after it
// returns. Later calls do nothing and return the first call's result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.notifyChanged()

		var errs []error
		if err := s.imap.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, fmt.Errorf("close IMAP server: %w", err))
		}
		if err := s.smtp.Close(); err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, smtp.ErrServerClosed) {
			errs = append(errs, fmt.Errorf("close SMTP server: %w", err))
		}
		// The libraries only close listeners their Serve already registered;
		// closing them here as well covers a Close that races with Start's
		// goroutines. Double closes are harmless.
		s.imapLn.Close()
		s.smtpLn.Close()
		s.serveWG.Wait()

		if n := s.waitInactive(closeWait); n > 0 {
			s.log.Warn("closed with connection handlers still running", "handlers", n, "waited", closeWait)
		}
		s.quiet.Store(true)
		s.closeErr = errors.Join(errs...)
		if s.closeErr != nil {
			s.log.Error("embedded mail server closed with errors", "err", s.closeErr)
		} else {
			s.log.Info("embedded mail server closed")
		}
	})
	return s.closeErr
}

// Deliver stores raw in the INBOX of rcpt (or of the catch-all user when rcpt
// is not local) with INTERNALDATE now, as a local delivery would. raw is
// stored unchanged (no trace headers are added, unlike mail received over
// SMTP) and no Envelope is recorded. IDLE-ing clients are notified.
func (s *Server) Deliver(rcpt string, raw []byte) error {
	acct, err := s.resolveRecipient(rcpt)
	if err != nil {
		return fmt.Errorf("embedded: deliver to %q: %w", rcpt, err)
	}
	uid, err := s.appendMessage(acct, "INBOX", raw, time.Now(), nil)
	if err != nil {
		return fmt.Errorf("embedded: deliver to %q: %w", rcpt, err)
	}
	s.log.Info("delivered in-process", "rcpt", rcpt, "user", acct.addr, "folder", "INBOX", "uid", uid, "size", len(raw))
	return nil
}

// Append stores raw in folder of user with the given INTERNALDATE (zero means
// now) and returns its UID, e.g. to place a director's reply in Sent.
func (s *Server) Append(user, folder string, raw []byte, internalDate time.Time) (uint32, error) {
	return s.AppendWithFlags(user, folder, raw, internalDate)
}

// AppendWithFlags is Append with message flags, e.g. `\Seen`.
func (s *Server) AppendWithFlags(user, folder string, raw []byte, internalDate time.Time, flags ...string) (uint32, error) {
	acct := s.account(user)
	if acct == nil {
		return 0, fmt.Errorf("embedded: append to %s/%s: %w", user, folder, ErrUnknownUser)
	}
	if internalDate.IsZero() {
		internalDate = time.Now()
	}
	imapFlags := make([]imap.Flag, len(flags))
	for i, f := range flags {
		imapFlags[i] = imap.Flag(f)
	}
	uid, err := s.appendMessage(acct, folder, raw, internalDate, imapFlags)
	if err != nil {
		return 0, fmt.Errorf("embedded: append to %s/%s: %w", user, folder, err)
	}
	s.log.Info("appended in-process", "user", acct.addr, "folder", canonicalFolder(folder), "uid", uid, "size", len(raw))
	return uid, nil
}

// Messages returns the raw bytes of every message in folder of user, in UID
// order.
func (s *Server) Messages(user, folder string) ([][]byte, error) {
	msgs, err := s.StoredMessages(user, folder)
	if err != nil {
		return nil, err
	}
	raws := make([][]byte, len(msgs))
	for i, m := range msgs {
		raws[i] = m.Raw
	}
	return raws, nil
}

// StoredMessages returns every message in folder of user with UID, flags and
// INTERNALDATE, in UID order. It reads them over a loopback IMAP connection
// (EXAMINE + UID FETCH BODY.PEEK[]), so \Seen flags are not changed.
func (s *Server) StoredMessages(user, folder string) ([]StoredMessage, error) {
	acct := s.account(user)
	if acct == nil {
		return nil, fmt.Errorf("embedded: read %s/%s: %w", user, folder, ErrUnknownUser)
	}
	if s.isClosed() {
		return nil, fmt.Errorf("embedded: read %s/%s: %w", user, folder, ErrClosed)
	}
	msgs, err := s.fetchAll(acct, canonicalFolder(folder))
	if err != nil {
		return nil, fmt.Errorf("embedded: read %s/%s: %w", user, folder, err)
	}
	return msgs, nil
}

// UIDValidity returns the current UIDVALIDITY of folder of user.
func (s *Server) UIDValidity(user, folder string) (uint32, error) {
	acct := s.account(user)
	if acct == nil {
		return 0, fmt.Errorf("embedded: uidvalidity of %s/%s: %w", user, folder, ErrUnknownUser)
	}
	st, err := acct.user.Status(canonicalFolder(folder), &imap.StatusOptions{UIDValidity: true})
	if err != nil {
		return 0, fmt.Errorf("embedded: uidvalidity of %s/%s: %w", user, folder, mapStoreErr(err))
	}
	return st.UIDValidity, nil
}

// RecreateFolder deletes folder of user with all its messages and creates it
// again, empty and with a new UIDVALIDITY. IMAP connections that have the
// folder selected get `* BYE` and are disconnected, as on a real server whose
// mailbox was re-created, so that clients re-select and see the new
// UIDVALIDITY.
func (s *Server) RecreateFolder(user, folder string) error {
	acct := s.account(user)
	if acct == nil {
		return fmt.Errorf("embedded: recreate %s/%s: %w", user, folder, ErrUnknownUser)
	}
	folder = canonicalFolder(folder)
	s.storeMu.Lock()
	if s.isClosed() {
		s.storeMu.Unlock()
		return fmt.Errorf("embedded: recreate %s/%s: %w", user, folder, ErrClosed)
	}
	if err := acct.user.Delete(folder); err != nil {
		s.storeMu.Unlock()
		return fmt.Errorf("embedded: recreate %s/%s: delete: %w", user, folder, mapStoreErr(err))
	}
	createErr := acct.user.Create(folder, nil)
	if createErr == nil {
		createErr = acct.user.Subscribe(folder)
	}
	s.storeMu.Unlock()
	if createErr != nil {
		return fmt.Errorf("embedded: recreate %s/%s: create: %w", user, folder, createErr)
	}
	n := s.byeSelected(acct.addr, folder, nil, "Mailbox was deleted and re-created, UIDVALIDITY changed")
	uv, _ := s.UIDValidity(acct.addr, folder)
	s.log.Info("folder re-created", "user", acct.addr, "folder", folder, "uidvalidity", uv, "disconnected", n)
	return nil
}

// Envelopes returns every SMTP transaction accepted so far, oldest first.
// The result is a copy.
func (s *Server) Envelopes() []Envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Envelope, len(s.envelopes))
	for i, e := range s.envelopes {
		e.To = slices.Clone(e.To)
		e.Data = bytes.Clone(e.Data)
		out[i] = e
	}
	return out
}

// SetSMTPHook installs fn (nil removes it). It is called at the end of DATA
// with the envelope sender and recipients, before delivery. If it returns an
// error the message is not delivered and not recorded: a *smtp.SMTPError
// (e.g. 451 4.3.0 or 550 5.7.1) is given to the client as is, any other error
// as 451 4.3.0.
func (s *Server) SetSMTPHook(fn func(from string, to []string) error) {
	s.mu.Lock()
	s.hook = fn
	s.mu.Unlock()
}

// Users returns the configured addresses (lower-cased), sorted.
func (s *Server) Users() []string {
	out := make([]string, 0, len(s.accounts))
	for a := range s.accounts {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Folders returns the folders created for every user.
func (s *Server) Folders() []string { return slices.Clone(s.folders) }

// ---- internals ----

func (s *Server) account(addr string) *account { return s.accounts[normalizeAddr(addr)] }

func (s *Server) catchallAddr() string {
	if s.catchall == nil {
		return ""
	}
	return s.catchall.addr
}

// resolveRecipient maps an envelope recipient to the account whose INBOX gets
// the mail.
func (s *Server) resolveRecipient(rcpt string) (*account, error) {
	if acct := s.account(rcpt); acct != nil {
		return acct, nil
	}
	if s.catchall != nil {
		return s.catchall, nil
	}
	return nil, ErrUnknownUser
}

// appendMessage appends to a folder of acct and wakes IDLE-ing sessions.
func (s *Server) appendMessage(acct *account, folder string, raw []byte, t time.Time, flags []imap.Flag) (uint32, error) {
	s.storeMu.RLock()
	defer s.storeMu.RUnlock()
	if s.isClosed() {
		return 0, ErrClosed
	}
	// User.Append copies the literal, so the caller may reuse raw.
	data, err := acct.user.Append(canonicalFolder(folder), bytes.NewReader(raw), &imap.AppendOptions{Time: t, Flags: flags})
	if err != nil {
		return 0, mapStoreErr(err)
	}
	// imapmemserver queues the EXISTS update on the mailbox tracker itself;
	// this wakes the IDLE loops so they flush it right away.
	s.notifyChanged()
	return uint32(data.UID), nil
}

// fetchAll reads a folder over a loopback IMAP connection: imapmemserver has no
// exported way to read message bytes in-process.
func (s *Server) fetchAll(acct *account, folder string) ([]StoredMessage, error) {
	c, err := imapclient.DialInsecure(s.IMAPAddr, &imapclient.Options{
		Dialer: &net.Dialer{Timeout: 5 * time.Second},
	})
	if err != nil {
		return nil, fmt.Errorf("dial IMAP: %w", err)
	}
	defer c.Close()
	// Bound the whole conversation: imapclient waits have no timeout of their own.
	timer := time.AfterFunc(internalTimeout, func() { c.Close() })
	defer timer.Stop()

	if err := c.Login(acct.addr, acct.password).Wait(); err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	sel, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		var imapErr *imap.Error
		if errors.As(err, &imapErr) && imapErr.Code == imap.ResponseCodeNonExistent {
			return nil, fmt.Errorf("examine: %w: %w", ErrNoSuchFolder, err)
		}
		return nil, fmt.Errorf("examine: %w", err)
	}
	var out []StoredMessage
	if sel.NumMessages > 0 {
		all := imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}} // 1:*
		bufs, err := c.Fetch(all, &imap.FetchOptions{
			UID:          true,
			Flags:        true,
			InternalDate: true,
			BodySection:  []*imap.FetchItemBodySection{{Peek: true}},
		}).Collect()
		if err != nil {
			return nil, fmt.Errorf("fetch: %w", err)
		}
		for _, b := range bufs {
			m := StoredMessage{UID: uint32(b.UID), InternalDate: b.InternalDate}
			for _, f := range b.Flags {
				m.Flags = append(m.Flags, string(f))
			}
			for _, sec := range b.BodySection {
				if sec.Section != nil && sec.Section.Specifier == imap.PartSpecifierNone && len(sec.Section.Part) == 0 {
					m.Raw = sec.Bytes
				}
			}
			out = append(out, m)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].UID < out[j].UID })
	}
	if err := c.Logout().Wait(); err != nil {
		s.log.Debug("internal IMAP logout failed", "user", acct.addr, "err", err)
	}
	return out, nil
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// begin registers a running handler; it fails once the server is closed.
func (s *Server) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.active++
	return true
}

func (s *Server) end() {
	s.mu.Lock()
	s.active--
	if s.active <= 0 {
		s.cond.Broadcast()
	}
	s.mu.Unlock()
}

// waitInactive waits until no handler runs or the timeout passes; it returns
// the number still running.
func (s *Server) waitInactive(timeout time.Duration) int {
	deadline := time.Now().Add(timeout)
	t := time.AfterFunc(timeout, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer t.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.active > 0 && time.Now().Before(deadline) {
		s.cond.Wait()
	}
	return s.active
}

// changes returns a channel that is closed at the next mailbox change.
func (s *Server) changes() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// notifyChanged wakes everyone waiting on changes.
func (s *Server) notifyChanged() {
	s.mu.Lock()
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

func normalizeAddr(addr string) string {
	addr = strings.TrimSpace(addr)
	addr = strings.TrimPrefix(addr, "<")
	addr = strings.TrimSuffix(addr, ">")
	return strings.ToLower(strings.TrimSpace(addr))
}

// canonicalFolder spells INBOX the way IMAP servers do (it is case-insensitive).
func canonicalFolder(name string) string {
	name = strings.TrimSpace(name)
	if strings.EqualFold(name, "INBOX") {
		return "INBOX"
	}
	return name
}

// mapStoreErr turns imapmemserver's "no such mailbox" into ErrNoSuchFolder.
func mapStoreErr(err error) error {
	var imapErr *imap.Error
	if errors.As(err, &imapErr) && (imapErr.Code == imap.ResponseCodeNonExistent || imapErr.Code == imap.ResponseCodeTryCreate) {
		return fmt.Errorf("%w: %w", ErrNoSuchFolder, err)
	}
	return err
}

// libLogger adapts the imapserver and go-smtp Printf loggers to slog. It goes
// silent once Close is done so no late connection goroutine logs into a
// finished test.
type libLogger struct {
	s         *Server
	component string
}

func (l libLogger) Printf(format string, v ...any) { l.emit(fmt.Sprintf(format, v...)) }
func (l libLogger) Println(v ...any)               { l.emit(fmt.Sprintln(v...)) }

func (l libLogger) emit(msg string) {
	if l.s.quiet.Load() {
		return
	}
	msg = strings.TrimSpace(msg)
	level := slog.LevelWarn
	for _, disconnect := range []string{"use of closed network connection", "connection reset by peer", "broken pipe", "EOF"} {
		if strings.Contains(msg, disconnect) {
			// A client went away or was disconnected (Close, RecreateFolder):
			// normal for this server, not worth a warning.
			level = slog.LevelDebug
			break
		}
	}
	l.s.log.Log(context.Background(), level, msg, "protocol", l.component)
}
