package dsn

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mcoo/klachtbot/mailbox/message"
)

// The returned mail.

// original is the header of a returned mail, as far as it was read.
type original struct {
	messageID, caseID, subject string
	inReplyTo, references      []string
}

// readOriginal fills the fields that identify the returned mail: from the
// first returned message or header part with a usable header, else from the
// copy quoted in the text; a Message-ID still missing comes from the DSN's
// X-Original-Message-ID or from a Message-ID line anywhere in the copy.
func (b *Bounce) readOriginal(atts []message.AttachmentData, notice, copied, dsnOriginalID string) {
	var o original
	found := false
	for _, a := range atts {
		if !returnedTypes[a.ContentType] {
			continue
		}
		if o, found = originalHeader(a.Data); found {
			break
		}
	}
	copied = clipString(copied, maxBounceHeader)
	if !found && copied != "" {
		o, found = originalHeader([]byte(unindent(copied)))
	}
	if o.messageID == "" && dsnOriginalID != "" {
		o.messageID = message.NormaliseID(dsnOriginalID)
	}
	if o.messageID == "" && copied != "" {
		if m := quotedIDRE.FindStringSubmatch(copied); m != nil {
			o.messageID = message.NormaliseID(m[1])
		}
	}
	if !found && o.subject == "" {
		// Exim's delay warning names the subject, not the Message-ID.
		if m := eximSubjectRE.FindStringSubmatch(notice); m != nil {
			o.subject = m[1]
		}
	}
	if o.caseID == "" && copied != "" {
		if m := quotedCaseRE.FindStringSubmatch(copied); m != nil {
			o.caseID = m[1]
		}
	}
	b.MessageID = cleanID(o.messageID)
	b.Case = cleanLine(o.caseID, maxBounceField)
	b.Subject = cleanLine(o.subject, maxBounceSubject)
	b.InReplyTo = cleanIDs(o.inReplyTo)
	b.References = cleanIDs(o.references)
}

var (
	quotedIDRE    = regexp.MustCompile(`(?im)^[ \t>]*message-id:[ \t]*(<[^<>\r\n]{1,250}>)`)
	eximSubjectRE = regexp.MustCompile(`(?m)^The subject of the message is:[ \t]*(.+)$`)
	quotedCaseRE  = regexp.MustCompile(`(?im)^[ \t>]*x-klachtbot-case:[ \t]*([^\s<>]{1,64})`)
)

// originalHeader reads the fields that identify a returned mail from the
// header at the start of data, read by message.Parse. Only those
// fields and their folded continuation lines are read: in returned headers
// other fields are often mangled beyond repair (DKIM signatures and Received
// lines with their folding lost), which would end the header early. ok
// reports a header that says anything about a mail.
func originalHeader(data []byte) (original, bool) {
	if len(data) > maxBounceHeader {
		data = data[:maxBounceHeader]
	}
	var kept bytes.Buffer
	keep, said := false, false
	for rest, first := data, true; len(rest) > 0; first = false {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		trimmed := bytes.TrimRight(line, "\r")
		switch {
		case len(bytes.TrimSpace(trimmed)) == 0:
			rest = nil // end of the header
		case trimmed[0] == ' ' || trimmed[0] == '\t':
			if keep {
				kept.Write(trimmed)
				kept.WriteString("\r\n")
			}
		case first && bytes.HasPrefix(trimmed, []byte("From ")):
		default:
			k, _, _ := bytes.Cut(trimmed, []byte(":"))
			key := strings.ToLower(string(bytes.TrimSpace(k)))
			keep = originalFields[key]
			if keep {
				said = said || key == "message-id" || key == "from" || key == "subject" || key == "x-klachtbot-case"
				kept.Write(trimmed)
				kept.WriteString("\r\n")
			}
		}
	}
	if !said {
		return original{}, false
	}
	kept.WriteString("\r\n")
	om := message.Parse(kept.Bytes())
	o := original{
		caseID:     om.Case,
		subject:    om.Subject,
		inReplyTo:  om.InReplyTo,
		references: om.References,
	}
	if !om.MessageIDSubstituted {
		o.messageID = om.MessageID
	}
	return o, true
}

var originalFields = map[string]bool{
	"message-id": true, "in-reply-to": true, "references": true, "subject": true,
	"x-klachtbot-case": true, "from": true, "to": true, "date": true,
}

// unindent drops the blank lines above a quoted header and the indentation
// its first line has from every line that has it.
func unindent(s string) string {
	s = strings.TrimLeft(s, "\n")
	first, _, _ := strings.Cut(s, "\n")
	indent := first[:len(first)-len(strings.TrimLeft(first, " \t"))]
	if indent == "" {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, indent)
	}
	return strings.Join(lines, "\n")
}

// Cleaning.

// cleanLine makes s one line of valid UTF-8 without control characters,
// blanks collapsed, at most max characters.
func cleanLine(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, message.FixString(s))
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > max {
		rs := []rune(s)
		s = strings.TrimSpace(string(rs[:max]))
	}
	return s
}

// cleanID returns a message ID as "<...>" without blanks or control
// characters, or "" when nothing usable is left.
func cleanID(id string) string {
	id = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, message.FixString(id))
	id = strings.Trim(id, "<>")
	if id == "" || len(id) > 250 || strings.ContainsAny(id, "<>") {
		return ""
	}
	return "<" + id + ">"
}

func cleanIDs(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id = cleanID(id); id != "" && len(out) < maxBounceIDs {
			out = append(out, id)
		}
	}
	return out
}

// clipString cuts s to at most n bytes at a rune boundary.
func clipString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
