// Package alerts makes sure every failure that needs a person reaches one:
// one alert mail per incident (alert.Incident), to [alerts] to or else the
// directors, told again at most once per Repeat while it lasts, and one
// short mail when it ends. The Desk is told by the watchers (FolderHealth),
// the outbox (SendingHealth, MailFailed), the jobs (Job) and the rules
// (Raise, Quarantined) and says in Dutch what happened, what it means for
// clients and what to do.
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

// resolveOpen ends those of the incidents keys that are open. Health is
// reported after every job run and every reconnect: the usual answer,
// nothing open, costs a read, not a write.
func (d *Desk[T]) resolveOpen(how string, now time.Time, keys ...string) error {
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
	item, err := d.Mail.Alert(inc, repeat, how, d.Directors[0], to, now)
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
			err = d.resolveOpen(fmt.Sprintf("De mail van %s wordt weer gelezen (%s, map %s).", d.Name(src.Director), src.Director, src.Name), now, keys...)
		case now.Sub(since) >= d.After:
			inc := mailboxIncident(src, d.Name(src.Director), failure)
			if kind := mailerr.KindOf(failure); kind.Account() {
				inc.Key = "mailbox/" + src.Director + "/" + kind.String()
			} else {
				inc.Key = key
			}
			if d.due(inc.Key, nil, now) {
				err = d.Store.Update(func(tx T) error { return d.Raise(tx, inc, now) })
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
// kind. name is the director's name, for what directors read; the
// technical parts name the account.
func mailboxIncident(src Folder, name string, failure error) alert.Incident {
	inc := alert.Incident{Kind: alert.KindMailbox, Lasting: true,
		Meaning: fmt.Sprintf("Mail in de map %s van %s wordt niet gelezen: klachten daarin worden niet geregistreerd en niet bevestigd, en antwoorden komen niet bij hun klacht.", src.Name, name)}
	whole := "Geen enkele map van " + name + " wordt gelezen: klachten aan " + name + " worden niet geregistreerd en niet bevestigd, en antwoorden komen niet bij hun klacht."
	secret := "het wachtwoord"
	if src.Secret != "" {
		secret = src.Secret
	}
	server := "de mailserver"
	if me := mailerr.As(failure); me != nil {
		server = fmt.Sprintf("de mailserver %s (poort %d)", me.Host, me.Port)
	}
	switch mailerr.KindOf(failure) {
	case mailerr.OAuth:
		inc.Title = "de aanmelding van " + name + " bij de mailserver werkt niet meer"
		inc.What = "De aanmelding van " + src.Director + " met een OAuth2-token wordt geweigerd (" + failure.Error() + ")."
		inc.Todo = "Controleer de app-registratie of het serviceaccount (" + secret + "): is het geheim verlopen, de toegang ingetrokken of een machtiging vervallen? Pas het zo nodig aan en herstart klachtbot."
		inc.Meaning = whole
	case mailerr.Auth:
		inc.Title = "het wachtwoord van " + name + " werkt niet meer"
		inc.What = "De mailserver weigert de aanmelding van " + src.Director + " (" + failure.Error() + ")."
		inc.Todo = "Pas " + secret + " aan (bijvoorbeeld een verlopen app-wachtwoord) en herstart klachtbot."
		inc.Meaning = whole
	case mailerr.NoFolder:
		inc.Title = "de map " + src.Name + " van " + name + " bestaat niet"
		inc.What = "De map " + src.Name + " is niet te openen (" + failure.Error() + ")."
		inc.Todo = "Maak de map " + src.Name + " aan in de mailbox van " + src.Director + ", of pas de naam in de configuratie aan en herstart klachtbot."
	case mailerr.TLS:
		inc.Title = "de beveiligde verbinding met de mailserver van " + name + " mislukt"
		inc.What = "De TLS-verbinding met " + server + " wordt geweigerd of het certificaat wordt niet vertrouwd (" + failure.Error() + ")."
		inc.Todo = "Controleer host, port en security van het IMAP-account van " + src.Director + "; gebruikt de server een eigen of nieuw certificaat, zet dan het CA-certificaat in ca_file. Herstart klachtbot daarna; vraag zo nodig uw IT-beheerder om hulp."
		inc.Meaning = whole
	case mailerr.Unreachable:
		inc.Title = "de mailserver van " + name + " is niet bereikbaar"
		inc.What = "klachtbot kan " + server + " niet bereiken (" + failure.Error() + ")."
		inc.Todo = "Controleer of de mailserver werkt en bereikbaar is, en host en port in de configuratie. klachtbot probeert het zelf steeds opnieuw."
		inc.Meaning = whole
	default:
		inc.Title = "de map " + src.Name + " van " + name + " kan niet worden gelezen"
		inc.What = "klachtbot kan de map " + src.Name + " niet lezen (" + failure.Error() + ")."
		inc.Todo = "Kijk in het log van klachtbot; klachtbot probeert het zelf steeds opnieuw."
	}
	return inc
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
		inc := sendingIncident(account, me, cause)
		if now.Sub(since) >= d.After && d.due(inc.Key, inc.Accounts, now) {
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
				inc.What += fmt.Sprintf(" Er wachten nu %d mails.", n)
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
	return d.resolveOpen("Mail van klachtbot wordt weer verstuurd (via het account van "+d.Name(account)+"); wat wachtte, is nu verzonden of gaat zo.", now, keys...)
}

// sendingIncident says in Dutch what an account that cannot send means,
// and what to fix: for a certificate, which host and port, and ca_file.
func sendingIncident(account string, me *mailerr.Error, cause string) alert.Incident {
	server := fmt.Sprintf("%s (poort %d)", me.Host, me.Port)
	who := "het SMTP-account op " + me.Host + ":" + fmt.Sprint(me.Port)
	if me.User != "" {
		who = "het SMTP-account " + me.User + " op " + me.Host + ":" + fmt.Sprint(me.Port)
	}
	inc := alert.Incident{Key: "sending/" + me.Account + "/" + me.Kind.String(), Kind: alert.KindSending, Lasting: true,
		Cause: cause, Accounts: []string{account},
		Meaning: "Mail van klachtbot (ontvangstbevestigingen aan cliënten, meldingen, het dagelijks overzicht) blijft in de wachtrij. Zodra verzenden weer werkt, gaat elke mail één keer weg; pas na give_up_after wordt een mail opgegeven."}
	switch me.Kind {
	case mailerr.TLS:
		inc.Title = "klachtbot kan geen mail versturen: de beveiligde verbinding met " + me.Host + ":" + fmt.Sprint(me.Port) + " mislukt"
		inc.What = "De verzendserver " + server + " wordt niet vertrouwd: het certificaat is niet te controleren, verlopen of voor een andere naam, of de server spreekt een andere beveiliging (" + me.Error() + ")."
		inc.Todo = "Controleer in de configuratie " + who + ": host, port en security. Gebruikt de server een eigen certificaat of een nieuwe keten, zet dan het CA-certificaat dat het ondertekende in ca_file. Herstart klachtbot daarna."
	case mailerr.Auth:
		inc.Title = "klachtbot kan geen mail versturen: de verzendserver " + me.Host + ":" + fmt.Sprint(me.Port) + " weigert de aanmelding"
		inc.What = "De verzendserver " + server + " weigert de aanmelding van " + who + " (" + me.Error() + ")."
		inc.Todo = "Zet het juiste wachtwoord (password_env of password_file van dat account, bijvoorbeeld een nieuw app-wachtwoord) en herstart klachtbot."
	case mailerr.OAuth:
		inc.Title = "klachtbot kan geen mail versturen: de OAuth2-aanmelding bij " + me.Host + ":" + fmt.Sprint(me.Port) + " wordt geweigerd"
		inc.What = "Het OAuth2-token voor " + who + " is niet te krijgen of wordt geweigerd (" + me.Error() + ")."
		inc.Todo = "Controleer de app-registratie of het serviceaccount van dat SMTP-account: is het geheim verlopen, de toegang ingetrokken of een machtiging vervallen? Pas het aan en herstart klachtbot."
	default:
		inc.Title = "klachtbot kan geen mail versturen: de verzendserver " + me.Host + ":" + fmt.Sprint(me.Port) + " is niet bereikbaar"
		inc.What = "De verzendserver " + server + " is niet te bereiken (" + me.Error() + ")."
		inc.Todo = "Controleer of de server werkt en of host en port in de configuratie kloppen. klachtbot probeert het zelf steeds opnieuw."
	}
	return inc
}

// MailFailed is told when the outbox gives up on a mail: refused for good,
// or still failing after give_up_after.
func (d *Desk[T]) MailFailed(item *outbox.Item, reason string) {
	now := d.Clock.Now()
	err := d.Store.Update(func(tx T) error {
		inc := alert.Incident{Key: fmt.Sprintf("mail/%d", item.ID), Kind: alert.KindUndeliverable, Case: item.CaseID,
			Title: "mail aan " + strings.Join(item.Mail.To, ", ") + " niet bezorgd",
			What:  fmt.Sprintf("De mail \"%s\" aan %s is niet bezorgd: %s.", compose.OneLine(item.Mail.Subject), strings.Join(item.Mail.To, ", "), reason),
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
		if item.Cause != "" {
			// Given up behind an account that could not send: one incident
			// for all the mail of that cause, not one per mail.
			inc.Key, inc.Case = "given-up/"+item.Cause, ""
			inc.Title = "mail opgegeven: het verzendaccount werkte langer dan give_up_after niet"
			inc.What = fmt.Sprintf("klachtbot heeft mail opgegeven die het niet kon versturen (%s), de eerste aan %s (%q).", reason, strings.Join(item.Mail.To, ", "), compose.OneLine(item.Mail.Subject))
			inc.Meaning = "Wie deze mails had moeten krijgen, weet er niet van; een ontvangstbevestiging die niet ging, staat bij haar klacht (klachtbot show: ATTENTION)."
			inc.Todo = "Herstel het verzendaccount (zie de melding daarover) en neem met de betrokkenen op een andere manier contact op."
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
	return d.Raise(tx, alert.Incident{Key: "quarantine/" + now.In(d.Loc).Format("2006-01-02"), Kind: alert.KindQuarantine,
		Title:   "mail die klachtbot niet kon lezen is apart gezet",
		What:    "Een mail (" + q.Source + ") kon niet worden gelezen of verwerkt en is ongewijzigd bewaard in de quarantaine: " + strings.Join(q.Problems, "; ") + ".",
		Meaning: "Als het een klacht is, is die niet geregistreerd en niet bevestigd.",
		Todo:    "Bekijk de mail in de map waarin hij binnenkwam en registreer hem zo nodig met #nieuwe-klacht of door hem door te sturen; `klachtbot status` toont hoeveel mails in de quarantaine staan."}, now)
}

// Job tells of a scheduled job that failed, and of its recovery.
func (d *Desk[T]) Job(job string, failure error, now time.Time) {
	key := "job/" + job
	var err error
	if failure == nil {
		err = d.resolveOpen("De taak "+job+" loopt weer.", now, key)
	} else {
		err = d.Store.Update(func(tx T) error {
			return d.Raise(tx, alert.Incident{Key: key, Kind: alert.KindJob, Lasting: true,
				Title:   "de geplande taak " + job + " mislukt",
				What:    "De taak " + job + " is mislukt: " + failure.Error() + ".",
				Meaning: "Herinneringen, waarschuwingen, escalaties of het dagelijks overzicht kunnen uitblijven.",
				Todo:    "Kijk in het log van klachtbot en los de oorzaak op; de taak wordt steeds opnieuw geprobeerd."}, now)
		})
	}
	if err != nil {
		d.Log.Error("record job health", "job", job, "err", err)
	}
	d.Wake()
}
