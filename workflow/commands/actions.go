package commands

import (
	"fmt"
	netmail "net/mail"
	"strings"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/casework"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
)

// Actions of the table that do more than set a field: a held mail
// dismissed, the client told of a new term, a complaint by phone
// registered.

// dismiss closes a held mail as no complaint and erases it.
func (r *commandRun) dismiss() error {
	k := r.k
	if err := k.Learner.Learn(r.tx, r.c, false, "#geen-klacht", k.Log); err != nil { // before the mail is erased
		return err
	}
	if err := k.Record(r.tx, r.c, r.c.Dismiss(r.now), r.who, r.m.MessageID); err != nil {
		return err
	}
	if err := k.Anonymise(r.tx, r.c, r.now, "not a complaint: the held mail is erased"); err != nil {
		return err
	}
	return r.tx.MarkCompact() // the next start rewrites the file without it
}

// tellClientNewTerm informs the client of a new target date, as the
// procedure asks, threaded into their complaint.
func (r *commandRun) tellClientNewTerm(reason string) error {
	k := r.k
	dir := k.Cfg.Director(r.c.Director)
	if dir == nil {
		return fmt.Errorf("director %s is not configured", r.c.Director)
	}
	item, err := k.Mail.NewTerm(r.c, compose.Director(*dir), reason, casework.FirstID(r.tx, r.c), k.Clock.Now())
	if err != nil {
		return err
	}
	return k.Enqueue(r.tx, item, "", "date", templates.DateNL(r.c.TargetAt.In(k.Cfg.Location)))
}

// newComplaint reads the argument of #nieuwe-klacht: a channel, then a name
// and/or an address ("telefoon Jan Jansen <jan@example.nl>").
func newComplaint(arg string) (channel complaint.Channel, client message.Address, ok bool) {
	word, rest, _ := strings.Cut(strings.TrimSpace(arg), " ")
	channel = complaint.Channel(strings.ToLower(word))
	switch channel {
	case complaint.ChannelPhone, complaint.ChannelMeeting, complaint.ChannelLetter:
	default:
		return "", client, false
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return "", client, false
	}
	if strings.Contains(rest, "@") || strings.ContainsAny(rest, "<>") {
		a, err := netmail.ParseAddress(rest)
		if err != nil {
			return "", client, false
		}
		return channel, message.Address{Name: a.Name, Addr: strings.ToLower(a.Address)}, true
	}
	return channel, message.Address{Name: rest}, true
}

// newComplaintByDirector registers a complaint a director took by phone, in a
// conversation or by letter. The mail is their account of it; the client,
// when an address is given, gets a written confirmation from that director.
func newComplaintByDirector(k *casework.Clerk, in *casework.Mail, cmd Command) (bool, error) {

	channel, client, _ := newComplaint(cmd.Arg)
	received := in.M.Date
	if received.IsZero() || received.After(k.Clock.Now()) {
		received = in.Rec.ReceivedAt
	}
	subject := strings.TrimSpace(in.M.Subject)
	if subject == "" {
		subject = "Klacht (" + string(channel) + ")"
	}
	c, err := k.NewCase(in.Tx, "", client, in.Src.Director, subject, received)
	if err != nil {
		return false, err
	}
	c.Channel, c.Recognition = channel, "registered by "+in.Src.Director+" with #nieuwe-klacht"
	c.Open()
	in.Rec.Role = complaint.RoleDirector
	if err := k.Register(in.Tx, c, in.Rec, in.Raw, in.Src.Director, string(channel)+", recorded by "+in.Src.Director); err != nil {
		return false, err
	}
	in.Log = in.Log.With("case", c.ID)
	in.Log.Info("complaint registered by a director", "channel", channel, "director", in.Src.Director)
	queued, err := k.Acknowledge(in.Tx, c, nil, in.Log)
	if err != nil {
		return false, err
	}
	what, err := k.Mail.Tpl.Note("note-registered", templates.NoteRegistered{Case: c.ID, Channel: string(channel), Client: c.Client})
	if err != nil {
		return false, err
	}
	return (&commandRun{k: k, tx: in.Tx, c: c, who: in.Src.Director, m: in.M, queued: queued}).confirm([]string{what})
}
