package workflow

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// The bot's outgoing mail about cases: a notice to directors (notify,
// notice), a mail from a director to the client or a staff member
// (toClient, consultMail), and how each is threaded and queued with its
// record on the audit trail (threadCase, threadUnder, enqueue).

// notify queues a short notice about a case to directors.
func (e *Engine) notify(tx Tx, c *complaint.Case, to []string, title string, lines []string) error {
	return e.noticeAt(tx, c, "notice", to, title, lines, e.clock.Now())
}

// notice composes a notice about a case from the bot to directors.
func (e *Engine) notice(c *complaint.Case, kind string, to []string, title string, lines []string, now time.Time) (*outbox.Item, error) {
	data := templates.Notice{Title: title, CaseID: c.ID, Subject: c.Subject, Client: clientName(c), Lines: lines}
	subject, text, err := e.tpl.Mail("notice", "nl", data)
	if err != nil {
		return nil, err
	}
	return e.botMail(kind, c.ID, c.Director, to, subject, text, "", now), nil
}

// threadCase makes a notice a reply in its case's conversation: In-Reply-To
// the mail that opened the case, References that mail and the case's latest
// ones, so a director's mail client shows one conversation per case.
func threadCase(tx Tx, item *outbox.Item, c *complaint.Case) {
	if item.Mail.InReplyTo != "" {
		return // already a reply to a particular mail
	}
	msgs, err := tx.Messages(c.ID)
	if err != nil || len(msgs) == 0 || msgs[0].MessageID == "" {
		return
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

// botMail is a mail from the bot to directors, sent with the SMTP account
// of the director it concerns; caseID may be empty (the digest).
func (e *Engine) botMail(kind, caseID, account string, to []string, subject, text, html string, now time.Time) *outbox.Item {
	from := e.cfg.BotAddress
	if from == "" {
		from = account
	}
	headers := map[string]string{"Auto-Submitted": "auto-generated"}
	if e.cfg.Firm.ReplyTo != "" && e.cfg.Firm.ReplyTo != from {
		headers["Reply-To"] = e.cfg.Firm.ReplyTo
	}
	idPart := now.In(e.cfg.Location).Format("20060102")
	if caseID != "" {
		headers["X-Klachtbot-Case"] = caseID
		idPart = caseID
	}
	return &outbox.Item{
		CaseID: caseID, Kind: kind, Account: account,
		Mail: message.Outgoing{
			From: from, FromName: "klachtbot", To: to, Subject: subject,
			MessageID: newMessageID(idPart, kind, from),
			Date:      now, Headers: headers, Text: text, HTML: html,
		},
	}
}

// enqueue queues a mail of a case and records it on the audit trail: its
// kind, the title of a notice, to whom, and params (name, value) more.
func (e *Engine) enqueue(tx Tx, item *outbox.Item, title string, params ...string) error {
	detail := complaint.Detail(complaint.DetQueued, append([]string{"kind", item.Kind, "title", title, "to", strings.Join(item.Mail.To, ", ")}, params...)...)
	if err := e.queue(tx, item); err != nil {
		return fmt.Errorf("queue %s: %w", item.Kind, err)
	}
	return e.event(tx, item.CaseID, complaint.EvMailQueued, "klachtbot", item.Mail.MessageID, detail)
}

// tellClientNewTerm informs the client of a new target date, as the
// procedure asks, threaded into their complaint.
func (e *Engine) tellClientNewTerm(tx Tx, c *complaint.Case, reason string) error {
	dir := e.cfg.director(c.Director)
	if dir == nil {
		return fmt.Errorf("director %s is not configured", c.Director)
	}
	data := templates.NewTerm{CaseID: c.ID, Subject: c.Subject, ClientName: c.ClientName, DirectorName: dir.Name,
		DirectorAddress: dir.Address, Reason: reason, Target: c.TargetAt.In(e.cfg.Location)}
	subject, text, err := e.tpl.Mail("newterm", c.Language, data)
	if err != nil {
		return err
	}
	item := e.toClient(tx, c, dir, "new-term", "term", subject, text)
	return e.enqueue(tx, item, "", "date", templates.DateNL(c.TargetAt.In(e.cfg.Location)))
}

// toClient is a mail from a director to the client of c, threaded under the
// mail that opened the case, with a Bcc to the director as its proof of sending.
func (e *Engine) toClient(tx Tx, c *complaint.Case, dir *Director, kind, idKind, subject, text string) *outbox.Item {
	var inReplyTo string
	var refs []string
	if msgs, err := tx.Messages(c.ID); err == nil && len(msgs) > 0 && msgs[0].MessageID != "" {
		inReplyTo, refs = msgs[0].MessageID, []string{msgs[0].MessageID}
	}
	return &outbox.Item{
		CaseID: c.ID, Kind: kind, Account: dir.Address,
		Mail: message.Outgoing{
			From: dir.Address, FromName: dir.Name + " - " + e.tpl.Firm().ShortName(), To: []string{c.Client}, Bcc: []string{dir.Address},
			Subject: subject, MessageID: newMessageID(c.ID, idKind, dir.Address),
			InReplyTo: inReplyTo, References: refs, Date: e.clock.Now(),
			Headers: map[string]string{"X-Klachtbot-Case": c.ID}, Text: text,
		},
	}
}

// consultMail is the question to a staff member, or its reminder, from the
// director who asked: the case number in the subject, nothing of other cases.
func (e *Engine) consultMail(c *complaint.Case, dir *Director, con complaint.Consultation, words []string, reminder bool, now time.Time) (*outbox.Item, error) {
	data := templates.Consult{CaseID: c.ID, Subject: c.Subject, StaffName: templates.Person{Name: con.Name, Address: con.Address}.FirstName(),
		ClientName: clientName(c), DirectorName: dir.Name, DirectorAddress: dir.Address, Question: con.Question, Words: words,
		Received: c.ReceivedAt.In(e.cfg.Location), Asked: con.At.In(e.cfg.Location),
		Due: e.cal.AfterWorkdays(con.At, consultRemindStaff).In(e.cfg.Location), Reminder: reminder}
	subject, text, err := e.tpl.Mail("consult", "nl", data)
	if err != nil {
		return nil, err
	}
	item := &outbox.Item{
		CaseID: c.ID, Kind: kindConsult, Account: dir.Address,
		Mail: message.Outgoing{
			From: dir.Address, FromName: dir.Name + " - " + e.tpl.Firm().ShortName(), To: []string{con.Address}, Bcc: []string{dir.Address},
			Subject: subject, MessageID: newMessageID(c.ID, "consult", dir.Address), Date: now,
			Headers: map[string]string{"X-Klachtbot-Case": c.ID}, Text: text,
		},
	}
	if reminder {
		threadUnder(item, con.MessageID, nil)
	}
	return item, nil
}

// threadUnder makes a mail the bot sends a reply to msgid (refs: its References).
func threadUnder(item *outbox.Item, msgid string, refs []string) {
	if msgid == "" {
		return
	}
	item.Mail.InReplyTo = msgid
	item.Mail.References = append(append([]string{}, refs...), msgid)
}
