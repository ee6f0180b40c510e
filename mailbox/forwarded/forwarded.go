// Package forwarded finds the original in a forwarding mail: an attached
// message/rfc822 or an inline forward in the text as Gmail, Outlook, Apple
// Mail, Thunderbird and Yahoo write them, in Dutch and English, with the
// original's sender, date, subject, Message-ID when carried, and text. It
// reads the mail as mailbox/message parsed it and holds no rules about cases.
// forwarded.go finds the attached original, inline.go the inline forward,
// date.go reads the dates mail clients write above it.
//
// It is a leaf like mailbox/message: it must not import go-imap, go-mail,
// bbolt or any package of klachtbot other than mailbox/message.
package forwarded

import (
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/mcoo/klachtbot/mailbox/message"
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
