package recognize

import (
	"fmt"
	"testing"
)

// TestLayerDoesNotSilence: however many of one client's questions the
// directors dismiss, her plain complaint is still acknowledged; dismissing
// three issues of one newsletter keeps the fourth from being held.
func TestLayerDoesNotSilence(t *testing.T) {
	lex := DefaultLexicon()
	m, err := BaseModel()
	if err != nil {
		t.Fatal(err)
	}
	question := func(weeks int) Input {
		return Input{Subject: "Aangifte", Text: fmt.Sprintf("Beste Marco,\n\nIk had de concept-aangifte %d weken geleden verwacht, maar ik heb nog niets gezien. "+
			"Kun je laten weten wanneer hij komt? Het is al eind mei.\n\nGroet,\nSanne\n", weeks)}
	}
	var ex []Learned
	for i := range 10 {
		ex = append(ex, Learned{F: FeaturesOf(question(i + 1))})
	}
	layer := FitLayer(m, ex)
	plain := Input{Subject: "Boete door te late aangifte", Text: "Beste Marco,\n\nIk ben ontevreden: jullie hebben mijn aangifte te laat ingediend " +
		"en nu heb ik een boete van de Belastingdienst gekregen. Ik wil dat jullie die vergoeden.\n\nGroet,\nSanne\n"}
	before, after := lex.ClassifyWith(plain, nil), lex.ClassifyWith(plain, layer)
	if before.Outcome != Complaint || after.Outcome != Complaint {
		t.Errorf("plain complaint: %s (%.3f) before, %s (%.3f) after ten dismissed questions", before.Outcome, before.Prob, after.Outcome, after.Prob)
	}
	if s := layer.Score(FeaturesOf(plain)); s < -MaxLayer || s > MaxLayer {
		t.Errorf("layer adds %v, beyond its bound %v", s, MaxLayer)
	}
	if learned, base := lex.ClassifyWith(question(11), layer).Prob, lex.ClassifyWith(question(11), nil).Prob; learned >= base {
		t.Errorf("the layer did not learn from ten dismissals: %.3f, without it %.3f", learned, base)
	}
}
