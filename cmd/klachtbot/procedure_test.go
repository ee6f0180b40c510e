package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/workflow/dossier"
)

// TestE2EProcedure is the procedure past the receipt over real mail: a staff
// member is consulted and her reply lands on the case; the client is asked
// on closing whether the complaint was handled to their satisfaction and
// says no; a second complaint in a category with a measure points the
// director to it; the evaluation shows satisfaction and recurrence.
func TestE2EProcedure(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		if users := st.env["MAILSTACK_USERS"]; st.env != nil && !strings.Contains(" "+users+" ", " "+staffAddress+" ") {
			t.Fatalf("the Dovecot stack has no user %s (MAILSTACK_USERS=%q): start it with her among MAILSTACK_USERS, as .ci/run does", staffAddress, users)
		}
		b := startBot(t, st.config(t, t.TempDir(), "[[firm.staff]]\nname = \"Anna de Boer\"\naddress = \""+staffAddress+"\"\n"))
		id, _, _ := openCase(t, st, b, "jan@klant.test", "marco@mcoo.nl")
		other, _, _ := openCase(t, st, b, "kees@klant.test", "marco@mcoo.nl")
		command := func(caseID, body string) {
			raw, _ := compose("Marco <marco@mcoo.nl>", "klachten@mcoo.nl", "["+caseID+"] opdracht", body)
			st.appendTo(t, "marco@mcoo.nl", "Sent", raw)
		}
		inMarco := func(subject string) *parsedMail {
			t.Helper()
			l := st.waitFor(t, "marco@mcoo.nl", "INBOX", hangGuard, subject, func(l []*parsedMail) bool { return len(mailsWith(l, subject)) > 0 })
			return mailsWith(l, subject)[0]
		}

		// #betrokkene Anna: she gets the client's words with the case number.
		command(id, "#betrokkene Anna Klopt het dat de aangifte te laat is ingediend?")
		l := st.waitFor(t, staffAddress, "INBOX", hangGuard, "question to Anna", func(l []*parsedMail) bool { return len(mailsWith(l, id)) > 0 })
		q := mailsWith(l, id)[0]
		if !strings.Contains(q.get("From"), "marco@mcoo.nl") || !strings.Contains(q.body, "> Ik ben ontevreden: jullie hebben mijn aangifte te laat ingediend") ||
			!strings.Contains(q.body, "Klopt het dat de aangifte te laat is ingediend?") || strings.Contains(q.body, other) {
			t.Errorf("question to Anna (from %s):\n%s", q.get("From"), q.body)
		}
		subject, _ := q.header.Subject()
		raw, replyID := compose("Anna de Boer <"+staffAddress+">", "marco@mcoo.nl", "Re: "+subject,
			"Ja, de stukken kwamen pas op 2 mei binnen.", "In-Reply-To: "+q.get("Message-Id"), "References: "+q.get("Message-Id"))
		st.send(t, staffAddress, []string{"marco@mcoo.nl"}, raw)
		waitCase(t, b, id, func(d dossier.Detail) bool {
			for _, m := range d.Messages {
				if m.MessageID == replyID {
					return m.Role == "staff"
				}
			}
			return false
		})
		if n := inMarco("Reactie van Anna"); !strings.Contains(n.body, "> Ja, de stukken kwamen pas op 2 mei binnen.") || n.get("In-Reply-To") == "" {
			t.Errorf("Anna's answer to Marco:\n%s", n.body)
		}
		if d := b.show(id); len(d.Consultations) != 1 || d.Consultations[0].AnsweredAt == nil {
			t.Errorf("consultation %+v", d.Consultations)
		}

		// #afgehandeld: the client gets the solution and the question, threaded.
		command(id, "#categorie termijnen\n#maatregel Aangiftes een week eerder klaarzetten\n#afgehandeld Wij hebben de boete van 68 euro vergoed.")
		l = st.waitFor(t, catchall, "INBOX", hangGuard, "closing mail", func(l []*parsedMail) bool { return len(mailsWith(l, "afgehandeld ["+id)) > 0 })
		closing := mailsWith(l, "afgehandeld ["+id)[0]
		if closing.get("In-Reply-To") == "" || !strings.Contains(closing.body, "Wij hebben de boete van 68 euro vergoed.") ||
			!strings.Contains(closing.body, "tevreden bent over de manier waarop wij uw") || !strings.Contains(closing.get("From"), "marco@mcoo.nl") {
			t.Errorf("closing mail (In-Reply-To %q):\n%s", closing.get("In-Reply-To"), closing.body)
		}
		if d := b.show(id); d.State != "closed" || d.Satisfied != nil {
			t.Fatalf("after #afgehandeld: %s satisfied %v", d.State, d.Satisfied)
		}
		closingSubject, _ := closing.header.Subject()
		raw, _ = compose("jan@klant.test", "marco@mcoo.nl", "Re: "+closingSubject, "Nee, ik ben niet tevreden.",
			"In-Reply-To: "+closing.get("Message-Id"), "References: "+closing.get("Message-Id"))
		st.send(t, "jan@klant.test", []string{"marco@mcoo.nl"}, raw)
		waitCase(t, b, id, func(d dossier.Detail) bool { return d.Satisfied != nil })
		if d := b.show(id); *d.Satisfied || d.State != "closed" {
			t.Errorf("after nee: satisfied %v, state %s", *d.Satisfied, d.State)
		}
		if n := inMarco("Cliënt niet tevreden"); !strings.Contains(n.body, "> Nee, ik ben niet tevreden.") || n.get("In-Reply-To") == "" {
			t.Errorf("nee to Marco:\n%s", n.body)
		}

		// The case file holds Anna's answer and the client's.
		file := filepath.Join(t.TempDir(), "dossier")
		b.cli("export", id, file)
		timeline, _ := os.ReadFile(filepath.Join(file, "timeline.html"))
		for _, want := range []string{"Betrokkene", "Anna de Boer &lt;anna@mcoo.nl&gt;", "Tevreden", "nee, niet tevreden", "medewerker"} {
			if !strings.Contains(string(timeline), want) {
				t.Errorf("timeline.html lacks %q", want)
			}
		}
		if staff, _ := filepath.Glob(filepath.Join(file, "messages", "*-staff.eml")); len(staff) != 1 {
			t.Errorf("the case file has %d mails of a staff member, want 1", len(staff))
		}

		// A new complaint in the same category: Marco is pointed to the measure.
		second, _, _ := openCase(t, st, b, "sanne@klant.test", "marco@mcoo.nl")
		command(second, "#categorie Termijnen")
		if n := inMarco("Eerdere maatregel in de categorie"); !strings.Contains(n.body, "Aangiftes een week eerder klaarzetten") || !strings.Contains(n.body, "1 vóór de maatregel, 1 sindsdien") {
			t.Errorf("measure notice (%d):\n%q", len(n.body), n.body)
		}

		// Two complaints about reachability and no measure: herhaling.
		for _, client := range []string{"eva@klant.test", "piet@klant.test"} {
			c, _, _ := openCase(t, st, b, client, "hans@mcoo.nl")
			command(c, "#categorie bereikbaarheid")
			waitCase(t, b, c, func(d dossier.Detail) bool {
				return len(d.Events) > 0 && strings.Contains(eventDetails(d), "#categorie")
			})
		}
		// The year the cases were received in (the mail servers' clock, not the bot's pinned one).
		ams, _ := time.LoadLocation("Europe/Amsterdam")
		year := strconv.Itoa(b.cases()[0].ReceivedAt.In(ams).Year())
		out := t.TempDir()
		b.cli("report", "--from", year+"-01-01", "--to", year+"-12-31", "--out", out)
		page, err := os.ReadFile(filepath.Join(out, "report.html"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Tevredenheid over de afhandeling", "0 tevreden, 1 niet tevreden", "herhaling: bereikbaarheid",
			"Werken de maatregelen?", "Medewerkers om hun kant van de zaak gevraagd (#betrokkene): 1, waarvan 1 met een reactie"} {
			if !strings.Contains(string(page), want) {
				t.Errorf("report.html lacks %q", want)
			}
		}
		csv, _ := os.ReadFile(filepath.Join(out, "cases.csv"))
		if !strings.Contains(string(csv), ";tevreden;betrokkenen_gevraagd;") || !strings.Contains(string(csv), ";nee;1;1;0;0") {
			t.Errorf("cases.csv:\n%s", csv)
		}
	})
}

// eventDetails joins the details of a case's events.
func eventDetails(d dossier.Detail) string {
	var s []string
	for _, e := range d.Events {
		s = append(s, e.Detail.String())
	}
	return strings.Join(s, "\n")
}
