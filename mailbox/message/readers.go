package message

import (
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

// ReadPart and CleanAddr, like ParseAddress, ParseAddressList, NormaliseID,
// GuessBoundary, FixString, NormaliseNewlines and TrimText, are Parse's own
// lenient rules, exported for the packages that read more of a mail than a
// Message keeps (mailbox/dsn: delivery reports; mailbox/forwarded: forwarded
// originals), so that one set of repairs reads every mail.

// Part is one MIME entity read as Parse reads one.
type Part struct {
	Header    mail.Header       // malformed lines dropped
	MediaType string            // lower-case; text/plain when missing or unreadable
	Params    map[string]string // of the Content-Type, names lower-case
	Body      []byte            // as it came, transfer-encoded
}

// ReadPart reads an entity: a whole mail, or one part of a multipart body
// that the MIME walk could not reach. Body is a slice of b.
func ReadPart(b []byte) Part {
	p := &parser{m: &Message{}}
	hdr, body := p.readHeader(b)
	h := message.Header{Header: hdr}
	mt, params := p.mediaType(h)
	return Part{Header: mail.Header{Header: h}, MediaType: mt, Params: params, Body: body}
}

// Decoded is the body with its transfer encoding undone, the charset
// untouched; the body as it came when it cannot be decoded at all.
func (pt Part) Decoded() []byte {
	p := &parser{m: &Message{}}
	dec, err := io.ReadAll(p.decoder(pt.Header.Header, "", pt.Body))
	if err != nil && len(dec) == 0 {
		return pt.Body
	}
	return dec
}

// CleanAddr lower-cases an address and returns "" for anything that is not
// one: no '@' inside, blanks, control or invisible characters.
func CleanAddr(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || len(s) > 254 || !utf8.ValidString(s) {
		return ""
	}
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsGraphic(r) || strings.ContainsRune(`<>"(),;[]\`, r) {
			return ""
		}
	}
	return s
}
