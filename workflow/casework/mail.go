package casework

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// Sending the bot's mail about cases: composed by workflow/compose (its
// words in templates), queued here in the case's transaction with its
// record on the audit trail (enqueue), threaded into the case's
// conversation.

// Notify queues the notice name of templates/mail/notices.nl.tmpl about a
// case to directors, rendered with data (its templates.Notice… type).
func (k *Clerk) Notify(tx Tx, c *complaint.Case, to []string, name string, data any) error {
	title, lines, err := k.Mail.Tpl.Notice(name, data)
	if err != nil {
		return fmt.Errorf("notice %s: %w", name, err)
	}
	return k.Notice(tx, c, outbox.KindNotice, to, title, lines, k.Clock.Now())
}

// Notice queues a notice as of now (which tick may set ahead of the
// clock), a reply in the case's conversation.
func (k *Clerk) Notice(tx Tx, c *complaint.Case, kind outbox.Kind, to []string, title string, lines []string, now time.Time) error {
	item, err := k.Mail.Notice(c, kind, to, title, lines, now)
	if err != nil {
		return err
	}
	if msgs, err := tx.Messages(c.ID); err == nil {
		compose.ThreadCase(item, msgs)
	}
	return k.Enqueue(tx, item, title)
}

// Enqueue queues a mail of a case and records it on the audit trail: its
// kind, the title of a notice, to whom, and params (name, value) more.
func (k *Clerk) Enqueue(tx Tx, item *outbox.Item, title string, params ...string) error {
	detail := complaint.Detail(complaint.DetQueued, append([]string{"kind", string(item.Kind), "title", title, "to", strings.Join(item.Mail.To, ", ")}, params...)...)
	if err := k.Queue(tx, item); err != nil {
		return fmt.Errorf("queue %s: %w", item.Kind, err)
	}
	return k.Event(tx, item.CaseID, complaint.Event{Kind: complaint.EvMailQueued, Actor: "klachtbot", MessageID: item.Mail.MessageID, Detail: detail})
}

// FirstID is the Message-ID of the mail that opened c, which a mail to the
// client answers; "" when there is none.
func FirstID(tx Tx, c *complaint.Case) string {
	if msgs, err := tx.Messages(c.ID); err == nil && len(msgs) > 0 {
		return msgs[0].MessageID
	}
	return ""
}

// metaServerCopy marks an account whose mail server files a copy of what
// the bot sends through it in the account's Sent folder.
const metaServerCopy = "server-copy/"

// Queue puts a mail in the outbox. The director it is sent for gets a Bcc
// copy, the proof that an interrupted send went out, unless the server's own
// copy in their Sent folder proves it (sent_copy): then the Bcc would only
// be an unread mail in their INBOX.
func (k *Clerk) Queue(tx Tx, item *outbox.Item) error {
	server := k.Cfg.SentCopy.ServerProves(tx.Meta(metaServerCopy+item.Account) != "")
	if server {
		item.Mail.Bcc = slices.DeleteFunc(item.Mail.Bcc, func(a string) bool { return a == item.Account })
	}
	k.queued.Store(true)
	return tx.Enqueue(item)
}

// ServerCopySeen learns, with sent_copy = "auto", that the account's server
// files sent mail in Sent: a copy of the bot's mail was found there (Bcc
// copies go to the INBOX).
func (k *Clerk) ServerCopySeen(tx Tx, account string, log *slog.Logger) error {
	if !k.Cfg.SentCopy.Learns() || tx.Meta(metaServerCopy+account) != "" {
		return nil
	}
	log.Info("the mail server files sent mail in Sent: no more Bcc copies to the director", "account", account)
	return tx.SetMeta(metaServerCopy+account, k.Clock.Now().UTC().Format(time.RFC3339))
}
