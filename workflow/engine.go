package workflow

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/alerts"
	"github.com/mcoo/klachtbot/workflow/calendar"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
	"github.com/mcoo/klachtbot/workflow/jobs"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// Observer is told what the rules did, for monitoring.
type Observer interface {
	Ingested(took time.Duration)
	Bounced(permanent bool)
}

// Source says where a message was found.
type Source struct {
	Director string // address of the mailbox owner
	Folder   string
	Kind     FolderKind
	Secret   string // where its password comes from, for the alert when it stops working
}

// Key is the checkpoint key of the folder.
func (s Source) Key() string { return s.Director + "/" + s.Folder }

// Where is the folder f was read from as the server names it (the Sent
// folder as found, not `\Sent`), as `status` writes it: in records and logs.
// Key stays the checkpoint's: a renamed Sent folder is followed.
func (s Source) Where(f *message.Fetched) string {
	return s.Director + "/" + cmp.Or(f.Folder, s.Folder)
}

// FolderName is the folder as people call it: a Sent folder found by its
// attribute (Folder `\Sent`) is "Verzonden".
func (s Source) FolderName() string {
	if s.Folder == `\Sent` {
		return "Verzonden"
	}
	return s.Folder
}

// Engine applies the rules to incoming mail.
type Engine struct {
	store Store
	clock Clock
	cfg   Config
	cal   *calendar.Calendar
	tpl   *templates.Set // the firm's templates
	mail  *compose.Composer
	log   *slog.Logger
	// Wake is signalled (without blocking) when mail is queued in the
	// outbox: after every transaction that queued any (queue sets queued).
	Wake   chan struct{}
	queued atomic.Bool
	// Alerts tells people of what went wrong: the outbox reports to it.
	Alerts *alerts.Desk[Tx]
	jobs   *jobs.Jobs[Tx]
	// Observe, when set, is told what the rules did (metrics).
	Observe Observer
	learner *learner // the directors' decisions and the firm's layer over the recognition model (learn.go)
}

// NewEngine makes an engine and records the first start, which bounds what
// old mail is acted on.
func NewEngine(store Store, clock Clock, cfg Config, log *slog.Logger) (*Engine, error) {
	e := &Engine{clock: clock, cfg: cfg, cal: calendar.New(cfg.Settings), log: log, Wake: make(chan struct{}, 1)}
	e.learner = &learner{clock: clock, cfg: &e.cfg, log: log}
	e.store = wakingStore{store, e}
	if e.cfg.Firm.ReplyTo == "" {
		e.cfg.Firm.ReplyTo = e.cfg.BotAddress
	}
	if e.cfg.Firm.ReplyTo == "" && len(cfg.Directors) > 0 {
		e.cfg.Firm.ReplyTo = cfg.Directors[0].Address
	}
	tpl, err := templates.New(e.cfg.Firm, cfg.TemplatesDir)
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err) // at start, not when a mail is due
	}
	e.tpl = tpl
	e.mail = &compose.Composer{Tpl: tpl, Loc: e.cfg.Location, Bot: e.cfg.BotAddress, ReplyTo: e.cfg.Firm.ReplyTo}
	for _, d := range e.cfg.Directors {
		e.mail.Directors = append(e.mail.Directors, compose.Director(d))
	}
	e.Alerts = newDesk(e)
	e.jobs = newJobs(e)
	err = store.Update(func(tx Tx) error {
		if tx.Meta("first_start") != "" {
			return nil
		}
		return tx.SetMeta("first_start", clock.Now().UTC().Format(time.RFC3339Nano))
	})
	if err != nil {
		return nil, fmt.Errorf("record first start: %w", err)
	}
	return e, nil
}

// Since is the moment before which mail found in a first scan (or a rescan
// after a UIDVALIDITY change) is left alone: the first start minus the look-back.
func (e *Engine) Since() (time.Time, error) {
	var since time.Time
	err := e.store.View(func(tx Tx) error {
		t, err := time.Parse(time.RFC3339Nano, tx.Meta("first_start"))
		since = t.Add(-e.cfg.LookBack)
		return err
	})
	return since, err
}

// Folder returns the handler of one watched folder: it implements the
// watcher's mailbox.Handler.
func (e *Engine) Folder(src Source) *FolderHandler { return &FolderHandler{e: e, src: src} }

// FolderHandler ingests what a watcher reads from one folder.
type FolderHandler struct {
	e   *Engine
	src Source
	// The message that failed last and how often: one that cannot be
	// ingested must not hold up the mail behind it for ever.
	failedUID uint32
	failures  int
}

// maxIngestFailures: after this many failed attempts a message is kept raw
// in quarantine and the folder moves on.
const maxIngestFailures = 3

func (h *FolderHandler) Checkpoint() (message.Checkpoint, error) {
	var cp message.Checkpoint
	err := h.e.store.View(func(tx Tx) (err error) {
		cp, err = tx.Checkpoint(h.src.Key())
		return err
	})
	return cp, err
}

func (h *FolderHandler) Advance(cp message.Checkpoint) error {
	return h.e.store.Update(func(tx Tx) error { return tx.SetCheckpoint(h.src.Key(), cp) })
}

func (h *FolderHandler) Deliver(f *message.Fetched) error {
	err := h.e.Ingest(h.src, f)
	if err == nil {
		h.failures = 0
		return nil
	}
	if f.UID != h.failedUID {
		h.failedUID, h.failures = f.UID, 0
	}
	if h.failures++; h.failures < maxIngestFailures {
		return err
	}
	// A storage outage fails here too, and the watcher retries later.
	qerr := h.e.store.Update(func(tx Tx) error {
		q := &complaint.Quarantined{
			Source:     fmt.Sprintf("%s uid %d/%d", h.src.Where(f), f.UIDValidity, f.UID),
			ReceivedAt: f.InternalDate.UTC(),
			Problems:   []string{fmt.Sprintf("ingest failed %d times: %v", h.failures, err)},
		}
		if err := tx.Quarantine(q, f.Raw); err != nil {
			return err
		}
		if err := h.e.Alerts.Quarantined(tx, q); err != nil {
			return err
		}
		return tx.SetCheckpoint(h.src.Key(), message.Checkpoint{UIDValidity: f.UIDValidity, LastUID: f.UID})
	})
	if qerr != nil {
		return errors.Join(err, qerr)
	}
	h.e.log.Error("message quarantined: it could not be ingested", "folder", h.src.Where(f), "uid", f.UID, "err", err)
	h.failures = 0
	return nil
}

// wakingStore wakes the outbox after a transaction that queued mail, so
// that whatever queues it (an alert too) is sent at once.
type wakingStore struct {
	Store
	e *Engine
}

func (s wakingStore) Update(fn func(Tx) error) error {
	err := s.Store.Update(fn)
	if s.e.queued.Swap(false) && err == nil {
		s.e.wake()
	}
	return err
}

func (e *Engine) wake() {
	select {
	case e.Wake <- struct{}{}:
	default:
	}
}

// Ingest handles one fetched message in one transaction: the message, the
// case, its events, any outgoing mail and the folder's checkpoint are written
// together or not at all.
func (e *Engine) Ingest(src Source, f *message.Fetched) error {
	start := time.Now() // the real clock: how long the work took, not what time the rules see
	queued := false
	err := e.store.Update(func(tx Tx) error {
		if err := tx.SetCheckpoint(src.Key(), message.Checkpoint{UIDValidity: f.UIDValidity, LastUID: f.UID}); err != nil {
			return fmt.Errorf("advance checkpoint: %w", err)
		}
		var err error
		queued, err = e.ingest(tx, src, f)
		return err
	})
	if err != nil {
		return fmt.Errorf("ingest %s uid %d: %w", src.Where(f), f.UID, err)
	}
	if queued {
		e.wake()
	}
	if e.Observe != nil {
		e.Observe.Ingested(time.Since(start))
	}
	return nil
}

func (e *Engine) ingest(tx Tx, src Source, f *message.Fetched) (queued bool, err error) {
	m := f.Msg
	log := e.log.With("folder", src.Where(f), "uid", f.UID, "message_id", m.MessageID)
	// The bot's own mail: its copy confirms an attempt a crash interrupted.
	if item, err := tx.OutboxByMessageID(m.MessageID); err != nil || item != nil {
		if err == nil && src.Kind == FolderSent && src.Director == item.Account {
			err = e.serverCopySeen(tx, item.Account, log)
		}
		if err == nil && (item.State == outbox.Sending || item.State == outbox.Queued) {
			log.Info("interrupted mail confirmed sent by its copy", "outbox", item.ID)
			err = outbox.MarkSent(tx, item, e.clock.Now(), " (confirmed by its copy in "+src.Where(f)+")", f.Raw)
		}
		return false, err
	}
	if id := tx.CaseByMessageID(m.MessageID); id != "" && !sameMail(tx, id, m) {
		// A known Message-ID on another mail: a reused or forged ID. It is
		// a different message; it must not vanish as a copy of the first.
		substitute := "<" + contentID(f.Raw) + "@klachtbot.invalid>"
		log.Warn("Message-ID already belongs to another mail: given a substitute", "substitute", substitute)
		m.Problems = append(m.Problems, "Message-ID "+m.MessageID+" already belongs to another mail; substitute "+substitute)
		m.MessageID, m.MessageIDSubstituted = substitute, true
	}
	if id := tx.CaseByMessageID(m.MessageID); id != "" {
		if src.Kind == FolderComplaints {
			// A director moved a held mail into the complaints folder: that is #klacht.
			c, err := tx.Case(id)
			if err != nil || c.State != complaint.StateTriage {
				return false, err
			}
			queued, err := e.accept(tx, c, src.Director, m.MessageID, "complaints folder", log)
			if err != nil {
				return false, err
			}
			return queued, tx.PutCase(c)
		}
		// The same mail in a second director's mailbox, or a rescan.
		log.Debug("message already known", "case", id)
		return false, nil
	}
	received := f.InternalDate
	if received.IsZero() {
		received = e.clock.Now()
	}
	msgRec := &complaint.Message{
		MessageID:  m.MessageID,
		From:       m.From.Addr,
		FromName:   m.From.Name,
		Subject:    m.Subject,
		ReceivedAt: received.UTC(),
		Source:     fmt.Sprintf("%s uid %d/%d", src.Where(f), f.UIDValidity, f.UID),
		Problems:   m.Problems,
	}
	for _, a := range m.Attachments {
		msgRec.Attachments = append(msgRec.Attachments, a.Filename)
	}
	return (&incoming{e: e, tx: tx, src: src, m: m, rec: msgRec, raw: f.Raw, log: log}).route()
}

// record appends the event of a state change, if there was one.
func (e *Engine) record(tx Tx, c *complaint.Case, change *complaint.Event, actor, msgid string) error {
	if change == nil {
		return nil
	}
	return e.event(tx, c.ID, change.Kind, actor, msgid, change.Detail)
}

func (e *Engine) event(tx Tx, caseID string, kind complaint.EventKind, actor, msgid, detail string) error {
	return tx.AppendEvent(caseID, &complaint.Event{At: e.clock.Now().UTC(), Kind: kind, Actor: actor, MessageID: msgid, Detail: detail})
}

// eventFor records an event about a stored mail: the chain vouches for its
// original bytes (rec.SHA256, set by keep).
func (e *Engine) eventFor(tx Tx, caseID string, kind complaint.EventKind, actor string, rec *complaint.Message, detail string) error {
	return tx.AppendEvent(caseID, &complaint.Event{At: e.clock.Now().UTC(), Kind: kind, Actor: actor,
		MessageID: rec.MessageID, Detail: detail, RawSum: rec.SHA256})
}

// keep stores a mail of a case with the digest of its original bytes.
func keep(tx Tx, caseID string, rec *complaint.Message, raw []byte) error {
	sum := sha256.Sum256(raw)
	rec.SHA256 = hex.EncodeToString(sum[:])
	return tx.AddMessage(caseID, rec, raw)
}

// quoted is a subject as a sentence names it: ` met als onderwerp "…"`.
func quoted(subject string) string {
	if subject = compose.OneLine(subject); subject == "" {
		return ""
	}
	return ` met als onderwerp "` + subject + `"`
}

// DirectorAddresses are the directors' addresses, in configured order.
func (e *Engine) DirectorAddresses() []string {
	var to []string
	for _, d := range e.cfg.Directors {
		to = append(to, d.Address)
	}
	return to
}

// allAcks is the key under which every acknowledgement is counted.
const allAcks = "*"

// fromClient reports whether a mail in the client's name is evidently
// theirs: it answers a mail sent only to the client (the bot's
// acknowledgement, new-term or closing mail, a director's reply found in Sent: their
// Message-IDs nobody else has seen), or the firm's own server authenticated
// it for the client's domain.
func (in *incoming) fromClient(c *complaint.Case) bool {
	e := in.e
	refs := append(append([]string{}, in.m.InReplyTo...), in.m.References...)
	for _, ref := range refs {
		item, err := in.tx.OutboxByMessageID(ref)
		if err == nil && item != nil && item.CaseID == c.ID && (item.Kind == outbox.KindAck || item.Kind == "new-term" || item.Kind == kindClosing) {
			return true
		}
	}
	// A director's own mail to the client (found in Sent) is as private.
	if msgs, err := in.tx.Messages(c.ID); err == nil {
		for _, x := range msgs {
			if x.Role == complaint.RoleDirector && x.MessageID != "" && slices.Contains(refs, x.MessageID) {
				return true
			}
		}
	}
	return e.cfg.AuthServID != "" && e.cfg.authenticated(in.m, message.Domain(c.Client))
}

// sameMail reports whether m is the mail the case knows under its
// Message-ID: the same sender and subject (copies in two mailboxes differ
// only in their delivery headers).
func sameMail(tx Tx, caseID string, m *message.Message) bool {
	msgs, err := tx.Messages(caseID)
	if err != nil {
		return true // cannot tell: treat as the known mail, as before
	}
	for _, x := range msgs {
		if x.MessageID == m.MessageID {
			return strings.EqualFold(x.From, m.From.Addr) && x.Subject == m.Subject
		}
	}
	return true // the bot's own mail, indexed without a message record
}

// contentID is a stable name for a mail's bytes.
func contentID(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:16])
}
