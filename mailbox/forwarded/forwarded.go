// Package forwarded finds the original in a forwarding mail: an attached
// message/rfc822 or an inline forward in the text as Gmail, Outlook, Apple
// Mail, Thunderbird and Yahoo write them, in Dutch and English, with the
// original's sender, date, subject, Message-ID when carried, and text. It
// reads the mail as mailbox/message parsed it and holds no rules about cases.
//
// It is a leaf like mailbox/message: it must not import go-imap, go-mail,
// bbolt or any package of klachtbot other than mailbox/message.
package forwarded

import (
	"github.com/mcoo/klachtbot/mailbox/message"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Original is the mail a forward carries: the client's original.
type Original struct {
	From                  message.Address // the original sender (lower-cased address, decoded name); Addr is "" when the forward shows only a name
	Date                  time.Time       // the original date; zero when it could not be read
	Subject               string          // the original subject
	MessageID             string          // with angle brackets; "" when the forward does not carry it (inline forwards)
	InReplyTo, References []string        // when known (attached originals)
	Text                  string          // the original's body text, as far as it can be told apart
	Raw                   []byte          // the attached original byte for byte (message/rfc822 part, transfer encoding undone); nil for inline forwards
	Inline                bool            // read from the forwarding mail's text rather than an attached message
	Note                  string          // the director's own words above the forwarded part (may be ""), trimmed
}

// Find finds the original in a forwarding mail: an attached message/rfc822
// (the first one) or an inline forward in the text. ok is false when the mail
// does not forward a mail (then nothing else is set).
//
// m is message.Parse(raw); when m is nil, raw is parsed here. An attached original
// (message/rfc822, message/global or a file named *.eml) wins over an inline
// forward; an attachment without a usable From is passed over. Bounces are
// never forwards. Inline forwards are recognised by the markers of Gmail,
// Apple Mail, Thunderbird and Yahoo ("Forwarded message", "Doorgestuurd
// bericht", "Begin forwarded message:"), and by Outlook's header block
// (From/Van, Sent/Verzonden, To/Aan, Subject/Onderwerp, with or without a
// line of underscores or "-----Original Message-----" above it) when the
// forwarding mail's subject starts with FW:, Fwd:, TR:, WG: or Doorst: - a
// reply carries the same block. Scanning stops at a reply attribution
// ("Op ... schreef:", "On ... wrote:") or at an Outlook reply block: what
// follows is quoted history, not a forward.
func Find(m *message.Message, raw []byte) (f *Original, ok bool) {
	defer func() {
		// As in message.Parse: a bug must not take the mail loop down. The fuzz
		// test calls forwarded directly, so that it does see panics.
		if r := recover(); r != nil {
			f, ok = nil, false
		}
	}()
	return find(m, raw)
}

func find(m *message.Message, raw []byte) (*Original, bool) {
	if m == nil {
		m = message.Parse(raw)
	}
	if strings.HasPrefix(m.Auto, "bounce") {
		return nil, false // a bounce carries the bounced mail as message/rfc822
	}
	if f, ok := attachedOriginal(m, raw); ok {
		return f, true
	}
	return inlineForward(m)
}

// isMessageAttachment reports whether an attachment is a mail.
func isMessageAttachment(contentType, filename string) bool {
	return contentType == "message/rfc822" || contentType == "message/global" ||
		strings.HasSuffix(strings.ToLower(filename), ".eml")
}

func attachedOriginal(m *message.Message, raw []byte) (*Original, bool) {
	found := false
	for _, a := range m.Attachments {
		if isMessageAttachment(a.ContentType, a.Filename) {
			found = true
			break
		}
	}
	if !found {
		return nil, false // spare the second walk over the mail
	}
	// A broken body still yields the attachments that could be read.
	atts, _ := message.ExtractAttachments(raw)
	for _, a := range atts {
		if !isMessageAttachment(a.ContentType, a.Filename) {
			continue
		}
		om := message.Parse(a.Data)
		from := message.Address{Name: cleanName(om.From.Name), Addr: message.CleanAddr(om.From.Addr)}
		if from.Addr == "" {
			continue
		}
		f := &Original{
			From:       from,
			Date:       storableDate(om.Date),
			Subject:    om.Subject,
			InReplyTo:  om.InReplyTo,
			References: om.References,
			Text:       om.Text,
			Raw:        a.Data,
			Note:       strings.TrimSpace(m.Text),
		}
		if !om.MessageIDSubstituted {
			f.MessageID = om.MessageID
		}
		return f, true
	}
	return nil, false
}

// Inline forwards.

const (
	markerNone     = iota
	markerForward  // says "forward" itself: Gmail, Apple Mail, Thunderbird, Yahoo
	markerOriginal // Outlook's underscores or "Original Message": replies have them too
)

// forwardMarkers are the marker lines, lower-cased and stripped of the
// dashes, underscores, stars, blanks and colons around them.
var forwardMarkers = map[string]int{
	"forwarded message":                  markerForward,
	"forwarded message follows":          markerForward,
	"begin forwarded message":            markerForward,
	"doorgestuurd bericht":               markerForward,
	"doorgestuurde bericht":              markerForward,
	"begin doorgestuurd bericht":         markerForward,
	"weitergeleitete nachricht":          markerForward,
	"anfang der weitergeleiteten e-mail": markerForward,
	"message transféré":                  markerForward,
	"début du message réexpédié":         markerForward,
	"original message":                   markerOriginal,
	"oorspronkelijk bericht":             markerOriginal,
	"oorspronkelijke bericht":            markerOriginal,
	"origineel bericht":                  markerOriginal,
	"ursprüngliche nachricht":            markerOriginal,
	"message d'origine":                  markerOriginal,
}

func markerKind(line string) int {
	if len(line) > 100 {
		return markerNone
	}
	if len(line) >= 10 && strings.Trim(line, "_") == "" {
		return markerOriginal
	}
	return forwardMarkers[strings.ToLower(strings.Trim(line, "-_=*: \t"))]
}

// forwardPrefix matches the subject of a forwarding mail, after an optional
// tag such as "[EXTERN]": FW:, Fwd:, TR: (French), WG: (German), Doorst:
// (older Dutch Outlook).
var forwardPrefix = regexp.MustCompile(`(?i)^\s*(?:\[[^\]]{0,40}\]\s*)?(?:fwd?|tr|wg|doorst)\s*:\s*`)

// Header block fields.
const (
	fieldNone = iota
	fieldFrom
	fieldDate
	fieldTo
	fieldCc
	fieldSubject
	fieldMessageID
	fieldOther
)

var blockFields = map[string]int{
	"from": fieldFrom, "van": fieldFrom, "de": fieldFrom, "von": fieldFrom,
	"sent": fieldDate, "verzonden": fieldDate, "verstuurd": fieldDate, "date": fieldDate, "datum": fieldDate,
	"gesendet": fieldDate, "envoyé": fieldDate,
	"to": fieldTo, "aan": fieldTo, "an": fieldTo, "à": fieldTo,
	"cc": fieldCc, "bcc": fieldCc,
	"subject": fieldSubject, "onderwerp": fieldSubject, "betreff": fieldSubject, "objet": fieldSubject,
	"message-id": fieldMessageID,
	"reply-to":   fieldOther, "antwoord aan": fieldOther, "antwoord naar": fieldOther,
	"organization": fieldOther, "organisatie": fieldOther,
	"importance": fieldOther, "urgentie": fieldOther, "priority": fieldOther, "prioriteit": fieldOther,
	"attachments": fieldOther, "bijlagen": fieldOther, "bijlage": fieldOther,
}

// fieldOf reads "Key: value", also "*Key:* value" (bold keys rendered as
// text) and "Key: | value" (Thunderbird's header table rendered as text).
func fieldOf(line string) (int, string) {
	s := strings.TrimLeft(line, "* \t")
	i := strings.IndexByte(s, ':')
	if i <= 0 || i > 32 {
		return fieldNone, ""
	}
	key := strings.ToLower(strings.TrimRight(s[:i], "* \t"))
	f := blockFields[key]
	if f == fieldNone {
		return fieldNone, ""
	}
	v := strings.TrimLeft(s[i+1:], "* \t")
	v = strings.TrimLeft(v, "| \t")
	return f, strings.TrimSpace(v)
}

// block is a forwarded header block.
type block struct {
	from, date, subject, messageID string
	has                            [fieldOther + 1]bool
	depth                          int // quote depth of its lines
	end                            int // index of the first line after it
}

// maxBlockLines bounds a header block, so that a text of header-like lines
// is not read again from every line.
const maxBlockLines = 40

func readBlock(lines []string, start int) (block, bool) {
	var b block
	if start >= len(lines) {
		return b, false
	}
	b.depth, _ = quoteDepth(lines[start])
	last := fieldNone
	j := start
	for ; j < len(lines) && j-start < maxBlockLines; j++ {
		d, content := quoteDepth(lines[j])
		line := strings.TrimSpace(content)
		if d != b.depth || line == "" {
			break
		}
		f, v := fieldOf(line)
		if f == fieldNone {
			folded := content[0] == ' ' || content[0] == '\t'
			if j == start || !(folded || (last == fieldTo || last == fieldCc) && strings.Contains(line, "@")) {
				break
			}
			switch last { // a folded or wrapped value
			case fieldFrom:
				b.from += " " + line
			case fieldSubject:
				b.subject += " " + line
			case fieldDate:
				b.date += " " + line
			}
			continue
		}
		if f == fieldFrom && b.from == "" {
			b.from = v // the first From that has a value
		}
		if !b.has[f] {
			switch f {
			case fieldDate:
				b.date = v
			case fieldSubject:
				b.subject = v
			case fieldMessageID:
				b.messageID = v
			}
		}
		b.has[f] = true
		last = f
	}
	b.end = j
	return b, b.has[fieldFrom] && strings.TrimSpace(b.from) != ""
}

// quoteDepth counts the leading '>' of a line (blanks between them allowed)
// and returns the line without them and the one blank that follows.
func quoteDepth(line string) (int, string) {
	d, i := 0, 0
	for {
		j := i
		for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
			j++
		}
		if j < len(line) && line[j] == '>' {
			d++
			i = j + 1
			continue
		}
		break
	}
	rest := line[i:]
	if d > 0 {
		rest = strings.TrimPrefix(rest, " ")
	}
	return d, rest
}

// unquote removes n quote levels from line.
func unquote(line string, n int) string {
	for k := 0; k < n; k++ {
		t := strings.TrimLeft(line, " \t")
		if !strings.HasPrefix(t, ">") {
			return line
		}
		line = t[1:]
	}
	if n > 0 {
		line = strings.TrimPrefix(line, " ")
	}
	return line
}

var (
	attributionVerb  = regexp.MustCompile(`(?i)(^|\s)(wrote|schreef|geschreven|schrieb|a écrit|escribió|ha scritto)(\s|:|$)`)
	attributionStart = regexp.MustCompile(`(?i)^(on|op|le|am|el|il)\s`)
)

// isAttribution reports whether line (with next, when a client wrapped it)
// introduces the quoted history of a reply.
func isAttribution(line, next string) bool {
	if len(line) > 400 {
		return false
	}
	start := attributionStart.MatchString(line)
	if !strings.HasSuffix(line, ":") && start && next != "" && len(next) < 200 {
		line += " " + next // "Op ... schreef Jan Jansen <" / "jan@example.nl>:"
	}
	if !strings.HasSuffix(line, ":") || !attributionVerb.MatchString(line) {
		return false
	}
	// "Kijk wat de klant schreef:" is the director's own sentence.
	return start || strings.ContainsAny(line, "@0123456789")
}

func inlineForward(m *message.Message) (*Original, bool) {
	lines := strings.Split(message.NormaliseNewlines(m.Text), "\n")
	forwardSubject := forwardPrefix.MatchString(m.Subject)
	for i := 0; i < len(lines); i++ {
		_, content := quoteDepth(lines[i])
		line := strings.TrimSpace(content)
		if line == "" {
			continue
		}
		next := ""
		if i+1 < len(lines) {
			_, n := quoteDepth(lines[i+1])
			next = strings.TrimSpace(n)
		}
		if isAttribution(line, next) {
			return nil, false
		}
		kind := markerKind(line)
		start := i
		if kind != markerNone {
			start = i + 1
			for blanks := 0; start < len(lines) && blanks < 2; blanks++ {
				if _, c := quoteDepth(lines[start]); strings.TrimSpace(c) != "" {
					break
				}
				start++
			}
		} else if f, _ := fieldOf(line); f != fieldFrom {
			continue
		}
		b, ok := readBlock(lines, start)
		if kind == markerNone && !(ok && b.has[fieldDate] && (b.has[fieldTo] || b.has[fieldSubject])) {
			// A later "From:" line of the same block starts a part of it,
			// which lacks the same fields.
			i = max(i, b.end-1)
			continue
		}
		if !ok {
			continue // a marker without a header block
		}
		if kind != markerForward && !forwardSubject {
			return nil, false // Outlook's block in a reply: quoted history from here on
		}
		return inlineResult(m, lines, i, b), true
	}
	return nil, false
}

// inlineResult builds the Forward of the header block b, whose marker or
// first line is lines[at].
func inlineResult(m *message.Message, lines []string, at int, b block) *Original {
	f := &Original{
		From:    looseAddress(b.from),
		Date:    parseForwardDate(b.date),
		Subject: strings.TrimSpace(b.subject),
		Inline:  true,
		Note:    strings.TrimSpace(strings.Join(lines[:at], "\n")),
	}
	if !b.has[fieldSubject] {
		f.Subject = strings.TrimSpace(forwardPrefix.ReplaceAllString(m.Subject, ""))
	}
	if b.messageID != "" {
		if id := message.NormaliseID(b.messageID); strings.Contains(id, "@") {
			f.MessageID = id
		}
	}
	var body []string
	for _, l := range lines[b.end:] {
		d, c := quoteDepth(l)
		if d < b.depth && strings.TrimSpace(c) != "" {
			break // the quoted original ends; what follows is not part of it
		}
		body = append(body, unquote(l, b.depth))
	}
	// iOS Mail starts the forwarded body with a byte order mark.
	f.Text = message.TrimText(strings.ReplaceAll(strings.Join(body, "\n"), "\ufeff", ""))
	return f
}

// Addresses.

var (
	mailtoSuffix  = regexp.MustCompile(`(?i)<mailto:[^<>]*>`)
	bracketedAddr = regexp.MustCompile(`(?i)\[(?:mailto:)?([^\[\]\s]+@[^\[\]\s]+)\]`)
)

// looseAddress reads the From of a forwarded header block: "Name <addr>",
// "addr", "Name [mailto:addr]" (old Outlook), "Name <addr<mailto:addr>>"
// (Outlook's HTML rendered as text), "*Name* <addr>" or only "Name".
func looseAddress(v string) message.Address {
	v = strings.TrimSpace(mailtoSuffix.ReplaceAllString(v, ""))
	v = bracketedAddr.ReplaceAllString(v, "<$1>")
	if i := strings.IndexByte(v, '<'); i > 0 {
		v = strings.ReplaceAll(v[:i], "*", "") + v[i:]
	}
	a := message.ParseAddress(v)
	addr := message.CleanAddr(a.Addr)
	name := cleanName(a.Name)
	if addr == "" {
		// No usable address: the name is what stands before any "<".
		if i := strings.IndexByte(v, '<'); i >= 0 {
			v = v[:i]
		}
		name = cleanName(v)
	}
	return message.Address{Name: name, Addr: addr}
}

// cleanName trims quotes, stars and blanks and folds control characters and
// runs of blanks into single spaces.
func cleanName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, message.FixString(s))
	return strings.Trim(strings.Join(strings.Fields(s), " "), `"'* `)
}

// Dates.

var forwardMonths = map[string]time.Month{
	"jan": 1, "january": 1, "januari": 1,
	"feb": 2, "february": 2, "februari": 2,
	"mar": 3, "march": 3, "mrt": 3, "maart": 3,
	"apr": 4, "april": 4,
	"may": 5, "mei": 5,
	"jun": 6, "june": 6, "juni": 6,
	"jul": 7, "july": 7, "juli": 7,
	"aug": 8, "august": 8, "augustus": 8,
	"sep": 9, "sept": 9, "september": 9,
	"oct": 10, "october": 10, "okt": 10, "oktober": 10,
	"nov": 11, "november": 11,
	"dec": 12, "december": 12,
}

// forwardDateWords are skipped: day names and the "at"/"om" before the time.
var forwardDateWords = map[string]bool{
	"mon": true, "monday": true, "tue": true, "tues": true, "tuesday": true, "wed": true, "wednesday": true,
	"thu": true, "thur": true, "thurs": true, "thursday": true, "fri": true, "friday": true,
	"sat": true, "saturday": true, "sun": true, "sunday": true,
	"ma": true, "maandag": true, "di": true, "dinsdag": true, "wo": true, "woensdag": true,
	"do": true, "donderdag": true, "vr": true, "vrijdag": true, "za": true, "zaterdag": true,
	"zo": true, "zondag": true,
	"at": true, "om": true, "on": true, "op": true, "the": true, "uur": true, "-": true,
}

// forwardZones are the zone abbreviations mail clients write, in seconds east of UTC.
var forwardZones = map[string]int{
	"ut": 0, "utc": 0, "gmt": 0, "z": 0, "wet": 0, "west": 3600, "bst": 3600,
	"cet": 3600, "met": 3600, "cest": 7200, "mest": 7200, "eet": 7200, "eest": 10800,
	"est": -5 * 3600, "edt": -4 * 3600, "cst": -6 * 3600, "cdt": -5 * 3600,
	"mst": -7 * 3600, "mdt": -6 * 3600, "pst": -8 * 3600, "pdt": -7 * 3600,
}

var (
	dateTimeRE    = regexp.MustCompile(`^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(am|pm|a\.m|p\.m)?$`)
	numericDateRE = regexp.MustCompile(`^(\d{1,4})([-/.])(\d{1,2})[-/.](\d{1,4})$`)
	zoneOffsetRE  = regexp.MustCompile(`^(?:gmt|utc|ut)?([+-])(\d{1,2})(?::?(\d{2}))?$`)
	ordinalRE     = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th|e|ste|de)$`)
)

// parseForwardDate reads the date of a forwarded header block: RFC 5322
// (Thunderbird; read here rather than by net/mail, whose reading of a zone
// abbreviation such as "CET" depends on the machine's local zone) and the layouts of Gmail, Outlook and Apple Mail in Dutch
// and English - "Mon, Nov 23, 2026 at 10:12 AM", "ma 23 nov. 2026 om
// 10:12", "maandag 23 november 2026 10:12", "23 November 2026 at 10:12:00
// CET", "23-11-2026 10:12". Without a zone the time is Europe/Amsterdam's.
// It returns the zero time for anything it cannot read with certainty.
func parseForwardDate(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 200 {
		return time.Time{}
	}
	var (
		year, day, hour, min, sec = -1, -1, -1, -1, 0
		month                     time.Month
		meridiem                  string // "am", "pm"
		numeric                   []string
		zone                      *time.Location
		zoneIsOffset              bool
	)
	fields := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == '(' || r == ')'
	})
	for _, tok := range fields {
		tok = strings.TrimSuffix(tok, ".")
		switch {
		case tok == "" || forwardDateWords[tok]:
		case tok == "am" || tok == "pm" || tok == "a.m" || tok == "p.m":
			if meridiem != "" {
				return time.Time{}
			}
			meridiem = strings.ReplaceAll(tok, ".", "")
		case forwardMonths[tok] != 0:
			if month != 0 {
				return time.Time{}
			}
			month = forwardMonths[tok]
		case dateTimeRE.MatchString(tok):
			if hour >= 0 {
				return time.Time{}
			}
			p := dateTimeRE.FindStringSubmatch(tok)
			hour, _ = strconv.Atoi(p[1])
			min, _ = strconv.Atoi(p[2])
			if p[3] != "" {
				sec, _ = strconv.Atoi(p[3])
			}
			if p[4] != "" {
				if meridiem != "" {
					return time.Time{}
				}
				meridiem = strings.ReplaceAll(p[4], ".", "")
			}
		case numericDateRE.MatchString(tok):
			if numeric != nil {
				return time.Time{}
			}
			numeric = numericDateRE.FindStringSubmatch(tok)
		case zoneOffsetRE.MatchString(tok):
			p := zoneOffsetRE.FindStringSubmatch(tok)
			h, _ := strconv.Atoi(p[2])
			mi, _ := strconv.Atoi(p[3])
			off := h*3600 + mi*60
			if p[1] == "-" {
				off = -off
			}
			if h > 14 || mi > 59 || zoneIsOffset {
				return time.Time{}
			}
			zone, zoneIsOffset = time.FixedZone("", off), true
		case isZoneName(tok):
			if zone == nil { // a numeric offset wins: "+0100 (CET)"
				zone = time.FixedZone(strings.ToUpper(tok), forwardZones[tok])
			}
		case isDigits(tok):
			n, _ := strconv.Atoi(tok)
			switch {
			case len(tok) == 4 && year < 0:
				year = n
			case len(tok) <= 2 && day < 0:
				day = n
			default:
				return time.Time{}
			}
		case ordinalRE.MatchString(tok):
			if day >= 0 {
				return time.Time{}
			}
			day, _ = strconv.Atoi(ordinalRE.FindStringSubmatch(tok)[1])
		default:
			// Words of a zone description ("Amsterdam, Berlijn"), or of
			// something that is not a date at all: then a part is missing.
		}
	}
	if numeric != nil {
		if year >= 0 || day >= 0 || month != 0 {
			return time.Time{}
		}
		a, _ := strconv.Atoi(numeric[1])
		b, _ := strconv.Atoi(numeric[3])
		c, _ := strconv.Atoi(numeric[4])
		switch {
		case len(numeric[1]) == 4:
			year, month, day = a, time.Month(b), c
		case len(numeric[4]) == 4 || len(numeric[4]) == 2:
			year = c
			if len(numeric[4]) == 2 {
				year += 2000
			}
			// Day first as in Dutch and British English, unless that
			// cannot be or the slashes and AM/PM say American.
			if a <= 12 && (b > 12 || numeric[2] == "/" && meridiem != "") {
				month, day = time.Month(a), b
			} else {
				day, month = a, time.Month(b)
			}
		default:
			return time.Time{}
		}
	}
	if year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || hour < 0 || min > 59 || sec > 59 {
		return time.Time{}
	}
	switch meridiem {
	case "am", "pm":
		if hour < 1 || hour > 12 {
			return time.Time{}
		}
		hour %= 12
		if meridiem == "pm" {
			hour += 12
		}
	}
	if hour > 23 {
		return time.Time{}
	}
	if d := time.Date(year, month, day, 0, 0, 0, 0, time.UTC); d.Day() != day {
		return time.Time{} // 31 November
	}
	if zone == nil {
		return storableDate(amsterdamTime(year, month, day, hour, min, sec))
	}
	return storableDate(time.Date(year, month, day, hour, min, sec, 0, zone))
}

func isZoneName(s string) bool {
	_, ok := forwardZones[s]
	return ok
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// amsterdamTime is a wall-clock time in Europe/Amsterdam: CEST from the last
// Sunday of March to the last Sunday of October, 01:00 UTC (the EU rule
// since 1996), CET otherwise. It does not depend on the zone database of
// the machine. A time in the hour skipped in spring is read as CET.
func amsterdamTime(y int, mo time.Month, d, h, mi, s int) time.Time {
	wall := time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	start := lastSunday(y, time.March).Add(time.Hour)
	end := lastSunday(y, time.October).Add(time.Hour)
	if u := wall.Add(-2 * time.Hour); !u.Before(start) && u.Before(end) {
		return time.Date(y, mo, d, h, mi, s, 0, time.FixedZone("CEST", 2*3600))
	}
	return time.Date(y, mo, d, h, mi, s, 0, time.FixedZone("CET", 3600))
}

func lastSunday(y int, m time.Month) time.Time {
	last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)
	return last.AddDate(0, 0, -int(last.Weekday()))
}

// storableDate returns t, or the zero time when t cannot be stored as JSON
// or RFC 3339 (year outside 1..9999, offset of a day or more).
func storableDate(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	_, off := t.Zone()
	if t.Year() < 1 || t.Year() > 9999 || t.UTC().Year() < 1 || t.UTC().Year() > 9999 || off <= -24*3600 || off >= 24*3600 {
		return time.Time{}
	}
	return t
}
