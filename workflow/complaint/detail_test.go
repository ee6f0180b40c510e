package complaint

import (
	"encoding/json"
	"reflect"
	"slices"
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

// ParseDetails reads every stored detail, and String gives it back byte for
// byte: the chain's digests are of the stored form, and a detail read and
// written again must not change them.
func TestParseDetailsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		stored string
		code   string
		fields []Field
		nl     string
	}{
		// Every code, as Detail writes it.
		{Detail(DetState, "from", "open", "to", "closed"), DetState, []Field{{"from", "open"}, {"to", "closed"}}, "van open naar afgehandeld"},
		{Detail(DetState, "from", "closed", "to", "open", "why", WhyClientWrote), DetState,
			[]Field{{"from", "closed"}, {"to", "open"}, {"why", WhyClientWrote}}, "van afgehandeld naar open: de cliënt schreef opnieuw"},
		{Detail(DetFound, "in", "marco@mcoo.nl/INBOX uid 3/7"), DetFound, []Field{{"in", "marco@mcoo.nl/INBOX uid 3/7"}}, "gevonden in marco@mcoo.nl/INBOX uid 3/7"},
		{Detail(DetNote, "in", "hans@mcoo.nl/Verzonden items uid 2/5"), DetNote, []Field{{"in", "hans@mcoo.nl/Verzonden items uid 2/5"}},
			"interne notitie van de directeur, gevonden in hans@mcoo.nl/Verzonden items uid 2/5"},
		{Detail(DetAuto, "why", "Auto-Submitted: auto-replied", "in", "marco@mcoo.nl/INBOX uid 3/8"), DetAuto,
			[]Field{{"in", "marco@mcoo.nl/INBOX uid 3/8"}, {"why", "Auto-Submitted: auto-replied"}},
			"automatische mail (Auto-Submitted: auto-replied), gevonden in marco@mcoo.nl/INBOX uid 3/8"},
		{Detail(DetUnverified), DetUnverified, nil,
			"niet aantoonbaar van de cliënt: geen antwoord op onze mail aan de cliënt en de mailserver bevestigt de afzender niet; niets gewijzigd"},
		{Detail(DetUnverified, "forged", "spf=pass smtp.mailfrom=x&y"), DetUnverified, []Field{{"forged", "spf=pass smtp.mailfrom=x&y"}},
			"niet aantoonbaar van de cliënt: geen antwoord op onze mail aan de cliënt en de mailserver bevestigt de afzender niet; niets gewijzigd (niet meegeteld: spf=pass smtp.mailfrom=x&y)"},
		{Detail(DetConsent, "given", "no"), DetConsent, []Field{{"given", "no"}}, "toestemming geweigerd in het antwoord van de cliënt"},
		{Detail(DetAckTo, "to", "jan+klacht@klant.test"), DetAckTo, []Field{{"to", "jan+klacht@klant.test"}}, "aan jan+klacht@klant.test"},
		{Detail(DetQueued, "kind", "new-term", "title", "Nieuwe termijn", "to", "jan@klant.test", "date", "23 december 2026"), DetQueued,
			[]Field{{"date", "23 december 2026"}, {"kind", "new-term"}, {"title", "Nieuwe termijn"}, {"to", "jan@klant.test"}},
			`nieuwe termijn "Nieuwe termijn", nieuwe streefdatum 23 december 2026 aan jan@klant.test`},
		{Detail(DetRefused, "line", "#extern KPMG", "why", WhyNoConsent, "about", "KPMG"), DetRefused,
			[]Field{{"about", "KPMG"}, {"line", "#extern KPMG"}, {"why", WhyNoConsent}}, "#extern KPMG: geen toestemming van de cliënt vastgelegd (KPMG)"},
		{Detail(DetConsulted, "name", "Petra de Jong", "to", "petra@mcoo.nl"), DetConsulted,
			[]Field{{"name", "Petra de Jong"}, {"to", "petra@mcoo.nl"}}, "Petra de Jong om een reactie gevraagd (petra@mcoo.nl)"},
		{Detail(DetStaff, "name", "Petra", "in", "petra@mcoo.nl/INBOX uid 1/4"), DetStaff,
			[]Field{{"in", "petra@mcoo.nl/INBOX uid 1/4"}, {"name", "Petra"}}, "reactie van Petra, gevonden in petra@mcoo.nl/INBOX uid 1/4"},
		{Detail(DetSatisfied, "answer", "yes", "by", "client"), DetSatisfied, []Field{{"answer", "yes"}, {"by", "client"}}, "tevreden over de afhandeling (door de cliënt)"},
		{Detail(DetSatisfied, "answer", "no", "by", "hans@mcoo.nl"), DetSatisfied, []Field{{"answer", "no"}, {"by", "hans@mcoo.nl"}},
			"niet tevreden over de afhandeling (vastgelegd door hans@mcoo.nl)"},
		{Detail(DetSatisfied, "answer", "none"), DetSatisfied, []Field{{"answer", "none"}}, "geen antwoord op de vraag of de cliënt tevreden is, binnen tien werkdagen"},
		{Detail(DetSigned, "party", "Kifid", "file", "verklaring 1.pdf"), DetSigned, []Field{{"file", "verklaring 1.pdf"}, {"party", "Kifid"}},
			"geheimhoudingsverklaring van Kifid (verklaring 1.pdf)"},
		// As stored by earlier versions, and by hand.
		{"@state?from=open&to=closed", DetState, []Field{{"from", "open"}, {"to", "closed"}}, "van open naar afgehandeld"},
		{"@ack-to?to=jan%40klant.test", DetAckTo, []Field{{"to", "jan@klant.test"}}, "aan jan@klant.test"},
		{"@state?to=closed&from=open", DetState, []Field{{"to", "closed"}, {"from", "open"}}, "van open naar afgehandeld"},
		{"@found?in=a%20b", DetFound, []Field{{"in", "a b"}}, "gevonden in a b"},
		{"@note?", DetNote, nil, "interne notitie van de directeur, gevonden in "},
		{"@from-the-future?x=1&y=", "from-the-future", []Field{{"x", "1"}, {"y", ""}}, "from-the-future (x: 1, y: )"},
		// Free text: before the codes, or not a well-formed code.
		{"open -> closed", "", nil, "van open naar afgehandeld"},
		{"ack to jan@klant.test (confirmed by its copy in marco@mcoo.nl/INBOX)", "", nil,
			"ontvangstbevestiging aan jan@klant.test, bevestigd door de kopie in marco@mcoo.nl/INBOX"},
		{"#afgehandeld Boete vergoed", "", nil, "#afgehandeld Boete vergoed"},
		{"@", "", nil, "@"},
		{"@ hans", "", nil, "@ hans"},
		{"@marco/INBOX", "", nil, "@marco/INBOX"},
		{"@state?from=open;to=closed", "", nil, "@state?from=open;to=closed"},
		{"@state?from=%zz", "", nil, "@state?from=%zz"},
		{"", "", nil, ""},
	} {
		d := ParseDetails(tt.stored)
		if d.Code != tt.code || !slices.Equal(d.Fields, tt.fields) {
			t.Errorf("ParseDetails(%q) = %q %v, want %q %v", tt.stored, d.Code, d.Fields, tt.code, tt.fields)
		}
		if d.Code == "" && d.Text != tt.stored {
			t.Errorf("ParseDetails(%q).Text = %q", tt.stored, d.Text)
		}
		if got := d.String(); got != tt.stored {
			t.Errorf("ParseDetails(%q).String() = %q", tt.stored, got)
		}
		if again := ParseDetails(d.String()); !reflect.DeepEqual(again, d) {
			t.Errorf("ParseDetails(%q) read again = %+v, want %+v", tt.stored, again, d)
		}
		if got := d.NL(); got != tt.nl {
			t.Errorf("ParseDetails(%q).NL() = %q, want %q", tt.stored, got, tt.nl)
		}
		if got := DetailNL(tt.stored); got != tt.nl {
			t.Errorf("DetailNL(%q) = %q, want %q", tt.stored, got, tt.nl)
		}
		if d.IsZero() != (tt.stored == "") {
			t.Errorf("ParseDetails(%q).IsZero() = %v", tt.stored, d.IsZero())
		}
	}
}

// A built detail (not parsed) is stored as Detail writes it.
func TestDetailsString(t *testing.T) {
	t.Parallel()
	d := Details{Code: DetQueued, Fields: []Field{{"kind", "ack"}, {"to", "jan@klant.test, piet@klant.test"}}}
	if got, want := d.String(), Detail(DetQueued, "kind", "ack", "to", "jan@klant.test, piet@klant.test"); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := (Details{Text: "open -> closed"}).String(); got != "open -> closed" {
		t.Errorf("free text String() = %q", got)
	}
}

// In JSON a detail reads as its Dutch text with its code and fields, never
// in its stored form; free text shows as text, with the stored English
// beside it where the Dutch differs. The service answers `show` in this
// JSON, so it reads back to the same detail.
func TestDetailsJSON(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ stored, want string }{
		{Detail(DetState, "from", "waiting", "to", "open", "why", WhyClientAnswered),
			`{"text":"van wacht op cliënt naar open: de cliënt antwoordde","code":"state","fields":{"from":"waiting","to":"open","why":"client-answered"}}`},
		{Detail(DetUnverified), `{"text":"niet aantoonbaar van de cliënt: geen antwoord op onze mail aan de cliënt en de mailserver bevestigt de afzender niet; niets gewijzigd","code":"unverified","fields":{}}`},
		{Detail(DetAckTo, "to", "jan@klant.test"), `{"text":"aan jan@klant.test","code":"ack-to","fields":{"to":"jan@klant.test"}}`},
		{"to jan@klant.test", `{"text":"aan jan@klant.test","original":"to jan@klant.test"}`},
		{"#afgehandeld <b>geld</b> terug", `{"text":"#afgehandeld \u003cb\u003egeld\u003c/b\u003e terug"}`},
		{"@from-the-future?x=1", `{"text":"from-the-future (x: 1)","code":"from-the-future","fields":{"x":"1"}}`},
	} {
		got, err := json.Marshal(ParseDetails(tt.stored))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("JSON of %q:\n got %s\nwant %s", tt.stored, got, tt.want)
		}
		if strings.Contains(string(got), `"@`) || strings.Contains(string(got), "?from=") {
			t.Errorf("JSON of %q has the stored form: %s", tt.stored, got)
		}
		var back Details
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatal(err)
		}
		if back.String() != tt.stored {
			t.Errorf("JSON of %q reads back as %q", tt.stored, back.String())
		}
	}
}
