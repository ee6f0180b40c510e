package recognize

import (
	"strings"
	"testing"
)

// TestTarget: who a grievance is about, decided on its own, and what that
// allows: an automatic acknowledgement only for the firm.
func TestTarget(t *testing.T) {
	lex := DefaultLexicon()
	tests := []struct {
		name, subject, text, target string
		atMost                      Outcome
	}{
		{"the firm", "Boete", "Ik ben ontevreden: jullie hebben mijn aangifte te laat ingediend en nu heb ik een boete gekregen. Ik wil dat jullie die vergoeden.", TargetFirm, Complaint},
		{"staff by name", "Loonstroken", "Ik ben ontevreden over Marco: de loonstroken zijn alweer fout en niemand belt terug.", TargetFirm, Complaint},
		{"the firm's work", "Jaarrekening", "Ik ben echt teleurgesteld. De jaarrekening is al twee maanden te laat en de bank wacht erop.", TargetFirm, Complaint},
		{"the tax office", "Aanslag", "Ik ben zo boos op de Belastingdienst: drie keer gebeld, elke keer een ander verhaal. Kunnen jullie namens mij bellen?", TargetThird, Doubtful},
		{"the current accountant", "Overstappen", "Ik ben erg ontevreden over mijn huidige accountant: te laat, geen antwoord. Kunnen jullie mijn administratie overnemen?", TargetThird, Doubtful},
		{"own fault", "Loonstrook", "Mijn loonstrook van maart klopt niet helemaal. Dat had ik zelf verkeerd ingevuld in de app.", TargetSelf, Doubtful},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := lex.Classify(Input{Subject: tt.subject, Text: tt.text})
			if r.Target != tt.target || r.Outcome > tt.atMost {
				t.Errorf("target %q, outcome %s; want %q, at most %s: %s", r.Target, r.Outcome, tt.target, tt.atMost, r.Explain())
			}
			if r.Target != TargetUnknown && r.TargetEvidence == "" {
				t.Errorf("no evidence for the target: %s", r.Explain())
			}
			if tt.target == TargetFirm && r.Outcome != Complaint {
				t.Errorf("a plain complaint about the firm is not acknowledged: %s", r.Explain())
			}
		})
	}
}

// TestCounterCueInItsClaim: "is opgelost" settles the claim it belongs to,
// not a later one in the same mail.
func TestCounterCueInItsClaim(t *testing.T) {
	lex := DefaultLexicon()
	r := lex.ruleResult(Input{Text: "Mijn vraag over de btw is opgelost, dank daarvoor.\n\nMaar nu is mijn loonstrook alweer fout. Ik ben hier echt ontevreden over."})
	var settled, open bool
	for _, s := range r.Signals {
		if s.Name == "dissatisfaction" {
			open = !s.damped && s.Weight >= 2
		}
		if s.Name == "resolved" {
			settled = true
		}
	}
	if !settled || !open {
		t.Errorf("resolved %v, later dissatisfaction undamped %v: %s", settled, open, r.Explain())
	}
	r = lex.ruleResult(Input{Text: "Ik was ontevreden over de late aangifte. Het is opgelost, dank daarvoor."})
	for _, s := range r.Signals {
		if s.Name == "dissatisfaction" && !s.damped {
			t.Errorf("the settled claim counts in full: %s", r.Explain())
		}
	}
}

// TestDecisionExplained: recognised: starts with the probability and the
// target in Dutch.
func TestDecisionExplained(t *testing.T) {
	lex := DefaultLexicon()
	r := lex.Classify(Input{Subject: "Boete", Text: "Ik ben ontevreden: jullie hebben mijn aangifte te laat ingediend en nu heb ik een boete gekregen."})
	if e := r.Explain(); !strings.HasPrefix(e, "kans ") || !strings.Contains(e, "over het kantoor: ") || !strings.Contains(e, " — ") {
		t.Errorf("Explain() = %q", e)
	}
}

// TestStaffByName: a staff member's name in the configured firm list makes
// a grievance about her one about the firm.
func TestStaffByName(t *testing.T) {
	lex := DefaultLexicon()
	lex.Firm = append(lex.Firm, "Anna de Boer", "Anna")
	in := Input{Subject: "Telefoongesprek", Text: "Anna was gisteren erg onbeleefd aan de telefoon en hing zomaar op. Ik ben hier echt ontevreden over."}
	if r := lex.Classify(in); r.Target != TargetFirm || !strings.Contains(r.TargetEvidence, "Anna") {
		t.Errorf("with Anna on the staff: target %q: %s", r.Target, r.Explain())
	}
}
