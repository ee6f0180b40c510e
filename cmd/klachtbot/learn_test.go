package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/workflow/dossier"
)

// TestE2ELearnsFromDirectors: three issues of a newsletter about complaint
// handling, each answered #geen-klacht; the organisation's next two issues
// reach nobody. A client whose doubtful mail got #geen-klacht is
// acknowledged when she then complains plainly. recognition shows what
// was learned; recognition reset forgets it.
func TestE2ELearnsFromDirectors(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		b := startBot(t, st.config(t, t.TempDir(), ""))
		issue := func(n [3]string) []byte {
			raw, _ := compose("KlachtWijzer <nieuws@klachtwijzer.test>", "marco@mcoo.nl", "KlachtWijzer nieuwsbrief "+n[0]+": "+n[1],
				"Beste lezer,\n\n"+n[2]+"\n\nWilt u deze nieuwsbrief niet meer ontvangen? Meld u af via onze website.\n\nHet team van KlachtWijzer\n")
			return raw
		}
		dismiss := func(n int, subject string) {
			t.Helper()
			l := st.waitFor(t, "marco@mcoo.nl", "INBOX", hangGuard, "question "+fmt.Sprint(n), func(l []*parsedMail) bool {
				return len(mailsWith(l, "Klacht of niet?")) == n
			})
			q := mailsWith(mailsWith(l, "Klacht of niet?"), subject)[0]
			c := caseWith(t, b, subject)
			answer, _ := compose("Marco <marco@mcoo.nl>", "klachten@mcoo.nl", "Re: "+q.get("Subject"), "#geen-klacht",
				"In-Reply-To: "+q.get("Message-Id"))
			st.appendTo(t, "marco@mcoo.nl", "Sent", answer)
			waitCase(t, b, c.ID, func(d dossier.Detail) bool { return d.State == "closed" })
		}
		issues := [][3]string{
			{"november", "klachten goed afhandelen", "In deze nieuwsbrief: vijf tips om klachten van klanten goed af te handelen. Een ontevreden klant die snel antwoord krijgt, blijft vaak klant. Lees ook ons artikel over de nieuwe klachtenregeling voor administratiekantoren en onze training Klachten als kans op 12 december."},
			{"december", "de klacht als kans", "Deze maand: waarom een klacht een cadeau is. Klanten die klagen geven u de kans om het goed te maken; wie ontevreden zwijgt, vertrekt. Plus: de vijf fouten die kantoren maken bij het afhandelen van klachten."},
			{"februari", "klachten meten", "Hoeveel klachten krijgt uw kantoor per jaar, en hoe snel handelt u ze af? In deze nieuwsbrief een eenvoudig dashboard voor klachten en ontevreden klanten, en een interview met een kantoor dat zijn klachten halveerde."},
			{"april", "klachten voorkomen", "Voorkomen is beter dan klachten afhandelen. In deze nieuwsbrief: hoe u ontevreden klanten herkent voordat ze een klacht indienen, en een checklist voor uw klachtenregeling."},
			{"juni", "een klacht over uw eigen kantoor", "Wat doet u als een klant een klacht indient over uw eigen kantoor? Vijf stappen voor een goede afhandeling, en waarom een ontevreden klant vaak uw trouwste klant wordt."},
		}
		for i, n := range issues[:3] {
			st.send(t, "nieuws@klachtwijzer.test", []string{"marco@mcoo.nl"}, issue(n))
			dismiss(i+1, "nieuwsbrief "+n[0])
		}
		for _, n := range issues[3:] {
			st.send(t, "nieuws@klachtwijzer.test", []string{"marco@mcoo.nl"}, issue(n))
		}

		// Sanne's question is held and dismissed; then she complains plainly.
		doubtful, _ := compose("Sanne <sanne@klant.test>", "marco@mcoo.nl", "Concept-aangifte",
			"Beste Marco,\n\nIk had de concept-aangifte vorige week verwacht, maar ik heb nog niets gezien. Het is inmiddels al eind mei. Kun je laten weten wanneer hij komt?\n\nGroet,\nSanne\n")
		st.send(t, "sanne@klant.test", []string{"marco@mcoo.nl"}, doubtful)
		dismiss(4, "Concept-aangifte")
		raw, id := compose("Sanne <sanne@klant.test>", "marco@mcoo.nl", "Boete door te late aangifte",
			"Beste Marco,\n\nIk ben ontevreden: jullie hebben mijn aangifte te laat ingediend en nu heb ik een boete van de Belastingdienst gekregen. Ik wil dat jullie die vergoeden.\n\nGroet,\nSanne\n")
		st.send(t, "sanne@klant.test", []string{"marco@mcoo.nl"}, raw)
		got := st.waitFor(t, catchall, "INBOX", hangGuard, "Sanne's acknowledgement", hasAck(id))

		// By now the bot has read the two later issues: nobody heard of them.
		if len(got) != 1 {
			for _, g := range got {
				t.Errorf("mail to an outsider: To %s, Subject %s", g.get("To"), g.get("Subject"))
			}
		}
		for _, c := range b.cases() {
			if strings.Contains(c.Subject, "april") || strings.Contains(c.Subject, "juni") {
				t.Errorf("a later issue reached someone: %+v", c)
			}
		}
		questions := 0
		for _, raw := range st.messages(t, "marco@mcoo.nl", "INBOX") {
			if strings.Contains(parseMail(t, raw).get("Subject"), "Klacht of niet?") {
				questions++
			}
		}
		if questions != 4 {
			t.Errorf("%d questions to the director, want 4", questions)
		}

		out := string(b.cli("recognition"))
		if !strings.Contains(out, "4 examples (0 complaint, 4 no complaint): #geen-klacht 4") {
			t.Errorf("recognition:\n%s", out)
		}
		if out := string(b.cli("recognition", "reset")); !strings.Contains(out, "forgot 4 examples") {
			t.Errorf("recognition reset: %s", out)
		}
		if out := string(b.cli("recognition")); !strings.Contains(out, "0 examples") {
			t.Errorf("after reset:\n%s", out)
		}
	})
}

// TestRecognitionEval: recognition eval DIR reads .eml files and labels.tsv
// and prints the figures, per kind, and each mistake with its reasons.
func TestRecognitionEval(t *testing.T) {
	t.Setenv("KB_PW", "x")
	path := writeConfig(t, "database = \""+filepath.Join(t.TempDir(), "k.db")+"\"\n"+minimal)
	dir := t.TempDir()
	mails := []struct{ file, label, kind, subject, body string }{
		{"a.eml", "complaint", "complaint-plain", "Boete", plainComplaint},
		{"b.eml", "not", "question-invoice", "Factuur", "Kunt u mij de factuur van oktober nog eens sturen?"},
		{"c.eml", "complaint", "complaint-terse", "Vraag", "Kunt u mij de factuur van november nog eens sturen?"},
	}
	labels := "file\tlabel\tkind\n"
	for _, m := range mails {
		raw, _ := compose("klant@klant.test", "marco@mcoo.nl", m.subject, m.body)
		if err := os.WriteFile(filepath.Join(dir, m.file), raw, 0o600); err != nil {
			t.Fatal(err)
		}
		labels += m.file + "\t" + m.label + "\t" + m.kind + "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "labels.tsv"), []byte(labels), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run([]string{"recognition", "--config", path, "eval", dir}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"3 labelled mails", "precision 1.000 (1/1)  recall 0.500 (1/2)  ordinary held 0.000 (0/1)",
		"  complaint ", "  question ", "c.eml  missed complaint (complaint-terse): none"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("eval output lacks %q:\n%s", want, out.String())
		}
	}
	if err := run([]string{"recognition", "--config", path, "eval", filepath.Join(dir, "missing")}, &out); err == nil {
		t.Error("eval of a folder without labels.tsv succeeded")
	}
}
