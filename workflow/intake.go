package workflow

import (
	"fmt"
	netmail "net/mail"
	"slices"
	"strings"

	"github.com/mcoo/klachtbot/mailbox/forwarded"
	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/complaint"
)

// A director's own mail (found in their Sent folder, so it is theirs) to
// the bot address, or to themselves, that belongs to no case: a complaint
// made by phone, in a conversation or by letter (#nieuwe-klacht), a client's
// complaint forwarded, or commands without a case number, which get an
// answer rather than silence.

func (in *incoming) directorIntake() (bool, error) {
	e := in.e
	if !addressedTo(in.m, e.cfg.BotAddress, in.src.Director) {
		in.log.Debug("director mail outside any case")
		return false, nil
	}
	cmds, bad := parseCommands(in.m.Text)
	for _, cmd := range cmds {
		if cmd.name == "nieuwe-klacht" {
			return in.newComplaintByDirector(cmd)
		}
	}
	if len(cmds)+len(bad) > 0 {
		return in.noCaseNumber()
	}
	// A forward counts when it goes to the bot address; without one, to themselves.
	if f, ok := forwarded.Find(in.m, in.raw); ok && (e.cfg.BotAddress == "" || addressedTo(in.m, e.cfg.BotAddress)) {
		return in.forwardedComplaint(f)
	}
	in.log.Debug("director mail to the bot without commands")
	return false, nil
}

// newComplaint reads the argument of #nieuwe-klacht: a channel, then a name
// and/or an address ("telefoon Jan Jansen <jan@example.nl>").
func newComplaint(arg string) (channel string, client message.Address, ok bool) {
	channel, rest, _ := strings.Cut(strings.TrimSpace(arg), " ")
	channel = strings.ToLower(channel)
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
func (in *incoming) newComplaintByDirector(cmd command) (bool, error) {
	e := in.e
	channel, client, _ := newComplaint(cmd.arg)
	received := in.m.Date
	if received.IsZero() || received.After(e.clock.Now()) {
		received = in.rec.ReceivedAt
	}
	subject := strings.TrimSpace(in.m.Subject)
	if subject == "" {
		subject = "Klacht (" + channel + ")"
	}
	c, err := e.newCase(in.tx, "", client, in.src.Director, subject, received)
	if err != nil {
		return false, err
	}
	c.Channel, c.Recognition = channel, "registered by "+in.src.Director+" with #nieuwe-klacht"
	c.Open()
	in.rec.Role = complaint.RoleDirector
	if err := e.register(in.tx, c, in.rec, in.raw, in.src.Director, channel+", recorded by "+in.src.Director); err != nil {
		return false, err
	}
	in.log = in.log.With("case", c.ID)
	in.log.Info("complaint registered by a director", "channel", channel, "director", in.src.Director)
	queued, err := e.acknowledge(in.tx, c, nil, in.log)
	if err != nil {
		return false, err
	}
	what := fmt.Sprintf("klacht %s geregistreerd (%s)", c.ID, channel)
	if c.Client != "" {
		what += "; " + c.Client + " krijgt een schriftelijke bevestiging"
	} else {
		what += "; zonder adres krijgt de cliënt geen schriftelijke bevestiging"
	}
	return e.confirm(in.tx, c, in.src.Director, in.m, []string{what}, queued)
}

// forwardedComplaint opens a case for the sender of a mail a director
// forwarded: received when the client sent it, the original kept (byte for
// byte when it was attached), the client acknowledged from that director.
func (in *incoming) forwardedComplaint(f *forwarded.Original) (bool, error) {
	e := in.e
	if f.From.Addr != "" && e.cfg.own(f.From.Addr) {
		in.log.Debug("forwarded mail of the firm itself")
		return false, nil
	}
	if f.MessageID != "" {
		if id := in.tx.CaseByMessageID(f.MessageID); id != "" {
			in.log.Info("forwarded mail already belongs to a case", "case", id)
			return false, nil
		}
	}
	received := f.Date
	if received.IsZero() || received.After(e.clock.Now()) {
		received = in.rec.ReceivedAt
	}
	orig := &message.Message{From: f.From, Subject: f.Subject, Text: f.Text, MessageID: f.MessageID, InReplyTo: f.InReplyTo, References: f.References}
	c, err := e.newCase(in.tx, "", f.From, in.src.Director, f.Subject, received)
	if err != nil {
		return false, err
	}
	c.Channel, c.Language, c.Recognition = complaint.ChannelForwarded, language(orig), "forwarded by "+in.src.Director
	c.Open()
	in.log = in.log.With("case", c.ID)
	first := in.rec
	firstRaw := in.raw
	if f.Raw != nil {
		// The attached original first, byte for byte; then the director's forward.
		first = &complaint.Message{MessageID: f.MessageID, From: f.From.Addr, FromName: f.From.Name, Role: complaint.RoleClient,
			Subject: f.Subject, ReceivedAt: received.UTC(), Source: in.rec.Source + ", attached to a forward"}
		firstRaw = f.Raw
	} else {
		in.rec.Role = complaint.RoleDirector // the forward holds the client's text
	}
	if err := e.register(in.tx, c, first, firstRaw, c.Client, "forwarded by "+in.src.Director+": "+in.rec.Source); err != nil {
		return false, err
	}
	if f.Raw != nil {
		in.rec.Role = complaint.RoleDirector
		if err := e.keep(in.tx, c.ID, in.rec, in.raw); err != nil {
			return false, fmt.Errorf("store message: %w", err)
		}
	}
	in.log.Info("forwarded complaint registered", "client", message.LogAddr(in.log, c.Client), "director", in.src.Director)
	if c.Client == "" {
		return false, e.eventFor(in.tx, c.ID, complaint.EvAckSuppressed, "klachtbot", in.rec, "the forward does not show the client's address")
	}
	return e.acknowledge(in.tx, c, orig, in.log)
}

// noCaseNumber answers a director's commands that name no case the bot
// knows: nothing changed, and these are their open cases.
func (in *incoming) noCaseNumber() (bool, error) {
	e := in.e
	cases, err := in.tx.Cases()
	if err != nil {
		return false, err
	}
	var open []string
	for _, c := range cases {
		if c.Director == in.src.Director && c.State != complaint.StateClosed {
			open = append(open, fmt.Sprintf("%s  %s  %s", c.ID, complaint.StateNL(c.State), oneLine(c.Subject)))
		}
	}
	data := templates.NoCase{Subject: oneLine(in.m.Subject), Open: open, Overview: onlyOverview(in.m.Text)}
	subject, text, err := e.tpl.Mail("nocase", "nl", data)
	if err != nil {
		return false, err
	}
	item := e.botMail("no-case", "", in.src.Director, []string{in.src.Director}, subject, text, "", e.clock.Now())
	threadUnder(item, in.m.MessageID, in.m.References)
	if err := e.queue(in.tx, item); err != nil {
		return false, fmt.Errorf("queue answer: %w", err)
	}
	in.log.Info("commands without a case number answered", "director", in.src.Director)
	return true, nil
}

// onlyOverview: the director only asked for their open cases (#overzicht,
// the digest's link).
func onlyOverview(text string) bool {
	cmds, bad := parseCommands(text)
	return len(bad) == 0 && len(cmds) > 0 && !slices.ContainsFunc(cmds, func(c command) bool { return c.name != "overzicht" })
}

// oneLine keeps a subject on one line without control characters.
func oneLine(s string) string {
	if l := firstLines(s, 1, 200); len(l) > 0 {
		return l[0]
	}
	return ""
}
