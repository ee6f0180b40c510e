package embedded

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

const (
	marco   = "marco@mcoo.nl"
	hans    = "hans@mcoo.nl"
	marcoPW = "marco-secret"
	hansPW  = "hans-secret"
)

// idleWait only ends a wait that would otherwise hang: the server pushes
// EXISTS to an IDLE-ing client itself (nothing polls), so the client hears
// of new mail or never does. It is no speed requirement: a busy machine
// must not fail the test.
const idleWait = 30 * time.Second

// hangGuard is how long a test waits for an event before it gives up: long
// enough for a loaded machine, never what a passing run waits.
const hangGuard = time.Minute

func startServer(t *testing.T, mutate func(*Options)) *Server {
	t.Helper()
	opts := Options{
		Users:   map[string]string{marco: marcoPW, hans: hansPW},
		Folders: []string{"Klachten"},
		Logger:  slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if mutate != nil {
		mutate(&opts)
	}
	s, err := Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// imapConn is an imapclient connection that reports EXISTS updates.
type imapConn struct {
	*imapclient.Client
	exists chan uint32
}

func dialIMAP(t *testing.T, s *Server, user, pw string) *imapConn {
	t.Helper()
	ic := &imapConn{exists: make(chan uint32, 100)}
	c, err := imapclient.DialInsecure(s.IMAPAddr, &imapclient.Options{
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(data *imapclient.UnilateralDataMailbox) {
				if data.NumMessages != nil {
					ic.exists <- *data.NumMessages
				}
			},
		},
	})
	if err != nil {
		t.Fatalf("dial IMAP: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(user, pw).Wait(); err != nil {
		t.Fatalf("IMAP login %s: %v", user, err)
	}
	ic.Client = c
	return ic
}

func (ic *imapConn) waitExists(t *testing.T, want uint32) {
	t.Helper()
	deadline := time.After(idleWait)
	for {
		select {
		case n := <-ic.exists:
			if n >= want {
				return
			}
		case <-deadline:
			t.Fatalf("no * %d EXISTS within %v", want, idleWait)
		}
	}
}

func fetchAll(t *testing.T, c *imapclient.Client) []*imapclient.FetchMessageBuffer {
	t.Helper()
	msgs, err := c.Fetch(imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}}, &imap.FetchOptions{
		UID:         true,
		Flags:       true,
		BodySection: []*imap.FetchItemBodySection{{Peek: true}},
	}).Collect()
	if err != nil {
		t.Fatalf("fetch: %v", err)
	}
	return msgs
}

func sendSMTP(addr string, auth sasl.Client, from string, to []string, msg []byte) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("client.test"); err != nil {
		return err
	}
	if auth != nil {
		if err := c.Auth(auth); err != nil {
			return err
		}
	}
	if err := c.SendMail(from, to, bytes.NewReader(msg)); err != nil {
		return err
	}
	return c.Quit()
}

func testMail(from, to, subject, body string) []byte {
	return []byte(fmt.Sprintf("From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nMessage-ID: <%d@client.test>\r\nDate: %s\r\n\r\n%s\r\n",
		from, to, subject, time.Now().UnixNano(), time.Now().Format(time.RFC1123Z), body))
}

func wantSMTPCode(t *testing.T, err error, code int, enhanced smtp.EnhancedCode) *smtp.SMTPError {
	t.Helper()
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		t.Fatalf("want SMTP error %d, got %v (%T)", code, err, err)
	}
	if se.Code != code || (enhanced != smtp.EnhancedCodeNotSet && se.EnhancedCode != enhanced) {
		t.Fatalf("want SMTP %d %v, got %d %v %q", code, enhanced, se.Code, se.EnhancedCode, se.Message)
	}
	return se
}

func TestStartValidation(t *testing.T) {
	t.Parallel()
	if _, err := Start(Options{Users: map[string]string{marco: "x"}, Catchall: "nobody@mcoo.nl"}); err == nil {
		t.Error("catch-all outside Users accepted")
	}
	if _, err := Start(Options{Users: map[string]string{"marco": "x"}}); err == nil {
		t.Error("user without @ accepted")
	}
	if _, err := Start(Options{Users: map[string]string{marco: "x", "Marco@MCOO.nl": "y"}}); err == nil {
		t.Error("case-duplicate users accepted")
	}
}

func TestIMAPLoginCapsAndFolders(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)

	c := dialIMAP(t, s, "Marco@MCOO.nl", marcoPW) // login is case-insensitive
	caps, err := c.Capability().Wait()
	if err != nil {
		t.Fatalf("CAPABILITY: %v", err)
	}
	for _, want := range []imap.Cap{imap.CapIMAP4rev1, imap.CapIdle, imap.CapUIDPlus, imap.CapMove, imap.CapUnselect, imap.CapNamespace} {
		if !caps.Has(want) {
			t.Errorf("capability %s missing: %v", want, caps)
		}
	}
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatalf("LIST: %v", err)
	}
	var names []string
	for _, l := range list {
		names = append(names, l.Mailbox)
	}
	for _, want := range []string{"INBOX", "Sent", "Drafts", "Trash", "Klachten"} {
		if !slices.Contains(names, want) {
			t.Errorf("folder %s missing: %v", want, names)
		}
	}
	if err := c.Delete("INBOX").Wait(); err == nil {
		t.Error("DELETE INBOX succeeded")
	}

	bad, err := imapclient.DialInsecure(s.IMAPAddr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	if err := bad.Login(marco, "wrong").Wait(); err == nil {
		t.Error("login with wrong password succeeded")
	}
	if err := bad.Login("stranger@mcoo.nl", marcoPW).Wait(); err == nil {
		t.Error("login of unknown user succeeded")
	}
}

func TestSMTPDeliveryWakesIdleAndFetch(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)

	c := dialIMAP(t, s, marco, marcoPW)
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatalf("SELECT: %v", err)
	}
	if sel.NumMessages != 0 {
		t.Fatalf("INBOX not empty: %d", sel.NumMessages)
	}
	idle, err := c.Idle()
	if err != nil {
		t.Fatalf("IDLE: %v", err)
	}

	body := "Geachte heer, mijn bestelling 4711 is beschadigd aangekomen."
	sent := testMail("klant@example.org", marco, "Klacht over bestelling", body)
	auth := sasl.NewPlainClient("", hans, hansPW)
	if err := sendSMTP(s.SMTPAddr, auth, hans, []string{marco}, sent); err != nil {
		t.Fatalf("send with AUTH: %v", err)
	}
	c.waitExists(t, 1)
	if err := idle.Close(); err != nil {
		t.Fatalf("IDLE close: %v", err)
	}
	if err := idle.Wait(); err != nil {
		t.Fatalf("IDLE: %v", err)
	}

	msgs := fetchAll(t, c.Client)
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	raw := msgs[0].FindBodySection(&imap.FetchItemBodySection{})
	if !bytes.Contains(raw, []byte(body)) {
		t.Errorf("stored message lacks body:\n%s", raw)
	}
	if !bytes.HasSuffix(raw, sent) {
		t.Errorf("stored message does not end with the sent bytes:\n%q", raw)
	}
	if !bytes.HasPrefix(raw, []byte("Return-Path: <"+hans+">\r\nReceived: from client.test ")) {
		t.Errorf("trace headers missing or wrong:\n%s", raw[:len(raw)-len(sent)])
	}
	if !bytes.Contains(raw, []byte("with ESMTPA id ")) || !bytes.Contains(raw, []byte("for <"+marco+">;")) {
		t.Errorf("Received header incomplete:\n%s", raw[:len(raw)-len(sent)])
	}
	if slices.Contains(msgs[0].Flags, imap.FlagSeen) {
		t.Error("BODY.PEEK set \\Seen")
	}

	envs := s.Envelopes()
	if len(envs) != 1 {
		t.Fatalf("got %d envelopes, want 1", len(envs))
	}
	e := envs[0]
	if e.From != hans || !slices.Equal(e.To, []string{marco}) || e.Auth != hans || !bytes.Equal(e.Data, sent) || e.Helo != "client.test" {
		t.Errorf("envelope = %+v", e)
	}

	// The in-process reader sees the same bytes.
	raws, err := s.Messages(marco, "inbox")
	if err != nil {
		t.Fatalf("Messages: %v", err)
	}
	if len(raws) != 1 || !bytes.Equal(raws[0], raw) {
		t.Errorf("Messages differs from IMAP fetch")
	}
}

func TestInProcessDeliverWakesIdle(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	c := dialIMAP(t, s, hans, hansPW)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	idle, err := c.Idle()
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()

	raw := testMail("klant@example.org", hans, "Klacht", "In-process delivery")
	start := time.Now()
	if err := s.Deliver(hans, raw); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	c.waitExists(t, 1)
	t.Logf("EXISTS after %v", time.Since(start))
	if _, err := s.Append(hans, "INBOX", raw, time.Time{}); err != nil {
		t.Fatalf("Append: %v", err)
	}
	c.waitExists(t, 2)

	msgs, err := s.Messages(hans, "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || !bytes.Equal(msgs[0], raw) {
		t.Errorf("Deliver must store the bytes unchanged; got %d messages", len(msgs))
	}
}

// imapmemserver's own IDLE only reacts to updates queued after IDLE started;
// mail arriving between SELECT and IDLE must still be announced.
func TestDeliveryBetweenSelectAndIdle(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	c := dialIMAP(t, s, marco, marcoPW)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := s.Deliver(marco, testMail("a@example.org", marco, "race", "between select and idle")); err != nil {
		t.Fatal(err)
	}
	idle, err := c.Idle()
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	c.waitExists(t, 1)
}

func TestIdleSeesOtherClientsMoveAndAppend(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	watcher := dialIMAP(t, s, marco, marcoPW)
	if _, err := watcher.Select("Klachten", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	idle, err := watcher.Idle()
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()

	if err := s.Deliver(marco, testMail("a@example.org", marco, "te verplaatsen", "x")); err != nil {
		t.Fatal(err)
	}
	other := dialIMAP(t, s, marco, marcoPW)
	if _, err := other.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	moved, err := other.Move(imap.UIDSetNum(1), "Klachten").Wait()
	if err != nil {
		t.Fatalf("UID MOVE: %v", err)
	}
	if moved.UIDValidity == 0 || moved.DestUIDs == nil {
		t.Errorf("MOVE without COPYUID: %+v", moved)
	}
	watcher.waitExists(t, 1)
}

func TestSMTPWithoutAuthMultipleRecipients(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	sent := testMail("klant@example.org", marco, "Aan beide directeuren", "Hallo allebei")
	if err := sendSMTP(s.SMTPAddr, nil, "klant@example.org", []string{marco, "HANS@mcoo.nl"}, sent); err != nil {
		t.Fatalf("send without AUTH: %v", err)
	}
	for _, u := range []string{marco, hans} {
		msgs, err := s.Messages(u, "INBOX")
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 1 || !bytes.HasSuffix(msgs[0], sent) {
			t.Fatalf("%s: got %d messages", u, len(msgs))
		}
		if !bytes.Contains(msgs[0], []byte("with ESMTP id ")) || bytes.Contains(msgs[0], []byte("\tfor <")) {
			t.Errorf("%s: unexpected Received header:\n%s", u, msgs[0][:len(msgs[0])-len(sent)])
		}
	}
	envs := s.Envelopes()
	if len(envs) != 1 || envs[0].Auth != "" || envs[0].From != "klant@example.org" || !slices.Equal(envs[0].To, []string{marco, "HANS@mcoo.nl"}) {
		t.Errorf("envelopes = %+v", envs)
	}

	// Null sender (bounce).
	if err := sendSMTP(s.SMTPAddr, nil, "", []string{hans}, testMail("mailer-daemon@example.org", hans, "Undelivered", "bounce")); err != nil {
		t.Fatalf("send with null sender: %v", err)
	}
	msgs, _ := s.Messages(hans, "INBOX")
	if len(msgs) != 2 || !bytes.HasPrefix(msgs[1], []byte("Return-Path: <>\r\n")) {
		t.Errorf("null sender not recorded as Return-Path: <>")
	}
}

func TestSMTPAuthWrongPassword(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	err := sendSMTP(s.SMTPAddr, sasl.NewPlainClient("", marco, "wrong"), marco, []string{hans}, testMail(marco, hans, "x", "y"))
	wantSMTPCode(t, err, 535, smtp.EnhancedCode{5, 7, 8})
	err = sendSMTP(s.SMTPAddr, sasl.NewPlainClient("", "nobody@mcoo.nl", "x"), marco, []string{hans}, testMail(marco, hans, "x", "y"))
	wantSMTPCode(t, err, 535, smtp.EnhancedCode{5, 7, 8})
	if n := len(s.Envelopes()); n != 0 {
		t.Errorf("%d envelopes after failed auth", n)
	}
}

func TestUnknownRecipientRefused(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	err := sendSMTP(s.SMTPAddr, nil, marco, []string{"klant@example.org"}, testMail(marco, "klant@example.org", "x", "y"))
	wantSMTPCode(t, err, 550, smtp.EnhancedCode{5, 1, 1})

	// A refused RCPT among good ones: the client library gives up at the first
	// refusal; with a raw session the good recipient still gets the mail.
	c, err := smtp.Dial(s.SMTPAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail(marco, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("nobody@mcoo.nl", nil); err == nil {
		t.Fatal("unknown local recipient accepted")
	}
	if err := c.Rcpt(hans, nil); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	w.Write(testMail(marco, hans, "x", "y"))
	if err := w.Close(); err != nil {
		t.Fatalf("DATA: %v", err)
	}
	envs := s.Envelopes()
	if len(envs) != 1 || !slices.Equal(envs[0].To, []string{hans}) {
		t.Errorf("envelopes = %+v", envs)
	}

	if err := s.Deliver("klant@example.org", []byte("Subject: x\r\n\r\ny\r\n")); !errors.Is(err, ErrUnknownUser) {
		t.Errorf("Deliver to unknown recipient: %v", err)
	}
}

func TestCatchall(t *testing.T) {
	t.Parallel()
	s := startServer(t, func(o *Options) { o.Catchall = "Marco@mcoo.nl" })
	sent := testMail(hans, "klant@example.org", "Re: uw klacht", "Wij nemen contact op.")
	if err := sendSMTP(s.SMTPAddr, sasl.NewPlainClient("", hans, hansPW), hans, []string{"klant@example.org", "andere@example.org"}, sent); err != nil {
		t.Fatalf("send to external addresses: %v", err)
	}
	if err := s.Deliver("iemand@example.net", []byte("Subject: direct\r\n\r\nbody\r\n")); err != nil {
		t.Fatalf("Deliver via catch-all: %v", err)
	}
	msgs, err := s.Messages(marco, "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	// Two external recipients map to one mailbox: one copy, as MTAs do.
	if len(msgs) != 2 || !bytes.HasSuffix(msgs[0], sent) {
		t.Fatalf("catch-all INBOX has %d messages", len(msgs))
	}
	if hansMsgs, _ := s.Messages(hans, "INBOX"); len(hansMsgs) != 0 {
		t.Errorf("hans got %d messages", len(hansMsgs))
	}
	envs := s.Envelopes()
	if len(envs) != 1 || !slices.Equal(envs[0].To, []string{"klant@example.org", "andere@example.org"}) || envs[0].Auth != hans {
		t.Errorf("envelopes = %+v", envs)
	}
}

func TestSMTPHook(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	var mu sync.Mutex
	var seen [][]string
	s.SetSMTPHook(func(from string, to []string) error {
		mu.Lock()
		seen = append(seen, append([]string{from}, to...))
		mu.Unlock()
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	})
	err := sendSMTP(s.SMTPAddr, nil, hans, []string{marco}, testMail(hans, marco, "x", "y"))
	se := wantSMTPCode(t, err, 451, smtp.EnhancedCode{4, 3, 0})
	if !se.Temporary() {
		t.Error("451 is not temporary")
	}

	s.SetSMTPHook(func(from string, to []string) error {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Message rejected"}
	})
	err = sendSMTP(s.SMTPAddr, nil, hans, []string{marco}, testMail(hans, marco, "x", "y"))
	if se := wantSMTPCode(t, err, 550, smtp.EnhancedCode{5, 7, 1}); se.Temporary() {
		t.Error("550 is temporary")
	}

	s.SetSMTPHook(func(from string, to []string) error { return errors.New("disk full") })
	err = sendSMTP(s.SMTPAddr, nil, hans, []string{marco}, testMail(hans, marco, "x", "y"))
	wantSMTPCode(t, err, 451, smtp.EnhancedCode{4, 3, 0})

	if msgs, _ := s.Messages(marco, "INBOX"); len(msgs) != 0 {
		t.Errorf("%d messages delivered despite the hook", len(msgs))
	}
	if n := len(s.Envelopes()); n != 0 {
		t.Errorf("%d envelopes recorded despite the hook", n)
	}
	mu.Lock()
	if len(seen) != 1 || !slices.Equal(seen[0], []string{hans, marco}) {
		t.Errorf("hook saw %v", seen)
	}
	mu.Unlock()

	s.SetSMTPHook(nil)
	if err := sendSMTP(s.SMTPAddr, nil, hans, []string{marco}, testMail(hans, marco, "x", "y")); err != nil {
		t.Fatalf("send after removing the hook: %v", err)
	}
	if msgs, _ := s.Messages(marco, "INBOX"); len(msgs) != 1 {
		t.Errorf("got %d messages after removing the hook", len(msgs))
	}
}

func TestMessageTooBig(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("sends 25 MB")
	}
	s := startServer(t, nil)
	big := make([]byte, MaxMessageBytes+1024)
	copy(big, "Subject: big\r\n\r\n")
	for i := 16; i < len(big); i++ {
		big[i] = 'a'
		if i%78 == 76 {
			big[i] = '\r'
		} else if i%78 == 77 {
			big[i] = '\n'
		}
	}
	err := sendSMTP(s.SMTPAddr, nil, hans, []string{marco}, big)
	wantSMTPCode(t, err, 552, smtp.EnhancedCodeNotSet)
	if msgs, _ := s.Messages(marco, "INBOX"); len(msgs) != 0 {
		t.Errorf("oversized message delivered")
	}
}

func TestAppendAndStoredMessages(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	date := time.Date(2025, 3, 14, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	reply1 := testMail(marco, "klant@example.org", "Re: klacht 1", "Eerste antwoord")
	reply2 := testMail(marco, "klant@example.org", "Re: klacht 2", "Tweede antwoord")
	uid1, err := s.AppendWithFlags(marco, "Sent", reply1, date, `\Seen`, "$Klacht")
	if err != nil {
		t.Fatal(err)
	}
	uid2, err := s.Append(marco, "Sent", reply2, date.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if uid2 <= uid1 {
		t.Errorf("UIDs not increasing: %d, %d", uid1, uid2)
	}
	msgs, err := s.StoredMessages(marco, "Sent")
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].UID != uid1 || msgs[1].UID != uid2 {
		t.Fatalf("stored = %+v", msgs)
	}
	if !bytes.Equal(msgs[0].Raw, reply1) || !bytes.Equal(msgs[1].Raw, reply2) {
		t.Error("stored bytes differ")
	}
	if !msgs[0].InternalDate.Equal(date) {
		t.Errorf("INTERNALDATE = %v, want %v", msgs[0].InternalDate, date)
	}
	if !slices.Contains(msgs[0].Flags, `\Seen`) || !slices.Contains(msgs[0].Flags, "$klacht") {
		t.Errorf("flags = %v (keywords come back lower-cased)", msgs[0].Flags)
	}

	if _, err := s.Append(marco, "Nope", reply1, time.Time{}); !errors.Is(err, ErrNoSuchFolder) {
		t.Errorf("Append to missing folder: %v", err)
	}
	if _, err := s.Append("nobody@mcoo.nl", "Sent", reply1, time.Time{}); !errors.Is(err, ErrUnknownUser) {
		t.Errorf("Append for unknown user: %v", err)
	}
	if _, err := s.Messages(marco, "Nope"); !errors.Is(err, ErrNoSuchFolder) {
		t.Errorf("Messages of missing folder: %v", err)
	}
}

func TestRecreateFolderChangesUIDValidity(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	if err := s.Deliver(marco, testMail("a@example.org", marco, "oud", "x")); err != nil {
		t.Fatal(err)
	}

	c := dialIMAP(t, s, marco, marcoPW)
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	before := sel.UIDValidity
	if uv, _ := s.UIDValidity(marco, "INBOX"); uv != before {
		t.Errorf("UIDValidity() = %d, SELECT said %d", uv, before)
	}
	idle, err := c.Idle()
	if err != nil {
		t.Fatal(err)
	}

	if err := s.RecreateFolder(marco, "INBOX"); err != nil {
		t.Fatalf("RecreateFolder: %v", err)
	}
	// The client that had INBOX selected is disconnected.
	select {
	case <-c.Closed():
	case <-time.After(hangGuard):
		t.Fatal("client with the re-created folder selected was not disconnected")
	}
	idle.Close()

	c2 := dialIMAP(t, s, marco, marcoPW)
	sel2, err := c2.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if sel2.UIDValidity == before {
		t.Errorf("UIDVALIDITY unchanged: %d", before)
	}
	if sel2.NumMessages != 0 {
		t.Errorf("re-created INBOX has %d messages", sel2.NumMessages)
	}
	if sel2.UIDNext != 1 {
		t.Errorf("UIDNEXT = %d, want 1", sel2.UIDNext)
	}

	// Delivery and IDLE work on the new INBOX.
	idle2, err := c2.Idle()
	if err != nil {
		t.Fatal(err)
	}
	defer idle2.Close()
	if err := sendSMTP(s.SMTPAddr, nil, hans, []string{marco}, testMail(hans, marco, "nieuw", "y")); err != nil {
		t.Fatal(err)
	}
	c2.waitExists(t, 1)

	if err := s.RecreateFolder(marco, "Nope"); !errors.Is(err, ErrNoSuchFolder) {
		t.Errorf("RecreateFolder of missing folder: %v", err)
	}
	// Other users are not affected.
	if uv, _ := s.UIDValidity(hans, "INBOX"); uv != 1 {
		t.Errorf("hans' INBOX UIDVALIDITY = %d", uv)
	}
}

func TestConcurrentDeliveries(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	c := dialIMAP(t, s, marco, marcoPW)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	idle, err := c.Idle()
	if err != nil {
		t.Fatal(err)
	}

	const perKind = 10
	var wg sync.WaitGroup
	errs := make(chan error, 3*perKind)
	for i := range perKind {
		wg.Add(3)
		go func() {
			defer wg.Done()
			errs <- sendSMTP(s.SMTPAddr, nil, "klant@example.org", []string{marco, hans}, testMail("klant@example.org", marco, "smtp", fmt.Sprint(i)))
		}()
		go func() {
			defer wg.Done()
			errs <- s.Deliver(marco, testMail("klant@example.org", marco, "deliver", fmt.Sprint(i)))
		}()
		go func() {
			defer wg.Done()
			_, err := s.Messages(marco, "INBOX")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	c.waitExists(t, 2*perKind)
	idle.Close()
	if err := idle.Wait(); err != nil {
		t.Fatal(err)
	}
	if n := len(fetchAll(t, c.Client)); n != 2*perKind {
		t.Errorf("marco has %d messages, want %d", n, 2*perKind)
	}
	if msgs, _ := s.Messages(hans, "INBOX"); len(msgs) != perKind {
		t.Errorf("hans has %d messages, want %d", len(msgs), perKind)
	}
	if n := len(s.Envelopes()); n != perKind {
		t.Errorf("%d envelopes, want %d", n, perKind)
	}
}

func TestClose(t *testing.T) {
	t.Parallel()
	s, err := Start(Options{Users: map[string]string{marco: marcoPW}})
	if err != nil {
		t.Fatal(err)
	}
	// An open IMAP connection in IDLE and an open SMTP session must not block Close.
	c, err := imapclient.DialInsecure(s.IMAPAddr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(marco, marcoPW).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Idle(); err != nil {
		t.Fatal(err)
	}
	sc, err := smtp.Dial(s.SMTPAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	if err := sc.Hello("client.test"); err != nil {
		t.Fatal(err)
	}

	// Close returns although clients are connected (a hang would end the test run).
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	select {
	case <-c.Closed():
	case <-time.After(time.Minute):
		t.Error("IMAP client not disconnected by Close")
	}
	for _, addr := range []string{s.IMAPAddr, s.SMTPAddr} {
		if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			conn.Close()
			t.Errorf("dial %s after Close succeeded", addr)
		}
	}
	if err := s.Deliver(marco, []byte("Subject: x\r\n\r\ny\r\n")); !errors.Is(err, ErrClosed) {
		t.Errorf("Deliver after Close: %v", err)
	}
	if _, err := s.Append(marco, "INBOX", []byte("Subject: x\r\n\r\ny\r\n"), time.Time{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close: %v", err)
	}
	if _, err := s.Messages(marco, "INBOX"); !errors.Is(err, ErrClosed) {
		t.Errorf("Messages after Close: %v", err)
	}
	if err := s.RecreateFolder(marco, "INBOX"); !errors.Is(err, ErrClosed) {
		t.Errorf("RecreateFolder after Close: %v", err)
	}
}

func TestLFOnlyMessageKeepsLineEndings(t *testing.T) {
	t.Parallel()
	env := Envelope{From: "a@b", To: []string{marco}, Data: []byte("Subject: x\n\nbody\n"), Helo: "h", RemoteAddr: "127.0.0.1:1", QueueID: "Q"}
	out := withTraceHeaders(env, marco, time.Now())
	if strings.Contains(string(out), "\r") {
		t.Errorf("CR added to an LF-only message:\n%q", out)
	}
}

func TestIMAPDeleteAndRenameDisconnectSelectors(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	a := dialIMAP(t, s, marco, marcoPW)
	if _, err := a.Select("Klachten", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	b := dialIMAP(t, s, marco, marcoPW)
	if err := b.Rename("Klachten", "Klachten-oud", nil).Wait(); err != nil {
		t.Fatalf("RENAME: %v", err)
	}
	if err := b.Rename("INBOX", "Oud", nil).Wait(); err == nil {
		t.Error("RENAME INBOX succeeded")
	}
	if err := b.Noop().Wait(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-a.Closed():
		t.Fatal("RENAME disconnected the selecting client")
	default:
	}
	if err := b.Delete("Klachten-oud").Wait(); err != nil {
		t.Fatalf("DELETE: %v", err)
	}
	select {
	case <-a.Closed():
	case <-time.After(hangGuard):
		t.Fatal("client with the deleted folder selected was not disconnected")
	}
	if err := b.Noop().Wait(); err != nil {
		t.Errorf("deleting client was disconnected: %v", err)
	}
}
