package mailbox

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"

	"github.com/mcoo/klachtbot/mailbox/mailerr"
	"github.com/mcoo/klachtbot/mailbox/message"
)

// Handler receives what a Watcher reads. Deliver must advance the folder's
// checkpoint to the message's UID in the same transaction that records it.
type Handler interface {
	Checkpoint() (message.Checkpoint, error)
	Deliver(*message.Fetched) error
	Advance(message.Checkpoint) error // skip past mail that is not to be acted on
}

// CopyHandler is a Handler that wants to see the copies of the bot's own
// mail (those with an X-Klachtbot-Case header) that wait after the
// checkpoint before anything else is delivered: after a restore from a
// backup, they tell what was already sent.
type CopyHandler interface {
	Copies([]*message.Message) error
}

// Watcher follows one IMAP folder: it never changes anything there (read-only
// select, BODY.PEEK), resumes from its checkpoint, waits with IDLE where the
// server offers it and polls otherwise, and reconnects with backoff.
type Watcher struct {
	Server Server
	// Folder is the folder's name, or SentFolder: the account's Sent folder,
	// found anew at every connection.
	Folder  string
	Create  bool // create the folder when it does not exist
	Handler Handler
	Log     *slog.Logger
	// Since bounds the first scan of a folder and a rescan after a
	// UIDVALIDITY change: older mail found then is skipped.
	Since time.Time

	// Health, when set, is told after each attempt to read the folder: nil
	// once it is selected, the error when a session ends.
	Health func(error)

	PollInterval   time.Duration // without IDLE (default 1m)
	IdleRefresh    time.Duration // end IDLE, NOOP and rescan this often: the dead-link watchdog (default 4m)
	CommandTimeout time.Duration // any single command (default 1m)
	MaxBackoff     time.Duration // default 5m

	mu     sync.Mutex
	status WatcherStatus
	found  string // the folder's name on the server, once found
}

// WatcherStatus is what a watcher reports about itself.
type WatcherStatus struct {
	Folder    string `json:"folder"`
	Connected bool   `json:"connected"`
	Idle      bool   `json:"idle"`
	LastUID   uint32 `json:"last_uid"`
	// A scan in progress: messages to read in it, and read so far.
	ScanTotal int       `json:"scan_total,omitempty"`
	ScanDone  int       `json:"scan_done,omitempty"`
	LastError string    `json:"last_error,omitempty"`
	ErrorAt   time.Time `json:"error_at,omitzero"`
	LastScan  time.Time `json:"last_scan,omitzero"` // the last time the folder was read through
}

// Status returns a snapshot of the watcher's state.
func (w *Watcher) Status() WatcherStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.status
	s.Folder = w.Server.Username + "/" + cmp.Or(w.found, w.Folder)
	return s
}

// name is the folder's name on the server once found (the Sent folder by
// its attribute), else as configured: the one way a folder is written.
func (w *Watcher) name() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return cmp.Or(w.found, w.Folder)
}

func (w *Watcher) setStatus(f func(*WatcherStatus)) {
	w.mu.Lock()
	f(&w.status)
	w.mu.Unlock()
}

// Run watches until ctx is cancelled. Errors end a session, never the watcher.
func (w *Watcher) Run(ctx context.Context) {
	backoff := time.Second
	var last mailerr.Kind // of the account failure logged last
	for ctx.Err() == nil {
		started := time.Now()
		err := w.session(ctx)
		if ctx.Err() != nil {
			return
		}
		w.setStatus(func(s *WatcherStatus) {
			s.Connected, s.Idle = false, false
			s.LastError, s.ErrorAt = err.Error(), time.Now()
		})
		if w.Health != nil {
			w.Health(err)
		}
		if time.Since(started) > time.Minute {
			backoff, last = time.Second, mailerr.Other // the session was healthy for a while
		}
		// Jitter keeps several watchers from hammering a recovering server together.
		wait := backoff/2 + rand.N(backoff)
		// An account failure (login, TLS, unreachable) is logged once, while
		// it lasts: Health makes it an incident, told once per repeat.
		level := slog.LevelWarn
		if kind := mailerr.KindOf(err); kind.Account() && kind == last {
			level = slog.LevelDebug
		} else if kind.Account() {
			last = kind
		} else {
			last = mailerr.Other
		}
		w.Log.Log(ctx, level, "imap session ended, reconnecting", "folder", w.name(), "err", err, "in", wait.Round(time.Millisecond))
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		backoff = min(backoff*2, cmp.Or(w.MaxBackoff, 5*time.Minute))
	}
}

// Prescan hands the copies of the bot's own mail that wait after the
// checkpoint to the Handler, when it is a CopyHandler: headers only, on a
// connection of its own. The service runs it for every folder before any
// watcher delivers, so a mail re-read after a restore meets the record of
// its acknowledgement first.
func (w *Watcher) Prescan(ctx context.Context) error {
	h, ok := w.Handler.(CopyHandler)
	if !ok {
		return nil
	}
	cp, err := w.Handler.Checkpoint()
	if err != nil || cp.UIDValidity == 0 {
		return err // a first start: nothing was sent from this store yet
	}
	c, sel, done, err := w.open(ctx, make(chan struct{}, 1))
	if err != nil {
		return fmt.Errorf("prescan %s: %w", w.Folder, err)
	}
	defer done()
	if sel.UIDValidity != cp.UIDValidity || sel.NumMessages == 0 {
		return nil // a changed folder is rescanned whole anyway
	}
	var copies []*message.Message
	err = w.timed(c, cmp.Or(w.CommandTimeout, time.Minute), func() error {
		found, err := c.UIDSearch(&imap.SearchCriteria{
			UID:    []imap.UIDSet{{imap.UIDRange{Start: imap.UID(cp.LastUID + 1), Stop: 0}}},
			Header: []imap.SearchCriteriaHeaderField{{Key: "X-Klachtbot-Case", Value: ""}},
		}, nil).Wait()
		if err != nil {
			return fmt.Errorf("search copies: %w", err)
		}
		uids, _ := found.All.(imap.UIDSet)
		if len(uids) == 0 {
			return nil
		}
		section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true}
		msgs, err := c.Fetch(uids, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
		for _, m := range msgs {
			if uint32(m.UID) > cp.LastUID { // "n:*" always matches the highest UID
				copies = append(copies, message.Parse(m.FindBodySection(section)))
			}
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("prescan %s: %w", w.Folder, err)
	}
	if len(copies) > 0 {
		w.Log.Info("copies of the bot's mail found after the checkpoint", "folder", w.name(), "copies", len(copies))
	}
	return h.Copies(copies)
}

// Prescan runs every watcher's Prescan, one after the other, each for at
// most 30 seconds: a server that does not answer must not hold up the start.
func Prescan(ctx context.Context, ws []*Watcher) {
	for _, w := range ws {
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		if err := w.Prescan(pctx); err != nil {
			w.Log.Warn("could not read the copies of sent mail first", "folder", w.name(), "err", err)
		}
		cancel()
	}
}

// open connects, logs in and selects the folder read-only, each step under
// the command timeout. The connection closes when ctx ends (go-imap has no
// contexts: closing the client is the way out of any call) or when the
// caller calls done.
func (w *Watcher) open(ctx context.Context, newMail chan struct{}) (c *imapclient.Client, sel *imap.SelectData, done func(), err error) {
	if c, err = w.dial(newMail); err != nil {
		return nil, nil, nil, err
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	done = func() { stop(); c.Close() }
	timeout := cmp.Or(w.CommandTimeout, time.Minute)
	if err := w.timed(c, timeout, func() error { return w.Server.imapLogin(ctx, c) }); err != nil {
		done()
		return nil, nil, nil, w.Server.fail(w.Server.imapLoginKind(err), fmt.Errorf("login %s as %s: %w", w.Server.Addr(), w.Server.Username, err))
	}
	var name string
	if err := w.timed(c, timeout, func() (err error) {
		if name, err = findFolder(c, w.Folder); err != nil {
			return err
		}
		sel, err = c.Select(name, &imap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil && w.Create && isNonexistent(err) {
			if err := c.Create(name, nil).Wait(); err != nil {
				return fmt.Errorf("create %s: %w", name, err)
			}
			w.Log.Info("created folder", "user", w.Server.Username, "folder", name)
			sel, err = c.Select(name, &imap.SelectOptions{ReadOnly: true}).Wait()
		}
		if err != nil && isNonexistent(err) {
			return w.Server.fail(mailerr.NoFolder, fmt.Errorf("select %s: %w", name, err))
		}
		if err != nil {
			return fmt.Errorf("select %s: %w", name, err)
		}
		return nil
	}); err != nil {
		done()
		return nil, nil, nil, err
	}
	if name != w.Folder {
		w.mu.Lock()
		w.found = name
		w.mu.Unlock()
	}
	return c, sel, done, nil
}

// session is one connection: connect, catch up, then wait for news.
func (w *Watcher) session(ctx context.Context) (err error) {
	newMail := make(chan struct{}, 1)
	c, sel, done, err := w.open(ctx, newMail)
	if err != nil {
		return err
	}
	defer done()
	timeout := cmp.Or(w.CommandTimeout, time.Minute)
	w.setStatus(func(s *WatcherStatus) { s.Connected, s.LastError, s.ErrorAt = true, "", time.Time{} })
	if w.Health != nil {
		w.Health(nil)
	}
	w.Log.Info("watching folder", "user", w.Server.Username, "folder", w.name(),
		"uidvalidity", sel.UIDValidity, "messages", sel.NumMessages, "idle", c.Caps().Has(imap.CapIdle))

	for {
		if err := w.scan(c, sel.UIDValidity, timeout); err != nil {
			return err
		}
		w.setStatus(func(s *WatcherStatus) { s.LastScan = time.Now() })
		if c.Caps().Has(imap.CapIdle) {
			err = w.idle(ctx, c, newMail, timeout)
		} else {
			err = w.poll(ctx, c, newMail, timeout)
		}
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

func (w *Watcher) dial(newMail chan struct{}) (*imapclient.Client, error) {
	if err := w.Server.CheckSecurity(); err != nil {
		return nil, w.Server.fail(mailerr.TLS, err)
	}
	c, err := w.Server.imapDial(&imapclient.Options{
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(data *imapclient.UnilateralDataMailbox) {
				if data.NumMessages != nil {
					select {
					case newMail <- struct{}{}:
					default:
					}
				}
			},
		},
	})
	if err != nil {
		return nil, w.Server.fail(connKind(err), fmt.Errorf("connect %s: %w", w.Server.Addr(), err))
	}
	return c, nil
}

// imapDial connects with the server's security, certificates verified, and
// envelopes decoded in every charset go-message knows.
func (s *Server) imapDial(opts *imapclient.Options) (*imapclient.Client, error) {
	opts.TLSConfig = s.tlsConfig()
	opts.WordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}
	var c *imapclient.Client
	var err error
	switch s.Security {
	case SecurityTLS:
		c, err = imapclient.DialTLS(s.Addr(), opts)
	case SecurityStartTLS:
		c, err = imapclient.DialStartTLS(s.Addr(), opts)
	default:
		c, err = imapclient.DialInsecure(s.Addr(), opts)
	}
	return c, hint(err, s)
}

// timed runs an IMAP call and closes the connection if it does not return in
// time: a dead link otherwise blocks for ever.
func (w *Watcher) timed(c *imapclient.Client, d time.Duration, f func() error) error {
	t := time.AfterFunc(d, func() {
		w.Log.Warn("imap command timed out, closing connection", "folder", w.name(), "after", d)
		c.Close()
	})
	defer t.Stop()
	return f()
}

// idle waits in IDLE for new mail. Every IdleRefresh it ends IDLE and sends
// NOOP under a timeout: a link that died silently is found that way.
func (w *Watcher) idle(ctx context.Context, c *imapclient.Client, newMail chan struct{}, timeout time.Duration) error {
	var cmd *imapclient.IdleCommand
	// Idle waits for the server's continuation: a dead link would block it for ever.
	if err := w.timed(c, timeout, func() (err error) { cmd, err = c.Idle(); return err }); err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	w.setStatus(func(s *WatcherStatus) { s.Idle = true })
	refresh := time.NewTimer(cmp.Or(w.IdleRefresh, 4*time.Minute))
	defer refresh.Stop()
	select {
	case <-newMail:
	case <-refresh.C:
	case <-ctx.Done():
	case <-c.Closed():
	}
	w.setStatus(func(s *WatcherStatus) { s.Idle = false })
	if err := w.timed(c, timeout, func() error {
		if err := cmd.Close(); err != nil {
			return err
		}
		return cmd.Wait()
	}); err != nil {
		return fmt.Errorf("end idle: %w", err)
	}
	if ctx.Err() != nil {
		return nil
	}
	return w.timed(c, timeout, func() error { return c.Noop().Wait() })
}

func (w *Watcher) poll(ctx context.Context, c *imapclient.Client, newMail chan struct{}, timeout time.Duration) error {
	t := time.NewTimer(cmp.Or(w.PollInterval, time.Minute))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return nil
	case <-newMail:
	case <-t.C:
	}
	if err := w.timed(c, timeout, func() error { return c.Noop().Wait() }); err != nil {
		return fmt.Errorf("noop: %w", err)
	}
	return nil
}

// scan reads every message after the checkpoint, oldest first.
func (w *Watcher) scan(c *imapclient.Client, uidValidity uint32, timeout time.Duration) error {
	cp, err := w.Handler.Checkpoint()
	if err != nil {
		return fmt.Errorf("read checkpoint: %w", err)
	}
	bounded := false // a first scan or a rescan: old mail is skipped
	if cp.UIDValidity != uidValidity {
		if cp.UIDValidity != 0 {
			w.Log.Warn("UIDVALIDITY changed: rescanning folder; known messages are recognised by Message-ID",
				"folder", w.name(), "old", cp.UIDValidity, "new", uidValidity)
		}
		cp = message.Checkpoint{UIDValidity: uidValidity}
		bounded = true
	}
	if mb := c.Mailbox(); mb != nil && mb.NumMessages == 0 {
		return w.Handler.Advance(cp)
	}

	// First the UIDs and dates only: a folder with years of mail is not downloaded.
	type entry struct {
		uid  imap.UID
		date time.Time
	}
	var entries []entry
	err = w.timed(c, timeout, func() error {
		set := imap.UIDSet{imap.UIDRange{Start: imap.UID(cp.LastUID + 1), Stop: 0}}
		msgs, err := c.Fetch(set, &imap.FetchOptions{UID: true, InternalDate: true}).Collect()
		for _, m := range msgs {
			// "n:*" always matches the highest UID, even when it is <= n.
			if uint32(m.UID) > cp.LastUID {
				entries = append(entries, entry{m.UID, m.InternalDate})
			}
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("list new messages: %w", err)
	}
	skipped, nskipped := cp, 0
	w.setStatus(func(s *WatcherStatus) { s.ScanTotal, s.ScanDone = len(entries), 0 })
	defer w.setStatus(func(s *WatcherStatus) { s.ScanTotal, s.ScanDone = 0, 0 })
	lastReport := time.Now()
	for i, e := range entries {
		if len(entries) > 100 && time.Since(lastReport) > 5*time.Second {
			w.Log.Info("scanning folder", "folder", w.name(), "done", i, "of", len(entries))
			lastReport = time.Now()
		}
		w.setStatus(func(s *WatcherStatus) { s.ScanDone = i })
		if bounded && e.date.Before(w.Since) {
			skipped.LastUID = max(skipped.LastUID, uint32(e.uid))
			nskipped++
			continue
		}
		if skipped != cp {
			if err := w.Handler.Advance(skipped); err != nil {
				return fmt.Errorf("skip old messages: %w", err)
			}
			cp = skipped
		}
		f, err := w.fetch(c, uidValidity, e.uid, timeout)
		if err != nil {
			return err
		}
		if f == nil {
			continue // expunged meanwhile
		}
		if err := w.Handler.Deliver(f); err != nil {
			return fmt.Errorf("deliver uid %d: %w", e.uid, err)
		}
		cp.LastUID = uint32(e.uid)
		skipped = cp
		w.setStatus(func(s *WatcherStatus) { s.LastUID = cp.LastUID })
	}
	if skipped != cp || bounded {
		if nskipped > 0 {
			w.Log.Info("left alone mail from before the first start", "folder", w.name(), "messages", nskipped, "through_uid", skipped.LastUID)
		}
		if err := w.Handler.Advance(skipped); err != nil {
			return fmt.Errorf("skip old messages: %w", err)
		}
		w.setStatus(func(s *WatcherStatus) { s.LastUID = skipped.LastUID })
	}
	return nil
}

func (w *Watcher) fetch(c *imapclient.Client, uidValidity uint32, uid imap.UID, timeout time.Duration) (*message.Fetched, error) {
	var f *message.Fetched
	folder := w.name()
	err := w.timed(c, timeout, func() error {
		section := &imap.FetchItemBodySection{Peek: true}
		cmd := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{section}})
		defer cmd.Close()
		for {
			msg := cmd.Next()
			if msg == nil {
				break
			}
			cur := &message.Fetched{UIDValidity: uidValidity, Folder: folder}
			for {
				item := msg.Next()
				if item == nil {
					break
				}
				switch item := item.(type) {
				case imapclient.FetchItemDataUID:
					cur.UID = uint32(item.UID)
				case imapclient.FetchItemDataInternalDate:
					cur.InternalDate = item.Time
				case imapclient.FetchItemDataBodySection:
					// Read the literal now: it streams off the connection.
					raw, err := io.ReadAll(item.Literal)
					if err != nil {
						return fmt.Errorf("read body: %w", err)
					}
					cur.Raw = raw
				}
			}
			if cur.UID == uint32(uid) && cur.Raw != nil {
				f = cur
			}
		}
		return cmd.Close()
	})
	if err != nil {
		return nil, fmt.Errorf("fetch uid %d: %w", uid, err)
	}
	if f != nil {
		f.Msg = message.Parse(f.Raw)
	}
	return f, nil
}
