package complaint

import (
	"cmp"
	"encoding/json"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// An event's detail is stored as a code with parameters, "@state?from=open&to=closed",
// and rendered in Dutch where people read it (DetailNL). Events written
// before the codes carry English text; DetailNL maps the known phrasings
// and shows anything else as it is. Stored events are never rewritten: the
// chain vouches for them as they are.

// Detail codes.
const (
	DetState      = "state"      // from, to, why (a reason code: Why*)
	DetFound      = "found"      // in: where the mail was found ("marco@mcoo.nl/INBOX uid 3/7")
	DetNote       = "note"       // in: a director's mail to the firm only
	DetAuto       = "auto"       // why (the automatic mail's mark), in
	DetUnverified = "unverified" // forged: Authentication-Results that did not count
	DetConsent    = "consent"    // given: "yes" or "no"; by the client's reply
	DetAckTo      = "ack-to"     // to
	DetQueued     = "queued"     // kind, to, title, date (new-term)
	DetRefused    = "refused"    // line, why (a reason code: Why*), about
	DetConsulted  = "consulted"  // name, to
	DetStaff      = "staff"      // name, in
	DetSatisfied  = "satisfied"  // answer: "yes", "no" or "none"; by: "client" or a director
	DetSigned     = "signed"     // party, file
)

// Reasons, in codes.
const (
	WhyJudged          = "director-judged" // a director judged a held mail a complaint
	WhyClientWrote     = "client-wrote"    // the client wrote again after closing
	WhyClientAnswered  = "client-answered" // the client answered while the case waited
	WhyDirectorWrote   = "director-wrote"  // a director wrote to the client while the case waited
	WhyNoCaseNumber    = "new-complaint-needs-no-case"
	WhyNoConsent       = "no-consent"
	WhyDatePassed      = "date-passed"
	WhyNoAuthority     = "no-authority"
	WhyNotFromDirector = "not-a-director"
	WhyUnknownStaff    = "unknown-staff"
	WhyNoExternal      = "no-external"
	WhyNoStatement     = "no-statement"
	WhyNotClosed       = "not-closed"
)

// Detail encodes a code and its parameters, given as name, value pairs.
func Detail(code string, params ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		if params[i+1] != "" {
			v.Set(params[i], params[i+1])
		}
	}
	if len(v) == 0 {
		return "@" + code
	}
	return "@" + code + "?" + v.Encode()
}

// Field is one parameter of a coded detail.
type Field struct {
	Name  string
	Value string
}

// Details is an event's detail as read: a code with its fields
// ("@state?from=open&to=closed": Code "state", Fields from, to), or the
// free text of an event written before the codes (Code "", Text). String
// gives the stored form back byte for byte, NL the Dutch sentence.
//
// In JSON (`show --json`) it is an object: "text", the Dutch sentence;
// "code" and "fields" (an object) of a coded detail; "original", the
// stored free text where the Dutch says it otherwise.
type Details struct {
	Code   string  // "" for free text
	Fields []Field // in stored order: by name, as Detail writes them
	Text   string  // the free text, when Code is ""
	// raw is the stored form when encoding Code and Fields would not give
	// it back byte for byte (a detail not written by Detail).
	raw string
}

// ParseDetails reads an event's stored detail. Anything that is not a
// well-formed code is free text.
func ParseDetails(s string) Details {
	if !strings.HasPrefix(s, "@") {
		return Details{Text: s}
	}
	code, query, _ := strings.Cut(s[1:], "?")
	if _, err := url.ParseQuery(query); err != nil || code == "" || strings.ContainsAny(code, " /") {
		return Details{Text: s}
	}
	d := Details{Code: code}
	for part := range strings.SplitSeq(query, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		name, _ = url.QueryUnescape(name) // ParseQuery above: cannot fail
		value, _ = url.QueryUnescape(value)
		d.Fields = append(d.Fields, Field{name, value})
	}
	if d.String() != s {
		d.raw = s
	}
	return d
}

// Get is the value of the first field called name; "" when there is none.
func (d Details) Get(name string) string {
	for _, f := range d.Fields {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// IsZero reports whether there is no detail (none recorded, or erased).
func (d Details) IsZero() bool { return d.Code == "" && d.Text == "" && d.raw == "" }

// String is the detail as it is stored.
func (d Details) String() string {
	switch {
	case d.raw != "":
		return d.raw
	case d.Code == "":
		return d.Text
	case len(d.Fields) == 0:
		return "@" + d.Code
	}
	var b strings.Builder
	b.WriteString("@" + d.Code + "?")
	for i, f := range d.Fields {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(f.Name) + "=" + url.QueryEscape(f.Value))
	}
	return b.String()
}

// detailsJSON is Details in JSON.
type detailsJSON struct {
	Text     string            `json:"text"`
	Code     string            `json:"code,omitempty"`
	Fields   map[string]string `json:"fields,omitzero"`
	Original string            `json:"original,omitempty"`
}

// MarshalJSON writes the detail as people and tools read it, never in its
// stored form: {"text": Dutch, "code": …, "fields": {…}}, or of free text
// {"text": Dutch, "original": as stored}.
func (d Details) MarshalJSON() ([]byte, error) {
	j := detailsJSON{Text: d.NL(), Code: d.Code}
	if d.Code != "" {
		j.Fields = make(map[string]string, len(d.Fields))
		for _, f := range slices.Backward(d.Fields) {
			j.Fields[f.Name] = f.Value // the first of a name, as Get
		}
	} else if d.Text != j.Text {
		j.Original = d.Text
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes (the service answers `show`
// over its control socket in JSON).
func (d *Details) UnmarshalJSON(data []byte) error {
	var j detailsJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	if j.Code == "" {
		*d = Details{Text: cmp.Or(j.Original, j.Text)}
		return nil
	}
	*d = Details{Code: j.Code}
	for _, name := range slices.Sorted(maps.Keys(j.Fields)) {
		d.Fields = append(d.Fields, Field{name, j.Fields[name]})
	}
	return nil
}

var whyNL = map[string]string{
	WhyJudged:          "een directeur oordeelde dat het een klacht is",
	WhyClientWrote:     "de cliënt schreef opnieuw",
	WhyClientAnswered:  "de cliënt antwoordde",
	WhyDirectorWrote:   "een directeur schreef aan de cliënt",
	WhyNoCaseNumber:    "een nieuwe klacht meldt u in een mail zonder klachtnummer",
	WhyNoConsent:       "geen toestemming van de cliënt vastgelegd",
	WhyDatePassed:      "de datum ligt niet in de toekomst",
	WhyNoAuthority:     "niet aantoonbaar van een directeur (niet gevonden in diens map Verzonden en niet bevestigd door de mailserver); niets gewijzigd",
	WhyNotFromDirector: "niet van een directeur; niets gewijzigd",
	WhyUnknownStaff:    "geen medewerker met die naam of dat adres in [[firm.staff]]",
	WhyNoExternal:      "er is geen #extern vastgelegd waar deze verklaring bij hoort",
	WhyNoStatement:     "geen ondertekende verklaring als bijlage",
	WhyNotClosed:       "de klacht is niet afgehandeld met een vraag aan de cliënt",
}

var kindNL = map[string]string{
	"reminder": "herinnering", "warning": "waarschuwing", "escalation": "escalatie", "notice": "bericht",
	"confirmation": "bevestiging", "triage": "vraag: klacht of niet?", "alert": "melding", "new-term": "nieuwe termijn",
	"ack": "ontvangstbevestiging", "digest": "dagelijks overzicht", "no-case": "antwoord zonder klachtnummer",
	"consult": "vraag aan medewerker", "closing": "afsluitende mail met de vraag of de cliënt tevreden is",
}

// DetailNL renders an event's stored detail in Dutch.
func DetailNL(d string) string { return ParseDetails(d).NL() }

// NL is the detail in Dutch, as directors and reviewers read it. Free text
// written before the codes reads in Dutch where its phrasing is known, and
// as it is otherwise.
func (d Details) NL() string {
	if d.Code == "" {
		return legacyNL(d.Text)
	}
	get := d.Get
	why := func() string { return orCode(whyNL, get("why")) }
	switch d.Code {
	case DetState:
		s := "van " + StateNL(State(get("from"))) + " naar " + StateNL(State(get("to")))
		if get("why") != "" {
			s += ": " + why()
		}
		return s
	case DetFound:
		return "gevonden in " + get("in")
	case DetNote:
		return "interne notitie van de directeur, gevonden in " + get("in")
	case DetAuto:
		return "automatische mail (" + get("why") + "), gevonden in " + get("in")
	case DetUnverified:
		s := "niet aantoonbaar van de cliënt: geen antwoord op onze mail aan de cliënt en de mailserver bevestigt de afzender niet; niets gewijzigd"
		if f := get("forged"); f != "" {
			s += " (niet meegeteld: " + f + ")"
		}
		return s
	case DetConsent:
		if get("given") == "yes" {
			return "toestemming gegeven in het antwoord van de cliënt"
		}
		return "toestemming geweigerd in het antwoord van de cliënt"
	case DetAckTo:
		return "aan " + get("to")
	case DetQueued:
		s := orCode(kindNL, get("kind"))
		if t := get("title"); t != "" {
			s += " \"" + t + "\""
		}
		if dt := get("date"); dt != "" {
			s += ", nieuwe streefdatum " + dt
		}
		return s + " aan " + get("to")
	case DetConsulted:
		return get("name") + " om een reactie gevraagd (" + get("to") + ")"
	case DetStaff:
		return "reactie van " + get("name") + ", gevonden in " + get("in")
	case DetSatisfied:
		by := "door de cliënt"
		if b := get("by"); b != "" && b != "client" {
			by = "vastgelegd door " + b
		}
		switch get("answer") {
		case "yes":
			return "tevreden over de afhandeling (" + by + ")"
		case "no":
			return "niet tevreden over de afhandeling (" + by + ")"
		}
		return "geen antwoord op de vraag of de cliënt tevreden is, binnen tien werkdagen"
	case DetSigned:
		return "geheimhoudingsverklaring van " + get("party") + " (" + get("file") + ")"
	case DetRefused:
		s := get("line")
		if s != "" {
			s += ": "
		}
		s += why()
		if a := get("about"); a != "" {
			s += " (" + a + ")"
		}
		return s
	}
	// A code of a newer version: its name and fields, not the stored form.
	fields := make([]string, len(d.Fields))
	for i, f := range d.Fields {
		fields[i] = f.Name + ": " + f.Value
	}
	if len(fields) == 0 {
		return d.Code
	}
	return d.Code + " (" + strings.Join(fields, ", ") + ")"
}

// The English of events written before the codes, in Dutch.
var legacy = []struct {
	re *regexp.Regexp
	nl string
}{
	{regexp.MustCompile(`^(triage|open|waiting|closed) -> (triage|open|waiting|closed)(?:: (.*))?$`), ""}, // state changes: below
	{regexp.MustCompile(`^director's note: (.*)$`), "interne notitie van de directeur, gevonden in $1"},
	{regexp.MustCompile(`^automatic mail \((.*)\): (.*)$`), "automatische mail ($1), gevonden in $2"},
	{regexp.MustCompile(`^consent given by the client's reply$`), "toestemming gegeven in het antwoord van de cliënt"},
	{regexp.MustCompile(`^consent refused by the client's reply$`), "toestemming geweigerd in het antwoord van de cliënt"},
	{regexp.MustCompile(`^unverified: not a reply to the bot's mail to the client, and not authenticated for the client's domain; nothing changed(.*)$`),
		"niet aantoonbaar van de cliënt: geen antwoord op onze mail aan de cliënt en de mailserver bevestigt de afzender niet; niets gewijzigd$1"},
	{regexp.MustCompile(`^to (.+)$`), "aan $1"},
	{regexp.MustCompile(`^(.*): a new complaint goes in a mail without a case number$`), "$1: een nieuwe klacht meldt u in een mail zonder klachtnummer"},
	{regexp.MustCompile(`^(.*): no consent of the client on record$`), "$1: geen toestemming van de cliënt vastgelegd"},
	{regexp.MustCompile(`^(.*): the date has passed$`), "$1: de datum ligt niet in de toekomst"},
	{regexp.MustCompile(`^no-reply sender$`), "afzender neemt geen antwoorden aan (no-reply-adres)"},
	{regexp.MustCompile(`^sender is the firm's own address$`), "afzender is een adres van het kantoor zelf"},
	{regexp.MustCompile(`^no usable sender address$`), "geen bruikbaar afzenderadres"},
	{regexp.MustCompile(`^no address to confirm the complaint to$`), "geen adres om de klacht aan te bevestigen"},
	{regexp.MustCompile(`^(.+) already acknowledged (\d+) times in 24 hours$`), "$1 kreeg al $2 ontvangstbevestigingen in 24 uur"},
	{regexp.MustCompile(`^held: (\d+) acknowledgements in the last hour reach max_acks_per_hour$`), "tegengehouden: al $1 ontvangstbevestigingen in het afgelopen uur (max_acks_per_hour)"},
	{regexp.MustCompile(`^the forward does not show the client's address$`), "het doorgestuurde bericht toont het adres van de cliënt niet"},
	{regexp.MustCompile(`^acknowledged before a restore from a backup \(its copy was found\); not sent again$`), "al bevestigd vóór het terugzetten van een back-up (de kopie is gevonden); niet opnieuw verstuurd"},
	{regexp.MustCompile(`^anonymised: closed more than (\d+) years ago$`), "geanonimiseerd: langer dan $1 jaar geleden afgehandeld"},
	{regexp.MustCompile(`^not a complaint: the held mail is erased$`), "geen klacht: de voorgelegde mail is gewist"},
	{regexp.MustCompile(`^forwarded by (.+?): (.*)$`), "doorgestuurd door $1, gevonden in $2"},
	{regexp.MustCompile(`^(reminder|warning|escalation|notice|confirmation|triage|alert|new-term): (.*?) to ([^ ]+(?:, [^ ]+)*)$`), ""}, // queued mail: below
}

var legacyWhy = map[string]string{
	"a director judged it a complaint": whyNL[WhyJudged],
	"the client wrote again":           whyNL[WhyClientWrote],
	"the client answered":              whyNL[WhyClientAnswered],
}

// The outbox's records of mail sent, retried or failed: "ack to x (confirmed
// by its copy in y)", "notice: 451 try later".
var (
	sentTo    = regexp.MustCompile(`^([a-z-]+) to (.+?)(?: \((?:confirmed by its copy in (.+)|its copy in (.+) shows it went out before a restore)\))?$`)
	kindColon = regexp.MustCompile(`^([a-z-]+): (.+)$`)
)

func legacyNL(d string) string {
	if m := sentTo.FindStringSubmatch(d); m != nil && kindNL[m[1]] != "" {
		s := kindNL[m[1]] + " aan " + m[2]
		switch {
		case m[3] != "":
			s += ", bevestigd door de kopie in " + m[3]
		case m[4] != "":
			s += "; de kopie in " + m[4] + " toont dat die vóór het terugzetten van een back-up is verstuurd"
		}
		return s
	}
	if m := kindColon.FindStringSubmatch(d); m != nil && kindNL[m[1]] != "" && !strings.Contains(m[2], " to ") {
		return kindNL[m[1]] + ": " + m[2]
	}
	for _, l := range legacy {
		m := l.re.FindStringSubmatch(d)
		if m == nil {
			continue
		}
		switch {
		case strings.Contains(l.re.String(), " -> "):
			s := "van " + StateNL(State(m[1])) + " naar " + StateNL(State(m[2]))
			if m[3] != "" {
				s += ": " + orCode(legacyWhy, m[3])
			}
			return s
		case strings.HasPrefix(l.re.String(), "^(reminder"):
			title := strings.TrimPrefix(m[2], "new target ")
			if title != m[2] {
				return orCode(kindNL, m[1]) + ", nieuwe streefdatum " + title + " aan " + m[3]
			}
			if strings.Contains(" confirmation triage question triage reminder alert ", " "+title+" ") {
				return orCode(kindNL, m[1]) + " aan " + m[3] // the English said no more than the kind
			}
			return orCode(kindNL, m[1]) + " \"" + title + "\" aan " + m[3]
		}
		return l.re.ReplaceAllString(d, l.nl)
	}
	return d
}
