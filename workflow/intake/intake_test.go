package intake

import "testing"

func TestClientConsent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text      string
		given, ok bool
	}{
		{"Akkoord.", true, true},
		{"Ik geef toestemming.", true, true},
		{"I agree, thank you.", true, true},
		{"Ik ga niet akkoord.", false, true},
		{"Geen toestemming, dank u.", false, true},
		{"I do not consent.", false, true},
		{"Akkoord met het gesprek, maar geen toestemming voor delen.", false, false},
		{"Wanneer belt u mij?", false, false},
		// The acknowledgement's own question, quoted, is not an answer.
		{"Wanneer belt u?\n\n> Antwoord dan op deze e-mail met \"akkoord\".", false, false},
		{"Wanneer belt u?\n\nVan: Marco\nVerzonden: dinsdag 24 november 2026 14:03\nAntwoord met \"akkoord\".", false, false},
	}
	for _, tt := range tests {
		given, ok := clientConsent(tt.text)
		if given != tt.given || ok != tt.ok {
			t.Errorf("clientConsent(%q) = %v, %v; want %v, %v", tt.text, given, ok, tt.given, tt.ok)
		}
	}
}

func TestClientSatisfied(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		text          string
		satisfied, ok bool
	}{
		{"Nee, ik ben niet tevreden.", false, true},
		{"Ja, ik ben tevreden. Dank u wel!", true, true},
		{"ja", true, true},
		{"Yes, thank you.", true, true},
		{"No. It took far too long.", false, true},
		{"Ik ben ontevreden over hoe lang het duurde.", false, true},
		{"Ja hoor, maar niet helemaal.", false, false},
		{"Toch nog een vraag over de boete.", false, false},
		{"Prima geregeld.\n\n> Wilt u antwoorden met ja of nee?", true, true},
		{"Akkoord, dank u.", true, true},
		{"Niet akkoord met deze oplossing.", false, true},
	} {
		s, ok := clientSatisfied(tt.text)
		if s != tt.satisfied || ok != tt.ok {
			t.Errorf("clientSatisfied(%q) = %v, %v; want %v, %v", tt.text, s, ok, tt.satisfied, tt.ok)
		}
	}
}
