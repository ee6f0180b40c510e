package workflow

import (
	"fmt"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

// Directors run the procedure by mail: lines starting with "#" in a mail to
// the bot address or to themselves, with the case token in the subject.

type command struct {
	name, arg, line string
}

// commandHelp is what a director is told when a command is not understood.
var commandHelp = []string{
	"#klacht                     een voorgelegde mail is een klacht: de cliënt krijgt een ontvangstbevestiging",
	"#afgehandeld <oplossing>    klacht afgehandeld; de cliënt krijgt de oplossing en de vraag of hij tevreden is",
	"#afgehandeld-stil <oplossing>  afgehandeld zonder mail aan de cliënt",
	"#heropend                   klacht opnieuw in behandeling, met een nieuwe streefdatum",
	"#betrokkene <naam|adres> [vraag]  een medewerker om een reactie op de klacht vragen",
	"#tevreden ja|nee            het antwoord van de cliënt op de vraag of hij tevreden is",
	"#oplossing-handhaven [toelichting]  de cliënt is niet tevreden, het kantoor blijft bij de oplossing",
	"#wacht-op-klant             wachten op informatie van de cliënt",
	"#toestemming ja|nee         toestemming van de cliënt voor extern advies",
	"#extern <instantie>[: <stukken>]  stukken gedeeld met een externe deskundige",
	"#geheimhouding [instantie]  met de ondertekende geheimhoudingsverklaring als bijlage",
	"#categorie <naam>           categorie voor de evaluatie",
	"#maatregel <tekst>          maatregel tegen herhaling",
	"#geen-klacht                geen klacht: afsluiten, buiten de statistiek",
	"#nieuwe-termijn <datum> <reden>  nieuwe streefdatum (2026-12-20 of 20-12-2026); de cliënt krijgt bericht",
	"#nieuwe-klacht telefoon|gesprek|brief [naam] [<adres>]  een klacht die niet per mail kwam (mail zonder klachtnummer)",
	"#overzicht                  uw open klachten op een rij (mail zonder klachtnummer)",
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

// parseCommands reads the command lines of a mail. A line that starts with
// "#" but is not a valid command is returned in bad.
func parseCommands(text string) (cmds []command, bad []string) {
	for _, line := range strings.Split(recognize.OwnWords(text), "\n") {
		t := strings.TrimSpace(line)
		if !strings.HasPrefix(t, "#") {
			continue
		}
		word, arg, _ := strings.Cut(t[1:], " ")
		word = strings.ToLower(strings.TrimSuffix(word, ":"))
		arg = strings.TrimSpace(arg)
		ok := false
		switch word {
		case "afgehandeld", "extern", "categorie", "maatregel", "afgehandeld-stil", "betrokkene":
			ok = arg != ""
		case "heropend", "wacht-op-klant", "geen-klacht", "klacht", "overzicht", "oplossing-handhaven", "geheimhouding":
			ok = true
		case "tevreden":
			arg = strings.ToLower(arg)
			ok = arg == "ja" || arg == "nee"
		case "nieuwe-klacht":
			_, _, ok = newComplaint(arg)
		case "toestemming":
			arg = strings.ToLower(arg)
			ok = arg == "ja" || arg == "nee"
		case "nieuwe-termijn":
			_, _, ok = newTerm(arg, time.UTC)
		}
		if ok {
			cmds = append(cmds, command{word, arg, t})
		} else {
			bad = append(bad, t)
		}
	}
	return cmds, bad
}

// authority says which director a mail speaks for. A mail found in a
// director's Sent folder is theirs; a mail in an INBOX that claims a
// director's From: counts only when the trusted server's
// Authentication-Results show DKIM or SPF passing for the director's domain.
// A bare From: header proves nothing.
func (c *Config) authority(src Source, m *message.Message) (director, why string) {
	if src.Kind == FolderSent {
		return src.Director, ""
	}
	d := c.director(m.From.Addr)
	if d == nil {
		return "", "not a director"
	}
	if c.AuthServID != "" && c.authenticated(m, message.Domain(d.Address)) {
		return d.Address, ""
	}
	return "", fmt.Sprintf("From: claims %s, but the mail was not found in their Sent folder and %s did not authenticate it", d.Address, orNone(c.AuthServID)) + c.forgedResults(m)
}

func orNone(s string) string {
	if s == "" {
		return "no trusted authserv_id is configured that could have"
	}
	return s
}

// authenticated reports whether the firm's own server (its authserv-id, in
// an Authentication-Results header it added itself: above the Received
// headers of its last TrustedHops hops, RFC 8601 section 5) saw DKIM or SPF
// pass for domain. A look-alike further down came with the message.
func (c *Config) authenticated(m *message.Message, domain string) bool {
	for _, r := range m.AuthResults {
		if r.Pass && strings.EqualFold(r.ServID, c.AuthServID) && r.Domain == domain && r.ReceivedAbove < max(c.TrustedHops, 1) {
			return true
		}
	}
	return false
}

// addressedTo reports whether any of To, Cc or Bcc is one of addrs.
func addressedTo(m *message.Message, addrs ...string) bool {
	for _, list := range [][]message.Address{m.To, m.Cc, m.Bcc} {
		for _, a := range list {
			for _, x := range addrs {
				if x != "" && strings.EqualFold(a.Addr, x) {
					return true
				}
			}
		}
	}
	return false
}

// addressedOutside reports whether a mail goes to anyone outside the firm:
// then a director's mail is a response, not a note to the bot.
func (c *Config) addressedOutside(m *message.Message) bool {
	for _, list := range [][]message.Address{m.To, m.Cc} {
		for _, a := range list {
			if !c.own(a.Addr) {
				return true
			}
		}
	}
	return false
}

// applyCommands carries out a director's commands on a case. A mail with any
// line that is not understood changes nothing, and the director is told.
func (e *Engine) applyCommands(tx Tx, c *complaint.Case, who string, m *message.Message) (queued bool, err error) {
	cmds, bad := parseCommands(m.Text)
	if len(cmds)+len(bad) == 0 {
		return false, nil
	}
	if len(bad) > 0 {
		if err := e.event(tx, c.ID, complaint.EvCommandRejected, who, m.MessageID, strings.Join(bad, " | ")); err != nil {
			return false, err
		}
		what := map[bool]string{true: "deze regel", false: "deze regels"}[len(bad) == 1]
		lines := append([]string{"Uw opdracht is niet uitgevoerd: klachtbot begrijpt " + what + " niet.", "Er is niets gewijzigd.", ""}, bad...)
		lines = append(append(lines, "", "Geldige opdrachten, één per regel, in een mail aan het klachtenadres of aan uzelf, met het klachtnummer in het onderwerp:", ""), commandHelp...)
		return true, e.notify(tx, c, []string{who}, "Opdracht niet begrepen", lines)
	}
	now := e.clock.Now().UTC()
	var applied []string
	for _, cmd := range cmds {
		var change *complaint.Event
		var refused bool
		line, before := cmd.line, c.State // the line as confirmed, with what followed from it
		switch cmd.name {
		case "klacht":
			if c.State == complaint.StateTriage {
				if queued, err = e.accept(tx, c, who, m.MessageID, "#klacht", e.log); err != nil {
					return false, err
				}
			}
		case "nieuwe-klacht":
			if err := e.event(tx, c.ID, complaint.EvCommandRefused, who, m.MessageID, complaint.Detail(complaint.DetRefused, "line", cmd.line, "why", complaint.WhyNoCaseNumber)); err != nil {
				return false, err
			}
			queued = true
			if err := e.notify(tx, c, []string{who}, "Nieuwe klacht niet geregistreerd", []string{
				"Uw opdracht \"" + cmd.line + "\" is niet uitgevoerd: een nieuwe klacht meldt u in een mail zonder klachtnummer in het onderwerp."}); err != nil {
				return false, err
			}
			continue
		case "afgehandeld", "afgehandeld-stil":
			change = c.Close(now, cmd.arg)
		case "heropend":
			if c.NotComplaint { // closed as no complaint: the director now says it is one
				if err := e.learn(tx, c, true, "#heropend", e.log); err != nil {
					return false, err
				}
			}
			var note string
			change, note = e.reopen(c, now)
			line = withNote(cmd.line, note)
		case "betrokkene":
			refused, err = e.consult(tx, c, who, m, cmd)
			queued = true
		case "geheimhouding":
			refused, err = e.confidentiality(tx, c, who, m, cmd, now)
			queued = queued || refused
		case "oplossing-handhaven":
			refused, err = e.uphold(tx, c, who, m, cmd, now)
			queued = queued || refused
		case "tevreden":
			err = e.recordSatisfied(tx, c, who, m, cmd.arg == "ja", now)
		case "wacht-op-klant":
			change = c.Wait()
		case "toestemming":
			c.Consent = &complaint.Consent{Given: cmd.arg == "ja", At: now, By: who, Evidence: e.consentEvidence(tx, c, m)}
		case "extern":
			if c.Consent == nil || !c.Consent.Given {
				if err := e.event(tx, c.ID, complaint.EvCommandRefused, who, m.MessageID, complaint.Detail(complaint.DetRefused, "line", cmd.line, "why", complaint.WhyNoConsent)); err != nil {
					return false, err
				}
				queued = true
				err := e.notify(tx, c, []string{who}, "Extern delen geweigerd", []string{
					"Uw opdracht \"" + cmd.line + "\" is niet uitgevoerd: er is geen toestemming van de cliënt vastgelegd",
					"om stukken met een externe deskundige te delen (klachtenregeling).",
					"",
					"Heeft de cliënt toestemming gegeven, leg dat dan eerst vast met: #toestemming ja",
				})
				if err != nil {
					return false, err
				}
				continue
			}
			c.External = append(c.External, external(cmd.arg, who, now))
		case "categorie":
			category := strings.ToLower(cmd.arg) // one category however it is typed
			if category != c.Category {
				c.Category = category
				err = e.pointToMeasures(tx, c, who)
				queued = true
			}
		case "maatregel":
			c.AddMeasure(cmd.arg, now)
		case "geen-klacht":
			if c.State == complaint.StateTriage {
				if err := e.event(tx, c.ID, complaint.EvCommand, who, m.MessageID, cmd.line); err != nil {
					return false, err
				}
				if err := e.dismiss(tx, c, who, m.MessageID, now); err != nil {
					return false, err
				}
				applied = append(applied, cmd.line)
				// Erased: nothing after it applies to this mail.
				return e.confirm(tx, c, who, m, applied, queued)
			}
			if !c.NotComplaint {
				if err := e.learn(tx, c, false, "#geen-klacht", e.log); err != nil {
					return false, err
				}
			}
			change = c.Dismiss(now)
		case "nieuwe-termijn":
			target, reason, _ := newTerm(cmd.arg, e.cfg.Location)
			target = e.cal.Promise(target) // a Saturday becomes the Friday before
			if !target.After(now) {
				if err := e.event(tx, c.ID, complaint.EvCommandRefused, who, m.MessageID, complaint.Detail(complaint.DetRefused, "line", cmd.line, "why", complaint.WhyDatePassed)); err != nil {
					return false, err
				}
				queued = true
				if err := e.notify(tx, c, []string{who}, "Nieuwe termijn geweigerd", []string{
					"Uw opdracht \"" + cmd.line + "\" is niet uitgevoerd: de datum ligt niet in de toekomst."}); err != nil {
					return false, err
				}
				continue
			}
			c.TargetAt = target.UTC()
			if err := e.tellClientNewTerm(tx, c, reason); err != nil {
				return false, err
			}
			queued = true
		}
		if err != nil {
			return false, err
		}
		if refused {
			continue
		}
		if err := e.event(tx, c.ID, complaint.EvCommand, who, m.MessageID, cmd.line); err != nil {
			return false, err
		}
		if err := e.record(tx, c, change, who, m.MessageID); err != nil {
			return false, err
		}
		// A held mail closed at once was never acknowledged: no closing mail either.
		if cmd.name == "afgehandeld" && change != nil && before != complaint.StateTriage {
			note, err := e.askSatisfaction(tx, c, who, cmd.arg, now)
			if err != nil {
				return false, err
			}
			queued = queued || note != ""
			line = withNote(line, note)
		}
		applied = append(applied, line)
	}
	return e.confirm(tx, c, who, m, applied, queued)
}

// withNote is a command line as confirmed, with what followed from it.
func withNote(line, note string) string {
	if note == "" {
		return line
	}
	return line + " (" + note + ")"
}

// confirm tells the director in one line what was done, threaded to their
// command mail (confirm_commands).
func (e *Engine) confirm(tx Tx, c *complaint.Case, who string, m *message.Message, applied []string, queued bool) (bool, error) {
	if !e.cfg.ConfirmCommands || len(applied) == 0 {
		return queued, nil
	}
	item, err := e.notice(c, "confirmation", []string{who}, "Uitgevoerd", []string{"Uitgevoerd: " + strings.Join(applied, "; ")}, e.clock.Now())
	if err != nil {
		return false, err
	}
	threadUnder(item, m.MessageID, m.References)
	return true, e.enqueue(tx, item, "")
}

// consentEvidence is the client's mail the director answers, when the
// command mail replies to one; else the command mail itself.
func (e *Engine) consentEvidence(tx Tx, c *complaint.Case, m *message.Message) string {
	msgs, err := tx.Messages(c.ID)
	if err == nil {
		for _, ref := range m.InReplyTo {
			for _, x := range msgs {
				if x.MessageID == ref && x.Role == complaint.RoleClient {
					return ref
				}
			}
		}
	}
	return m.MessageID
}

// forgedResults notes, for the record, Authentication-Results that name the
// firm's server but came with the message (below its Received headers).
func (c *Config) forgedResults(m *message.Message) string {
	for _, r := range m.AuthResults {
		if c.AuthServID != "" && strings.EqualFold(r.ServID, c.AuthServID) && r.ReceivedAbove >= max(c.TrustedHops, 1) {
			return "; an Authentication-Results header naming " + c.AuthServID + " came with the message (below the firm's Received headers) and was ignored"
		}
	}
	return ""
}

// refuse records a command that was not carried out and tells the director why.
func (e *Engine) refuse(tx Tx, c *complaint.Case, who string, m *message.Message, cmd command, why, title string, lines ...string) error {
	if err := e.event(tx, c.ID, complaint.EvCommandRefused, who, m.MessageID, complaint.Detail(complaint.DetRefused, "line", cmd.line, "why", why)); err != nil {
		return err
	}
	return e.notify(tx, c, []string{who}, title, append([]string{"Uw opdracht \"" + cmd.line + "\" is niet uitgevoerd: " + complaint.DetailNL(complaint.Detail(complaint.DetRefused, "why", why)) + "."}, lines...))
}
