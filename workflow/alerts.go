package workflow

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/alert"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// Every failure that needs a person reaches one: one alert mail per
// incident, to [alerts] to or else the directors, told again at most once
// per AlertsRepeat while it lasts, and one short mail when it ends.

// raise records an incident and tells people: at once when it is new,
// again when it is due.
func (e *Engine) raise(tx Tx, inc alert.Incident, now time.Time) error {
	cur, err := tx.Incident(inc.Key)
	if err != nil {
		return err
	}
	repeat := false
	if cur != nil && cur.Open() {
		cur.Reports++
		if !cur.Due(now, e.cfg.AlertsRepeat) {
			return tx.PutIncident(cur)
		}
		inc.Since, inc.Reports, repeat = cur.Since, cur.Reports, true
	} else {
		inc.Since, inc.Reports = now.UTC(), 1
	}
	inc.LastAlert = now.UTC()
	if err := tx.PutIncident(&inc); err != nil {
		return err
	}
	e.log.Warn("alert", "incident", inc.Key, "title", inc.Title, "repeat", repeat)
	return e.alertMail(tx, &inc, repeat, "", now)
}

// resolve ends a lasting incident and says so.
func (e *Engine) resolve(tx Tx, key, how string, now time.Time) error {
	cur, err := tx.Incident(key)
	if err != nil || cur == nil || !cur.Open() {
		return err
	}
	at := now.UTC()
	cur.ResolvedAt = &at
	if err := tx.PutIncident(cur); err != nil {
		return err
	}
	e.log.Info("alert resolved", "incident", key)
	return e.alertMail(tx, cur, false, how, now)
}

// resolveOpen ends those of the incidents keys that are open. Health is
// reported after every job run and every reconnect: the usual answer,
// nothing open, costs a read, not a write.
func (e *Engine) resolveOpen(how string, now time.Time, keys ...string) error {
	var open []string
	err := e.store.View(func(tx Tx) error {
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
	return e.store.Update(func(tx Tx) error {
		for _, k := range open {
			if err := e.resolve(tx, k, how, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// alertMail queues the mail about an incident: the alert, or with how the
// news that it ended.
func (e *Engine) alertMail(tx Tx, inc *alert.Incident, repeat bool, how string, now time.Time) error {
	loc := e.cfg.Location
	data := templates.Alert{Title: inc.Title, What: inc.What, Meaning: inc.Meaning, Todo: inc.Todo, Case: inc.Case,
		Since: templates.DateNL(inc.Since.In(loc)) + " om " + inc.Since.In(loc).Format("15:04"), How: how, Resolved: how != "", Repeat: repeat}
	subject, text, err := e.tpl.Mail("alert", "nl", data)
	if err != nil {
		return err
	}
	to := e.cfg.AlertsTo
	if len(to) == 0 {
		to = e.DirectorAddresses()
	}
	item := e.botMail(outbox.KindAlert, inc.Case, e.cfg.Directors[0].Address, to, subject, text, "", now)
	if inc.Case == "" {
		return e.queue(tx, item)
	}
	return e.enqueue(tx, item, inc.Title)
}

// Attention lists the open incidents, for the digest and status.
func (e *Engine) Attention() ([]*alert.Incident, error) {
	var open []*alert.Incident
	err := e.store.View(func(tx Tx) (err error) { open, err = tx.OpenIncidents(); return err })
	return open, err
}

// folderHealth tracks since when each watched folder cannot be read.
type folderHealth struct {
	mu   sync.Mutex
	down map[string]time.Time
}

// FolderHealth returns what a folder's watcher reports after each attempt:
// nil when it is reading, else why not. A folder that cannot be read for
// longer than AlertsAfter is an incident; it ends when reading works again.
func (e *Engine) FolderHealth(src Source) func(error) {
	key := "mailbox/" + src.Key()
	login := "mailbox/" + src.Director + "/login" // one incident for all folders of an account
	return func(failure error) {
		now := e.clock.Now()
		e.health.mu.Lock()
		since, down := e.health.down[key]
		if failure == nil {
			delete(e.health.down, key)
		} else if !down {
			e.health.down[key], since = now, now
		}
		e.health.mu.Unlock()
		var err error
		switch {
		case failure == nil:
			err = e.resolveOpen(fmt.Sprintf("De mail van %s wordt weer gelezen (%s, map %s).", e.directorName(src.Director), src.Director, src.FolderName()), now, key, login)
		case now.Sub(since) >= e.cfg.AlertsAfter:
			inc, perAccount := mailboxIncident(src, e.directorName(src.Director), failure)
			inc.Key = key
			if perAccount {
				inc.Key = login
			}
			err = e.store.Update(func(tx Tx) error { return e.raise(tx, inc, now) })
		}
		if err != nil {
			e.log.Error("record mailbox health", "folder", src.Key(), "err", err)
		}
		e.wake()
	}
}

// mailboxIncident says in Dutch what a watcher's failure means; perAccount
// when it concerns all the account's folders (a refused login). name is the
// director's name, for what directors read; the technical parts name the account.
func mailboxIncident(src Source, name string, failure error) (inc alert.Incident, perAccount bool) {
	msg := strings.ToLower(failure.Error())
	inc = alert.Incident{Kind: alert.KindMailbox, Lasting: true,
		Meaning: fmt.Sprintf("Mail in de map %s van %s wordt niet gelezen: klachten daarin worden niet geregistreerd en niet bevestigd, en antwoorden komen niet bij hun klacht.", src.FolderName(), name)}
	secret := "het wachtwoord"
	if src.Secret != "" {
		secret = src.Secret
	}
	switch {
	case strings.Contains(msg, "oauth2"):
		inc.Title = "de aanmelding van " + name + " bij de mailserver werkt niet meer"
		inc.What = "De aanmelding van " + src.Director + " met een OAuth2-token wordt geweigerd (" + failure.Error() + ")."
		inc.Todo = "Controleer de app-registratie of het serviceaccount (" + secret + "): is het geheim verlopen, de toegang ingetrokken of een machtiging vervallen? Pas het zo nodig aan en herstart klachtbot."
		inc.Meaning = "Geen enkele map van " + name + " wordt gelezen: klachten aan " + name + " worden niet geregistreerd en niet bevestigd, en antwoorden komen niet bij hun klacht."
		perAccount = true
	case strings.Contains(msg, "authenticationfailed") || strings.Contains(msg, "login") && (strings.Contains(msg, "fail") || strings.Contains(msg, "invalid") || strings.Contains(msg, "refused")):
		inc.Title = "het wachtwoord van " + name + " werkt niet meer"
		inc.What = "De mailserver weigert de aanmelding van " + src.Director + " (" + failure.Error() + ")."
		inc.Todo = "Pas " + secret + " aan (bijvoorbeeld een verlopen app-wachtwoord) en herstart klachtbot."
		inc.Meaning = "Geen enkele map van " + name + " wordt gelezen: klachten aan " + name + " worden niet geregistreerd en niet bevestigd, en antwoorden komen niet bij hun klacht."
		perAccount = true
	case strings.Contains(msg, "select") && (strings.Contains(msg, "nonexistent") || strings.Contains(msg, "exist") || strings.Contains(msg, "not found") || strings.Contains(msg, "no such")):
		inc.Title = "de map " + src.FolderName() + " van " + name + " bestaat niet"
		inc.What = "De map " + src.FolderName() + " is niet te openen (" + failure.Error() + ")."
		inc.Todo = "Maak de map " + src.FolderName() + " aan in de mailbox van " + src.Director + ", of pas de naam in de configuratie aan en herstart klachtbot."
	case strings.Contains(msg, "x509") || strings.Contains(msg, "tls") || strings.Contains(msg, "certificate"):
		inc.Title = "de beveiligde verbinding met de mailserver van " + name + " mislukt"
		inc.What = "De TLS-verbinding wordt geweigerd of het certificaat klopt niet (" + failure.Error() + ")."
		inc.Todo = "Controleer host, port en security in de configuratie (en ca_file bij een eigen certificaat); vraag zo nodig uw IT-beheerder om hulp."
	default:
		inc.Title = "de mailserver van " + name + " is niet bereikbaar"
		inc.What = "klachtbot kan de map " + src.FolderName() + " niet lezen (" + failure.Error() + ")."
		inc.Todo = "Controleer of de mailserver werkt en bereikbaar is. klachtbot probeert het zelf steeds opnieuw."
	}
	return inc, perAccount
}

// MailFailed is told when the outbox gives up on a mail: refused for good,
// or still failing after give_up_after.
func (e *Engine) MailFailed(item *outbox.Item, reason string) {
	now := e.clock.Now()
	err := e.store.Update(func(tx Tx) error {
		inc := alert.Incident{Key: fmt.Sprintf("mail/%d", item.ID), Kind: alert.KindUndeliverable, Case: item.CaseID,
			Title: "mail aan " + strings.Join(item.Mail.To, ", ") + " niet bezorgd",
			What:  fmt.Sprintf("De mail \"%s\" aan %s is niet bezorgd: %s.", oneLine(item.Mail.Subject), strings.Join(item.Mail.To, ", "), reason),
			Todo:  "Controleer het adres en neem op een andere manier contact op."}
		if item.Kind == outbox.KindAck && item.CaseID != "" {
			inc.Meaning = "De cliënt heeft geen ontvangstbevestiging van de klacht gekregen."
			c, err := tx.Case(item.CaseID)
			if err != nil {
				return err
			}
			c.Attention = "ontvangstbevestiging niet bezorgd: " + reason
			if err := tx.PutCase(c); err != nil {
				return err
			}
		} else {
			inc.Meaning = "Wie deze mail had moeten krijgen, weet er niet van."
		}
		return e.raise(tx, inc, now)
	})
	if err != nil {
		e.log.Error("record undeliverable mail", "outbox", item.ID, "err", err)
	}
	e.wake()
}

// quarantined tells of mail kept raw: at most one incident a day, however
// many mails.
func (e *Engine) quarantined(tx Tx, q *complaint.Quarantined) error {
	now := e.clock.Now()
	return e.raise(tx, alert.Incident{Key: "quarantine/" + now.In(e.cfg.Location).Format("2006-01-02"), Kind: alert.KindQuarantine,
		Title:   "mail die klachtbot niet kon lezen is apart gezet",
		What:    "Een mail (" + q.Source + ") kon niet worden gelezen of verwerkt en is ongewijzigd bewaard in de quarantaine: " + strings.Join(q.Problems, "; ") + ".",
		Meaning: "Als het een klacht is, is die niet geregistreerd en niet bevestigd.",
		Todo:    "Bekijk de mail in de map waarin hij binnenkwam en registreer hem zo nodig met #nieuwe-klacht of door hem door te sturen; `klachtbot status` toont hoeveel mails in de quarantaine staan."}, now)
}

// jobHealth tells of a scheduled job that failed, and of its recovery.
func (e *Engine) jobHealth(job string, failure error, now time.Time) {
	key := "job/" + job
	var err error
	if failure == nil {
		err = e.resolveOpen("De taak "+job+" loopt weer.", now, key)
	} else {
		err = e.store.Update(func(tx Tx) error {
			return e.raise(tx, alert.Incident{Key: key, Kind: alert.KindJob, Lasting: true,
				Title:   "de geplande taak " + job + " mislukt",
				What:    "De taak " + job + " is mislukt: " + failure.Error() + ".",
				Meaning: "Herinneringen, waarschuwingen, escalaties of het dagelijks overzicht kunnen uitblijven.",
				Todo:    "Kijk in het log van klachtbot en los de oorzaak op; de taak wordt steeds opnieuw geprobeerd."}, now)
		})
	}
	if err != nil {
		e.log.Error("record job health", "job", job, "err", err)
	}
	e.wake()
}

// Health is the state of the procedure as monitoring sees it.
type Health struct {
	Outbox       int       // mails queued or being sent
	OldestQueued time.Time // when the oldest of them was queued (zero: none)
	Quarantined  int
	Open         int // complaints not closed (held mail not counted)
	Overdue      int // of those, past their target
	Incidents    int // open incidents: something needs a person
}

// Health reads the procedure's state as of now.
func (e *Engine) Health(now time.Time) (h Health, err error) {
	err = e.store.View(func(tx Tx) error {
		pending, err := tx.Pending()
		if err != nil {
			return err
		}
		h.Outbox = len(pending)
		for _, it := range pending {
			if h.OldestQueued.IsZero() || it.Mail.Date.Before(h.OldestQueued) {
				h.OldestQueued = it.Mail.Date
			}
		}
		h.Quarantined = tx.QuarantineCount()
		cases, err := tx.CasesSince(now)
		if err != nil {
			return err
		}
		for _, c := range cases {
			if c.State == complaint.StateClosed || c.State == complaint.StateTriage {
				continue
			}
			h.Open++
			if !now.Before(e.cal.Deadlines(c).Target) {
				h.Overdue++
			}
		}
		open, err := tx.OpenIncidents()
		h.Incidents = len(open)
		return err
	})
	return h, err
}
