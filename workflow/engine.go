// Package workflow is klachtbot's procedure as the service runs it: the
// Engine takes each fetched mail through intake in one transaction, runs
// the jobs that are due, purges what retention lets go and reports health.
// It is a thin front over rooms of their own:
//
//   - policy: the configuration and what it says of a mail (authority,
//     recognition, addressee);
//   - intake: one incoming mail as a value, its route and steps;
//   - commands: the directors' command table;
//   - casework: what every step does to a case in its transaction;
//   - learning: what the directors' decisions teach recognition;
//   - compose (with templates): every mail the bot writes;
//   - jobs and alerts: the timed promises and the incidents.
//
// It reads and writes through the Store it declares (store.go), which
// storage implements and cmd wires in. It must not import storage, mailbox
// (the IMAP and SMTP edge) or their libraries: mail comes in as a
// mailbox/message.Message and goes out as an outbox.Item.
package workflow

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/alerts"
	"github.com/mcoo/klachtbot/workflow/calendar"
	"github.com/mcoo/klachtbot/workflow/casework"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
	"github.com/mcoo/klachtbot/workflow/intake"
	"github.com/mcoo/klachtbot/workflow/jobs"
	"github.com/mcoo/klachtbot/workflow/learning"
)

// Engine is the procedure's front: it starts (NewEngine), takes each
// fetched mail to intake in its own transaction (Folder, Ingest), runs the
// jobs that are due (RunDue), purges what retention lets go (Purge) and
// reports health (Health). The work is done by its parts: intake (one
// incoming mail), commands (the directors' command table), casework (what
// every step does to a case), compose and templates (every mail the bot
// writes), jobs and alerts.
type Engine struct {
	store Store
	cfg   Config
	k     *casework.Clerk
	log   *slog.Logger
	// Wake is signalled (without blocking) when mail is queued in the
	// outbox: after every transaction that queued any.
	Wake chan struct{}
	// Alerts tells people of what went wrong: the outbox reports to it.
	Alerts *alerts.Desk[Tx]
	jobs   *jobs.Jobs[Tx]
	// Observe, when set, is told what the rules did (metrics).
	Observe Observer
}

// NewEngine makes an engine and records the first start, which bounds what
// old mail is acted on.
func NewEngine(store Store, clock Clock, cfg Config, log *slog.Logger) (*Engine, error) {
	e := &Engine{cfg: cfg, log: log, Wake: make(chan struct{}, 1)}
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
	mail := &compose.Composer{Tpl: tpl, Loc: e.cfg.Location, Bot: e.cfg.BotAddress, ReplyTo: e.cfg.Firm.ReplyTo}
	for _, d := range e.cfg.Directors {
		mail.Directors = append(mail.Directors, compose.Director(d))
	}
	e.k = &casework.Clerk{Cfg: &e.cfg, Clock: clock, Cal: calendar.New(cfg.Settings), Mail: mail, Log: log,
		Learner: &learning.Learner{Clock: clock, Cfg: &e.cfg, Log: log}}
	e.Alerts = newDesk(e)
	e.k.Alerts = e.Alerts
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
	if s.e.k.TakeQueued() && err == nil {
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
		queued, err = intake.Ingest(e.k, tx, src, f, e.Observe)
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

// DirectorAddresses are the directors' addresses, in configured order.
func (e *Engine) DirectorAddresses() []string { return e.k.DirectorAddresses() }
