package message

import (
	"fmt"
	"strings"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode every charset go-message knows
	"github.com/emersion/go-message/mail"
)

const (
	// maxDepth bounds multipart nesting; real mail rarely goes beyond 4 levels
	// and every level copies its part, so hostile nesting must stop somewhere.
	maxDepth = 16
	// maxProblems keeps the list readable when a mail is garbage throughout.
	maxProblems = 50
)

// Parse reads a raw RFC 5322 message. It never fails: whatever could be read
// is kept and everything that was wrong is listed in Message.Problems.
//
// It drives go-message's textproto, message and mail packages part by part
// instead of using mail.CreateReader, because that reader gives up on the
// whole message at a single malformed header line or an unknown
// Content-Transfer-Encoding in any part.
func Parse(raw []byte) *Message {
	p := &parser{m: &Message{}}
	p.run(raw)
	return p.m
}

type parser struct {
	m        *Message
	keepData bool        // ExtractAttachments: keep each attachment's bytes
	data     [][]byte    // parallel to m.Attachments when keepData
	bodyFrom int         // index of the first problem found in the body
	h        mail.Header // top-level header
	declared []string    // charsets the message names; see declaredCharsets
	body     []byte      // top-level body, raw
	topType  string      // top-level media type
	problems map[string]bool
}

// content is the readable text an entity contributes to Message.Text. HTML
// is converted only once it is chosen: most HTML has a plain-text twin.
type content struct {
	text   string
	html   bool   // text comes from HTML
	markup string // HTML still to be converted
}

func (c content) resolved() content {
	if c.markup != "" {
		return content{text: HTMLToText(c.markup), html: true}
	}
	return c
}

func (p *parser) problem(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if p.problems[s] || len(p.m.Problems) > maxProblems {
		return
	}
	if p.problems == nil {
		p.problems = make(map[string]bool)
	}
	p.problems[s] = true
	if len(p.m.Problems) == maxProblems {
		s = "more problems not listed"
	}
	p.m.Problems = append(p.m.Problems, s)
}

func (p *parser) run(raw []byte) {
	defer func() {
		// Last line of defence for "never panics"; the fuzz test fails on it.
		if r := recover(); r != nil {
			p.problem("internal: panic while parsing: %v", r)
		}
		if p.m.MessageID == "" {
			p.m.MessageID = substituteID(p.h, p.body)
			p.m.MessageIDSubstituted = true
		}
	}()

	hdr, body := p.readHeader(raw)
	p.body = body
	h := mail.Header{Header: message.Header{Header: hdr}}
	p.h = h

	p.readIDs(h)
	if from := p.addresses(h, "From"); len(from) > 0 {
		p.m.From = from[0]
	} else {
		p.problem("from: missing")
	}
	p.m.ReplyTo = p.addresses(h, "Reply-To")
	p.m.To = p.addresses(h, "To")
	p.m.Cc = p.addresses(h, "Cc")
	p.m.Bcc = p.addresses(h, "Bcc")
	p.m.AuthResults = authResults(h)
	p.m.Case = headerText(strings.TrimSpace(h.Get("X-Klachtbot-Case")))

	var subject string
	var err error
	if raw := h.Get("Subject"); needsOwnDecoding(raw) {
		subject = decodeHeaderValue(raw, p.declaredCharsets())
	} else if subject, err = h.Subject(); err != nil {
		p.problem("subject: %v", err)
	}
	p.m.Subject = headerText(subject)

	if v := h.Get("Date"); v != "" {
		// Year 0 is nonsense, and years beyond 9999 parse but cannot be
		// stored as RFC 3339.
		if t, err := h.Date(); err != nil || t.Year() < 1 || t.Year() > 9999 {
			p.problem("date: unparsable %q", clip(v))
		} else {
			p.m.Date = t
		}
	}

	p.bodyFrom = len(p.m.Problems)
	c := p.walk(hdr, body, 0).resolved()
	p.m.Text, p.m.HTML = c.text, c.html
	p.m.Auto = autoReason(h, p.m.From, p.topType)
}
