package workflow

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/workflow/complaint"
)

// newsletter is an issue of a newsletter about complaint handling: the
// words of a complaint, none of its substance.
func newsletter(month, topic, lead string) (string, string) {
	return "KlachtWijzer nieuwsbrief " + month + ": " + topic, "Beste lezer,\n\n" + lead +
		"\n\nWilt u deze nieuwsbrief niet meer ontvangen? Meld u af via onze website.\n\nHet team van KlachtWijzer\n"
}

var newsletters = [][3]string{
	{"november", "klachten goed afhandelen", "In deze nieuwsbrief: vijf tips om klachten van klanten goed af te handelen. Een ontevreden klant die snel antwoord krijgt, blijft vaak klant. Lees ook ons artikel over de nieuwe klachtenregeling voor administratiekantoren en onze training Klachten als kans op 12 december."},
	{"december", "de klacht als kans", "Deze maand: waarom een klacht een cadeau is. Klanten die klagen geven u de kans om het goed te maken; wie ontevreden zwijgt, vertrekt. Plus: de vijf fouten die kantoren maken bij het afhandelen van klachten."},
	{"februari", "klachten meten", "Hoeveel klachten krijgt uw kantoor per jaar, en hoe snel handelt u ze af? In deze nieuwsbrief een eenvoudig dashboard voor klachten en ontevreden klanten, en een interview met een kantoor dat zijn klachten halveerde."},
	{"april", "klachten voorkomen", "Voorkomen is beter dan klachten afhandelen. In deze nieuwsbrief: hoe u ontevreden klanten herkent voordat ze een klacht indienen, en een checklist voor uw klachtenregeling."},
	{"juni", "een klacht over uw eigen kantoor", "Wat doet u als een klant een klacht indient over uw eigen kantoor? Vijf stappen voor een goede afhandeling, en waarom een ontevreden klant vaak uw trouwste klant wordt."},
}

const (
	sanneDoubtful  = "Beste Marco,\n\nIk had de concept-aangifte vorige week verwacht, maar ik heb nog niets gezien. Het is inmiddels al eind mei. Kun je laten weten wanneer hij komt?\n\nGroet,\nSanne\n"
	sanneComplains = "Beste Marco,\n\nIk ben ontevreden: jullie hebben mijn aangifte te laat ingediend en nu heb ik een boete van de Belastingdienst gekregen. Ik wil dat jullie die vergoeden.\n\nGroet,\nSanne\n"
)

// Every #geen-klacht teaches recognition: three issues of a newsletter
// about complaint handling dismissed, the next issues reach nobody; a
// client whose doubtful mail was dismissed is still acknowledged when she
// then complains plainly.
func TestLearnsFromDirectors(t *testing.T) {
	t.Parallel()
	// Without learning, every issue is held for a director.
	{
		e, s, clock := newTestEngine(t)
		for i, n := range newsletters {
			subject, body := newsletter(n[0], n[1], n[2])
			deliver(t, e, inbox, mail("KlachtWijzer <nieuws@klachtwijzer.test>", subject, body), clock.Now())
			if c, _, _ := loadCase(t, s, fmt.Sprintf("KL-2026-%04d", i+1)); c == nil || c.State != complaint.StateTriage {
				t.Fatalf("issue %d before learning: %+v", i+1, c)
			}
		}
	}
	e, s, clock := newTestEngine(t)
	for i, n := range newsletters[:3] {
		subject, body := newsletter(n[0], n[1], n[2])
		deliver(t, e, inbox, mail("KlachtWijzer <nieuws@klachtwijzer.test>", subject, body), clock.Now())
		id := fmt.Sprintf("KL-2026-%04d", i+1)
		if c, _, _ := loadCase(t, s, id); c == nil || c.State != complaint.StateTriage {
			t.Fatalf("issue %d: %+v", i+1, c)
		}
		deliver(t, e, sent, commandMail(id, "#geen-klacht"), clock.Now())
	}
	_, before := snapshot(t, s)
	for _, n := range newsletters[3:] {
		subject, body := newsletter(n[0], n[1], n[2])
		deliver(t, e, inbox, mail("KlachtWijzer <nieuws@klachtwijzer.test>", subject, body), clock.Now())
	}
	cases, after := snapshot(t, s)
	if len(cases) != 3 || len(after) != len(before) {
		t.Fatalf("after three dismissals the next issues reached someone: %d cases, outbox %v", len(cases), kinds(after))
	}

	// Sanne's doubtful mail is held and dismissed; her plain complaint is acknowledged.
	deliver(t, e, inbox, mail("Sanne <sanne@klant.test>", "Aangifte", sanneDoubtful), clock.Now())
	if c, _, _ := loadCase(t, s, "KL-2026-0004"); c == nil || c.State != complaint.StateTriage {
		t.Fatalf("Sanne's question: %+v", c)
	}
	deliver(t, e, sent, commandMail("KL-2026-0004", "#geen-klacht"), clock.Now())
	deliver(t, e, inbox, mail("Sanne <sanne@klant.test>", "Boete door te late aangifte", sanneComplains), clock.Now())
	c, _, pending := loadCase(t, s, "KL-2026-0005")
	if c == nil || c.State != complaint.StateOpen || c.RecognisedTarget != "firm" {
		t.Fatalf("Sanne's complaint after her question was dismissed: %+v", c)
	}
	if k := strings.Join(kinds(pending), " "); !strings.HasSuffix(k, "ack") {
		t.Errorf("no acknowledgement for Sanne: %v", k)
	}

	// What was learned: four examples, none of the text; reset forgets them.
	s.Update(func(tx Tx) error {
		v, err := Recognition(tx)
		if err != nil || v.Examples != 4 || v.Complaints != 0 || v.BySource["#geen-klacht"] != 4 {
			t.Errorf("recognition view: %+v %v", v, err)
		}
		if n, err := ResetLearned(tx); n != 4 || err != nil {
			t.Errorf("reset: %d %v", n, err)
		}
		return nil
	})
	subject, body := newsletter("juli", "klachten en social media", "Een klacht op social media? In deze nieuwsbrief: hoe u een ontevreden klant online snel en netjes antwoordt, en waarom u een klacht nooit publiek moet afhandelen.")
	deliver(t, e, inbox, mail("KlachtWijzer <nieuws@klachtwijzer.test>", subject, body), clock.Now())
	if c, _, _ := loadCase(t, s, "KL-2026-0006"); c == nil || c.State != complaint.StateTriage {
		t.Errorf("after reset the next issue is held again: %+v", c)
	}
}
