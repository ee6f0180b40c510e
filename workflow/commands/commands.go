// Package commands is the directors' commands: lines starting with "#" in
// a director's mail. Every command is one entry of its table (name, how its
// argument is read, its help line, the rule that may refuse it, its
// action); the help a director gets, the digest's one-click links and the
// refusals follow from the table. What a command does to a case goes
// through casework.
//
// Whose mail may command at all is decided before, by intake with
// policy.Authority. It must not import intake, storage or the mail edge.
package commands

import (
	"strings"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/casework"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
	"github.com/mcoo/klachtbot/workflow/outbox"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

// Directors run the procedure by mail: lines starting with "#" in a mail to
// the bot address or to themselves, with the case token in the subject.
// Every command is one entry of commands: its name, how its argument is
// read, its help line, the rule that may refuse it, and its action. Adding
// a command is adding an entry (and its test); the help a director gets,
// the reading of a mail's command lines and the refusals follow from it.
// Whose mail may command at all is decided before (policy.Config.Authority): a
// director's, by their Sent folder or the firm's server.

// Command is one command line of a mail, as read.
type Command struct {
	Name, Arg, Line string
}

// commandSpec is everything about one command.
type commandSpec struct {
	name  string
	usage string // the arguments, as the help shows them
	help  string
	// arg reads the argument: the argument as kept, and whether the line is
	// understood at all (a line that is not changes nothing of the mail).
	arg func(arg string) (string, bool)
	// refuses is the rule that stops the command on this case: nil to go on.
	refuses func(r *commandRun, cmd Command) *refusal
	// do is the action on the case. nil: the command is only recorded.
	do func(r *commandRun, cmd Command) (done, error)
	// then follows once the command and its state change are recorded.
	then func(r *commandRun, cmd Command, d done) (note string, err error)
	// rows, with label, offers it as a one-click link in the digest: on
	// the rows of "triage", "open" or "closed" cases, or "overview" (all
	// one's open cases, without a case number).
	rows, label string
	// alone is the action in a director's mail without a case number
	// (directorIntake); nil: such a mail is answered with their open cases.
	alone func(k *casework.Clerk, in *casework.Mail, cmd Command) (queued bool, err error)
}

// done is what one command did.
type done struct {
	change  *complaint.Event // the state change, recorded after the command
	note    string           // what followed from it, for the confirmation
	before  complaint.State  // the state the case had
	stop    bool             // recorded by the action, and nothing after it applies (a held mail erased)
	refusal *refusal         // not carried out
}

// refusal is a command not carried out: its reason code on the audit
// trail, and the notice that tells the director (templates/mail/notices.nl.tmpl)
// with its data.
type refusal struct {
	why, notice string
	data        any
}

func anyArg(arg string) (string, bool)  { return arg, true }
func someArg(arg string) (string, bool) { return arg, arg != "" }
func yesOrNo(arg string) (string, bool) { a := strings.ToLower(arg); return a, a == "ja" || a == "nee" }

// commands in the order the help lists them.
var commands = []commandSpec{
	{name: "klacht", rows: "triage", label: "Wel een klacht", help: "een voorgelegde mail is een klacht: de cliënt krijgt een ontvangstbevestiging", arg: anyArg,
		do: func(r *commandRun, cmd Command) (done, error) {
			if r.c.State != complaint.StateTriage {
				return done{}, nil
			}
			q, err := r.k.Accept(r.tx, r.c, r.who, r.m.MessageID, "#klacht", r.k.Log)
			r.queued = r.queued || q
			return done{}, err
		}},
	{name: "afgehandeld", rows: "open", label: "Afgehandeld", usage: "<oplossing>", help: "klacht afgehandeld; de cliënt krijgt de oplossing en de vraag of hij tevreden is", arg: someArg,
		do: func(r *commandRun, cmd Command) (done, error) { return done{change: r.c.Close(r.now, cmd.Arg)}, nil },
		then: func(r *commandRun, cmd Command, d done) (string, error) {
			// A held mail closed at once was never acknowledged: no closing mail either.
			if d.change == nil || d.before == complaint.StateTriage {
				return "", nil
			}
			return r.askSatisfaction(cmd.Arg)
		}},
	{name: "afgehandeld-stil", usage: "<oplossing>", help: "afgehandeld zonder mail aan de cliënt", arg: someArg,
		do: func(r *commandRun, cmd Command) (done, error) { return done{change: r.c.Close(r.now, cmd.Arg)}, nil }},
	{name: "heropend", rows: "closed", label: "Heropenen", help: "klacht opnieuw in behandeling, met een nieuwe streefdatum", arg: anyArg,
		do: func(r *commandRun, cmd Command) (done, error) {
			if r.c.NotComplaint { // closed as no complaint: the director now says it is one
				if err := r.k.Learner.Learn(r.tx, r.c, true, "#heropend", r.k.Log); err != nil {
					return done{}, err
				}
			}
			change, note, err := r.reopen()
			return done{change: change, note: note}, err
		}},
	{name: "betrokkene", usage: "<naam|adres> [vraag]", help: "een medewerker om een reactie op de klacht vragen", arg: someArg,
		do: (*commandRun).consult},
	{name: "tevreden", usage: "ja|nee", help: "het antwoord van de cliënt op de vraag of hij tevreden is", arg: yesOrNo,
		do: func(r *commandRun, cmd Command) (done, error) { return done{}, r.recordSatisfied(cmd.Arg == "ja") }},
	{name: "oplossing-handhaven", usage: "[toelichting]", help: "de cliënt is niet tevreden, het kantoor blijft bij de oplossing", arg: anyArg,
		refuses: func(r *commandRun, cmd Command) *refusal {
			if r.c.Dissatisfied() {
				return nil
			}
			return &refusal{why: complaint.WhyNotClosed, notice: "refused-uphold", data: templates.NoticeRefused{Line: cmd.Line}}
		},
		do: func(r *commandRun, cmd Command) (done, error) {
			s := r.c.Satisfaction
			now := r.now
			s.Upheld, s.UpheldBy, s.Reason = &now, r.who, cmd.Arg
			return done{}, nil
		}},
	{name: "wacht-op-klant", rows: "open", label: "Wacht op cliënt", help: "wachten op informatie van de cliënt", arg: anyArg,
		do: func(r *commandRun, cmd Command) (done, error) { return done{change: r.c.Wait()}, nil }},
	{name: "toestemming", usage: "ja|nee", help: "toestemming van de cliënt voor extern advies", arg: yesOrNo,
		do: func(r *commandRun, cmd Command) (done, error) {
			r.c.Consent = &complaint.Consent{Given: cmd.Arg == "ja", At: r.now, By: r.who, Evidence: r.consentEvidence()}
			return done{}, nil
		}},
	{name: "extern", usage: "<instantie>[: <stukken>]", help: "stukken gedeeld met een externe deskundige", arg: someArg,
		refuses: func(r *commandRun, cmd Command) *refusal {
			if r.c.Consent != nil && r.c.Consent.Given {
				return nil
			}
			return &refusal{why: complaint.WhyNoConsent, notice: "refused-extern", data: templates.NoticeRefused{Line: cmd.Line}}
		},
		do: func(r *commandRun, cmd Command) (done, error) {
			r.c.External = append(r.c.External, external(cmd.Arg, r.who, r.now))
			return done{}, nil
		}},
	{name: "geheimhouding", usage: "[instantie]", help: "met de ondertekende geheimhoudingsverklaring als bijlage", arg: anyArg,
		do: (*commandRun).confidentiality},
	{name: "categorie", usage: "<naam>", help: "categorie voor de evaluatie", arg: someArg,
		do: func(r *commandRun, cmd Command) (done, error) {
			category := strings.ToLower(cmd.Arg) // one category however it is typed
			if category == r.c.Category {
				return done{}, nil
			}
			r.c.Category, r.queued = category, true
			return done{}, r.pointToMeasures()
		}},
	{name: "maatregel", usage: "<tekst>", help: "maatregel tegen herhaling", arg: someArg,
		do: func(r *commandRun, cmd Command) (done, error) { r.c.AddMeasure(cmd.Arg, r.now); return done{}, nil }},
	{name: "geen-klacht", rows: "triage", label: "Geen klacht", help: "geen klacht: afsluiten, buiten de statistiek", arg: anyArg,
		do: func(r *commandRun, cmd Command) (done, error) {
			if r.c.State == complaint.StateTriage {
				if err := r.k.Event(r.tx, r.c.ID, complaint.Event{Kind: complaint.EvCommand, Actor: r.who, MessageID: r.m.MessageID, Detail: cmd.Line}); err != nil {
					return done{}, err
				}
				// Erased: nothing after it applies to this mail.
				return done{stop: true}, r.dismiss()
			}
			if !r.c.NotComplaint {
				if err := r.k.Learner.Learn(r.tx, r.c, false, "#geen-klacht", r.k.Log); err != nil {
					return done{}, err
				}
			}
			return done{change: r.c.Dismiss(r.now)}, nil
		}},
	{name: "nieuwe-termijn", rows: "open", label: "Nieuwe termijn", usage: "<datum> <reden>", help: "nieuwe streefdatum (2026-12-20 of 20-12-2026); de cliënt krijgt bericht",
		arg: func(arg string) (string, bool) { _, _, ok := newTerm(arg, time.UTC); return arg, ok },
		refuses: func(r *commandRun, cmd Command) *refusal {
			if target, _, _ := newTerm(cmd.Arg, r.k.Cfg.Location); r.k.Cal.Promise(target).After(r.now) {
				return nil
			}
			return &refusal{why: complaint.WhyDatePassed, notice: "refused-term", data: templates.NoticeRefused{Line: cmd.Line}}
		},
		do: func(r *commandRun, cmd Command) (done, error) {
			target, reason, _ := newTerm(cmd.Arg, r.k.Cfg.Location)
			r.c.TargetAt = r.k.Cal.Promise(target).UTC() // a Saturday becomes the Friday before
			r.queued = true
			return done{}, r.tellClientNewTerm(reason)
		}},
	{name: "nieuwe-klacht", usage: "telefoon|gesprek|brief [naam] [<adres>]", help: "een klacht die niet per mail kwam (mail zonder klachtnummer)",
		arg: func(arg string) (string, bool) { _, _, ok := newComplaint(arg); return arg, ok },
		// It registers a new case, so it belongs in a mail without a case
		// number; in a case's mail it is refused.
		alone: newComplaintByDirector,
		refuses: func(r *commandRun, cmd Command) *refusal {
			return &refusal{why: complaint.WhyNoCaseNumber, notice: "refused-new-complaint", data: templates.NoticeRefused{Line: cmd.Line}}
		}},
	{name: "overzicht", rows: "overview", label: "Overzicht", help: "uw open klachten op een rij (mail zonder klachtnummer)", arg: anyArg},
}

// commandNamed is the entry of a command; nil for a word that is none.
func commandNamed(name string) *commandSpec {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// DigestActions are the one-click commands the digest offers, in the
// table's order: the line as typed, with a space where an argument follows.
func DigestActions() templates.DigestActions {
	var a templates.DigestActions
	for _, s := range commands {
		line := "#" + s.name
		if strings.HasPrefix(s.usage, "<") {
			line += " "
		}
		act := templates.Action{Label: s.label, Line: line}
		switch s.rows {
		case "triage":
			a.Triage = append(a.Triage, act)
		case "open":
			a.Open = append(a.Open, act)
		case "closed":
			a.Closed = append(a.Closed, act)
		case "overview":
			a.Overview = act
		}
	}
	return a
}

// Help is every command as the help a director gets lists it, in the
// table's order.
func Help() []templates.CommandHelp {
	var help []templates.CommandHelp
	for _, s := range commands {
		help = append(help, templates.CommandHelp{Line: strings.TrimSpace("#" + s.name + " " + s.usage), Help: s.help})
	}
	return help
}

// newTerm reads "<date> <reason>" of #nieuwe-termijn.
func newTerm(arg string, loc *time.Location) (time.Time, string, bool) {
	date, reason, _ := strings.Cut(arg, " ")
	reason = strings.TrimSpace(reason)
	for _, layout := range []string{"2006-01-02", "02-01-2006", "2-1-2006"} {
		if d, err := time.ParseInLocation(layout, date, loc); err == nil && reason != "" {
			// The end of that working day.
			return d.Add(17 * time.Hour), reason, true
		}
	}
	return time.Time{}, "", false
}

// Parse reads the command lines of a mail. A line that starts with
// "#" but is not a valid command is returned in bad.
func Parse(text string) (cmds []Command, bad []string) {
	for _, line := range strings.Split(recognize.OwnWords(text), "\n") {
		t := strings.TrimSpace(line)
		if !strings.HasPrefix(t, "#") {
			continue
		}
		word, arg, _ := strings.Cut(t[1:], " ")
		word = strings.ToLower(strings.TrimSuffix(word, ":"))
		if spec := commandNamed(word); spec != nil {
			if arg, ok := spec.arg(strings.TrimSpace(arg)); ok {
				cmds = append(cmds, Command{Name: word, Arg: arg, Line: t})
				continue
			}
		}
		bad = append(bad, t)
	}
	return cmds, bad
}

// commandRun is one director's command mail being carried out on a case.
type commandRun struct {
	k      *casework.Clerk
	tx     casework.Tx
	c      *complaint.Case
	who    string // the director it speaks for
	m      *message.Message
	now    time.Time
	queued bool // mail was queued
}

// Apply carries out a director's commands on a case. A mail with any
// line that is not understood changes nothing, and the director is told.
func Apply(k *casework.Clerk, tx casework.Tx, c *complaint.Case, who string, m *message.Message) (queued bool, err error) {
	cmds, bad := Parse(m.Text)
	if len(cmds)+len(bad) == 0 {
		return false, nil
	}
	if len(bad) > 0 {
		if err := k.Event(tx, c.ID, complaint.Event{Kind: complaint.EvCommandRejected, Actor: who, MessageID: m.MessageID, Detail: strings.Join(bad, " | ")}); err != nil {
			return false, err
		}
		return true, k.Notify(tx, c, []string{who}, "not-understood", templates.NoticeNotUnderstood{Bad: bad, Commands: Help()})
	}
	r := &commandRun{k: k, tx: tx, c: c, who: who, m: m, now: k.Clock.Now().UTC()}
	var applied []string
	for _, cmd := range cmds {
		line, stop, err := r.apply(cmd)
		if err != nil {
			return false, err
		}
		if line != "" {
			applied = append(applied, line)
		}
		if stop {
			break
		}
	}
	return r.confirm(applied)
}

// apply carries out one command: the line as confirmed ("" when refused),
// and whether nothing after it applies.
func (r *commandRun) apply(cmd Command) (line string, stop bool, err error) {
	spec := commandNamed(cmd.Name)
	if spec.refuses != nil {
		if ref := spec.refuses(r, cmd); ref != nil {
			return "", false, r.refuse(cmd, ref)
		}
	}
	var d done
	before := r.c.State
	if spec.do != nil {
		if d, err = spec.do(r, cmd); err != nil {
			return "", false, err
		}
	}
	d.before = before
	switch {
	case d.refusal != nil:
		return "", false, r.refuse(cmd, d.refusal)
	case d.stop:
		return cmd.Line, true, nil
	}
	if err := r.k.Event(r.tx, r.c.ID, complaint.Event{Kind: complaint.EvCommand, Actor: r.who, MessageID: r.m.MessageID, Detail: cmd.Line}); err != nil {
		return "", false, err
	}
	if err := r.k.Record(r.tx, r.c, d.change, r.who, r.m.MessageID); err != nil {
		return "", false, err
	}
	line = withNote(cmd.Line, d.note)
	if spec.then != nil {
		note, err := spec.then(r, cmd, d)
		if err != nil {
			return "", false, err
		}
		r.queued = r.queued || note != ""
		line = withNote(line, note)
	}
	return line, false, nil
}

// refuse records a command that was not carried out and tells the director why.
func (r *commandRun) refuse(cmd Command, ref *refusal) error {
	r.queued = true
	if err := r.k.Event(r.tx, r.c.ID, complaint.Event{Kind: complaint.EvCommandRefused, Actor: r.who, MessageID: r.m.MessageID, Detail: complaint.Detail(complaint.DetRefused, "line", cmd.Line, "why", ref.why)}); err != nil {
		return err
	}
	return r.k.Notify(r.tx, r.c, []string{r.who}, ref.notice, ref.data)
}

// withNote is a command line as confirmed, with what followed from it.
func withNote(line, note string) string {
	if note == "" {
		return line
	}
	return line + " (" + note + ")"
}

// confirm tells the director in one line what was done, threaded to their
// command mail (confirm_commands). It says whether mail was queued.
func (r *commandRun) confirm(applied []string) (bool, error) {
	if !r.k.Cfg.ConfirmCommands || len(applied) == 0 {
		return r.queued, nil
	}
	item, _, err := r.k.Mail.NoticeNamed(r.c, outbox.KindConfirmation, []string{r.who}, "confirmation", templates.NoticeConfirmation{Applied: applied}, r.k.Clock.Now())
	if err != nil {
		return false, err
	}
	compose.ThreadUnder(item, r.m.MessageID, r.m.References)
	return true, r.k.Enqueue(r.tx, item, "")
}

// consentEvidence is the client's mail the director answers, when the
// command mail replies to one; else the command mail itself.
func (r *commandRun) consentEvidence() string {
	msgs, err := r.tx.Messages(r.c.ID)
	if err == nil {
		for _, ref := range r.m.InReplyTo {
			for _, x := range msgs {
				if x.MessageID == ref && x.Role == complaint.RoleClient {
					return ref
				}
			}
		}
	}
	return r.m.MessageID
}

// Alone carries out the first of cmds that acts in a director's mail
// without a case number (#nieuwe-klacht); handled is false when none does,
// and the mail is answered with the director's open cases.
func Alone(k *casework.Clerk, in *casework.Mail, cmds []Command) (handled, queued bool, err error) {
	for _, cmd := range cmds {
		if do := commandNamed(cmd.Name).alone; do != nil {
			queued, err = do(k, in, cmd)
			return true, queued, err
		}
	}
	return false, false, nil
}
