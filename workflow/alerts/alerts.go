// Package alerts makes sure every failure that needs a person reaches one:
// one alert mail per incident (alert.Incident), to [alerts] to or else the
// directors, told again at most once per Repeat while it lasts, and one
// short mail when it ends. The Desk is told by the watchers (FolderHealth),
// the outbox (SendingHealth, MailFailed), the jobs (Job) and the rules
// (Raise, Quarantined) and says in Dutch what happened, what it means for
// clients and what to do, in the words of templates/mail/incidents.nl.tmpl:
// it passes data, the templates write the sentences.
//
// It reads and writes through the transaction it declares (Tx), which the
// workflow's transaction implements, and writes its mail with
// workflow/compose. It must not import workflow itself, storage, mailbox
// (but its error kinds and message types) or their libraries.
package alerts

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mcoo/klachtbot/mailbox/mailerr"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/alert"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// Tx is what the desk reads and writes in one transaction.
type Tx interface {
	Incident(key string) (*alert.Incident, error)
	PutIncident(*alert.Incident) error
	OpenIncidents() ([]*alert.Incident, error)
	Pending() ([]*outbox.Item, error)
	Case(id string) (*complaint.Case, error)
	PutCase(*complaint.Case) error
}

// Store runs the desk's transactions; T is the caller's transaction type.
type Store[T Tx] interface {
	Update(func(T) error) error
	View(func(T) error) error
}

// Desk raises, repeats and resolves incidents and writes their mail.
type Desk[T Tx] struct {
	Store Store[T]
	Clock outbox.Clock
	Mail  *compose.Composer
	// Queue queues an alert mail in tx (with its record on the case's
	// audit trail when it concerns one, under title).
	Queue func(tx T, item *outbox.Item, title string) error
	// Wake wakes the outbox after a transaction outside Store's own.
	Wake func()
	Log  *slog.Logger
	Loc  *time.Location
	// Name is how directors call one of them, by address.
	Name func(addr string) string

	Directors     []string // their addresses; the first one's account sends alerts
	To            []string // who is told; empty: the directors
	After, Repeat time.Duration

	health health
}

// Folder is a watched folder as an incident names it.
type Folder struct {
	Key      string // director/folder, the incident's key
	Director string // the mailbox's owner
	Name     string // the folder as people call it
	Secret   string // where its password comes from
}

// Raise records an incident and tells people: at once when it is new,
// again when it is due. In between, reporting it again writes nothing
// (unless it names an account it did not): what is stored and logged is
// bounded by the repeat, not by how often the failure is met.
func (d *Desk[T]) Raise(tx T, inc alert.Incident, now time.Time) error {
	cur, err := tx.Incident(inc.Key)
	if err != nil {
		return err
	}
	repeat := false
	if cur != nil && cur.Open() {
		merged := mergeAccounts(cur.Accounts, inc.Accounts)
		if !cur.Due(now, d.Repeat) {
			if len(merged) == len(cur.Accounts) {
				return nil
			}
			cur.Accounts = merged
			return tx.PutIncident(cur)
		}
		inc.Since, inc.Reports, inc.Accounts, repeat = cur.Since, cur.Reports+1, merged, true
	} else {
		inc.Since, inc.Reports = now.UTC(), 1
	}
	inc.LastAlert = now.UTC()
	if err := tx.PutIncident(&inc); err != nil {
		return err
	}
	d.Log.Warn("alert", "incident", inc.Key, "title", inc.Title, "repeat", repeat)
	return d.alertMail(tx, &inc, repeat, "", now)
}

// RaiseNamed raises inc with the words of the incident named name
// (templates/mail/incidents.nl.tmpl), rendered from data, the name's own
// type (templates.IncidentAckLimit for "ack-limit").
func (d *Desk[T]) RaiseNamed(tx T, inc alert.Incident, name string, data any, now time.Time) error {
	inc, err := d.incident(inc, name, data)
	if err != nil {
		return err
	}
	return d.Raise(tx, inc, now)
}

// resolve ends a lasting incident and says so.
func (d *Desk[T]) resolve(tx T, key, how string, now time.Time) error {
	cur, err := tx.Incident(key)
	if err != nil || cur == nil || !cur.Open() {
		return err
	}
	at := now.UTC()
	cur.ResolvedAt = &at
	if err := tx.PutIncident(cur); err != nil {
		return err
	}
	d.Log.Info("alert resolved", "incident", key)
	return d.alertMail(tx, cur, false, how, now)
}

// due reports whether raising the incident key now would write anything:
// it is not open, or due to be told again, or names an account it did not.
// A View costs no write: the usual answer, nothing to do, stays cheap.
func (d *Desk[T]) due(key string, accounts []string, now time.Time) bool {
	var cur *alert.Incident
	if err := d.Store.View(func(tx T) (err error) { cur, err = tx.Incident(key); return err }); err != nil {
		return true // let the transaction report it
	}
	return cur == nil || !cur.Open() || cur.Due(now, d.Repeat) ||
		len(mergeAccounts(cur.Accounts, accounts)) != len(cur.Accounts)
}

func mergeAccounts(have, add []string) []string {
	out := slices.Clone(have)
	for _, a := range add {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// resolveOpen ends those of the incidents keys that are open, saying how
// with the resolution named name (incidents.nl.tmpl, "resolved-..."). Health is
// reported after every job run and every reconnect: the usual answer,
// nothing open, costs a read, not a write.
func (d *Desk[T]) resolveOpen(name string, data any, now time.Time, keys ...string) error {
	var open []string
	err := d.Store.View(func(tx T) error {
		for _, k := range keys {
			inc, err := tx.Incident(k)
			if err != nil {
				return err
			}
			if inc != nil && inc.Open() {
				open = append(open, k)
			}
		}
		return nil
	})
	if err != nil || len(open) == 0 {
		return err
	}
	how, err := d.Mail.Tpl.Resolved(name, data)
	if err != nil {
		return err
	}
	return d.Store.Update(func(tx T) error {
		for _, k := range open {
			if err := d.resolve(tx, k, how, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// alertMail queues the mail about an incident: the alert, or with how the
// news that it ended.
func (d *Desk[T]) alertMail(tx T, inc *alert.Incident, repeat bool, how string, now time.Time) error {
	to := d.To
	if len(to) == 0 {
		to = d.Directors
	}
	item, err := d.Mail.Alert(inc, repeat, d.Repeat, how, d.Directors[0], to, now)
	if err != nil {
		return err
	}
	if inc.Open() { // an alert, not its end ("Opgelost" goes whatever is queued)
		pending, err := tx.Pending()
		if err != nil {
			return err
		}
		if slices.ContainsFunc(pending, func(it *outbox.Item) bool { return it.Kind == outbox.KindAlert && it.Incident == inc.Key }) {
			return nil // its alert still waits to go: a second would say the same
		}
		item.Incident = inc.Key
	}
	return d.Queue(tx, item, inc.Title)
}

// health tracks since when each watched folder cannot be read, and each account cannot send.
type health struct {
	mu      sync.Mutex
	down    map[string]time.Time // by folder
	sending map[string]time.Time // by director's account and its failure ("account cause")
}

// lock takes the maps, made on first use.
func (h *health) lock() {
	h.mu.Lock()
	if h.down == nil {
		h.down, h.sending = map[string]time.Time{}, map[string]time.Time{}
	}
}

// FolderHealth returns what a folder's watcher reports after each attempt:
// nil when it is reading, else why not. A folder that cannot be read for
// longer than AlertsAfter is an incident; it ends when reading works again.
func (d *Desk[T]) FolderHealth(src Folder) func(error) {
	key := "mailbox/" + src.Key
	// The account's failures are one incident for all its folders.
	keys := []string{key}
	for _, k := range accountKinds {
		keys = append(keys, "mailbox/"+src.Director+"/"+k.String())
	}
	return func(failure error) {
		now := d.Clock.Now()
		d.health.lock()
		since, down := d.health.down[key]
		if failure == nil {
			delete(d.health.down, key)
		} else if !down {
			d.health.down[key], since = now, now
		}
		d.health.mu.Unlock()
		var err error
		switch {
		case failure == nil:
			err = d.resolveOpen("resolved-mailbox", templates.ResolvedMailbox{Director: d.Name(src.Director), Account: src.Director, Folder: src.Name}, now, keys...)
		case now.Sub(since) >= d.After:
			k := key
			if kind := mailerr.KindOf(failure); kind.Account() {
				k = "mailbox/" + src.Director + "/" + kind.String()
			}
			if d.due(k, nil, now) {
				var inc alert.Incident
				if inc, err = d.mailboxIncident(src, failure); err == nil {
					inc.Key = k
					err = d.Store.Update(func(tx T) error { return d.Raise(tx, inc, now) })
				}
			}
		}
		if err != nil {
			d.Log.Error("record mailbox health", "folder", src.Key, "err", err)
		}
		d.Wake()
	}
}

// accountKinds are the failures that concern an account as a whole.
var accountKinds = []mailerr.Kind{mailerr.Auth, mailerr.OAuth, mailerr.TLS, mailerr.Unreachable}

// mailboxIncident says in Dutch what a watcher's failure means, by its
// kind (incidents.nl.tmpl, "mailbox-..."): for directors the director by
// name; the technical parts name the account.
func (d *Desk[T]) mailboxIncident(src Folder, failure error) (alert.Incident, error) {
	data := templates.IncidentMailbox{Director: d.Name(src.Director), Account: src.Director, Folder: src.Name,
		Secret: src.Secret, Failure: failure.Error()}
	if me := mailerr.As(failure); me != nil {
		data.Host, data.Port = me.Host, me.Port
	}
	name := "mailbox-unreadable"
	switch mailerr.KindOf(failure) {
	case mailerr.OAuth:
		name = "mailbox-oauth"
	case mailerr.Auth:
		name = "mailbox-auth"
	case mailerr.NoFolder:
		name = "mailbox-no-folder"
	case mailerr.TLS:
		name = "mailbox-tls"
	case mailerr.Unreachable:
		name = "mailbox-unreachable"
	}
	return d.incident(alert.Incident{Kind: alert.KindMailbox, Lasting: true}, name, data)
}

// incident is inc with the words of the incident named name, rendered from data.
func (d *Desk[T]) incident(inc alert.Incident, name string, data any) (alert.Incident, error) {
	text, err := d.Mail.Tpl.Incident(name, data)
	if err != nil {
		return inc, err
	}
	inc.Title, inc.What, inc.Meaning, inc.Todo = text.Title, text.What, text.Meaning, text.Todo
	return inc, nil
}

// SendingHealth is told by the outbox, after each attempt with a
// director's account, whether it could send (outbox.Worker.Sending). An
// account failure (TLS, login, unreachable) that lasts AlertsAfter is one
// incident per account and kind, however many mails meet it; the mails
// wait behind it. A mail sent through the account ends its incidents.
func (d *Desk[T]) SendingHealth(account string, failure error) {
	now := d.Clock.Now()
	var err error
	if failure == nil {
		err = d.resolveSending(account, now)
	} else if me := mailerr.As(failure); me != nil && me.Kind.Account() {
		cause := outbox.Cause(failure)
		d.health.lock()
		since, down := d.health.sending[account+" "+cause]
		if !down {
			d.health.sending[account+" "+cause], since = now, now
		}
		d.health.mu.Unlock()
		if !down {
			// Once per cause and start; the incident says the rest, once per repeat.
			d.Log.Warn("mail cannot be sent through this account: it waits", "account", me.Account, "cause", me.Kind.String(), "err", failure)
		}
		key := "sending/" + me.Account + "/" + me.Kind.String()
		if now.Sub(since) >= d.After && d.due(key, []string{account}, now) {
			err = d.Store.Update(func(tx T) error {
				pending, err := tx.Pending()
				if err != nil {
					return err
				}
				n := 0
				for _, it := range pending {
					if it.Cause == cause {
						n++
					}
				}
				inc, err := d.sendingIncident(key, account, me, cause, n)
				if err != nil {
					return err
				}
				return d.Raise(tx, inc, now)
			})
		}
	}
	if err != nil {
		d.Log.Error("record sending health", "account", account, "err", err)
	}
}

// resolveSending ends the open sending incidents of the director's account.
func (d *Desk[T]) resolveSending(account string, now time.Time) error {
	d.health.lock()
	for k := range d.health.sending {
		if strings.HasPrefix(k, account+" ") {
			delete(d.health.sending, k) // a mail went: the next failure counts from now
		}
	}
	d.health.mu.Unlock()
	var keys []string
	err := d.Store.View(func(tx T) error {
		open, err := tx.OpenIncidents()
		for _, inc := range open {
			if inc.Kind == alert.KindSending && slices.Contains(inc.Accounts, account) {
				keys = append(keys, inc.Key)
			}
		}
		return err
	})
	if err != nil || len(keys) == 0 {
		return err
	}
	return d.resolveOpen("resolved-sending", templates.ResolvedSending{Director: d.Name(account)}, now, keys...)
}

// sendingIncident says in Dutch what an account that cannot send means,
// and what to fix: for a certificate, which host and port, and ca_file
// (incidents.nl.tmpl, "sending-..."). waiting mails wait behind it.
func (d *Desk[T]) sendingIncident(key, account string, me *mailerr.Error, cause string, waiting int) (alert.Incident, error) {
	name := "sending-unreachable"
	switch me.Kind {
	case mailerr.TLS:
		name = "sending-tls"
	case mailerr.Auth:
		name = "sending-auth"
	case mailerr.OAuth:
		name = "sending-oauth"
	}
	return d.incident(alert.Incident{Key: key, Kind: alert.KindSending, Lasting: true, Cause: cause, Accounts: []string{account}},
		name, templates.IncidentSending{Host: me.Host, Port: me.Port, User: me.User, Failure: me.Error(), Waiting: waiting})
}

// MailFailed is told when the outbox gives up on a mail: refused for good,
// or still failing after give_up_after.
func (d *Desk[T]) MailFailed(item *outbox.Item, reason string) {
	now := d.Clock.Now()
	err := d.Store.Update(func(tx T) error {
		data := templates.IncidentUndeliverable{To: strings.Join(item.Mail.To, ", "), Subject: compose.OneLine(item.Mail.Subject),
			Reason: reason, Ack: item.Kind == outbox.KindAck && item.CaseID != ""}
		if data.Ack {
			c, err := tx.Case(item.CaseID)
			if err != nil {
				return err
			}
			if c.Attention, err = d.Mail.Tpl.Note("attention-ack-undelivered", templates.NoteReason{Reason: reason}); err != nil {
				return err
			}
			if err := tx.PutCase(c); err != nil {
				return err
			}
		}
		name, inc := "undeliverable", alert.Incident{Key: fmt.Sprintf("mail/%d", item.ID), Kind: alert.KindUndeliverable, Case: item.CaseID}
		if item.Cause != "" {
			// Given up behind an account that could not send: one incident
			// for all the mail of that cause, not one per mail.
			name, inc.Key, inc.Case = "given-up", "given-up/"+item.Cause, ""
		}
		inc, err := d.incident(inc, name, data)
		if err != nil {
			return err
		}
		return d.Raise(tx, inc, now)
	})
	if err != nil {
		d.Log.Error("record undeliverable mail", "outbox", item.ID, "err", err)
	}
}

// Quarantined tells of mail kept raw: at most one incident a day, however
// many mails.
func (d *Desk[T]) Quarantined(tx T, q *complaint.Quarantined) error {
	now := d.Clock.Now()
	inc, err := d.incident(alert.Incident{Key: "quarantine/" + now.In(d.Loc).Format("2006-01-02"), Kind: alert.KindQuarantine},
		"quarantine", templates.IncidentQuarantine{Source: q.Source, Problems: q.Problems})
	if err != nil {
		return err
	}
	return d.Raise(tx, inc, now)
}

// Job tells of a scheduled job that failed, and of its recovery.
func (d *Desk[T]) Job(job string, failure error, now time.Time) {
	key := "job/" + job
	var err error
	if failure == nil {
		err = d.resolveOpen("resolved-job", templates.ResolvedJob{Job: job}, now, key)
	} else {
		err = d.Store.Update(func(tx T) error {
			inc, err := d.incident(alert.Incident{Key: key, Kind: alert.KindJob, Lasting: true},
				"job", templates.IncidentJob{Job: job, Failure: failure.Error()})
			if err != nil {
				return err
			}
			return d.Raise(tx, inc, now)
		})
	}
	if err != nil {
		d.Log.Error("record job health", "job", job, "err", err)
	}
	d.Wake()
}
