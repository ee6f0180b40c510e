// Package intake takes one new mail through the procedure, in its
// transaction: a copy of the bot's own mail, a delivery report, a mail of a
// known case (the director's, the client's, a staff member's answer), a
// director's own mail outside any case, a complaint, a doubtful mail held
// for a director, an unreadable one. The mail is a value (incoming) and
// each step is its method; what a step does to a case goes through
// casework, a director's commands through commands.
//
// It must not import storage or the mail edge (mailbox's IMAP and SMTP);
// it reads mail as mailbox/message parses it.
package intake

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/mcoo/klachtbot/mailbox/dsn"
	"github.com/mcoo/klachtbot/mailbox/forwarded"
	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/casework"
	"github.com/mcoo/klachtbot/workflow/commands"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
	"github.com/mcoo/klachtbot/workflow/outbox"
	"github.com/mcoo/klachtbot/workflow/policy"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

// The intake of one new mail: where it goes (route), a mail of a known
// case (addToCase and the director's, client's mail), a new complaint
// (openCase), and a director's own mail outside any case (below).

// incoming is one new mail while it is ingested, inside its transaction:
// the intake steps (intake.go, answers.go, triage.go, bounce.go,
// restore.go) are its methods, so each reads what it needs from here
// instead of a row of parameters.
type incoming struct {
	*casework.Mail
	k       *casework.Clerk
	observe casework.Observer // told of delivery reports; nil: nobody
}

// Ingest takes one fetched message through the procedure in tx, the
// transaction that also advances its folder's checkpoint: the message, the
// case, its events and any outgoing mail are written together or not at
// all. It reports whether mail was queued.
func Ingest(k *casework.Clerk, tx casework.Tx, src policy.Source, f *message.Fetched, observe casework.Observer) (queued bool, err error) {
	m := f.Msg
	log := k.Log.With("folder", src.Where(f), "uid", f.UID, "message_id", m.MessageID)
	// The bot's own mail: its copy confirms an attempt a crash interrupted.
	if item, err := tx.OutboxByMessageID(m.MessageID); err != nil || item != nil {
		if err == nil && src.Kind == policy.FolderSent && src.Director == item.Account {
			err = k.ServerCopySeen(tx, item.Account, log)
		}
		if err == nil && (item.State == outbox.Sending || item.State == outbox.Queued) {
			log.Info("interrupted mail confirmed sent by its copy", "outbox", item.ID)
			err = outbox.MarkSent(tx, item, k.Clock.Now(), " (confirmed by its copy in "+src.Where(f)+")", f.Raw)
		}
		return false, err
	}
	if id := tx.CaseByMessageID(m.MessageID); id != "" && !sameMail(tx, id, m) {
		// A known Message-ID on another mail: a reused or forged ID. It is
		// a different message; it must not vanish as a copy of the first.
		substitute := "<" + contentID(f.Raw) + "@klachtbot.invalid>"
		log.Warn("Message-ID already belongs to another mail: given a substitute", "substitute", substitute)
		m.Problems = append(m.Problems, "Message-ID "+m.MessageID+" already belongs to another mail; substitute "+substitute)
		m.MessageID, m.MessageIDSubstituted = substitute, true
	}
	if id := tx.CaseByMessageID(m.MessageID); id != "" {
		if src.Kind == policy.FolderComplaints {
			// A director moved a held mail into the complaints folder: that is #klacht.
			c, err := tx.Case(id)
			if err != nil || c.State != complaint.StateTriage {
				return false, err
			}
			queued, err := k.Accept(tx, c, src.Director, m.MessageID, "complaints folder", log)
			if err != nil {
				return false, err
			}
			return queued, tx.PutCase(c)
		}
		// The same mail in a second director's mailbox, or a rescan.
		log.Debug("message already known", "case", id)
		return false, nil
	}
	received := f.InternalDate
	if received.IsZero() {
		received = k.Clock.Now()
	}
	msgRec := &complaint.Message{
		MessageID:  m.MessageID,
		From:       m.From.Addr,
		FromName:   m.From.Name,
		Subject:    m.Subject,
		ReceivedAt: received.UTC(),
		Source:     fmt.Sprintf("%s uid %d/%d", src.Where(f), f.UIDValidity, f.UID),
		Problems:   m.Problems,
	}
	for _, a := range m.Attachments {
		msgRec.Attachments = append(msgRec.Attachments, a.Filename)
	}
	in := &incoming{Mail: &casework.Mail{Tx: tx, Src: src, M: m, Rec: msgRec, Raw: f.Raw, Log: log}, k: k, observe: observe}
	return in.route()
}

// route takes a new mail to the step that handles its kind: a delivery
// report, a mail of a known case, a director's own mail, a complaint, a
// doubtful mail, an unreadable one.
func (in *incoming) route() (queued bool, err error) {
	k, tx, src, m := in.k, in.Tx, in.Src, in.M

	if strings.HasPrefix(m.Auto, "bounce") {
		if b, ok := dsn.ParseBounce(m, in.Raw); ok {
			return in.bounced(b)
		}
	}
	if id := Thread(tx, m, src.Kind == policy.FolderSent); id != "" {
		return in.addToCase(id)
	}
	switch {
	case src.Kind == policy.FolderSent:
		return in.directorIntake()
	case k.Cfg.Own(m.From.Addr):
		in.Log.Debug("mail from the firm itself")
		return false, nil
	case m.Auto != "":
		// An automatic mail outside any case never opens one.
		in.Log.Debug("automatic mail outside any case", "auto", m.Auto)
		return false, nil
	case src.Kind == policy.FolderComplaints:
		queued, err := in.openCase(policy.Recognised{Why: "in the complaints folder"})
		if err == nil {
			err = k.Learner.LearnCase(tx, m.MessageID, "complaints folder", in.Log)
		}
		return queued, err
	}
	switch v, why := k.Cfg.Judge(m, k.Learner.FirmLayer(tx)); {
	case v == recognize.Complaint:
		return in.openCase(why)
	case v == recognize.Doubtful:
		return in.hold(why)
	case m.Malformed() && strings.TrimSpace(m.Subject+m.Text) == "":
		// Unreadable: we cannot tell whether it is a complaint, so keep it.
		in.Log.Warn("unreadable mail quarantined", "problems", m.Problems)
		q := &complaint.Quarantined{Source: in.Rec.Source, ReceivedAt: in.Rec.ReceivedAt, Problems: m.Problems}
		if err := tx.Quarantine(q, in.Raw); err != nil {
			return false, err
		}
		return true, k.Alerts.Quarantined(tx, q)
	default:
		in.Log.Debug("not a complaint")
		return false, nil
	}
}

// addToCase records a later message of a case. A follow-up never gets a new acknowledgement.
func (in *incoming) addToCase(id string) (queued bool, err error) {
	k := in.k
	c, err := in.Tx.Case(id)
	if err != nil {
		return false, err
	}
	in.Log = in.Log.With("case", id)
	if p := k.Cfg.StaffMember(in.M.From.Addr); p != nil && in.Src.Kind != policy.FolderSent && k.Cfg.Director(in.M.From.Addr) == nil {
		queued, err = in.staffMail(c, p)
	} else if in.Src.Kind == policy.FolderSent || k.Cfg.Director(in.M.From.Addr) != nil {
		queued, err = in.directorMail(c)
	} else {
		queued, err = in.clientMail(c)
	}
	if err != nil {
		return false, err
	}
	if len(in.Rec.Problems) > 0 {
		if err := k.EventFor(in.Tx, id, in.Rec, complaint.Event{Kind: complaint.EvMalformed, Actor: "klachtbot", Detail: strings.Join(in.Rec.Problems, "; ")}); err != nil {
			return false, err
		}
	}
	return queued, in.Tx.PutCase(c)
}

// directorMail handles a mail that is, or claims to be, a director's.
func (in *incoming) directorMail(c *complaint.Case) (bool, error) {
	k := in.k
	who, why := k.Cfg.Authority(in.Src, in.M)
	if who == "" {
		cmds, bad := commands.Parse(in.M.Text)
		if len(cmds)+len(bad) == 0 {
			// The director's own copy in Sent is what counts; this one is not proof.
			in.Log.Debug("unverified mail in a director's name; waiting for the Sent copy", "why", why)
			return false, nil
		}
		in.Rec.Role, in.Rec.Unverified = complaint.RoleOther, true
		if err := casework.Keep(in.Tx, c.ID, in.Rec, in.Raw); err != nil {
			return false, fmt.Errorf("store message: %w", err)
		}
		in.Log.Warn("commands refused: no authority", "from", message.LogAddr(in.Log, in.M.From.Addr), "why", why)
		code := complaint.WhyNoAuthority
		if k.Cfg.Director(in.M.From.Addr) == nil {
			code = complaint.WhyNotFromDirector
		}
		return false, k.EventFor(in.Tx, c.ID, in.Rec, complaint.Event{Kind: complaint.EvCommandRefused, Actor: in.M.From.Addr, Detail: complaint.Detail(complaint.DetRefused, "why", code, "about", "afzender "+in.M.From.Addr)})
	}
	in.Rec.Role = complaint.RoleDirector
	if err := casework.Keep(in.Tx, c.ID, in.Rec, in.Raw); err != nil {
		return false, fmt.Errorf("store message: %w", err)
	}
	if k.Cfg.AddressedOutside(in.M) {
		if err := k.EventFor(in.Tx, c.ID, in.Rec, complaint.Event{Kind: complaint.EvDirectorMessage, Actor: who, Detail: complaint.Detail(complaint.DetFound, "in", in.Rec.Source)}); err != nil {
			return false, err
		}
		if c.FirstResponseAt == nil {
			t := in.Rec.ReceivedAt
			c.FirstResponseAt = &t
		}
		if err := k.Record(in.Tx, c, c.Resume(complaint.WhyDirectorWrote), who, in.Rec.MessageID); err != nil {
			return false, err
		}
	} else if err := k.EventFor(in.Tx, c.ID, in.Rec, complaint.Event{Kind: complaint.EvOtherMessage, Actor: who, Detail: complaint.Detail(complaint.DetNote, "in", in.Rec.Source)}); err != nil {
		return false, err
	}
	in.Log.Info("director mail recorded", "director", who)
	if complaint.FindID(in.M.Subject) != c.ID || !policy.AddressedTo(in.M, k.Cfg.BotAddress, who) {
		return false, nil
	}
	return commands.Apply(k, in.Tx, c, who, in.M)
}

// clientMail records a mail from the client or a third party in the thread.
func (in *incoming) clientMail(c *complaint.Case) (queued bool, err error) {
	k := in.k
	if in.M.Auto != "" {
		// An out-of-office, a bounce the rules could not read, a list robot:
		// kept with the case, and it changes nothing (no state, no consent,
		// no notice).
		in.Rec.Role = complaint.RoleOther
		if err := casework.Keep(in.Tx, c.ID, in.Rec, in.Raw); err != nil {
			return false, fmt.Errorf("store message: %w", err)
		}
		in.Log.Info("automatic mail added to case", "auto", in.M.Auto)
		return false, k.EventFor(in.Tx, c.ID, in.Rec, complaint.Event{Kind: complaint.EvOtherMessage, Actor: in.Rec.From, Detail: complaint.Detail(complaint.DetAuto, "why", in.M.Auto, "in", in.Rec.Source)})
	}
	if !strings.EqualFold(in.Rec.From, c.Client) {
		in.Rec.Role = complaint.RoleOther
		if err := casework.Keep(in.Tx, c.ID, in.Rec, in.Raw); err != nil {
			return false, fmt.Errorf("store message: %w", err)
		}
		in.Log.Info("message added to case", "role", in.Rec.Role)
		return false, k.EventFor(in.Tx, c.ID, in.Rec, complaint.Event{Kind: complaint.EvOtherMessage, Actor: in.Rec.From, Detail: complaint.Detail(complaint.DetFound, "in", in.Rec.Source)})
	}
	in.Rec.Role = complaint.RoleClient
	if err := casework.Keep(in.Tx, c.ID, in.Rec, in.Raw); err != nil {
		return false, fmt.Errorf("store message: %w", err)
	}
	if err := k.EventFor(in.Tx, c.ID, in.Rec, complaint.Event{Kind: complaint.EvFollowUp, Actor: in.Rec.From, Detail: complaint.Detail(complaint.DetFound, "in", in.Rec.Source)}); err != nil {
		return false, err
	}
	in.Log.Info("client follow-up added to case")
	var unclear []string
	if c.AwaitsSatisfaction() {
		handled, queued, err := in.satisfactionAnswer(c)
		if handled || err != nil {
			return queued, err
		}
		unclear = append([]string{}, casework.OwnLines(in.M.Text)...) // non-nil: the mail answered the question unclearly
	}
	given, consent := clientConsent(in.M.Text)
	consent = consent && unclear == nil // "akkoord" after the closing question is about the solution
	changes := consent || c.State == complaint.StateWaiting || c.State == complaint.StateClosed && !c.NotComplaint
	if changes && !in.fromClient(c) {
		// Anyone can write the client's From: with the case number. It is
		// kept, changes nothing, and a director decides.
		in.Log.Warn("mail in the client's name not evidently theirs: nothing changed", "from", message.LogAddr(in.Log, in.Rec.From))
		if err := k.Event(in.Tx, c.ID, complaint.Event{Kind: complaint.EvOtherMessage, Actor: in.Rec.From, MessageID: in.Rec.MessageID, Detail: complaint.Detail(complaint.DetUnverified, "forged", strings.TrimPrefix(k.Cfg.ForgedResults(in.M), "; "))}); err != nil {
			return false, err
		}
		return true, k.Notify(in.Tx, c, []string{c.Director}, "unverified", templates.NoticeUnverified{Consent: consent})
	}
	if consent {
		c.Consent = &complaint.Consent{Given: given, At: k.Clock.Now().UTC(), By: c.Client, Evidence: in.Rec.MessageID}
		if err := k.EventFor(in.Tx, c.ID, in.Rec, complaint.Event{Kind: complaint.EvConsent, Actor: c.Client, Detail: complaint.Detail(complaint.DetConsent, "given", map[bool]string{true: "yes", false: "no"}[given])}); err != nil {
			return false, err
		}
		err := k.Notify(in.Tx, c, []string{c.Director}, "consent", templates.NoticeConsent{Given: given,
			Received: in.Rec.ReceivedAt.In(k.Cfg.Location), Subject: compose.OneLine(in.Rec.Subject)})
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
		if err := k.Record(in.Tx, c, c.Reopen(complaint.WhyClientWrote), c.Client, in.Rec.MessageID); err != nil {
			return false, err
		}
		return true, k.Notify(in.Tx, c, k.DirectorAddresses(), "reopened", templates.NoticeReopened{Unclear: unclear != nil, Words: unclear})
	case complaint.StateWaiting:
		return queued, k.Record(in.Tx, c, c.Resume(complaint.WhyClientAnswered), c.Client, in.Rec.MessageID)
	}
	return queued, nil
}

// openCase opens a case for a new complaint and queues its acknowledgement.
func (in *incoming) openCase(why policy.Recognised) (bool, error) {
	k := in.k
	restored, ackID, ackAt, isRestored := restoredCase(in.Tx, in.M.MessageID)
	c, err := k.NewCase(in.Tx, restored, in.M.From, k.Cfg.Addressee(in.M, in.Src.Director), in.M.Subject, in.Rec.ReceivedAt)
	if err != nil {
		return false, err
	}
	c.Language = policy.Language(in.M)
	why.Record(c)
	c.Open()
	in.Log = in.Log.With("case", c.ID)
	if err := k.Register(in.Tx, c, in.Rec, in.Raw, c.Client, complaint.Detail(complaint.DetFound, "in", in.Rec.Source)); err != nil {
		return false, err
	}
	in.Log.Info("case opened", "client", message.LogAddr(in.Log, c.Client), "director", c.Director)
	if isRestored {
		return false, reopenRestored(k, in.Tx, c, in.M, c.ID, ackID, ackAt, in.Log)
	}
	return k.Acknowledge(in.Tx, c, in.M, in.Log)
}

// A director's own mail (found in their Sent folder, so it is theirs) to
// the bot address, or to themselves, that belongs to no case: a complaint
// made by phone, in a conversation or by letter (#nieuwe-klacht), a client's
// complaint forwarded, or commands without a case number, which get an
// answer rather than silence.

func (in *incoming) directorIntake() (bool, error) {
	k := in.k
	if !policy.AddressedTo(in.M, k.Cfg.BotAddress, in.Src.Director) {
		in.Log.Debug("director mail outside any case")
		return false, nil
	}
	cmds, bad := commands.Parse(in.M.Text)
	if handled, queued, err := commands.Alone(k, in.Mail, cmds); handled {
		return queued, err
	}
	if len(cmds)+len(bad) > 0 {
		return in.noCaseNumber()
	}
	// A forward counts when it goes to the bot address; without one, to themselves.
	if f, ok := forwarded.Find(in.M, in.Raw); ok && (k.Cfg.BotAddress == "" || policy.AddressedTo(in.M, k.Cfg.BotAddress)) {
		return in.forwardedComplaint(f)
	}
	in.Log.Debug("director mail to the bot without commands")
	return false, nil
}

// forwardedComplaint opens a case for the sender of a mail a director
// forwarded: received when the client sent it, the original kept (byte for
// byte when it was attached), the client acknowledged from that director.
func (in *incoming) forwardedComplaint(f *forwarded.Original) (bool, error) {
	k := in.k
	if f.From.Addr != "" && k.Cfg.Own(f.From.Addr) {
		in.Log.Debug("forwarded mail of the firm itself")
		return false, nil
	}
	if f.MessageID != "" {
		if id := in.Tx.CaseByMessageID(f.MessageID); id != "" {
			in.Log.Info("forwarded mail already belongs to a case", "case", id)
			return false, nil
		}
	}
	received := f.Date
	if received.IsZero() || received.After(k.Clock.Now()) {
		received = in.Rec.ReceivedAt
	}
	orig := &message.Message{From: f.From, Subject: f.Subject, Text: f.Text, MessageID: f.MessageID, InReplyTo: f.InReplyTo, References: f.References}
	c, err := k.NewCase(in.Tx, "", f.From, in.Src.Director, f.Subject, received)
	if err != nil {
		return false, err
	}
	c.Channel, c.Language, c.Recognition = complaint.ChannelForwarded, policy.Language(orig), "forwarded by "+in.Src.Director
	c.Open()
	in.Log = in.Log.With("case", c.ID)
	first := in.Rec
	firstRaw := in.Raw
	if f.Raw != nil {
		// The attached original first, byte for byte; then the director's forward.
		first = &complaint.Message{MessageID: f.MessageID, From: f.From.Addr, FromName: f.From.Name, Role: complaint.RoleClient,
			Subject: f.Subject, ReceivedAt: received.UTC(), Source: in.Rec.Source + ", attached to a forward"}
		firstRaw = f.Raw
	} else {
		in.Rec.Role = complaint.RoleDirector // the forward holds the client's text
	}
	if err := k.Register(in.Tx, c, first, firstRaw, c.Client, "forwarded by "+in.Src.Director+": "+in.Rec.Source); err != nil {
		return false, err
	}
	if f.Raw != nil {
		in.Rec.Role = complaint.RoleDirector
		if err := casework.Keep(in.Tx, c.ID, in.Rec, in.Raw); err != nil {
			return false, fmt.Errorf("store message: %w", err)
		}
	}
	in.Log.Info("forwarded complaint registered", "client", message.LogAddr(in.Log, c.Client), "director", in.Src.Director)
	if c.Client == "" {
		return false, k.EventFor(in.Tx, c.ID, in.Rec, complaint.Event{Kind: complaint.EvAckSuppressed, Actor: "klachtbot", Detail: "the forward does not show the client's address"})
	}
	return k.Acknowledge(in.Tx, c, orig, in.Log)
}

// noCaseNumber answers a director's commands that name no case the bot
// knows: nothing changed, and these are their open cases.
func (in *incoming) noCaseNumber() (bool, error) {
	k := in.k
	cases, err := in.Tx.Cases()
	if err != nil {
		return false, err
	}
	var open []string
	for _, c := range cases {
		if c.Director == in.Src.Director && c.State != complaint.StateClosed {
			open = append(open, fmt.Sprintf("%s  %s  %s", c.ID, complaint.StateNL(c.State), compose.OneLine(c.Subject)))
		}
	}
	data := templates.NoCase{Subject: compose.OneLine(in.M.Subject), Open: open, Overview: onlyOverview(in.M.Text)}
	item, err := k.Mail.NoCase(in.Src.Director, data, in.M, k.Clock.Now())
	if err != nil {
		return false, err
	}
	if err := k.Queue(in.Tx, item); err != nil {
		return false, fmt.Errorf("queue answer: %w", err)
	}
	in.Log.Info("commands without a case number answered", "director", in.Src.Director)
	return true, nil
}

// onlyOverview: the director only asked for their open cases (#overzicht,
// the digest's link).
func onlyOverview(text string) bool {
	cmds, bad := commands.Parse(text)
	return len(bad) == 0 && len(cmds) > 0 && !slices.ContainsFunc(cmds, func(c commands.Command) bool { return c.Name != "overzicht" })
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

// Thread finds the case a message belongs to: the case token in the subject
// first, then In-Reply-To and References against every Message-ID the case
// knows. Never by subject text alone.
//
// A director's own mail (bare) may give the number as typed, without brackets.
func Thread(tx casework.Tx, m *message.Message, bare bool) string {
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

// fromClient reports whether a mail in the client's name is evidently
// theirs: it answers a mail sent only to the client (the bot's
// acknowledgement, new-term or closing mail, a director's reply found in Sent: their
// Message-IDs nobody else has seen), or the firm's own server authenticated
// it for the client's domain.
func (in *incoming) fromClient(c *complaint.Case) bool {
	k := in.k
	refs := append(append([]string{}, in.M.InReplyTo...), in.M.References...)
	for _, ref := range refs {
		item, err := in.Tx.OutboxByMessageID(ref)
		if err == nil && item != nil && item.CaseID == c.ID && (item.Kind == outbox.KindAck || item.Kind == outbox.KindNewTerm || item.Kind == outbox.KindClosing) {
			return true
		}
	}
	// A director's own mail to the client (found in Sent) is as private.
	if msgs, err := in.Tx.Messages(c.ID); err == nil {
		for _, x := range msgs {
			if x.Role == complaint.RoleDirector && x.MessageID != "" && slices.Contains(refs, x.MessageID) {
				return true
			}
		}
	}
	return k.Cfg.AuthServID != "" && k.Cfg.Authenticated(in.M, message.Domain(c.Client))
}

// sameMail reports whether m is the mail the case knows under its
// Message-ID: the same sender and subject (copies in two mailboxes differ
// only in their delivery headers).
func sameMail(tx casework.Tx, caseID string, m *message.Message) bool {
	msgs, err := tx.Messages(caseID)
	if err != nil {
		return true // cannot tell: treat as the known mail, as before
	}
	for _, x := range msgs {
		if x.MessageID == m.MessageID {
			return strings.EqualFold(x.From, m.From.Addr) && x.Subject == m.Subject
		}
	}
	return true // the bot's own mail, indexed without a message record
}

// contentID is a stable name for a mail's bytes.
func contentID(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:16])
}
