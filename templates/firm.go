package templates

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Firm is the firm's own voice in every mail and page: the [firm] table of
// the configuration.
type Firm struct {
	Name          string `toml:"name"`                 // "Mijn Cijfers Op Orde B.V."
	Phone         string `toml:"phone"`                // under every signature, when set
	ComplaintsURL string `toml:"klachtenregeling_url"` // the published klachtenregeling, linked from the acknowledgement
	// ReplyTo is where directors' answers to the bot's mails go (Reply-To
	// of notices and the digest, and the address of the digest's
	// one-click commands); empty: the bot address.
	ReplyTo string `toml:"reply_to"`
	// Signatures are the lines under a director's greeting, by the
	// director's address: ["Marco de Vries", "directeur"]. Without one the
	// director's configured name signs.
	Signatures map[string][]string `toml:"signatures"`
	// Staff are the firm's people a director may ask for their side of a
	// complaint (#betrokkene), [[firm.staff]]; recognition knows their names.
	Staff []Person `toml:"staff"`
}

// Person is one of the firm's people: a name and an address in the firm's domains.
type Person struct {
	Name    string `toml:"name"`
	Address string `toml:"address"`
}

// FirstName is the first word of the name, as a colleague is addressed.
func (p Person) FirstName() string {
	if f := strings.Fields(p.Name); len(f) > 0 {
		return f[0]
	}
	return p.Address
}

// StaffNames are the staff's names as mail mentions them, full and first
// name, for recognition to know them as the firm's people ("Anna was onbeleefd").
func (f Firm) StaffNames() []string {
	var names []string
	seen := map[string]bool{}
	for _, p := range f.Staff {
		for _, n := range []string{strings.TrimSpace(p.Name), p.FirstName()} {
			if k := strings.ToLower(n); n != "" && !strings.Contains(n, "@") && !seen[k] {
				seen[k] = true
				names = append(names, n)
			}
		}
	}
	return names
}

// DefaultFirmName is the firm klachtbot was written for.
const DefaultFirmName = "Mijn Cijfers Op Orde B.V."

func (f Firm) withDefaults() Firm {
	if f.Name == "" {
		f.Name = DefaultFirmName
	}
	return f
}

// ShortName is the name without its legal form, as a sender's name reads:
// "Mijn Cijfers Op Orde".
func (f Firm) ShortName() string {
	n := f.withDefaults().Name
	for _, form := range []string{" B.V.", " BV", " N.V.", " NV", " V.O.F.", " vof"} {
		n = strings.TrimSuffix(n, form)
	}
	return n
}

// Signature is the lines a director signs with: the configured ones, else
// their name.
func (f Firm) Signature(address, name string) []string {
	for k, v := range f.Signatures {
		if strings.EqualFold(k, address) && len(v) > 0 {
			return v
		}
	}
	return []string{name}
}

var numbersNL = [...]string{"nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien",
	"elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien", "twintig"}

// NumberNL writes a small number in words, as Dutch running text does
// (één to twintig); larger ones in digits with a thousands dot: 10.000.
func NumberNL(n int) string {
	if n >= 0 && n < len(numbersNL) {
		return numbersNL[n]
	}
	return Thousands(n)
}

// Thousands writes a number in digits with a thousands dot: 10.000.
func Thousands(n int) string {
	s := strconv.Itoa(max(n, -n))
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	if n < 0 {
		return "-" + s
	}
	return s
}

// CountNL is a number with the right form of its noun: "één dag", "vier
// dagen", "1.250 klachten".
func CountNL(n int, one, many string) string {
	if n == 1 {
		return "één " + one
	}
	return NumberNL(n) + " " + many
}

// DaysLeftNL says how a case stands against its target, in words:
// "nog vier dagen", "morgen", "vandaag", "één dag te laat".
func DaysLeftNL(days int) string {
	switch {
	case days > 1:
		return "nog " + CountNL(days, "dag", "dagen")
	case days == 1:
		return "morgen"
	case days == 0:
		return "vandaag"
	}
	return CountNL(-days, "dag", "dagen") + " te laat"
}

// InDaysNL says when a date falls, counted from today: "over vier dagen",
// "morgen", "vandaag".
func InDaysNL(days int) string {
	switch days {
	case 0:
		return "vandaag"
	case 1:
		return "morgen"
	}
	return "over " + CountNL(days, "dag", "dagen")
}

// EveryNL says how often something recurs: "elk uur", "elke vier uur",
// "elke dag", "elke twee dagen", "elke week", "elke 90 minuten".
func EveryNL(d time.Duration) string {
	every := func(n int64, one, many string) string {
		if n == 1 {
			return one
		}
		return "elke " + NumberNL(int(n)) + " " + many
	}
	const day, week = 24 * time.Hour, 7 * 24 * time.Hour
	switch {
	case d <= 0:
		return "steeds"
	case d%week == 0:
		return every(int64(d/week), "elke week", "weken")
	case d%day == 0:
		return every(int64(d/day), "elke dag", "dagen")
	case d%time.Hour == 0:
		return every(int64(d/time.Hour), "elk uur", "uur")
	case d%time.Minute == 0:
		return every(int64(d/time.Minute), "elke minuut", "minuten")
	}
	return every(int64(max(d.Round(time.Second)/time.Second, 1)), "elke seconde", "seconden")
}

// AgoNL says how long ago a date was: "gisteren", "drie dagen geleden".
func AgoNL(days int) string {
	switch days {
	case 0:
		return "vandaag"
	case 1:
		return "gisteren"
	}
	return CountNL(days, "dag", "dagen") + " geleden"
}

// Mailto is a link that opens a mail to addr with the subject and body
// filled in: a director's command in two taps.
func Mailto(addr, subject, body string) string {
	q := "subject=" + escape(subject)
	if body != "" {
		q += "&body=" + escape(body)
	}
	return "mailto:" + addr + "?" + q
}

// escape is RFC 6068 percent-encoding: spaces as %20, not +.
func escape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

func (s *Set) funcs() map[string]any {
	return map[string]any{
		"dateNL": DateNL, "dayNL": DayNL, "dateEN": DateEN, "dayEN": DayEN,
		"listNL": list("en"), "listEN": list("and"),
		"countNL": CountNL, "numberNL": NumberNL, "daysLeftNL": DaysLeftNL, "agoNL": AgoNL,
		"inDaysNL": InDaysNL, "everyNL": EveryNL, "join": strings.Join,
		"firm":      func() Firm { return s.firm },
		"signature": func(address, name string) []string { return s.firm.Signature(address, name) },
		"mailto":    Mailto,
		"thousands": Thousands,
		"decimal":   Decimal,
		"acts":      func(list []Action, bot, subject string) actions { return actions{list, bot, subject} },
		// sec is one section of the digest; the one-click commands are
		// optional, so an override written before them still renders.
		"sec": func(title, id string, rows Section, bot string, actions ...DigestActions) section {
			sec := section{Title: title, ID: id, Section: rows, Bot: bot}
			if len(actions) > 0 {
				sec.Actions = actions[0]
			}
			return sec
		},
		"shortDate": func(t time.Time) string { return strconv.Itoa(t.Day()) + " " + monthsNL[t.Month()-1][:3] },
	}
}
