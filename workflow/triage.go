package workflow

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

// A doubtful mail is held for the director it was written to: a case in
// state triage, with its mail kept raw, no acknowledgement and no deadline.
// The director answers the one short mail the bot sends with #klacht (the
// case opens, the client is acknowledged, the target counts from the
// original receipt) or #geen-klacht (the mail is erased: it never was a
// complaint). Moving the mail into the complaints folder counts as #klacht.

// hold keeps a doubtful mail for a director's decision.
func (in *incoming) hold(why recognised) (bool, error) {
	e := in.e
	c, err := e.newCase(in.tx, "", in.m.From, e.cfg.addressee(in.m, in.src.Director), in.m.Subject, in.rec.ReceivedAt)
	if err != nil {
		return false, err
	}
	c.Language, c.TargetAt = language(in.m), time.Time{}
	why.record(c)
	c.Hold()
	if err := e.register(in.tx, c, in.rec, in.raw, c.Client, in.rec.Source); err != nil {
		return false, err
	}
	if err := e.eventFor(in.tx, c.ID, complaint.EvTriage, "klachtbot", in.rec, why.why); err != nil {
		return false, err
	}
	in.log.Info("doubtful mail held for a director", "case", c.ID, "director", c.Director, "why", why.why)
	lines := []string{
		"Deze mail kan een klacht zijn. Het is niet duidelijk genoeg om hem zonder u als klacht te registreren.",
		"Waarom twijfel: " + why.why + ".",
		"",
		"Van: " + compose.Person(c.ClientName, c.Client),
		"Ontvangen: " + templates.DateNL(c.ReceivedAt.In(e.cfg.Location)) + " om " + c.ReceivedAt.In(e.cfg.Location).Format("15:04"),
		"",
	}
	for _, l := range compose.FirstLines(recognize.OwnWords(in.m.Text), 8, 700) {
		lines = append(lines, "> "+l)
	}
	lines = append(lines, "",
		"Beantwoord deze mail met één regel:",
		"  #klacht       het is een klacht: de cliënt krijgt een ontvangstbevestiging en de termijn loopt vanaf de ontvangst",
		"  #geen-klacht  het is geen klacht: de mail wordt niet bewaard",
		"U kunt de mail ook naar de map met klachten verplaatsen; dat telt als #klacht.")
	item, err := e.mail.Notice(c, "triage", []string{c.Director}, "Klacht of niet?", lines, e.clock.Now())
	if err != nil {
		return false, err
	}
	compose.ThreadUnder(item, in.m.MessageID, in.m.References)
	return true, e.enqueue(in.tx, item, "Klacht of niet?")
}

// accept makes a held mail a complaint and acknowledges it now, with the
// target counted from the original receipt.
func (e *Engine) accept(tx Tx, c *complaint.Case, who, msgid, source string, log *slog.Logger) (bool, error) {
	change := c.Accept()
	if change == nil {
		return false, nil
	}
	if err := e.learner.learn(tx, c, true, source, log); err != nil {
		return false, err
	}
	c.TargetAt = e.target(c.ReceivedAt)
	if err := e.record(tx, c, change, who, msgid); err != nil {
		return false, err
	}
	first, err := firstMail(tx, c)
	if err != nil {
		return false, err
	}
	log.Info("held mail accepted as a complaint", "case", c.ID, "by", who)
	return e.acknowledge(tx, c, first, log)
}

// dismiss closes a held mail as no complaint and erases it.
func (r *commandRun) dismiss() error {
	e := r.e
	if err := e.learner.learn(r.tx, r.c, false, "#geen-klacht", e.log); err != nil { // before the mail is erased
		return err
	}
	if err := e.record(r.tx, r.c, r.c.Dismiss(r.now), r.who, r.m.MessageID); err != nil {
		return err
	}
	if err := e.anonymise(r.tx, r.c, r.now, "not a complaint: the held mail is erased"); err != nil {
		return err
	}
	return r.tx.MarkCompact() // the next start rewrites the file without it
}

// firstMail is the client's mail that opened the case, parsed again from its original.
func firstMail(tx Tx, c *complaint.Case) (*message.Message, error) {
	msgs, err := tx.Messages(c.ID)
	if err != nil || len(msgs) == 0 {
		return nil, fmt.Errorf("first mail of %s: %w", c.ID, err)
	}
	raw, err := tx.Raw(c.ID, msgs[0].Seq)
	if err != nil {
		return nil, fmt.Errorf("first mail of %s: %w", c.ID, err)
	}
	return message.Parse(raw), nil
}
