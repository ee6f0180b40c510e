package forwarded

import (
	"regexp"
	"strings"

	"github.com/mcoo/klachtbot/mailbox/message"
)

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
