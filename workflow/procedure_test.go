package workflow

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// staffEngine is a test engine whose firm has Anna de Boer on its staff.
func staffEngine(t *testing.T, s Store) (*Engine, *testClock) {
	t.Helper()
	e, _, clock := newTestEngineOn(t, s)
	e.cfg.Firm.Staff = []templates.Person{{Name: "Anna de Boer", Address: "anna@mcoo.nl"}, {Name: "Annabel Smit", Address: "annabel@mcoo.nl"}}
	return e, clock
}

// lastOf is the last queued mail of a kind, nil when none.
func lastOf(t *testing.T, s Store, kind outbox.Kind, subject string) *outbox.Item {
	t.Helper()
	var found *outbox.Item
	_, pending := snapshot(t, s)
	for _, it := range pending {
		if it.Kind == kind && strings.Contains(it.Mail.Subject, subject) {
			found = it
		}
	}
	return found
}

// goldenMail compares a mail as its reader sees it with testdata/mail/name.golden.
func goldenMail(t *testing.T, name string, it *outbox.Item) {
	t.Helper()
	if it == nil {
		t.Errorf("no mail for %s", name)
		return
	}
	got := render(it)
	path := filepath.Join("testdata", "mail", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\n%s", name, path, got)
	}
}

func TestFindStaff(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Firm.Staff = []templates.Person{{Name: "Anna de Boer", Address: "anna@mcoo.nl"}, {Name: "Annabel Smit", Address: "annabel@mcoo.nl"}}
	for _, tt := range []struct{ arg, who, question string }{
		{"Anna Klopt het dat de aangifte te laat was?", "anna@mcoo.nl", "Klopt het dat de aangifte te laat was?"},
		{"anna de boer: wat is er gebeurd?", "anna@mcoo.nl", "wat is er gebeurd?"},
		{"Annabel", "annabel@mcoo.nl", ""},
		{"annabel@mcoo.nl Hoe zit het?", "annabel@mcoo.nl", "Hoe zit het?"},
		{"<anna@mcoo.nl>", "anna@mcoo.nl", ""},
		{"Annatje wat nu?", "", ""},
		{"piet@mcoo.nl vraag", "", ""},
	} {
		p, q := cfg.FindStaff(tt.arg)
		who := ""
		if p != nil {
			who = p.Address
		}
		if who != tt.who || q != tt.question {
			t.Errorf("findStaff(%q) = %q, %q; want %q, %q", tt.arg, who, q, tt.who, tt.question)
		}
	}
}

// #betrokkene: the staff member gets the client's own words and the
// question, with the case number, from the director; her reply is recorded
// with role staff and quoted to the director; a mail in her name that does
// not answer the question is not her answer. Reminders follow after two
// and four working days.
func TestConsultation(t *testing.T) {
	t.Parallel()
	bothStores(t, func(t *testing.T, _ *Engine, s Store, _ *testClock) {
		e, clock := staffEngine(t, s)
		deliver(t, e, inbox, mail("Piet Pieters <piet@klant.test>", "Andere klacht", "Ik ben ontevreden: de salarisstrook is alweer fout. Geheim detail X."), clock.Now())
		deliver(t, e, inbox, mail("Jan Jansen <jan@klant.test>", "Boete door te late aangifte", "Ik ben zeer ontevreden: mijn aangifte is te laat ingediend en ik heb een boete gekregen.\n\nMet vriendelijke groet,\nJan"), clock.Now())
		const id = "KL-2026-0002"
		deliver(t, e, sent, commandMail(id, "#betrokkene Anna Klopt het dat de aangifte pas op 3 mei is ingediend?"), clock.Now())
		q := lastOf(t, s, outbox.KindConsult, id)
		if q == nil || q.Mail.To[0] != "anna@mcoo.nl" || q.Mail.From != "marco@mcoo.nl" || !strings.Contains(q.Mail.Subject, "["+id+"]") {
			t.Fatalf("question to Anna: %+v", q)
		}
		if !strings.Contains(q.Mail.Text, "> Ik ben zeer ontevreden: mijn aangifte is te laat ingediend") || !strings.Contains(q.Mail.Text, "3 mei") ||
			strings.Contains(q.Mail.Text, "Geheim detail") || strings.Contains(q.Mail.Text, "KL-2026-0001") {
			t.Errorf("question to Anna:\n%s", q.Mail.Text)
		}
		goldenMail(t, "consult", q)

		// Someone writes in Anna's name without answering the question.
		deliver(t, e, inbox, mail("Anna de Boer <anna@mcoo.nl>", "Re: ["+id+"]", "Niks aan de hand."), clock.Now())
		if c, _, _ := loadCase(t, s, id); c.Consultations[0].AnsweredAt != nil {
			t.Errorf("a bare From: answered the consultation: %+v", c.Consultations[0])
		}

		runDue(t, e, "2026-11-26 18:00") // before the end of the second working day
		if lastOf(t, s, outbox.KindConsult, "Herinnering") != nil {
			t.Error("reminder before two working days")
		}
		if got := runDue(t, e, "2026-11-27 00:30"); len(got["consult-reminder"]) != 1 {
			t.Errorf("no reminder to Anna after two working days: %v", got)
		}
		reminder := lastOf(t, s, outbox.KindConsult, "Herinnering")
		if reminder == nil || reminder.Mail.InReplyTo != q.Mail.MessageID {
			t.Errorf("reminder not threaded under the question: %+v", reminder)
		}
		goldenMail(t, "consult-reminder", reminder)
		if got := runDue(t, e, "2026-12-01 00:30"); len(got["consult-late"]) != 1 {
			t.Errorf("director not told after four working days: %v", got)
		}
		goldenMail(t, "notice-consult-late", lastOf(t, s, "reminder", "Nog geen reactie"))

		notes := func() []string {
			var out []string
			s.View(func(tx Tx) error {
				cases, _ := tx.CasesSince(at("2026-12-01 08:00"))
				for _, r := range e.jobs.DigestFor("Marco", cases, at("2026-12-01 08:00"), at("2026-12-01 08:00")).Open.Rows {
					if r.ID == id {
						out = r.Notes
					}
				}
				return nil
			})
			return out
		}
		if got := notes(); len(got) != 1 || got[0] != "wacht op reactie van Anna (gevraagd op 24 november 2026)" {
			t.Errorf("digest notes %q", got)
		}

		clock.t = at("2026-12-01 10:00")
		deliver(t, e, inbox, mail("Anna de Boer <anna@mcoo.nl>", "Re: "+q.Mail.Subject,
			"Ja, dat klopt: de stukken kwamen pas op 2 mei binnen.\n\nAnna\n\nOp 24 november schreef Marco:\n> Klopt het dat", "In-Reply-To: "+q.Mail.MessageID), clock.Now())
		c, kinds, _ := loadCase(t, s, id)
		if c.Consultations[0].AnsweredAt == nil || kinds[len(kinds)-2] != string(complaint.EvStaffResponse) {
			t.Fatalf("Anna's answer not recorded: %+v %v", c.Consultations, kinds)
		}
		var roles []complaint.Role
		s.View(func(tx Tx) error {
			msgs, _ := tx.Messages(id)
			for _, m := range msgs {
				roles = append(roles, m.Role)
			}
			return nil
		})
		if roles[len(roles)-1] != complaint.RoleStaff || roles[len(roles)-2] != complaint.RoleOther {
			t.Errorf("roles %v", roles)
		}
		n := lastOf(t, s, "notice", "Reactie van Anna")
		if n == nil || n.Mail.To[0] != "marco@mcoo.nl" || n.Mail.InReplyTo == "" || !strings.Contains(n.Mail.Text, "> Ja, dat klopt") || strings.Contains(n.Mail.Text, "> Klopt het dat") {
			t.Fatalf("notice of Anna's answer: %+v", n)
		}
		goldenMail(t, "notice-staff-answer", n)
		if got := notes(); len(got) != 0 {
			t.Errorf("digest notes after the answer %q", got)
		}
		if got := runDue(t, e, "2026-12-02 00:30"); len(got["consult-reminder"])+len(got["consult-late"]) != 0 {
			t.Errorf("reminders after the answer: %v", got)
		}

		// Someone not on the staff.
		deliver(t, e, sent, commandMail(id, "#betrokkene Piet wat is er gebeurd?"), clock.Now())
		if c, kinds, _ := loadCase(t, s, id); len(c.Consultations) != 1 || !strings.Contains(strings.Join(kinds, " "), string(complaint.EvCommandRefused)) {
			t.Errorf("unknown staff member consulted: %+v", c.Consultations)
		}
		if n := lastOf(t, s, "notice", "Medewerker niet gevonden"); n == nil || !strings.Contains(n.Mail.Text, "Anna de Boer <anna@mcoo.nl>") {
			t.Errorf("refusal: %+v", n)
		}
	})
}

// #afgehandeld asks the client whether they are satisfied; a "nee" reaches
// the director at once and stays under "Aandacht nodig" until a director
// re-opens or stands by the solution; "ja" does not re-open the case.
func TestClosingQuestion(t *testing.T) {
	t.Parallel()
	bothStores(t, func(t *testing.T, e *Engine, s Store, clock *testClock) {
		deliver(t, e, inbox, mail("Jan Jansen <jan@klant.test>", "Boete", "Ik ben zeer ontevreden: mijn aangifte is te laat ingediend en ik heb een boete gekregen."), clock.Now())
		const id = "KL-2026-0001"
		deliver(t, e, sent, commandMail(id, "#afgehandeld Wij hebben de boete van 68 euro vergoed."), clock.Now())
		closing := lastOf(t, s, outbox.KindClosing, id)
		if closing == nil || closing.Mail.To[0] != "jan@klant.test" || closing.Mail.From != "marco@mcoo.nl" || closing.Mail.InReplyTo == "" ||
			!strings.Contains(closing.Mail.Text, "Wij hebben de boete van 68 euro vergoed.") || !strings.Contains(closing.Mail.Text, "tevreden") {
			t.Fatalf("closing mail: %+v", closing)
		}
		if c, _, _ := loadCase(t, s, id); c.Satisfied() != nil || !c.AwaitsSatisfaction() {
			t.Fatalf("satisfaction %+v", c.Satisfaction)
		}
		// A forged "ja" records nothing.
		deliver(t, e, inbox, mail("Jan Jansen <jan@klant.test>", "Re: ["+id+"]", "Ja, tevreden."), clock.Now())
		if c, _, _ := loadCase(t, s, id); c.Satisfied() != nil || c.State != complaint.StateClosed {
			t.Fatalf("forged answer recorded: %+v", c.Satisfaction)
		}
		deliver(t, e, inbox, mail("Jan Jansen <jan@klant.test>", "Re: "+closing.Mail.Subject, "Nee, ik ben niet tevreden. Het duurde veel te lang.\n\n> Wilt u antwoorden met ja of nee?",
			"In-Reply-To: "+closing.Mail.MessageID), clock.Now())
		c, _, _ := loadCase(t, s, id)
		if c.Satisfied() == nil || *c.Satisfied() || c.State != complaint.StateClosed || c.Satisfaction.Evidence == "" {
			t.Fatalf("after nee: %s %+v", c.State, c.Satisfaction)
		}
		n := lastOf(t, s, "notice", "Cliënt niet tevreden")
		if n == nil || n.Mail.InReplyTo == "" || !strings.Contains(n.Mail.Text, "> Nee, ik ben niet tevreden. Het duurde veel te lang.") {
			t.Fatalf("notice of nee: %+v", n)
		}
		goldenMail(t, "notice-dissatisfied", n)

		attention := func(when string) []string {
			var titles []string
			s.View(func(tx Tx) error {
				cases, _ := tx.CasesSince(at(when).AddDate(0, 0, -7))
				for _, a := range e.jobs.DigestFor("Marco", cases, at(when), at(when)).Attention {
					titles = append(titles, a.Case+" "+a.Title)
				}
				return nil
			})
			return titles
		}
		// Still there a month later, when the case is long out of the "recently closed".
		if got := attention("2027-01-04 08:00"); len(got) != 1 || !strings.Contains(got[0], "niet tevreden") {
			t.Errorf("Aandacht nodig: %q", got)
		}
		deliver(t, e, sent, commandMail(id, "#oplossing-handhaven Wij hebben gedaan wat redelijk is."), clock.Now())
		if got := attention("2027-01-04 08:00"); len(got) != 0 {
			t.Errorf("after #oplossing-handhaven: %q", got)
		}
		if c, _, _ := loadCase(t, s, id); c.Satisfaction.Upheld == nil || c.Satisfaction.Reason != "Wij hebben gedaan wat redelijk is." {
			t.Errorf("upheld: %+v", c.Satisfaction)
		}
	})
}

// A "ja" is recorded and the case stays closed; #heropend after a "nee"
// gives a new target; no answer in ten working days is recorded as none;
// #afgehandeld-stil sends no closing mail.
func TestClosingAnswers(t *testing.T) {
	t.Parallel()
	bothStores(t, func(t *testing.T, e *Engine, s Store, clock *testClock) {
		for _, c := range []string{"jan@klant.test", "piet@klant.test", "kees@klant.test"} {
			deliver(t, e, inbox, mail(c, "Boete", "Ik ben zeer ontevreden: mijn aangifte is te laat ingediend en ik heb een boete gekregen."), clock.Now())
		}
		for _, id := range []string{"KL-2026-0001", "KL-2026-0002"} {
			deliver(t, e, sent, commandMail(id, "#afgehandeld Boete vergoed."), clock.Now())
		}
		deliver(t, e, sent, commandMail("KL-2026-0003", "#afgehandeld-stil Telefonisch opgelost."), clock.Now())
		closing := lastOf(t, s, outbox.KindClosing, "KL-2026-0001")
		deliver(t, e, inbox, mail("jan@klant.test", "Re: "+closing.Mail.Subject, "Ja, prima geregeld!", "In-Reply-To: "+closing.Mail.MessageID), clock.Now())
		if c, _, _ := loadCase(t, s, "KL-2026-0001"); c.Satisfied() == nil || !*c.Satisfied() || c.State != complaint.StateClosed {
			t.Errorf("after ja: %s %+v", c.State, c.Satisfaction)
		}
		if c, _, _ := loadCase(t, s, "KL-2026-0003"); c.Satisfaction != nil || lastOf(t, s, outbox.KindClosing, "KL-2026-0003") != nil || c.State != complaint.StateClosed {
			t.Errorf("#afgehandeld-stil asked the client: %+v", c.Satisfaction)
		}
		// Ten working days from Tuesday 24 November: the end of Tuesday 8 December.
		runDue(t, e, "2026-12-08 12:00")
		if c, _, _ := loadCase(t, s, "KL-2026-0002"); c.Satisfaction.NoAnswer {
			t.Error("no answer recorded before ten working days")
		}
		runDue(t, e, "2026-12-09 00:30")
		c, kinds, _ := loadCase(t, s, "KL-2026-0002")
		if !c.Satisfaction.NoAnswer || c.Satisfied() != nil || kinds[len(kinds)-1] != string(complaint.EvSatisfaction) {
			t.Errorf("no answer not recorded: %+v %v", c.Satisfaction, kinds)
		}
		// #tevreden nee by a director, then #heropend: a new target.
		clock.t = at("2026-12-09 10:00")
		deliver(t, e, sent, commandMail("KL-2026-0002", "#tevreden nee"), clock.Now())
		deliver(t, e, sent, commandMail("KL-2026-0002", "#heropend"), clock.Now())
		c, _, _ = loadCase(t, s, "KL-2026-0002")
		if c.State != complaint.StateOpen || c.Satisfaction.ReopenedAt == nil || c.Dissatisfied() || !c.TargetAt.After(at("2026-12-22 00:00")) {
			t.Errorf("after #heropend: %s target %s %+v", c.State, c.TargetAt, c.Satisfaction)
		}
		if n := lastOf(t, s, "confirmation", "KL-2026-0002"); n == nil || !strings.Contains(n.Mail.Text, "#heropend (nieuwe streefdatum") {
			t.Errorf("confirmation of #heropend: %+v", n)
		}
	})
}

// An English client gets the closing mail in English with the Dutch below.
func TestClosingEnglish(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	deliver(t, e, inbox, mail("John Smith <john@client.test>", "Complaint about my tax return", "I am very unhappy: my tax return was filed late and I was fined. This is unacceptable."), clock.Now())
	deliver(t, e, sent, commandMail("KL-2026-0001", "#afgehandeld Wij hebben de boete vergoed en onze planning aangepast."), clock.Now())
	closing := lastOf(t, s, outbox.KindClosing, "KL-2026-0001")
	if closing == nil || !strings.Contains(closing.Mail.Text, "Please reply to this email with \"yes\" or \"no\"") || !strings.Contains(closing.Mail.Text, "Wilt u op deze e-mail antwoorden") {
		t.Fatalf("English closing mail: %+v", closing)
	}
	goldenMail(t, "closing-en", closing)
	deliver(t, e, inbox, mail("John Smith <john@client.test>", "Re: "+closing.Mail.Subject, "No, I am not satisfied.", "In-Reply-To: "+closing.Mail.MessageID), clock.Now())
	if c, _, _ := loadCase(t, s, "KL-2026-0001"); c.Satisfied() == nil || *c.Satisfied() {
		t.Errorf("English no: %+v", c.Satisfaction)
	}
}

// #extern records what was shared; #geheimhouding keeps the signed statement
// attached to the director's mail; without it after five working days the
// case is under "Aandacht nodig".
func TestConfidentialityStatement(t *testing.T) {
	t.Parallel()
	bothStores(t, func(t *testing.T, e *Engine, s Store, clock *testClock) {
		deliver(t, e, inbox, mail("jan@klant.test", "Boete", "Ik ben zeer ontevreden: mijn aangifte is te laat ingediend en ik heb een boete gekregen."), clock.Now())
		const id = "KL-2026-0001"
		deliver(t, e, sent, commandMail(id, "#toestemming ja\n#extern NBA klachtencommissie: de aangifte 2025 en onze brief"), clock.Now())
		c, _, _ := loadCase(t, s, id)
		if len(c.External) != 1 || c.External[0].Party != "NBA klachtencommissie" || c.External[0].Shared != "de aangifte 2025 en onze brief" {
			t.Fatalf("external %+v", c.External)
		}
		attention := func(when string) int {
			n := 0
			s.View(func(tx Tx) error {
				cases, _ := tx.CasesSince(at(when))
				n = len(e.jobs.DigestFor("Marco", cases, at(when), at(when)).Attention)
				return nil
			})
			return n
		}
		if n := attention("2026-12-01 08:00"); n != 0 {
			t.Errorf("attention before five working days: %d", n)
		}
		if n := attention("2026-12-02 08:00"); n != 1 {
			t.Errorf("no attention after five working days: %d", n)
		}
		deliver(t, e, sent, commandMail(id, "#geheimhouding"), clock.Now())
		if c, _, _ := loadCase(t, s, id); c.External[0].Confidentiality != nil {
			t.Error("statement recorded without an attachment")
		}
		statement := "%PDF-1.4 getekend door de NBA\n"
		raw := "From: Marco <marco@mcoo.nl>\nTo: klachten@mcoo.nl\nSubject: [" + id + "] verklaring\nMessage-ID: <stmt-1@mcoo.nl>\nMIME-Version: 1.0\n" +
			"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n#geheimhouding NBA\n--b\nContent-Type: application/pdf\n" +
			"Content-Disposition: attachment; filename=\"verklaring-nba.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQgZ2V0ZWtlbmQgZG9vciBkZSBOQkEK\n--b--\n"
		deliver(t, e, sent, raw, clock.Now())
		c, _, _ = loadCase(t, s, id)
		sum := sha256.Sum256([]byte(statement))
		conf := c.External[0].Confidentiality
		if conf == nil || conf.File != "verklaring-nba.pdf" || conf.Evidence != "<stmt-1@mcoo.nl>" || conf.SHA256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("statement: %+v", conf)
		}
		if n := attention("2026-12-02 08:00"); n != 0 {
			t.Errorf("attention after the statement: %d", n)
		}
	})
}

// A second complaint given the category of a measure points the director
// to it: which measure, since when, complaints before and since.
func TestMeasurePointedOut(t *testing.T) {
	t.Parallel()
	bothStores(t, func(t *testing.T, e *Engine, s Store, clock *testClock) {
		deliver(t, e, inbox, mail("jan@klant.test", "Factuur", "Ik ben zeer ontevreden: de factuur is dubbel gefactureerd, ik wil dat terugbetaald."), clock.Now())
		deliver(t, e, sent, commandMail("KL-2026-0001", "#categorie Facturen\n#maatregel Facturen worden voortaan door twee mensen gecontroleerd."), clock.Now())
		if n := lastOf(t, s, "notice", "Eerdere maatregel"); n != nil {
			t.Errorf("a measure pointed out before there was one: %s", n.Mail.Text)
		}
		clock.t = at("2026-12-10 10:00")
		deliver(t, e, inbox, mail("piet@klant.test", "Factuur", "Ik ben zeer ontevreden: alweer dubbel gefactureerd, ik wil dat terugbetaald."), clock.Now())
		deliver(t, e, sent, commandMail("KL-2026-0002", "#categorie facturen"), clock.Now())
		n := lastOf(t, s, "notice", "Eerdere maatregel")
		if n == nil || n.CaseID != "KL-2026-0002" || n.Mail.InReplyTo == "" ||
			!strings.Contains(n.Mail.Text, "Facturen worden voortaan door twee mensen gecontroleerd.") || !strings.Contains(n.Mail.Text, "24 november 2026") ||
			!strings.Contains(n.Mail.Text, "1 vóór de maatregel, 1 sindsdien") {
			t.Fatalf("measure notice: %+v", n)
		}
		goldenMail(t, "notice-measure", n)
	})
}
