package workflow

import (
	"fmt"
	"log/slog"
	netmail "net/mail"
	"regexp"
	"slices"
	"strings"

	"github.com/mcoo/klachtbot/mailbox/dsn"
	"github.com/mcoo/klachtbot/mailbox/forwarded"
	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

// The intake of one new mail: where it goes (route), a mail of a known
// case (addToCase and the director's, client's mail), a new complaint
// (openCase), and a director's own mail outside any case (below).

// incoming is one new mail while it is ingested, inside its transaction:
// the intake steps (intake.go, triage.go, bounce.go, procedure.go) are its
// methods, so each reads what it needs from here instead of a row of
// parameters.
type incoming struct {
	e   *Engine
	tx  Tx
	src Source
	m   *message.Message
	rec *complaint.Message // its record, stored when it joins a case
	raw []byte             // its bytes as fetched
	log *slog.Logger       // with the folder, uid and Message-ID; a step adds the case
}

// route takes a new mail to the step that handles its kind: a delivery
// report, a mail of a known case, a director's own mail, a complaint, a
// doubtful mail, an unreadable one.
func (in *incoming) route() (queued bool, err error) {
	e, tx, src, m := in.e, in.tx, in.src, in.m

	if strings.HasPrefix(m.Auto, "bounce") {
		if b, ok := dsn.ParseBounce(m, in.raw); ok {
			return in.bounced(b)
		}
	}
	if id := e.thread(tx, m, src.Kind == FolderSent); id != "" {
		return in.addToCase(id)
	}
	switch {
	case src.Kind == FolderSent:
		return in.directorIntake()
	case e.cfg.own(m.From.Addr):
		in.log.Debug("mail from the firm itself")
		return false, nil
	case m.Auto != "":
		// An automatic mail outside any case never opens one.
		in.log.Debug("automatic mail outside any case", "auto", m.Auto)
		return false, nil
	case src.Kind == FolderComplaints:
		queued, err := in.openCase(recognised{why: "in the complaints folder"})
		if err == nil {
			err = e.learner.learnCase(tx, m.MessageID, "complaints folder", in.log)
		}
		return queued, err
	}
	switch v, why := e.cfg.judge(m, e.learner.firmLayer(tx)); {
	case v == recognize.Complaint:
		return in.openCase(why)
	case v == recognize.Doubtful:
		return in.hold(why)
	case m.Malformed() && strings.TrimSpace(m.Subject+m.Text) == "":
		// Unreadable: we cannot tell whether it is a complaint, so keep it.
		in.log.Warn("unreadable mail quarantined", "problems", m.Problems)
		q := &complaint.Quarantined{Source: in.rec.Source, ReceivedAt: in.rec.ReceivedAt, Problems: m.Problems}
		if err := tx.Quarantine(q, in.raw); err != nil {
			return false, err
		}
		return true, e.Alerts.Quarantined(tx, q)
	default:
		in.log.Debug("not a complaint")
		return false, nil
	}
}

// addToCase records a later message of a case. A follow-up never gets a new acknowledgement.
func (in *incoming) addToCase(id string) (queued bool, err error) {
	e := in.e
	c, err := in.tx.Case(id)
	if err != nil {
		return false, err
	}
	in.log = in.log.With("case", id)
	if p := e.cfg.staffMember(in.m.From.Addr); p != nil && in.src.Kind != FolderSent && e.cfg.director(in.m.From.Addr) == nil {
		queued, err = in.staffMail(c, p)
	} else if in.src.Kind == FolderSent || e.cfg.director(in.m.From.Addr) != nil {
		queued, err = in.directorMail(c)
	} else {
		queued, err = in.clientMail(c)
	}
	if err != nil {
		return false, err
	}
	if len(in.rec.Problems) > 0 {
		if err := e.eventFor(in.tx, id, complaint.EvMalformed, "klachtbot", in.rec, strings.Join(in.rec.Problems, "; ")); err != nil {
			return false, err
		}
	}
	return queued, in.tx.PutCase(c)
}

// directorMail handles a mail that is, or claims to be, a director's.
func (in *incoming) directorMail(c *complaint.Case) (bool, error) {
	e := in.e
	who, why := e.cfg.authority(in.src, in.m)
	if who == "" {
		cmds, bad := parseCommands(in.m.Text)
		if len(cmds)+len(bad) == 0 {
			// The director's own copy in Sent is what counts; this one is not proof.
			in.log.Debug("unverified mail in a director's name; waiting for the Sent copy", "why", why)
			return false, nil
		}
		in.rec.Role, in.rec.Unverified = complaint.RoleOther, true
		if err := keep(in.tx, c.ID, in.rec, in.raw); err != nil {
			return false, fmt.Errorf("store message: %w", err)
		}
		in.log.Warn("commands refused: no authority", "from", message.LogAddr(in.log, in.m.From.Addr), "why", why)
		code := complaint.WhyNoAuthority
		if e.cfg.director(in.m.From.Addr) == nil {
			code = complaint.WhyNotFromDirector
		}
		return false, e.eventFor(in.tx, c.ID, complaint.EvCommandRefused, in.m.From.Addr, in.rec, complaint.Detail(complaint.DetRefused, "why", code, "about", "afzender "+in.m.From.Addr))
	}
	in.rec.Role = complaint.RoleDirector
	if err := keep(in.tx, c.ID, in.rec, in.raw); err != nil {
		return false, fmt.Errorf("store message: %w", err)
	}
	if e.cfg.addressedOutside(in.m) {
		if err := e.eventFor(in.tx, c.ID, complaint.EvDirectorMessage, who, in.rec, complaint.Detail(complaint.DetFound, "in", in.rec.Source)); err != nil {
			return false, err
		}
		if c.FirstResponseAt == nil {
			t := in.rec.ReceivedAt
			c.FirstResponseAt = &t
		}
		if err := e.record(in.tx, c, c.Resume(complaint.WhyDirectorWrote), who, in.rec.MessageID); err != nil {
			return false, err
		}
	} else if err := e.eventFor(in.tx, c.ID, complaint.EvOtherMessage, who, in.rec, complaint.Detail(complaint.DetNote, "in", in.rec.Source)); err != nil {
		return false, err
	}
	in.log.Info("director mail recorded", "director", who)
	if complaint.FindID(in.m.Subject) != c.ID || !addressedTo(in.m, e.cfg.BotAddress, who) {
		return false, nil
	}
	return e.applyCommands(in.tx, c, who, in.m)
}

// clientMail records a mail from the client or a third party in the thread.
func (in *incoming) clientMail(c *complaint.Case) (queued bool, err error) {
	e := in.e
	if in.m.Auto != "" {
		// An out-of-office, a bounce the rules could not read, a list robot:
		// kept with the case, and it changes nothing (no state, no consent,
		// no notice).
		in.rec.Role = complaint.RoleOther
		if err := keep(in.tx, c.ID, in.rec, in.raw); err != nil {
			return false, fmt.Errorf("store message: %w", err)
		}
		in.log.Info("automatic mail added to case", "auto", in.m.Auto)
		return false, e.eventFor(in.tx, c.ID, complaint.EvOtherMessage, in.rec.From, in.rec, complaint.Detail(complaint.DetAuto, "why", in.m.Auto, "in", in.rec.Source))
	}
	if !strings.EqualFold(in.rec.From, c.Client) {
		in.rec.Role = complaint.RoleOther
		if err := keep(in.tx, c.ID, in.rec, in.raw); err != nil {
			return false, fmt.Errorf("store message: %w", err)
		}
		in.log.Info("message added to case", "role", in.rec.Role)
		return false, e.eventFor(in.tx, c.ID, complaint.EvOtherMessage, in.rec.From, in.rec, complaint.Detail(complaint.DetFound, "in", in.rec.Source))
	}
	in.rec.Role = complaint.RoleClient
	if err := keep(in.tx, c.ID, in.rec, in.raw); err != nil {
		return false, fmt.Errorf("store message: %w", err)
	}
	if err := e.eventFor(in.tx, c.ID, complaint.EvFollowUp, in.rec.From, in.rec, complaint.Detail(complaint.DetFound, "in", in.rec.Source)); err != nil {
		return false, err
	}
	in.log.Info("client follow-up added to case")
	var unclear []string
	if c.AwaitsSatisfaction() {
		handled, queued, err := in.satisfactionAnswer(c)
		if handled || err != nil {
			return queued, err
		}
		unclear = unclearSatisfaction(in.m)
	}
	given, consent := clientConsent(in.m.Text)
	consent = consent && unclear == nil // "akkoord" after the closing question is about the solution
	changes := consent || c.State == complaint.StateWaiting || c.State == complaint.StateClosed && !c.NotComplaint
	if changes && !in.fromClient(c) {
		// Anyone can write the client's From: with the case number. It is
		// kept, changes nothing, and a director decides.
		in.log.Warn("mail in the client's name not evidently theirs: nothing changed", "from", message.LogAddr(in.log, in.rec.From))
		if err := e.event(in.tx, c.ID, complaint.EvOtherMessage, in.rec.From, in.rec.MessageID,
			complaint.Detail(complaint.DetUnverified, "forged", strings.TrimPrefix(e.cfg.forgedResults(in.m), "; "))); err != nil {
			return false, err
		}
		return true, e.notify(in.tx, c, []string{c.Director}, "Mail van de cliënt niet bevestigd", []string{
			"Er kwam een mail binnen die van de cliënt lijkt te komen, maar dat is niet aan te tonen: het is geen antwoord op onze",
			"mail aan de cliënt, en de mailserver bevestigt de afzender niet. Iedereen kan een afzenderadres invullen.",
			"Er is daarom niets gewijzigd" + map[bool]string{true: " (de mail zegt iets over toestemming voor extern advies)", false: ""}[consent] + ".",
			"Is de mail echt van de cliënt, leg het dan vast met #toestemming ja of #toestemming nee, of #heropend.",
		})
	}
	if consent {
		c.Consent = &complaint.Consent{Given: given, At: e.clock.Now().UTC(), By: c.Client, Evidence: in.rec.MessageID}
		answer := map[bool]string{true: "gegeven", false: "geweigerd"}[given]
		if err := e.eventFor(in.tx, c.ID, complaint.EvConsent, c.Client, in.rec, complaint.Detail(complaint.DetConsent, "given", map[bool]string{true: "yes", false: "no"}[given])); err != nil {
			return false, err
		}
		err := e.notify(in.tx, c, []string{c.Director}, "Toestemming "+answer, []string{
			"De cliënt heeft per mail toestemming " + answer + " om stukken met een externe deskundige te delen.",
			"Dat staat in de mail van de cliënt van " + templates.DateNL(in.rec.ReceivedAt.In(e.cfg.Location)) + quoted(in.rec.Subject) + "; die is bij de klacht bewaard.",
			"Klopt dit niet, leg het dan vast met #toestemming ja of #toestemming nee.",
		})
		if err != nil {
			return false, err
		}
		queued = true
	}
	switch c.State {
	case complaint.StateClosed:
		if c.NotComplaint {
			return queued, nil
		}
		if err := e.record(in.tx, c, c.Reopen(complaint.WhyClientWrote), c.Client, in.rec.MessageID); err != nil {
			return false, err
		}
		return true, e.notify(in.tx, c, e.DirectorAddresses(), "Klacht heropend", append([]string{
			"De cliënt heeft gereageerd op een afgehandelde klacht. De klacht staat weer open.",
		}, unclear...))
	case complaint.StateWaiting:
		return queued, e.record(in.tx, c, c.Resume(complaint.WhyClientAnswered), c.Client, in.rec.MessageID)
	}
	return queued, nil
}

// openCase opens a case for a new complaint and queues its acknowledgement.
func (in *incoming) openCase(why recognised) (bool, error) {
	e := in.e
	restored, ackID, ackAt, isRestored := restoredCase(in.tx, in.m.MessageID)
	c, err := e.newCase(in.tx, restored, in.m.From, e.cfg.addressee(in.m, in.src.Director), in.m.Subject, in.rec.ReceivedAt)
	if err != nil {
		return false, err
	}
	c.Language = language(in.m)
	why.record(c)
	c.Open()
	in.log = in.log.With("case", c.ID)
	if err := e.register(in.tx, c, in.rec, in.raw, c.Client, complaint.Detail(complaint.DetFound, "in", in.rec.Source)); err != nil {
		return false, err
	}
	in.log.Info("case opened", "client", message.LogAddr(in.log, c.Client), "director", c.Director)
	if isRestored {
		return false, e.reopenRestored(in.tx, c, in.m, c.ID, ackID, ackAt, in.log)
	}
	return e.acknowledge(in.tx, c, in.m, in.log)
}

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
		if do := commandNamed(cmd.name).alone; do != nil {
			return do(in, cmd)
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
func (in *incoming) newComplaintByDirector(cmd command) (bool, error) {
	e := in.e
	channel, client, _ := newComplaint(cmd.arg)
	received := in.m.Date
	if received.IsZero() || received.After(e.clock.Now()) {
		received = in.rec.ReceivedAt
	}
	subject := strings.TrimSpace(in.m.Subject)
	if subject == "" {
		subject = "Klacht (" + string(channel) + ")"
	}
	c, err := e.newCase(in.tx, "", client, in.src.Director, subject, received)
	if err != nil {
		return false, err
	}
	c.Channel, c.Recognition = channel, "registered by "+in.src.Director+" with #nieuwe-klacht"
	c.Open()
	in.rec.Role = complaint.RoleDirector
	if err := e.register(in.tx, c, in.rec, in.raw, in.src.Director, string(channel)+", recorded by "+in.src.Director); err != nil {
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
	return (&commandRun{e: e, tx: in.tx, c: c, who: in.src.Director, m: in.m, queued: queued}).confirm([]string{what})
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
		if err := keep(in.tx, c.ID, in.rec, in.raw); err != nil {
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
			open = append(open, fmt.Sprintf("%s  %s  %s", c.ID, complaint.StateNL(c.State), compose.OneLine(c.Subject)))
		}
	}
	data := templates.NoCase{Subject: compose.OneLine(in.m.Subject), Open: open, Overview: onlyOverview(in.m.Text)}
	item, err := e.mail.NoCase(in.src.Director, data, in.m, e.clock.Now())
	if err != nil {
		return false, err
	}
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

var (
	consentNo  = regexp.MustCompile(`(?i)\b(geen toestemming|niet akkoord|geen akkoord|no consent|(do not|don't|not) (consent|agree))\b`)
	consentYes = regexp.MustCompile(`(?i)\b(akkoord|ik geef toestemming|toestemming gegeven|i agree|i consent|agreed)\b`)
)

// clientConsent reads a client's answer to the consent question; ok is false
// when it says neither or both, which is left for a director.
func clientConsent(text string) (given, ok bool) {
	own := recognize.OwnWords(text)
	no := consentNo.MatchString(own)
	yes := consentYes.MatchString(consentNo.ReplaceAllString(own, ""))
	if yes == no {
		return false, false
	}
	return yes, true
}

// thread finds the case a message belongs to: the case token in the subject
// first, then In-Reply-To and References against every Message-ID the case
// knows. Never by subject text alone.
//
// A director's own mail (bare) may give the number as typed, without brackets.
func (e *Engine) thread(tx Tx, m *message.Message, bare bool) string {
	find := complaint.IDInSubject
	if bare {
		find = complaint.FindID
	}
	if id := find(m.Subject); id != "" {
		if _, err := tx.Case(id); err == nil {
			return id
		}
	}
	for _, ref := range m.InReplyTo {
		if id := tx.CaseByMessageID(ref); id != "" {
			return id
		}
	}
	// Newest reference first: the message it most directly answers.
	for i := len(m.References) - 1; i >= 0; i-- {
		if id := tx.CaseByMessageID(m.References[i]); id != "" {
			return id
		}
	}
	return ""
}
