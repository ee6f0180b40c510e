package workflow

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/mcoo/klachtbot/mailbox"
	"github.com/mcoo/klachtbot/mailbox/embedded"
	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow/alert"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/dossier"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// The SMTP sender keeps one connection for a run of mails.
var _ outbox.Dialer = (*mailbox.SMTPSender)(nil)

func smtpServer(t *testing.T) (*embedded.Server, *mailbox.SMTPSender) {
	srv, err := embedded.Start(embedded.Options{
		Users:    map[string]string{"marco@mcoo.nl": "pw", "catchall@klant.test": "pw"},
		Catchall: "catchall@klant.test",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	host, port, _ := net.SplitHostPort(srv.SMTPAddr)
	var p int
	fmt.Sscan(port, &p)
	return srv, &mailbox.SMTPSender{Default: &mailbox.Server{Host: host, Port: p, Security: "none",
		Username: "marco@mcoo.nl", Password: "pw"}, Timeout: 5 * time.Second}
}

func newOutbox(s Store, clock *testClock, sender outbox.Sender) *outbox.Worker {
	return &outbox.Worker{Store: outbox.Bind(s.Update, s.View), Sender: sender, Clock: clock,
		Log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Settings: outbox.Settings{RetryBase: time.Minute, RetryMax: time.Hour, GiveUpAfter: 72 * time.Hour}}
}

func outboxItem(t *testing.T, s Store) *outbox.Item {
	t.Helper()
	var item *outbox.Item
	s.View(func(tx Tx) (err error) { item, err = tx.OutboxItem(1); return err })
	return item
}

func caseEvents(t *testing.T, s Store, id string) []string {
	var kinds []string
	s.View(func(tx Tx) error {
		evs, _ := tx.Events(id)
		for _, e := range evs {
			kinds = append(kinds, string(e.Kind))
		}
		return nil
	})
	return kinds
}

func TestOutboxRetriesTemporaryFailure(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	srv, sender := smtpServer(t)
	deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())

	var calls atomic.Int32
	srv.SetSMTPHook(func(from string, to []string) error {
		if calls.Add(1) <= 2 {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
		}
		return nil
	})
	o := newOutbox(s, clock, sender)
	ctx := context.Background()

	next, err := o.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	item := outboxItem(t, s)
	if item.State != outbox.Queued || item.Attempts != 1 || !strings.Contains(item.LastError, "451") {
		t.Fatalf("after a 451: %+v", item)
	}
	if want := clock.Now().Add(time.Minute); !next.Equal(want) {
		t.Errorf("next attempt %v, want %v", next, want)
	}
	// Not yet due: nothing is sent.
	o.Flush(ctx)
	if calls.Load() != 1 {
		t.Errorf("retried before the backoff ran out")
	}
	clock.Add(time.Minute)
	next, _ = o.Flush(ctx)
	if want := clock.Now().Add(2 * time.Minute); !next.Equal(want) {
		t.Errorf("second retry at %v, want doubled backoff %v", next, want)
	}
	clock.Add(2 * time.Minute)
	o.Flush(ctx)
	item = outboxItem(t, s)
	if item.State != outbox.Sent || item.Attempts != 3 || item.SentAt == nil {
		t.Fatalf("after recovery: %+v", item)
	}
	if env := srv.Envelopes(); len(env) != 1 || env[0].To[0] != "jan@klant.test" || env[0].From != "marco@mcoo.nl" {
		t.Errorf("envelopes %+v", env)
	}
	c := caseOf(t, s)
	if c.AcknowledgedAt == nil || !c.AcknowledgedAt.Equal(clock.Now()) {
		t.Errorf("acknowledged_at = %v", c.AcknowledgedAt)
	}
	want := "received ack-queued mail-retry mail-sent" // the same failure is recorded once, not per attempt
	if got := strings.Join(caseEvents(t, s, c.ID), " "); got != want {
		t.Errorf("events %s, want %s", got, want)
	}
}

func caseOf(t *testing.T, s Store) *complaint.Case {
	var cs []*complaint.Case
	s.View(func(tx Tx) (err error) { cs, err = tx.Cases(); return err })
	return cs[0]
}

func TestOutboxPermanentFailure(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	srv, sender := smtpServer(t)
	deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())
	srv.SetSMTPHook(func(string, []string) error {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	})
	o := newOutbox(s, clock, sender)
	next, _ := o.Flush(context.Background())
	item := outboxItem(t, s)
	if item.State != outbox.Failed || !next.IsZero() || !strings.Contains(item.LastError, "550") {
		t.Errorf("after a 550: %+v (next %v)", item, next)
	}
	if c := caseOf(t, s); c.AcknowledgedAt != nil {
		t.Error("a failed acknowledgement counts as sent")
	}
	if kinds := caseEvents(t, s, caseOf(t, s).ID); kinds[len(kinds)-1] != string(complaint.EvMailFailed) {
		t.Errorf("events %v", kinds)
	}
}

func TestOutboxServerDownIsTemporary(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	srv, sender := smtpServer(t)
	deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())
	srv.Close() // connection refused
	o := newOutbox(s, clock, sender)
	o.Flush(context.Background())
	if item := outboxItem(t, s); item.State != outbox.Queued || item.Attempts != 1 {
		t.Errorf("with the server down: %+v", item)
	}
	// Long enough down, it is given up and recorded.
	clock.Add(73 * time.Hour)
	o.Flush(context.Background())
	if item := outboxItem(t, s); item.State != outbox.Failed {
		t.Errorf("after 73 hours: %+v", item)
	}
}

// An attempt interrupted by a crash: the copy the director gets decides.
func TestOutboxInterruptedAttempt(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	srv, sender := smtpServer(t)
	deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())
	deliver(t, e, inbox, mail("piet@klant.test", "Klacht", otherComplaint), clock.Now())
	interrupt := func(id uint64) *outbox.Item {
		var item *outbox.Item
		s.Update(func(tx Tx) error {
			item, _ = tx.OutboxItem(id)
			item.State, item.Attempts, item.AttemptAt = outbox.Sending, 1, clock.Now()
			return tx.PutOutbox(item)
		})
		return item
	}
	first, second := interrupt(1), interrupt(2)
	if first.Mail.Bcc[0] != "marco@mcoo.nl" {
		t.Fatalf("acknowledgement has no copy to the director: %+v", first.Mail)
	}
	o := newOutbox(s, clock, sender)
	o.ConfirmWait = time.Minute
	next, _ := o.Flush(context.Background())
	if n := len(srv.Envelopes()); n != 0 || !next.Equal(clock.Now().Add(time.Minute)) {
		t.Fatalf("sent %d before the copy had time to arrive (next %v)", n, next)
	}
	// The server had taken the first one: its copy shows up in Marco's INBOX.
	copyRaw := fmt.Sprintf("From: marco@mcoo.nl\r\nTo: jan@klant.test\r\nSubject: %s\r\nMessage-ID: %s\r\n\r\n%s",
		first.Mail.Subject, first.Mail.MessageID, first.Mail.Text)
	deliver(t, e, inbox, copyRaw, clock.Now())
	clock.Add(time.Minute)
	o.Flush(context.Background())
	env := srv.Envelopes()
	if len(env) != 1 || env[0].To[0] != second.Mail.To[0] {
		t.Errorf("after the wait: sent %+v, want only the unconfirmed second mail", env)
	}
	for _, id := range []uint64{1, 2} {
		var item *outbox.Item
		s.View(func(tx Tx) (err error) { item, err = tx.OutboxItem(id); return err })
		if item.State != outbox.Sent {
			t.Errorf("item %d: %s", id, item.State)
		}
	}
	c, kinds, _ := loadCase(t, s, first.CaseID)
	if c.AcknowledgedAt == nil || kinds[len(kinds)-1] != string(complaint.EvMailSent) {
		t.Errorf("confirmed acknowledgement not recorded: %v %v", c.AcknowledgedAt, kinds)
	}
	// The copy is no correspondence of the case: it is kept as the bot's
	// mail, the only version of it the bot has (the attempt's result was lost).
	s.View(func(tx Tx) error {
		msgs, _ := tx.Messages(first.CaseID)
		if len(msgs) != 2 || msgs[1].Role != complaint.RoleBot || msgs[1].MessageID != first.Mail.MessageID || !strings.Contains(msgs[1].Source, "copy") {
			t.Errorf("messages after the copy confirmed the mail: %+v; want the client's and the bot's (its copy)", msgs)
		}
		return nil
	})
}

// The worker and tick may flush at the same moment: each mail goes out once.
func TestOutboxConcurrentFlush(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	srv, sender := smtpServer(t)
	for i := range 10 {
		deliver(t, e, inbox, mail(fmt.Sprintf("klant%d@klant.test", i), "Klacht", plainComplaint), clock.Now())
	}
	o := newOutbox(s, clock, sender)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := o.Flush(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := len(srv.Envelopes()); n != 10 {
		t.Errorf("%d mails sent for 10 acknowledgements", n)
	}
}

// accountSender refuses the accounts it is told are broken.
type accountSender struct {
	broken map[string]bool
	used   []string
}

func (s *accountSender) Send(_ context.Context, account string, _ *message.Outgoing) error {
	s.used = append(s.used, account)
	if s.broken[account] {
		return fmt.Errorf("535 5.7.8 authentication failed for %s", account)
	}
	return nil
}

// An alert about a broken account goes out through another one.
func TestAlertThroughAnotherAccount(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	s.Update(func(tx Tx) error {
		return e.Alerts.Raise(tx, alert.Incident{Key: "test", Kind: alert.KindJob, Title: "iets", What: "x", Meaning: "y", Todo: "z"}, clock.Now())
	})
	sender := &accountSender{broken: map[string]bool{"marco@mcoo.nl": true}}
	o := newOutbox(s, clock, sender)
	o.Fallback = e.DirectorAddresses()
	o.Flush(context.Background())
	if item := outboxItem(t, s); item.Kind != outbox.KindAlert || item.State != outbox.Sent || strings.Join(sender.used, " ") != "marco@mcoo.nl hans@mcoo.nl" {
		t.Errorf("alert %s %s, accounts tried %v", item.Kind, item.State, sender.used)
	}
}

// A run of mails of one account goes over one connection, at most
// outbox.PerConn per connection, and each is kept on its case byte for byte
// as the server received it, its hash in the chain.
func TestOutboxRunOverOneConnection(t *testing.T) {
	t.Parallel()
	for _, n := range []int{3, outbox.PerConn + 2} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			e, s, clock := newTestEngine(t)
			srv, sender := smtpServer(t)
			for i := range n {
				if i > 0 && i%15 == 0 {
					clock.Add(61 * time.Minute) // under max_acks_per_hour
				}
				deliver(t, e, inbox, mail(fmt.Sprintf("klant%d@klant.test", i), "Klacht", plainComplaint), clock.Now())
			}
			if _, err := newOutbox(s, clock, sender).Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			env := srv.Envelopes()
			conns := map[string]int{}
			for _, x := range env {
				conns[x.RemoteAddr]++
			}
			if want := (n + outbox.PerConn - 1) / outbox.PerConn; len(env) != n || len(conns) != want {
				t.Fatalf("%d mails over %d connections (%v); want %d over %d", len(env), len(conns), conns, n, want)
			}
			byID := map[string][]byte{}
			for _, x := range env {
				byID[message.Parse(x.Data).MessageID] = x.Data
			}
			s.View(func(tx Tx) error {
				cases, _ := tx.Cases()
				for _, c := range cases {
					msgs, _ := tx.Messages(c.ID)
					if len(msgs) != 2 || msgs[1].Role != complaint.RoleBot {
						t.Errorf("%s: messages %+v; want the client's and the acknowledgement as sent", c.ID, msgs)
						continue
					}
					raw, err := tx.Raw(c.ID, msgs[1].Seq)
					if sent := byID[msgs[1].MessageID]; err != nil || !bytes.Equal(raw, sent) {
						t.Errorf("%s: stored acknowledgement differs from what the server received (%v)\nstored:\n%s\nsent:\n%s", c.ID, err, raw, sent)
					}
					evs, _ := tx.Events(c.ID)
					last := evs[len(evs)-1]
					if last.Kind != complaint.EvMailSent || last.RawSum != msgs[1].SHA256 {
						t.Errorf("%s: last event %s raw_sum %q; want mail-sent vouching for %s", c.ID, last.Kind, last.RawSum, msgs[1].SHA256)
					}
					// The outbox keeps the record, not the text.
					item, _ := tx.OutboxByMessageID(msgs[1].MessageID)
					if item == nil || item.State != outbox.Sent || item.Mail.Text != "" || item.BodySum == "" {
						t.Errorf("%s: outbox record %+v", c.ID, item)
					}
				}
				rep, err := dossier.VerifyAll(tx)
				if err != nil || !rep.OK {
					t.Errorf("verify: %+v %v", rep, err)
				}
				return nil
			})
		})
	}
}

// In a run over one connection, a mail refused for good fails alone and a
// mail refused for now waits for its retry; the rest of the run goes (after
// a temporary failure, over a new connection).
func TestOutboxRunFailures(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		code  int
		state []outbox.State // of the acknowledgements to klant0..3
	}{
		{"refused for good", 550, []outbox.State{outbox.Sent, outbox.Failed, outbox.Sent, outbox.Sent}},
		{"try later", 451, []outbox.State{outbox.Sent, outbox.Queued, outbox.Sent, outbox.Sent}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, s, clock := newTestEngine(t)
			srv, sender := smtpServer(t)
			for i := range 4 {
				deliver(t, e, inbox, mail(fmt.Sprintf("klant%d@klant.test", i), "Klacht", plainComplaint), clock.Now())
			}
			srv.SetSMTPHook(func(_ string, to []string) error {
				if slices.Contains(to, "klant1@klant.test") {
					return &smtp.SMTPError{Code: tt.code, EnhancedCode: smtp.EnhancedCode{tt.code / 100, 0, 0}, Message: "nee"}
				}
				return nil
			})
			var failed []string
			o := newOutbox(s, clock, sender)
			o.Failed = func(item *outbox.Item, _ string) { failed = append(failed, item.Mail.To[0]) }
			if _, err := o.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			s.View(func(tx Tx) error {
				for i, want := range tt.state {
					item, _ := tx.OutboxItem(uint64(i + 1))
					if item.State != want || item.Mail.To[0] != fmt.Sprintf("klant%d@klant.test", i) {
						t.Errorf("acknowledgement to %v: %s, want %s", item.Mail.To, item.State, want)
					}
				}
				return nil
			})
			if n := len(srv.Envelopes()); n != 3 {
				t.Errorf("%d mails delivered, want 3", n)
			}
			if wantFailed := tt.code >= 500; (len(failed) == 1) != wantFailed {
				t.Errorf("told of failures %v", failed)
			}
		})
	}
}

// countingStore counts the write transactions the outbox makes.
type countingStore struct {
	outbox.Store
	updates int
}

func (c *countingStore) Update(fn func(outbox.Tx) error) error {
	c.updates++
	return c.Store.Update(fn)
}

// A run of mails costs two commits in all: one marks every attempt before
// the first mail goes (a crash after it leaves them for their copies to
// confirm), one records every result. Mails of two accounts, queued in
// turn, make two runs.
func TestOutboxRunCommits(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	srv, sender := smtpServer(t)
	hans := Source{Director: "hans@mcoo.nl", Folder: "INBOX", Kind: FolderInbox}
	for i := range 10 {
		src, to := inbox, "To: marco@mcoo.nl"
		if i%2 == 1 {
			src, to = hans, "To: hans@mcoo.nl"
		}
		deliver(t, e, src, mail(fmt.Sprintf("klant%d@klant.test", i), "Klacht", "Ik ben ontevreden over de aangifte.", to), clock.Now())
	}
	o := newOutbox(s, clock, sender)
	counting := &countingStore{Store: o.Store}
	o.Store = counting
	if _, err := o.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	conns := map[string]bool{}
	for _, env := range srv.Envelopes() {
		conns[env.RemoteAddr] = true
	}
	if n := len(srv.Envelopes()); n != 10 || counting.updates != 4 || len(conns) != 2 {
		t.Errorf("%d mails sent with %d commits over %d connections; want 10 with 4 over 2", n, counting.updates, len(conns))
	}
}

// TestServerSentCopy: with sent_copy = "auto" the director gets a Bcc of
// what goes out in their name until a copy of the bot's mail turns up in
// their Sent folder (the server files sent mail there, as Microsoft 365 and
// Gmail do); from then on that copy is the proof and no Bcc is added. With
// "bcc" the Bcc stays; with "server" there is none from the start.
func TestServerSentCopy(t *testing.T) {
	t.Parallel()
	for _, mode := range outbox.SentCopies {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			cfg := testConfig()
			cfg.SentCopy = mode
			clock := &testClock{t: time.Date(2026, 11, 24, 14, 3, 0, 0, ams)}
			e, err := NewEngine(boltStore(t), clock, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			bcc := func(id uint64) []string {
				var item *outbox.Item
				e.store.View(func(tx Tx) (err error) { item, err = tx.OutboxItem(id); return err })
				return item.Mail.Bcc
			}
			deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())
			first := bcc(1)
			if want := mode != "server"; (len(first) == 1 && first[0] == "marco@mcoo.nl") != want {
				t.Fatalf("first acknowledgement Bcc %v, want a copy: %v", first, want)
			}
			// The server's copy of the first acknowledgement, in Marco's Sent.
			var ack *outbox.Item
			e.store.View(func(tx Tx) (err error) { ack, err = tx.OutboxItem(1); return err })
			copyRaw := fmt.Sprintf("From: marco@mcoo.nl\nTo: jan@klant.test\nSubject: %s\nMessage-ID: %s\nX-Klachtbot-Case: %s\n\n%s\n",
				ack.Mail.Subject, ack.Mail.MessageID, ack.CaseID, ack.Mail.Text)
			deliver(t, e, sent, copyRaw, clock.Now())
			deliver(t, e, inbox, mail("piet@klant.test", "Klacht", otherComplaint), clock.Now())
			if got, want := len(bcc(2)), map[outbox.SentCopy]int{outbox.SentCopyAuto: 0, outbox.SentCopyBcc: 1, outbox.SentCopyServer: 0}[mode]; got != want {
				t.Errorf("second acknowledgement Bcc %v, want %d", bcc(2), want)
			}
		})
	}
}
