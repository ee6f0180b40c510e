package complaint

import (
	"strings"
	"testing"
)

// Event details are stored as codes and read in Dutch; the English of old
// events reads in Dutch too, and anything unknown is shown as it is.
func TestDetailNL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ detail, want string }{
		{Detail(DetState, "from", string(StateOpen), "to", string(StateClosed)), "van open naar afgehandeld"},
		{Detail(DetState, "from", string(StateWaiting), "to", string(StateOpen), "why", WhyClientAnswered), "van wacht op cliënt naar open: de cliënt antwoordde"},
		{Detail(DetNote, "in", "marco@mcoo.nl/Sent uid 4/9"), "interne notitie van de directeur, gevonden in marco@mcoo.nl/Sent uid 4/9"},
		{Detail(DetConsent, "given", "yes"), "toestemming gegeven in het antwoord van de cliënt"},
		{Detail(DetAckTo, "to", "jan@klant.test"), "aan jan@klant.test"},
		{Detail(DetQueued, "kind", "reminder", "title", "Herinnering", "to", "marco@mcoo.nl"), `herinnering "Herinnering" aan marco@mcoo.nl`},
		{Detail(DetRefused, "line", "#extern KPMG", "why", WhyNoConsent), "#extern KPMG: geen toestemming van de cliënt vastgelegd"},
		{Detail("from-the-future", "x", "1"), "from-the-future (x: 1)"}, // a newer version's code: never its stored form
		// Written before the codes.
		{"open -> closed", "van open naar afgehandeld"},
		{"closed -> open: the client wrote again", "van afgehandeld naar open: de cliënt schreef opnieuw"},
		{"director's note: hans@mcoo.nl/Sent uid 2/5", "interne notitie van de directeur, gevonden in hans@mcoo.nl/Sent uid 2/5"},
		{"consent given by the client's reply", "toestemming gegeven in het antwoord van de cliënt"},
		{"to sanne.devries84@gmail.com", "aan sanne.devries84@gmail.com"},
		{"ack: 451 4.7.1 try again later", "ontvangstbevestiging: 451 4.7.1 try again later"},
		{"ack to jan@klant.test (confirmed by its copy in marco@mcoo.nl/INBOX)", "ontvangstbevestiging aan jan@klant.test, bevestigd door de kopie in marco@mcoo.nl/INBOX"},
		{"notice to marco@mcoo.nl", "bericht aan marco@mcoo.nl"},
		{"ack to jan@klant.test (its copy in marco@mcoo.nl/Sent shows it went out before a restore)", "ontvangstbevestiging aan jan@klant.test; de kopie in marco@mcoo.nl/Sent toont dat die vóór het terugzetten van een back-up is verstuurd"},
		{"#afgehandeld geld terug to the client", "#afgehandeld geld terug to the client"},
		{"reminder: Herinnering: nog geen reactie aan de cliënt to marco@mcoo.nl", `herinnering "Herinnering: nog geen reactie aan de cliënt" aan marco@mcoo.nl`},
		{"new-term: new target 23 december 2026 to jan@klant.test", "nieuwe termijn, nieuwe streefdatum 23 december 2026 aan jan@klant.test"},
		{"confirmation: confirmation to marco@mcoo.nl", "bevestiging aan marco@mcoo.nl"},
		{"triage: triage question to marco@mcoo.nl", "vraag: klacht of niet? aan marco@mcoo.nl"},
		{"escalation: Streefdatum verstreken to marco@mcoo.nl, hans@mcoo.nl", `escalatie "Streefdatum verstreken" aan marco@mcoo.nl, hans@mcoo.nl`},
		{"#extern KPMG: no consent of the client on record", "#extern KPMG: geen toestemming van de cliënt vastgelegd"},
		{"marco@mcoo.nl/INBOX uid 1/7", "marco@mcoo.nl/INBOX uid 1/7"},
		{"<img src=x onerror=alert(2)>", "<img src=x onerror=alert(2)>"},
	} {
		if got := DetailNL(tt.detail); got != tt.want {
			t.Errorf("DetailNL(%q) = %q, want %q", tt.detail, got, tt.want)
		}
	}
	for _, english := range []string{"director's note", "consent given", " -> ", "the client"} {
		for _, d := range []string{Detail(DetNote, "in", "x"), Detail(DetConsent, "given", "yes"), Detail(DetState, "from", "open", "to", "closed", "why", WhyClientWrote)} {
			if strings.Contains(DetailNL(d), english) {
				t.Errorf("DetailNL(%q) is English: %q", d, DetailNL(d))
			}
		}
	}
}
