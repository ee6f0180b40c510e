package workflow

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/storage"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
	"github.com/mcoo/klachtbot/workflow/policy"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

var ams = func() *time.Location {
	l, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return l
}()

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func testConfig() Config {
	cfg := Defaults()
	cfg.Location = ams
	cfg.Directors = []Director{{Name: "Marco", Address: "marco@mcoo.nl"}, {Name: "Hans", Address: "hans@mcoo.nl"}}
	cfg.BotAddress, cfg.OwnDomains = "klachten@mcoo.nl", []string{"mcoo.nl"}
	return cfg
}

// boltStore is the real store, in a fresh file.
func boltStore(t testing.TB) Store {
	t.Helper()
	st, err := storage.Open(filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return Bind(st.Update, st.View)
}

// newTestEngine is an engine on bbolt at 24 November 2026, 14:03.
func newTestEngine(t testing.TB) (*Engine, Store, *testClock) {
	t.Helper()
	return newTestEngineOn(t, boltStore(t))
}

func newTestEngineOn(t testing.TB, store Store) (*Engine, Store, *testClock) {
	t.Helper()
	return newTestEngineAt(t, store, time.Date(2026, 11, 24, 14, 3, 0, 0, ams))
}

// newTestEngineAt is an engine whose database is first started at start.
func newTestEngineAt(t testing.TB, store Store, start time.Time) (*Engine, Store, *testClock) {
	t.Helper()
	clock := &testClock{t: start}
	e, err := NewEngine(store, clock, testConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return e, store, clock
}

// bothStores runs a test of the rules against bbolt and the in-memory store.
func bothStores(t *testing.T, f func(t *testing.T, e *Engine, s Store, clock *testClock)) {
	for name, open := range map[string]func(testing.TB) Store{"bbolt": boltStore, "memory": func(testing.TB) Store { return newMemStore() }} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e, s, clock := newTestEngineOn(t, open(t))
			f(t, e, s, clock)
		})
	}
}

var inbox = Source{Director: "marco@mcoo.nl", Folder: "INBOX", Kind: FolderInbox}

// deliver ingests a raw mail as found in a folder.
func deliver(t *testing.T, e *Engine, src Source, raw string, at time.Time) *message.Message {
	t.Helper()
	// The next UID of the folder, as the server would give it.
	var cp message.Checkpoint
	e.store.View(func(tx Tx) (err error) { cp, err = tx.Checkpoint(src.Key()); return err })
	uid := cp.LastUID + 1
	rawb := []byte(strings.ReplaceAll(raw, "\n", "\r\n"))
	m := message.Parse(rawb)
	if err := e.Ingest(src, &message.Fetched{UIDValidity: 7, UID: uid, InternalDate: at, Raw: rawb, Msg: m}); err != nil {
		t.Fatal(err)
	}
	return m
}

// mail writes a mail to marco@, unless a "To:" header is given.
// Complaints in plain words about the firm: what recognition acknowledges
// at once (see workflow/recognize).
const (
	plainComplaint = "Ik wil een klacht indienen. Jullie hebben mijn aangifte te laat ingediend en ik heb een boete gekregen."
	otherComplaint = "Ik ben ontevreden over jullie, dit is onacceptabel: de aangifte is alweer te laat."
)

func mail(from, subject, body string, headers ...string) string {
	h, to := "", "To: marco@mcoo.nl\n"
	for _, x := range headers {
		if strings.HasPrefix(x, "To:") {
			to = x + "\n"
		} else {
			h += x + "\n"
		}
	}
	return fmt.Sprintf("From: %s\n%sSubject: %s\nMessage-ID: <%d.%s>\n%s\n%s\n", from, to, subject, time.Now().UnixNano(), "t@klant.test", h, body)
}

func snapshot(t *testing.T, s Store) (cases []*complaint.Case, pending []*outbox.Item) {
	t.Helper()
	s.View(func(tx Tx) error {
		cases, _ = tx.Cases()
		pending, _ = tx.Pending()
		return nil
	})
	return
}

func TestIngestNewComplaint(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	at := clock.Now().Add(-time.Minute)
	m := deliver(t, e, inbox, mail("Jan Jansen <Jan@Klant.test>", "Klacht over mijn aangifte", plainComplaint), at)

	cases, pending := snapshot(t, s)
	if len(cases) != 1 {
		t.Fatalf("cases: %d", len(cases))
	}
	c := cases[0]
	if c.ID != "KL-2026-0001" || c.State != complaint.StateOpen || c.Client != "jan@klant.test" ||
		c.Director != "marco@mcoo.nl" || !c.ReceivedAt.Equal(at) || c.Language != "nl" {
		t.Errorf("case = %+v", c)
	}
	// the case records who the grievance is about and how likely a complaint
	if c.RecognisedTarget != "firm" || c.RecognisedProb < 0.5 || !strings.Contains(c.Recognition, "over het kantoor") {
		t.Errorf("recognised: target %q, probability %v, %q", c.RecognisedTarget, c.RecognisedProb, c.Recognition)
	}
	if want := time.Date(2026, 12, 8, 14, 2, 0, 0, ams); !c.TargetAt.Equal(want) {
		t.Errorf("target %v, want %v", c.TargetAt.In(ams), want)
	}
	if len(pending) != 1 {
		t.Fatalf("outbox: %d items", len(pending))
	}
	ack := pending[0].Mail
	if ack.From != "marco@mcoo.nl" || ack.To[0] != "jan@klant.test" || ack.InReplyTo != m.MessageID ||
		ack.References[len(ack.References)-1] != m.MessageID || ack.Headers["Auto-Submitted"] != "auto-replied" ||
		!strings.Contains(ack.Subject, "[KL-2026-0001]") || !strings.Contains(ack.Text, "8 december 2026") {
		t.Errorf("acknowledgement = %+v", ack)
	}
	s.View(func(tx Tx) error {
		if tx.CaseByMessageID(ack.MessageID) != c.ID {
			t.Error("the acknowledgement's Message-ID does not thread into the case")
		}
		cp, _ := tx.Checkpoint(inbox.Key())
		if cp.LastUID != 1 || cp.UIDValidity != 7 {
			t.Errorf("checkpoint %+v not advanced with the message", cp)
		}
		return nil
	})

	// The same mail in the other director's INBOX is the same case, unacknowledged again.
	hans := Source{Director: "hans@mcoo.nl", Folder: "INBOX", Kind: FolderInbox}
	raw := fmt.Sprintf("From: Jan@Klant.test\nTo: hans@mcoo.nl\nSubject: Klacht over mijn aangifte\nMessage-ID: %s\n\nIk ben ontevreden.\n", m.MessageID)
	deliver(t, e, hans, raw, at)
	if cases, pending := snapshot(t, s); len(cases) != 1 || len(pending) != 1 {
		t.Errorf("second copy: %d cases, %d queued mails", len(cases), len(pending))
	}
}

func TestIngestThreading(t *testing.T) {
	t.Parallel()
	bothStores(t, func(t *testing.T, e *Engine, s Store, clock *testClock) {
		m := deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())
		_, pending := snapshot(t, s)
		ackID := pending[0].Mail.MessageID

		tests := []struct {
			name, raw string
			src       Source
			role      complaint.Role
		}{
			{"token in a fresh mail", mail("jan@klant.test", "AW: [KL-2026-0001] nog iets", "Nog een vraag."), inbox, complaint.RoleClient},
			{"reply to the acknowledgement", mail("jan@klant.test", "Re: iets anders", "Dank.", "In-Reply-To: "+ackID), inbox, complaint.RoleClient},
			{"references only, rewritten by Outlook", mail("jan@klant.test", "RE: x", "Ok.", "References: <unknown@x> "+m.MessageID+" <other@y>"), inbox, complaint.RoleClient},
			{"third party in the thread", mail("expert@adviseur.test", "Re: Klacht", "Mijn advies.", "In-Reply-To: "+m.MessageID), inbox, complaint.RoleOther},
			{"director reply in Sent", mail("marco@mcoo.nl", "Re: Klacht", "Ik bel u.", "To: jan@klant.test", "In-Reply-To: "+m.MessageID),
				Source{Director: "marco@mcoo.nl", Folder: "Sent", Kind: FolderSent}, complaint.RoleDirector},
		}
		for i, tt := range tests {
			deliver(t, e, tt.src, tt.raw, clock.Now())
			s.View(func(tx Tx) error {
				msgs, _ := tx.Messages("KL-2026-0001")
				if len(msgs) != i+2 {
					t.Fatalf("%s: %d messages in the case", tt.name, len(msgs))
				}
				if got := msgs[len(msgs)-1].Role; got != tt.role {
					t.Errorf("%s: role %s, want %s", tt.name, got, tt.role)
				}
				return nil
			})
		}
		cases, pending := snapshot(t, s)
		if len(cases) != 1 || len(pending) != 1 {
			t.Errorf("follow-ups made %d cases and %d queued mails; want 1 and 1", len(cases), len(pending))
		}
		if cases[0].FirstResponseAt == nil {
			t.Error("director reply did not set first_response_at")
		}

		// Same subject text without token or references: a new case, never threaded by subject.
		deliver(t, e, inbox, mail("jan@klant.test", "Klacht", otherComplaint), clock.Now())
		if cases, _ := snapshot(t, s); len(cases) != 2 {
			t.Errorf("a new mail with the same subject joined the old case")
		}
		// A token of a case that does not exist does not thread.
		deliver(t, e, inbox, mail("x@klant.test", "[KL-2026-0099] klacht", plainComplaint), clock.Now())
		if cases, _ := snapshot(t, s); len(cases) != 3 {
			t.Errorf("an unknown case token was threaded")
		}
	})
}

func TestIngestNotComplaints(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	for _, raw := range []string{
		mail("lisa@klant.test", "Vraag over factuur", "Kunt u de factuur sturen?"),
		mail("hans@mcoo.nl", "Klacht van klant X", "Intern overleg."),
		mail("collega@mcoo.nl", "klacht", "intern"),
		mail("piet@klant.test", "Automatisch antwoord: klacht", "Afwezig.", "Auto-Submitted: auto-replied"),
		mail("marco@mcoo.nl", "klacht", "In Sent, not about a case."),
	} {
		src := inbox
		if strings.Contains(raw, "In Sent") {
			src = Source{Director: "marco@mcoo.nl", Folder: "Sent", Kind: FolderSent}
		}
		deliver(t, e, src, raw, clock.Now())
	}
	cases, pending := snapshot(t, s)
	if len(cases) != 0 || len(pending) != 0 {
		t.Errorf("non-complaints stored: %d cases, %d mails", len(cases), len(pending))
	}
	// Least data: nothing of them is kept, but the checkpoint moved on.
	s.View(func(tx Tx) error {
		if tx.CaseByMessageID("<x>") != "" || tx.QuarantineCount() != 0 {
			t.Error("something of a non-complaint was kept")
		}
		if cp, _ := tx.Checkpoint(inbox.Key()); cp.LastUID == 0 {
			t.Error("checkpoint did not advance past non-complaints")
		}
		return nil
	})
	// In the complaints folder everything (from outside) is a complaint.
	deliver(t, e, Source{Director: "marco@mcoo.nl", Folder: "Klachten", Kind: FolderComplaints},
		mail("lisa@klant.test", "Vraag over factuur", "Kunt u de factuur sturen?"), clock.Now())
	if cases, _ := snapshot(t, s); len(cases) != 1 {
		t.Errorf("mail in the complaints folder did not open a case")
	}
}

func TestAckRateLimit(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	for i := range 5 {
		deliver(t, e, inbox, mail("boos@klant.test", fmt.Sprintf("Klacht %d", i), otherComplaint), clock.Now())
		clock.Add(time.Hour)
	}
	cases, pending := snapshot(t, s)
	if k := kinds(pending); len(cases) != 5 || strings.Count(strings.Join(k, " "), "ack") != 3 {
		t.Fatalf("%d cases, outbox %v; want 5 cases, 3 acknowledgements", len(cases), k)
	}
	// One alert for the day, not one per held acknowledgement.
	if k := kinds(pending); strings.Count(strings.Join(k, " "), "alert") != 1 {
		t.Errorf("outbox %v: want one alert", k)
	}
	s.View(func(tx Tx) error {
		evs, _ := tx.Events(cases[4].ID)
		if last := evs[len(evs)-1]; last.Kind != complaint.EvAckSuppressed || !strings.Contains(last.Detail, "3 times") {
			t.Errorf("last event %+v", last)
		}
		return nil
	})
	// A day after the first, the sender may be acknowledged again.
	clock.Add(20 * time.Hour)
	deliver(t, e, inbox, mail("boos@klant.test", "Klacht 6", otherComplaint), clock.Now())
	if _, pending := snapshot(t, s); strings.Count(strings.Join(kinds(pending), " "), "ack") != 4 {
		t.Errorf("after 24 hours: %v, want 4 acknowledgements", kinds(pending))
	}
}

func TestUnreadableMailQuarantined(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	raw := "From: x@klant.test\nContent-Type: multipart/mixed; boundary=zz\n\n--zz\nContent-Type: text/plain; charset=utf-8\n\n"
	deliver(t, e, inbox, raw, clock.Now())
	s.View(func(tx Tx) error {
		if n := tx.QuarantineCount(); n != 1 {
			t.Errorf("quarantined %d, want 1", n)
		}
		return nil
	})
}

func TestRecognitionAndLanguage(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	tests := []struct {
		subject, body, inReplyTo string
		want                     recognize.Outcome
		lang                     string
	}{
		{"Klacht over de aangifte", "Ik ben erg ontevreden: jullie hebben mijn aangifte te laat ingediend en ik heb een boete gekregen.", "", recognize.Complaint, "nl"},
		// One strong word and nothing else: a director decides.
		{"Vraag", "Ik ben erg ontevreden over de service van jullie kantoor.", "", recognize.Doubtful, "nl"},
		// Nobody named: at most a director decides.
		{"Klacht", "Ik heb een klacht.", "", recognize.Doubtful, "nl"},
		{"Weer te laat", "Ik ben ontevreden: de aangifte is alweer te laat ingediend en ik heb een boete. Ik wil dat jullie die vergoeden.", "", recognize.Complaint, "nl"},
		{"Formal complaint", "Dear sir, I would like to complain about the service your firm has provided: you filed my tax return too late and I received a fine. This is unacceptable.", "", recognize.Complaint, "en"},
		{"Question", "Could you please send me the invoice for the last quarter? Thank you.", "", recognize.None, "en"},
		{"Factuur", "Wilt u de factuur van oktober sturen?", "", recognize.None, "nl"},
		{"Bedankt", "Geen klachten hoor, alles prima geregeld!", "", recognize.None, "nl"},
		{"Belastingdienst", "Ik ben zo ontevreden over de Belastingdienst, die raken alles kwijt. Met jullie ben ik heel blij.", "", recognize.None, "nl"},
		// Only the quote complains; the client's own words do not.
		{"Re: your question", "Thanks, that is clear now.\n> Wij hebben uw klacht ontvangen en de aangifte is verstuurd", "<1@mcoo.nl>", recognize.None, "en"},
	}
	for _, tt := range tests {
		m := &message.Message{Subject: tt.subject, Text: tt.body}
		if tt.inReplyTo != "" {
			m.InReplyTo = []string{tt.inReplyTo}
		}
		got, why := cfg.Judge(m, nil)
		if got != tt.want {
			t.Errorf("judge(%q, %q) = %v (%s), want %v", tt.subject, tt.body, got, why.Why, tt.want)
		}
		if got != recognize.None && why.Why == "" {
			t.Errorf("judge(%q): no reason given", tt.subject)
		}
		if got := policy.Language(m); got != tt.lang {
			t.Errorf("policy.Language(%q, %q) = %s, want %s", tt.subject, tt.body, got, tt.lang)
		}
	}
	if !cfg.RepliesToFirm(&message.Message{References: []string{"<a@klant.test>", "<x.ack.1@mcoo.nl>"}}) ||
		cfg.RepliesToFirm(&message.Message{InReplyTo: []string{"<a@klant.test>"}}) {
		t.Error("repliesToFirm does not tell the firm's Message-IDs from others")
	}
}

func TestSuppressAck(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	tests := []struct {
		from, auto string
		want       string
	}{
		{"jan@klant.test", "", ""},
		{"noreply@bank.test", "", "no-reply sender"},
		{"no-reply+x@bank.test", "", "no-reply sender"},
		{"donotreply@bank.test", "", "no-reply sender"},
		{"hans@mcoo.nl", "", "sender is the firm's own address"},
		{"klachten@mcoo.nl", "", "sender is the firm's own address"},
		{"iemand@MCOO.nl", "", "sender is the firm's own address"},
		{"jan@klant.test", "auto-submitted: auto-replied", "auto-submitted: auto-replied"},
		{"", "", "no usable sender address"},
	}
	for _, tt := range tests {
		m := &message.Message{From: message.Address{Addr: strings.ToLower(tt.from)}, Auto: tt.auto}
		if got := cfg.SuppressAck(m); got != tt.want {
			t.Errorf("suppressAck(%s, %q) = %q, want %q", tt.from, tt.auto, got, tt.want)
		}
	}
}

// A message that cannot be ingested is kept in quarantine after a few
// attempts, so the mail behind it in the folder is not held up.
func TestPoisonMessageQuarantined(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	// A folder of a director missing from the configuration: the
	// acknowledgement cannot be composed, every attempt fails.
	src := Source{Director: "weg@mcoo.nl", Folder: "Klachten", Kind: FolderComplaints}
	h := e.Folder(src)
	raw := []byte("From: jan@klant.test\r\nTo: weg@mcoo.nl\r\nSubject: klacht\r\nMessage-ID: <p@klant.test>\r\n\r\nklacht\r\n")
	f := &message.Fetched{UIDValidity: 1, UID: 9, InternalDate: clock.Now(), Raw: raw, Msg: message.Parse(raw)}
	for i := 1; i < maxIngestFailures; i++ {
		if err := h.Deliver(f); err == nil {
			t.Fatalf("attempt %d succeeded", i)
		}
	}
	if err := h.Deliver(f); err != nil {
		t.Fatalf("attempt %d: %v", maxIngestFailures, err)
	}
	if cp, _ := h.Checkpoint(); cp.LastUID != 9 {
		t.Errorf("checkpoint %d: the folder did not move on", cp.LastUID)
	}
	s.View(func(tx Tx) error {
		if tx.QuarantineCount() != 1 {
			t.Error("the message was not kept")
		}
		if cases, _ := tx.Cases(); len(cases) != 0 {
			t.Errorf("a failed ingest left %d cases", len(cases))
		}
		return nil
	})
}

// at is a local time in Amsterdam, "2006-01-02 15:04".
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ams)
	if err != nil {
		panic(err)
	}
	return t
}

// The acknowledgement cannot be aimed at a victim: Reply-To counts only in
// the sender's own domain, the limits count the address it goes to, the
// firm sends at most MaxAcksPerHour an hour, and it quotes at most 60
// characters of the subject.
func TestAckBackscatter(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	e.cfg.MaxAcksPerHour = 4
	long := "Klacht koop nu goedkope pillen op www.spam.test met korting en gratis verzending vandaag nog"
	for i := range 3 {
		deliver(t, e, inbox, mail(fmt.Sprintf("a%d@spam.test", i), long, otherComplaint,
			"Reply-To: victim@victim.test"), clock.Now())
	}
	deliver(t, e, inbox, mail("Jan <jan@klant.test>", "Klacht", otherComplaint,
		"Reply-To: jan.prive@klant.test"), clock.Now())
	_, pending := snapshot(t, s)
	var to []string
	for _, it := range pending {
		if it.Kind == "ack" {
			to = append(to, it.Mail.To...)
			if subj := it.Mail.Subject; strings.Contains(subj, "vandaag nog") || !strings.Contains(subj, "…") && strings.Contains(subj, "spam") {
				t.Errorf("acknowledgement quotes the whole subject: %q", subj)
			}
		}
	}
	if strings.Join(to, " ") != "a0@spam.test a1@spam.test a2@spam.test jan.prive@klant.test" {
		t.Errorf("acknowledgements went to %v", to)
	}
	// The fifth acknowledgement in the hour is held, and the directors told once.
	for i := range 2 {
		deliver(t, e, inbox, mail(fmt.Sprintf("b%d@klant.test", i), "Klacht", plainComplaint), clock.Now())
	}
	_, pending = snapshot(t, s)
	if k := strings.Join(kinds(pending), " "); strings.Count(k, "ack") != 4 || strings.Count(k, "alert") != 1 {
		t.Errorf("outbox after a flood: %v", k)
	}
}

// A new complaint that reuses a known Message-ID is a different mail: it
// gets a substitute ID and a case of its own, flagged.
func TestReusedMessageID(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	first := deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())
	reuse := strings.Replace(mail("kees@klant.test", "Klacht over de factuur", "Ik ben ontevreden: jullie hebben dubbel gefactureerd, ik wil mijn geld terug."),
		"Message-ID: <", "X-Old: <", 1)
	reuse = "Message-ID: " + first.MessageID + "\n" + reuse
	deliver(t, e, inbox, reuse, clock.Now())
	cases, _ := snapshot(t, s)
	if len(cases) != 2 || cases[1].Client != "kees@klant.test" {
		t.Fatalf("cases: %d", len(cases))
	}
	_, evs, _ := loadCase(t, s, cases[1].ID)
	if !slices.Contains(evs, string(complaint.EvMalformed)) {
		t.Errorf("the reused Message-ID is not flagged: %v", evs)
	}
}

// TestFolderWrittenAsFound: the Sent folder found by its attribute is
// recorded by its name on the server, as status shows it, never as `\Sent`;
// its checkpoint stays under the configured key, so a renamed folder is followed.
func TestFolderWrittenAsFound(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	complaintMail := deliver(t, e, inbox, mail("jan@klant.test", "Klacht", "Ik ben zeer ontevreden over de te late aangifte."), clock.Now())
	sent := Source{Director: "marco@mcoo.nl", Folder: `\Sent`, Kind: FolderSent}
	raw := []byte(strings.ReplaceAll(fmt.Sprintf("From: marco@mcoo.nl\nTo: jan@klant.test\nSubject: Re: Klacht\nMessage-ID: <r1@mcoo.nl>\nIn-Reply-To: %s\n\nIk bel u morgen.\n", complaintMail.MessageID), "\n", "\r\n"))
	if err := e.Ingest(sent, &message.Fetched{Folder: "Verzonden items", UIDValidity: 3, UID: 17, InternalDate: clock.Now(), Raw: raw, Msg: message.Parse(raw)}); err != nil {
		t.Fatal(err)
	}
	s.View(func(tx Tx) error {
		cases, _ := tx.Cases()
		msgs, _ := tx.Messages(cases[0].ID)
		var sources []string
		for _, m := range msgs {
			sources = append(sources, m.Source)
		}
		if want := []string{"marco@mcoo.nl/INBOX uid 7/1", "marco@mcoo.nl/Verzonden items uid 3/17"}; !slices.Equal(sources, want) {
			t.Errorf("sources %q, want %q", sources, want)
		}
		if cp, _ := tx.Checkpoint(sent.Key()); cp.LastUID != 17 {
			t.Errorf("checkpoint of %s: %+v", sent.Key(), cp)
		}
		return nil
	})
}
