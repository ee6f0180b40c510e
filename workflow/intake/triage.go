package intake

import (
	"time"

	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
	"github.com/mcoo/klachtbot/workflow/outbox"
	"github.com/mcoo/klachtbot/workflow/policy"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

// A doubtful mail is held for the director it was written to: a case in
// state triage, with its mail kept raw, no acknowledgement and no deadline.
// The director answers the one short mail the bot sends with #klacht (the
// case opens, the client is acknowledged, the target counts from the
// original receipt) or #geen-klacht (the mail is erased: it never was a
// complaint). Moving the mail into the complaints folder counts as #klacht.

// hold keeps a doubtful mail for a director's decision.
func (in *incoming) hold(why policy.Recognised) (bool, error) {
	k := in.k
	c, err := k.NewCase(in.Tx, "", in.M.From, k.Cfg.Addressee(in.M, in.Src.Director), in.M.Subject, in.Rec.ReceivedAt)
	if err != nil {
		return false, err
	}
	c.Language, c.TargetAt = policy.Language(in.M), time.Time{}
	why.Record(c)
	c.Hold()
	if err := k.Register(in.Tx, c, in.Rec, in.Raw, c.Client, in.Rec.Source); err != nil {
		return false, err
	}
	if err := k.EventFor(in.Tx, c.ID, in.Rec, complaint.Event{Kind: complaint.EvTriage, Actor: "klachtbot", Detail: why.Why}); err != nil {
		return false, err
	}
	in.Log.Info("doubtful mail held for a director", "case", c.ID, "director", c.Director, "why", why.Why)
	loc := k.Cfg.Location
	item, title, err := k.Mail.NoticeNamed(c, outbox.KindTriage, []string{c.Director}, "triage", templates.NoticeTriage{
		Why: why.Why, From: compose.Person(c.ClientName, c.Client), Received: c.ReceivedAt.In(loc),
		Words: compose.FirstLines(recognize.OwnWords(in.M.Text), 8, 700)}, k.Clock.Now())
	if err != nil {
		return false, err
	}
	compose.ThreadUnder(item, in.M.MessageID, in.M.References)
	return true, k.Enqueue(in.Tx, item, title)
}
