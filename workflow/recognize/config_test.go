package recognize

import (
	"testing"

	"github.com/BurntSushi/toml"
)

// TestTOMLConfig shows how the service's [recognition] table maps onto a
// Lexicon: decoded over DefaultLexicon, a given list replaces the default,
// a given weight overrides it, the rest keeps its default.
func TestTOMLConfig(t *testing.T) {
	const config = `
[recognition]
complaint_words = ["klacht*", "beklag*", "complaint*"]
third_parties = ["belastingdienst", "de bank", "gemeente*", "notaris"]

[recognition.weights]
doubtful_at = 2.5
unknown_target = 1.0
`
	var cfg struct {
		Recognition Lexicon `toml:"recognition"`
	}
	cfg.Recognition = DefaultLexicon()
	if _, err := toml.Decode(config, &cfg); err != nil {
		t.Fatal(err)
	}
	lex := cfg.Recognition
	def := DefaultLexicon()
	if len(lex.ComplaintWords) != 3 || len(lex.ThirdParties) != 4 {
		t.Errorf("lists not replaced: %v %v", lex.ComplaintWords, lex.ThirdParties)
	}
	if len(lex.Dissatisfied) != len(def.Dissatisfied) {
		t.Error("a list not in the config lost its default")
	}
	if lex.Weights.DoubtfulAt != 2.5 || lex.Weights.Unknown != 1 || lex.Weights.ComplaintAt != def.Weights.ComplaintAt {
		t.Errorf("weights: %+v", lex.Weights)
	}
	if r := lex.ruleResult(Input{Subject: "Klacht over de aangifte", Text: "Graag een reactie."}); r.Outcome != Complaint {
		t.Errorf("configured lexicon: %s", r.Explain())
	}
}
