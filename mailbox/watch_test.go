package mailbox_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/mailbox"
	"github.com/mcoo/klachtbot/mailbox/embedded"
	"github.com/mcoo/klachtbot/mailbox/message"
)

// hangGuard is how long a test waits for an event before it gives up: long
// enough for a loaded machine, never what a passing run waits.
const hangGuard = time.Minute

// recorder is the Handler a storage-backed engine would be: it keeps the
// checkpoint and what was delivered.
type recorder struct {
	mu        sync.Mutex
	cp        message.Checkpoint
	delivered []*message.Fetched
	notify    chan struct{}
}

func newRecorder() *recorder { return &recorder{notify: make(chan struct{}, 100)} }

func (r *recorder) Checkpoint() (message.Checkpoint, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cp, nil
}

func (r *recorder) Deliver(f *message.Fetched) error {
	r.mu.Lock()
	r.delivered = append(r.delivered, f)
	r.cp = message.Checkpoint{UIDValidity: f.UIDValidity, LastUID: f.UID}
	r.mu.Unlock()
	r.notify <- struct{}{}
	return nil
}

func (r *recorder) Advance(cp message.Checkpoint) error {
	r.mu.Lock()
	r.cp = cp
	r.mu.Unlock()
	return nil
}

func (r *recorder) subjects() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var s []string
	for _, f := range r.delivered {
		s = append(s, f.Msg.Subject)
	}
	return s
}

func (r *recorder) waitFor(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.After(hangGuard)
	for len(r.subjects()) < n {
		select {
		case <-r.notify:
		case <-deadline:
			t.Fatalf("got %v, want %d messages", r.subjects(), n)
		}
	}
	return r.subjects()
}

func msg(subject string) []byte {
	return []byte(fmt.Sprintf("From: jan@klant.test\r\nTo: marco@mcoo.nl\r\nSubject: %s\r\nMessage-ID: <%s@klant.test>\r\n\r\nbody\r\n",
		subject, strings.ReplaceAll(subject, " ", ".")))
}

func startServer(t *testing.T) *embedded.Server {
	srv, err := embedded.Start(embedded.Options{Users: map[string]string{"marco@mcoo.nl": "pw"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func logger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func watch(t *testing.T, addr string, r *recorder, since time.Time) (stop func()) {
	host, port, _ := net.SplitHostPort(addr)
	var p int
	fmt.Sscan(port, &p)
	w := &mailbox.Watcher{
		Server:  mailbox.Server{Host: host, Port: p, Security: "none", Username: "marco@mcoo.nl", Password: "pw"},
		Folder:  "INBOX",
		Handler: r,
		Log:     logger(),
		Since:   since,
		// Short, so the dead-link test runs in seconds.
		IdleRefresh: 500 * time.Millisecond, CommandTimeout: time.Second, MaxBackoff: 500 * time.Millisecond,
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	return func() {
		cancel()
		select {
		case <-done:
		case <-time.After(hangGuard):
			t.Errorf("watcher did not stop within %v of cancel", hangGuard)
		}
	}
}

func TestWatcherFirstStartResumeAndReadOnly(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	start := time.Now()
	// Years of mail before the first start: never acted on.
	srv.Append("marco@mcoo.nl", "INBOX", msg("old klacht 1"), start.AddDate(-3, 0, 0))
	srv.Append("marco@mcoo.nl", "INBOX", msg("old klacht 2"), start.Add(-time.Hour))
	srv.Append("marco@mcoo.nl", "INBOX", msg("new 1"), start.Add(time.Second))

	r := newRecorder()
	stop := watch(t, srv.IMAPAddr, r, start)
	if got := r.waitFor(t, 1); got[0] != "new 1" {
		t.Errorf("first scan delivered %v", got)
	}
	// Live delivery through IDLE, and an old-dated mail moved in later
	// (a director filing an old complaint) is acted on: only the first scan is bounded.
	srv.Deliver("marco@mcoo.nl", msg("new 2"))
	srv.Append("marco@mcoo.nl", "INBOX", msg("filed later"), start.AddDate(-1, 0, 0))
	r.waitFor(t, 3)
	stop()

	// Restart from the checkpoint: nothing again, only what is new.
	srv.Deliver("marco@mcoo.nl", msg("new 3"))
	stop = watch(t, srv.IMAPAddr, r, start)
	got := r.waitFor(t, 4)
	stop()
	want := []string{"new 1", "new 2", "filed later", "new 3"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("delivered %v, want %v", got, want)
	}
	for _, f := range r.delivered {
		if f.InternalDate.IsZero() || len(f.Raw) == 0 || f.Msg == nil {
			t.Errorf("uid %d: incomplete fetch", f.UID)
		}
	}
	// The directors' mail is left exactly as it was: nothing marked seen.
	stored, err := srv.StoredMessages("marco@mcoo.nl", "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range stored {
		for _, f := range m.Flags {
			if strings.EqualFold(f, `\Seen`) {
				t.Errorf("uid %d was marked \\Seen", m.UID)
			}
		}
	}
	if len(stored) != 6 {
		t.Errorf("%d messages in INBOX, want 6: the watcher must not move or delete", len(stored))
	}
}

func TestWatcherUIDValidityChange(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	start := time.Now().Add(-time.Minute)
	srv.Deliver("marco@mcoo.nl", msg("a"))
	r := newRecorder()
	stop := watch(t, srv.IMAPAddr, r, start)
	defer stop()
	r.waitFor(t, 1)
	before, _ := r.Checkpoint()

	// The folder is rebuilt (a server migration): new UIDVALIDITY, UIDs from 1.
	if err := srv.RecreateFolder("marco@mcoo.nl", "INBOX"); err != nil {
		t.Fatal(err)
	}
	srv.Deliver("marco@mcoo.nl", msg("a"))
	srv.Deliver("marco@mcoo.nl", msg("b"))
	got := r.waitFor(t, 3)
	after, _ := r.Checkpoint()
	if after.UIDValidity == before.UIDValidity {
		t.Errorf("checkpoint kept UIDVALIDITY %d", after.UIDValidity)
	}
	// The rescan hands over "a" again; the engine recognises it by Message-ID.
	if strings.Join(got, "|") != "a|a|b" {
		t.Errorf("delivered %v", got)
	}
}

// proxy forwards TCP to target; blackhole makes the current connections go
// silent without closing them, like a NAT box that forgot the flow.
type proxy struct {
	ln     net.Listener
	mu     sync.Mutex
	conns  []*silenceable
	target string
	// rewrite, when set, changes what the server says (per read).
	rewrite    func([]byte) []byte
	fromServer counted // bytes the server sent
}

type counted struct{ n atomic.Int64 }

type silenceable struct {
	mu     sync.Mutex
	silent bool
}

func (s *silenceable) isSilent() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.silent }

func newProxy(t *testing.T, target string, rewrite func([]byte) []byte) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, rewrite: rewrite}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			s := &silenceable{}
			p.mu.Lock()
			p.conns = append(p.conns, s)
			p.mu.Unlock()
			pipe := func(dst, src net.Conn, rewrite func([]byte) []byte) {
				buf := make([]byte, 32<<10)
				for {
					n, err := src.Read(buf)
					if err != nil {
						dst.Close()
						return
					}
					data := buf[:n]
					if rewrite != nil {
						data = rewrite(data)
					}
					if src == up {
						p.fromServer.n.Add(int64(n))
					}
					if !s.isSilent() {
						dst.Write(data)
					}
				}
			}
			go pipe(up, c, nil)
			go pipe(c, up, p.rewrite)
		}
	}()
	return p
}

func (p *proxy) blackhole() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.conns {
		s.mu.Lock()
		s.silent = true
		s.mu.Unlock()
	}
	return len(p.conns)
}

func (p *proxy) connections() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}

func TestWatcherDetectsDeadConnection(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	p := newProxy(t, srv.IMAPAddr, nil)
	r := newRecorder()
	stop := watch(t, p.ln.Addr().String(), r, time.Now().Add(-time.Minute))
	defer stop()
	srv.Deliver("marco@mcoo.nl", msg("before"))
	r.waitFor(t, 1)

	// The link dies silently while the watcher idles: no RST, no FIN.
	n := p.blackhole()
	srv.Deliver("marco@mcoo.nl", msg("during"))
	// The NOOP watchdog notices, drops the connection and dials again.
	got := r.waitFor(t, 2)
	if got[1] != "during" {
		t.Errorf("delivered %v", got)
	}
	if p.connections() <= n {
		t.Error("watcher did not reconnect")
	}
}

// TestWatcherPollsWithoutIdle: a server that does not offer IDLE is polled.
func TestWatcherPollsWithoutIdle(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	var stripped, idling atomic.Bool
	p := newProxy(t, srv.IMAPAddr, func(b []byte) []byte {
		// Capability lists are short lines; one read holds a whole one.
		if bytes.Contains(b, []byte(" IDLE")) {
			stripped.Store(true)
			return bytes.ReplaceAll(b, []byte(" IDLE"), nil)
		}
		if bytes.Contains(b, []byte("+ idling")) {
			idling.Store(true)
		}
		return b
	})
	r := newRecorder()
	host, port, _ := net.SplitHostPort(p.ln.Addr().String())
	var pn int
	fmt.Sscan(port, &pn)
	w := &mailbox.Watcher{
		Server: mailbox.Server{Host: host, Port: pn, Security: "none", Username: "marco@mcoo.nl", Password: "pw"},
		Folder: "INBOX", Handler: r, Log: logger(), Since: time.Now().Add(-time.Minute),
		PollInterval: 200 * time.Millisecond, CommandTimeout: time.Second,
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx)
	waitConnected(t, w)
	for i := range 3 {
		srv.Deliver("marco@mcoo.nl", msg(fmt.Sprintf("polled %d", i)))
		r.waitFor(t, i+1)
	}
	if !stripped.Load() {
		t.Fatal("the server never offered IDLE: the test tested nothing")
	}
	if idling.Load() || w.Status().Idle {
		t.Error("the watcher used IDLE although the server does not offer it")
	}
}

func waitConnected(t *testing.T, w *mailbox.Watcher) {
	t.Helper()
	deadline := time.Now().Add(hangGuard)
	for !w.Status().Connected {
		if time.Now().After(deadline) {
			t.Fatalf("watcher not connected: %+v", w.Status())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestWatcherFirstScanOfABigMailbox: years of mail are looked at by UID and
// date only; no body of mail from before the first start is downloaded.
func TestWatcherFirstScanOfABigMailbox(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	start := time.Now()
	body := strings.Repeat("Oude mail met een lange tekst over een klacht. ", 60) // ~3 KB
	const old = 3000
	for i := range old {
		raw := fmt.Sprintf("From: k%d@klant.test\r\nSubject: klacht %d\r\nMessage-ID: <old%d@klant.test>\r\n\r\n%s\r\n", i, i, i, body)
		srv.Append("marco@mcoo.nl", "INBOX", []byte(raw), start.Add(-time.Duration(old-i)*time.Hour))
	}
	srv.Append("marco@mcoo.nl", "INBOX", msg("new after start"), start.Add(time.Second))
	p := newProxy(t, srv.IMAPAddr, nil)
	r := newRecorder()
	stop := watch(t, p.ln.Addr().String(), r, start)
	defer stop()
	if got := r.waitFor(t, 1); len(got) != 1 || got[0] != "new after start" {
		t.Fatalf("delivered %v", got)
	}
	cp, _ := r.Checkpoint()
	if cp.LastUID != old+1 {
		t.Errorf("checkpoint %d, want past all %d old messages", cp.LastUID, old+1)
	}
	total := int64(old * len(body))
	t.Logf("first scan of %d old messages (%d KB of bodies) read %d KB from the server", old, total>>10, p.fromServer.n.Load()>>10)
	if p.fromServer.n.Load() > total/10 {
		t.Errorf("the first scan downloaded %d bytes; the old bodies alone are %d", p.fromServer.n.Load(), total)
	}
}
