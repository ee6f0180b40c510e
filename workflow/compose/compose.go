// Package compose is the one home of the mail klachtbot writes: the
// acknowledgement, the notices to directors (reminders, warnings,
// escalations, triage questions, confirmations), the mails from a director
// to a client (new term, closing question) or a staff member, the alerts
// and the digest. Each is composed here from its template in templates
// (the words, a notice's too: NoticeNamed; overridable with templates_dir),
// with its sender, headers, Message-ID and threading, as an outbox.Item for
// the rules to queue.
//
// It decides nothing: which mail goes, to whom and when is workflow's. It
// must not import workflow itself, storage, mailbox (but mailbox/message's
// types) or their libraries.
package compose

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/alert"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// Director is one of the firm's directors: a sender of mail to clients.
type Director struct {
	Name    string
	Address string
}

// Composer writes the firm's mail.
type Composer struct {
	Tpl       *templates.Set
	Loc       *time.Location // dates in mail are the firm's
	Bot       string         // the bot's own address; "" sends as the account
	ReplyTo   string         // where directors' answers to the bot go
	Directors []Director
}

// BotMail is a mail from the bot to directors, sent with the SMTP account
// of the director it concerns; caseID may be empty (the digest).
func (k *Composer) BotMail(kind outbox.Kind, caseID, account string, to []string, subject, text, html string, now time.Time) *outbox.Item {
	from := k.Bot
	if from == "" {
		from = account
	}
	headers := map[string]string{"Auto-Submitted": "auto-generated"}
	if k.ReplyTo != "" && k.ReplyTo != from {
		headers["Reply-To"] = k.ReplyTo
	}
	idPart := now.In(k.Loc).Format("20060102")
	if caseID != "" {
		headers["X-Klachtbot-Case"] = caseID
		idPart = caseID
	}
	return &outbox.Item{
		CaseID: caseID, Kind: kind, Account: account,
		Mail: message.Outgoing{
			From: from, FromName: "klachtbot", To: to, Subject: subject,
			MessageID: MessageID(idPart, string(kind), from),
			Date:      now, Headers: headers, Text: text, HTML: html,
		},
	}
}

// Notice is a notice about a case from the bot to directors: a title and
// lines in the case's frame (templates/mail/notice.nl.tmpl).
func (k *Composer) Notice(c *complaint.Case, kind outbox.Kind, to []string, title string, lines []string, now time.Time) (*outbox.Item, error) {
	data := templates.Notice{Title: title, CaseID: c.ID, Subject: c.Subject, Client: ClientName(c), Lines: lines}
	subject, text, err := k.Tpl.Mail("notice", "nl", data)
	if err != nil {
		return nil, err
	}
	return k.BotMail(kind, c.ID, c.Director, to, subject, text, "", now), nil
}

// NoticeNamed is the notice named name (templates/mail/notices.nl.tmpl)
// about c, its words rendered from data (the name's own type, e.g.
// templates.NoticeWarning for "warning"); title is the notice's title, as
// the audit trail records it.
func (k *Composer) NoticeNamed(c *complaint.Case, kind outbox.Kind, to []string, name string, data any, now time.Time) (item *outbox.Item, title string, err error) {
	title, lines, err := k.Tpl.Notice(name, data)
	if err != nil {
		return nil, "", err
	}
	item, err = k.Notice(c, kind, to, title, lines, now)
	return item, title, err
}

// fromDirector is a mail from a director about c, with a Bcc to the
// director as its proof of sending.
func (k *Composer) fromDirector(c *complaint.Case, dir Director, kind outbox.Kind, idKind string, to []string, subject, text string, now time.Time) *outbox.Item {
	return &outbox.Item{
		CaseID: c.ID, Kind: kind, Account: dir.Address,
		Mail: message.Outgoing{
			From: dir.Address, FromName: dir.Name + " - " + k.Tpl.Firm().ShortName(), To: to, Bcc: []string{dir.Address},
			Subject: subject, MessageID: MessageID(c.ID, idKind, dir.Address), Date: now,
			Headers: map[string]string{"X-Klachtbot-Case": c.ID}, Text: text,
		},
	}
}

// toClient is a mail from a director to the client of c, threaded under
// first, the mail that opened the case ("" when it has none).
func (k *Composer) toClient(c *complaint.Case, dir Director, kind outbox.Kind, idKind, first, subject, text string, now time.Time) *outbox.Item {
	item := k.fromDirector(c, dir, kind, idKind, []string{c.Client}, subject, text, now)
	if first != "" {
		item.Mail.InReplyTo, item.Mail.References = first, []string{first}
	}
	return item
}

// Ack is the acknowledgement of a new case to, from the director written
// to, marked as an automatic reply: a reply to the client's mail m, or a
// new conversation for a complaint made by phone (m nil).
func (k *Composer) Ack(c *complaint.Case, dir Director, m *message.Message, to string, now time.Time) (*outbox.Item, error) {
	var names []string
	for _, d := range k.Directors {
		names = append(names, d.Name)
	}
	data := templates.Ack{CaseID: c.ID, Subject: QuoteSubject(c.Subject), ClientName: c.ClientName, DirectorName: dir.Name,
		DirectorAddress: dir.Address, Channel: string(c.ChannelOf()), Directors: names,
		Received: c.ReceivedAt.In(k.Loc), Target: c.TargetAt.In(k.Loc)}
	subject, text, err := k.Tpl.Mail("ack", c.Language, data)
	if err != nil {
		return nil, err
	}
	item := k.fromDirector(c, dir, outbox.KindAck, "ack", []string{to}, subject, text, now)
	autoSubmitted := "auto-generated"
	if m != nil {
		autoSubmitted = "auto-replied"
		if m.MessageID != "" { // a forwarded original may come without one
			item.Mail.InReplyTo, item.Mail.References = m.MessageID, append(append([]string{}, m.References...), m.MessageID)
		}
	}
	item.Mail.Headers["Auto-Submitted"] = autoSubmitted
	item.Mail.Headers["X-Auto-Response-Suppress"] = "All"
	item.State, item.NextAttempt = outbox.Queued, now
	return item, nil
}

// NewTerm tells the client of c its new target date and why.
func (k *Composer) NewTerm(c *complaint.Case, dir Director, reason, first string, now time.Time) (*outbox.Item, error) {
	data := templates.NewTerm{CaseID: c.ID, Subject: c.Subject, ClientName: c.ClientName, DirectorName: dir.Name,
		DirectorAddress: dir.Address, Reason: reason, Target: c.TargetAt.In(k.Loc)}
	subject, text, err := k.Tpl.Mail("newterm", c.Language, data)
	if err != nil {
		return nil, err
	}
	return k.toClient(c, dir, outbox.KindNewTerm, "term", first, subject, text, now), nil
}

// Closing sends the client of a case just closed the solution in the
// director's words, and asks whether they are satisfied.
func (k *Composer) Closing(c *complaint.Case, dir Director, resolution, first string, now time.Time) (*outbox.Item, error) {
	data := templates.Closing{CaseID: c.ID, Subject: c.Subject, ClientName: c.ClientName, DirectorName: dir.Name,
		DirectorAddress: dir.Address, Resolution: resolution}
	subject, text, err := k.Tpl.Mail("closing", c.Language, data)
	if err != nil {
		return nil, err
	}
	return k.toClient(c, dir, outbox.KindClosing, "closing", first, subject, text, now), nil
}

// Consult is the question to a staff member, or its reminder (threaded
// under the question), from the director who asked: the case number in the
// subject, nothing of other cases. due is when a reminder follows.
func (k *Composer) Consult(c *complaint.Case, dir Director, con complaint.Consultation, words []string, due time.Time, reminder bool, now time.Time) (*outbox.Item, error) {
	data := templates.Consult{CaseID: c.ID, Subject: c.Subject, StaffName: templates.Person{Name: con.Name, Address: con.Address}.FirstName(),
		ClientName: ClientName(c), DirectorName: dir.Name, DirectorAddress: dir.Address, Question: con.Question, Words: words,
		Received: c.ReceivedAt.In(k.Loc), Asked: con.At.In(k.Loc), Due: due.In(k.Loc), Reminder: reminder}
	subject, text, err := k.Tpl.Mail("consult", "nl", data)
	if err != nil {
		return nil, err
	}
	item := k.fromDirector(c, dir, outbox.KindConsult, "consult", []string{con.Address}, subject, text, now)
	if reminder {
		ThreadUnder(item, con.MessageID, nil)
	}
	return item, nil
}

// NoCase answers a director's commands that name no case, threaded under
// their mail m.
func (k *Composer) NoCase(who string, data templates.NoCase, m *message.Message, now time.Time) (*outbox.Item, error) {
	subject, text, err := k.Tpl.Mail("nocase", "nl", data)
	if err != nil {
		return nil, err
	}
	item := k.BotMail(outbox.KindNoCase, "", who, []string{who}, subject, text, "", now)
	ThreadUnder(item, m.MessageID, m.References)
	return item, nil
}

// Alert is the mail about an incident: the alert, its repeat (told again
// every so long while it lasts), or (how not empty) the news that it ended.
func (k *Composer) Alert(inc *alert.Incident, repeat bool, every time.Duration, how string, account string, to []string, now time.Time) (*outbox.Item, error) {
	data := templates.Alert{Title: inc.Title, What: inc.What, Meaning: inc.Meaning, Todo: inc.Todo, Case: inc.Case,
		Since: templates.DateNL(inc.Since.In(k.Loc)) + " om " + inc.Since.In(k.Loc).Format("15:04"), How: how, Resolved: how != "",
		Repeat: repeat, Every: every}
	subject, text, err := k.Tpl.Mail("alert", "nl", data)
	if err != nil {
		return nil, err
	}
	return k.BotMail(outbox.KindAlert, inc.Case, account, to, subject, text, "", now), nil
}

// Digest is the daily overview for a director, in text and HTML.
func (k *Composer) Digest(d Director, data templates.Digest, now time.Time) (*outbox.Item, error) {
	subject, text, err := k.Tpl.Mail("digest", "nl", data)
	if err != nil {
		return nil, err
	}
	html, err := k.Tpl.DigestHTML(data)
	if err != nil {
		return nil, err
	}
	return k.BotMail(outbox.KindDigest, "", d.Address, []string{d.Address}, subject, text, html, now), nil
}

// ThreadUnder makes a mail the bot sends a reply to msgid (refs: its References).
func ThreadUnder(item *outbox.Item, msgid string, refs []string) {
	if msgid == "" {
		return
	}
	item.Mail.InReplyTo = msgid
	item.Mail.References = append(append([]string{}, refs...), msgid)
}

// ThreadCase makes a notice a reply in its case's conversation (msgs, the
// case's mail in order): In-Reply-To the mail that opened the case,
// References that mail and the case's latest ones, so a director's mail
// client shows one conversation per case.
func ThreadCase(item *outbox.Item, msgs []*complaint.Message) {
	if item.Mail.InReplyTo != "" || len(msgs) == 0 || msgs[0].MessageID == "" {
		return // already a reply to a particular mail, or nothing to answer
	}
	refs := []string{msgs[0].MessageID}
	// At most ten: References grows with the case, a header must not.
	for _, m := range msgs[max(1, len(msgs)-9):] {
		if m.MessageID != "" && !slices.Contains(refs, m.MessageID) {
			refs = append(refs, m.MessageID)
		}
	}
	item.Mail.InReplyTo, item.Mail.References = msgs[0].MessageID, refs
}

// MessageID makes a unique Message-ID in the sender's domain that says
// which case (or day) and which kind of mail it is.
func MessageID(caseID, kind, from string) string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	_, domain, _ := strings.Cut(from, "@")
	return fmt.Sprintf("<%s.%s.%s@%s>", strings.ToLower(caseID), kind, hex.EncodeToString(b[:]), domain)
}

// KindOf is the kind MessageID wrote into a Message-ID ("ack"), "" for a
// Message-ID the bot did not make.
func KindOf(msgid string) string {
	local, _, _ := strings.Cut(strings.Trim(msgid, "<>"), "@")
	parts := strings.Split(local, ".")
	if len(parts) < 3 {
		return ""
	}
	return parts[len(parts)-2]
}

// QuoteSubject is the client's subject as the acknowledgement quotes it: at
// most 60 characters, so a spammer cannot use it to carry a message.
func QuoteSubject(s string) string {
	if r := []rune(s); len(r) > 60 {
		return strings.TrimSpace(string(r[:60])) + "…"
	}
	return s
}

// ClientName is how a client is named to directors: their name (at most 60
// characters), else their address.
func ClientName(c *complaint.Case) string {
	if c.ClientName == "" {
		return c.Client
	}
	return Clip(c.ClientName, 60)
}

// Clip keeps s on one line and at most n characters.
func Clip(s string, n int) string {
	s = OneLine(s)
	if r := []rune(s); len(r) > n {
		return strings.TrimSpace(string(r[:n])) + "…"
	}
	return s
}

// OneLine keeps a subject on one line without control characters.
func OneLine(s string) string {
	if l := FirstLines(s, 1, 200); len(l) > 0 {
		return l[0]
	}
	return ""
}

// FirstLines is at most n non-empty lines of text, at most max characters
// together, without control or format characters: what a mail may quote of
// someone else's.
func FirstLines(text string, n, max int) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(strings.Map(func(r rune) rune {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				return -1
			}
			return r
		}, l))
		if l == "" {
			continue
		}
		if r := []rune(l); len(r) > max {
			l = string(r[:max]) + " …"
		}
		max -= len([]rune(l))
		out = append(out, l)
		if len(out) == n || max <= 0 {
			break
		}
	}
	return out
}

// Person is someone as a mail names them: "Jan Jansen <jan@example.nl>",
// or whichever of name and address is known.
func Person(name, addr string) string {
	switch {
	case name == "":
		return addr
	case addr == "":
		return name
	}
	return name + " <" + addr + ">"
}
