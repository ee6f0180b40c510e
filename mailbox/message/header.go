package message

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	netmail "net/mail"
	"regexp"
	"strings"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
	"github.com/emersion/go-msgauth/authres"
)

// readHeader splits raw into header and body. textproto.ReadHeader rejects
// the whole header at the first line that is not "Key: value", so such lines
// are dropped first: a stray line is skipped, while a non-header line
// followed by another non-header line is taken as a body that lacks its
// separating blank line.
func (p *parser) readHeader(raw []byte) (textproto.Header, []byte) {
	var clean bytes.Buffer
	rest := raw
lines:
	for first := true; len(rest) > 0; first = false {
		line, next := cutLine(rest)
		trimmed := bytes.TrimRight(line, "\r\n")
		switch {
		case len(trimmed) == 0:
			rest = next
			break lines
		case trimmed[0] == ' ' || trimmed[0] == '\t':
			if clean.Len() == 0 {
				p.problem("header: skipped continuation line without a field %q", clip(string(trimmed)))
			} else {
				clean.Write(trimmed)
				clean.WriteString("\r\n")
			}
		case isFieldLine(trimmed):
			clean.Write(trimmed)
			clean.WriteString("\r\n")
		case first && bytes.HasPrefix(trimmed, []byte("From ")):
			// mbox separator left by some exporters; not part of the mail
		default:
			if nl, _ := cutLine(next); !isFieldLine(bytes.TrimRight(nl, "\r\n")) {
				p.problem("header: missing blank line before body")
				break lines
			}
			p.problem("header: skipped malformed line %q", clip(string(trimmed)))
		}
		rest = next
	}
	if clean.Len() == 0 {
		p.problem("header: empty")
	}
	clean.WriteString("\r\n")
	h, err := textproto.ReadHeader(bufio.NewReader(&clean))
	if err != nil {
		p.problem("header: %v", err)
	}
	return h, rest
}

// cutLine returns the first line of b including its "\n", and the rest.
func cutLine(b []byte) (line, rest []byte) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1], b[i+1:]
	}
	return b, nil
}

// isFieldLine reports whether line starts a header field, with the same key
// rules as textproto.ReadHeader (which tolerates blanks before the colon).
func isFieldLine(line []byte) bool {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return false
	}
	key := bytes.TrimRight(line[:i], " \t")
	if len(key) == 0 {
		return false
	}
	for _, c := range key {
		if c < 33 || c > 126 {
			return false
		}
	}
	return true
}

// readIDs fills MessageID, InReplyTo and References. A missing or unusable
// Message-ID is left empty here; run substitutes it at the end.
func (p *parser) readIDs(h mail.Header) {
	if raw := h.Get("Message-Id"); raw != "" {
		if id, err := idHeader("Message-Id", raw).MessageID(); err == nil && id != "" {
			p.m.MessageID = "<" + id + ">"
		} else {
			p.problem("message-id: malformed %q", clip(raw))
			p.m.MessageID = NormaliseID(raw)
		}
	} else {
		p.problem("message-id: missing")
	}
	p.m.InReplyTo = p.idList(h, "In-Reply-To")
	p.m.References = p.idList(h, "References")
}

// NormaliseID salvages a malformed Message-ID: keep what is inside <...>,
// drop whitespace. It returns "" when the rest is unusable as an identifier.
func NormaliseID(raw string) string {
	s := raw
	if i := strings.IndexByte(s, '<'); i >= 0 {
		s = s[i+1:]
		if j := strings.IndexByte(s, '>'); j >= 0 {
			s = s[:j]
		}
	}
	s = strings.Join(strings.Fields(s), "")
	if len(s) == 0 || len(s) > 250 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c > 0x7e || c == '<' || c == '>' {
			return ""
		}
	}
	// Too short to identify a message across mailboxes.
	if !strings.Contains(s, "@") && len(s) < 8 {
		return ""
	}
	return "<" + s + ">"
}

// idHeader holds a message-id header with its comments removed, for
// go-message to parse: its comment reader grows a string byte by byte, which
// takes seconds for a comment of a few hundred kilobytes.
func idHeader(key, v string) *mail.Header {
	var h mail.Header
	h.Set(key, stripComments(v))
	return &h
}

// stripComments removes RFC 5322 comments, "(...)" with nesting and
// backslash escapes; an unclosed comment runs to the end.
func stripComments(s string) string {
	if !strings.Contains(s, "(") {
		return s
	}
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && depth > 0:
			i++
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
			if depth == 0 {
				b.WriteByte(' ')
			}
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

var bracketedID = regexp.MustCompile(`<([^<>]*)>`)

// idList parses In-Reply-To or References, salvaging what it can from a
// malformed value (commas between ids, ids without '@' or without brackets).
func (p *parser) idList(h mail.Header, key string) []string {
	raw := h.Get(key)
	if raw == "" {
		return nil
	}
	ids, err := idHeader(key, raw).MsgIDList(key)
	if err != nil {
		p.problem("%s: malformed %q", strings.ToLower(key), clip(raw))
		ids = ids[:0]
		for _, m := range bracketedID.FindAllStringSubmatch(raw, -1) {
			ids = append(ids, strings.Join(strings.Fields(m[1]), ""))
		}
		if len(ids) == 0 {
			for _, f := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
				if strings.Contains(f, "@") {
					ids = append(ids, f)
				}
			}
		}
	}
	var out []string
	seen := make(map[string]bool)
	for _, id := range ids {
		id = "<" + FixString(id) + ">"
		if id != "<>" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// addresses parses an address list header, falling back to a part-by-part
// reading when the list as a whole is not RFC 5322.
func (p *parser) addresses(h mail.Header, key string) []Address {
	raw := h.Get(key)
	if raw == "" {
		return nil
	}
	if !isASCII([]byte(raw)) {
		// Raw 8-bit names: read in the message's charsets, then UTF-8 (RFC 6532).
		raw = rawText([]byte(raw), p.declaredCharsets())
		h = mail.Header{Header: message.Header{}}
		h.Set(key, raw)
	}
	list, err := h.AddressList(key)
	if err != nil {
		p.problem("%s: malformed address list %q", strings.ToLower(key), clip(raw))
		return ParseAddressList(raw)
	}
	out := make([]Address, 0, len(list))
	for _, a := range list {
		out = append(out, Address{Name: headerText(a.Name), Addr: strings.ToLower(headerText(a.Address))})
	}
	return out
}

var (
	angleAddr   = regexp.MustCompile(`<([^<>\s]+@[^<>\s]+)>`)
	wordDecoder = &mime.WordDecoder{CharsetReader: func(cs string, r io.Reader) (io.Reader, error) {
		return message.CharsetReader(cs, r)
	}}
	addrParser = netmail.AddressParser{WordDecoder: wordDecoder}
)

// ParseAddressList reads each comma- or semicolon-separated part on its own
// (Outlook users type "a@x.nl; b@y.nl", others leave commas in names
// unquoted) and takes the bracketed or bare address from parts that still
// do not parse. A part without an address is taken to be the start of the
// next part's name: "Jansen, Piet <p@x.nl>".
func ParseAddressList(raw string) []Address {
	var out []Address
	var pending []string
	for _, part := range splitUnquoted(raw) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		a := ParseAddress(part)
		if a.Addr == "" {
			pending = append(pending, part)
			continue
		}
		if len(pending) > 0 && a.Name != "" {
			a.Name = strings.Join(append(pending, a.Name), ", ")
		}
		pending = nil
		out = append(out, Address{Name: headerText(a.Name), Addr: strings.ToLower(headerText(a.Addr))})
	}
	return out
}

// ParseAddress reads one address, "Name <addr>" or a bare addr, as it
// stands (not lower-cased); Addr is "" when there is none.
func ParseAddress(part string) Address {
	if a, err := addrParser.Parse(part); err == nil {
		return Address{Name: a.Name, Addr: a.Address}
	}
	if m := angleAddr.FindStringSubmatchIndex(part); m != nil {
		name := strings.Trim(strings.TrimSpace(part[:m[0]]), `"' `)
		if dec, err := wordDecoder.DecodeHeader(name); err == nil {
			name = dec
		}
		return Address{Name: name, Addr: part[m[2]:m[3]]}
	}
	for _, f := range strings.Fields(part) {
		if strings.Contains(f, "@") {
			return Address{Addr: strings.Trim(f, `<>"'(),;`)}
		}
	}
	return Address{}
}

// splitUnquoted splits an address list at commas and semicolons outside
// double quotes and angle brackets.
func splitUnquoted(s string) []string {
	var parts []string
	quoted, angle, start := false, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case c == '<' && !quoted:
			angle = true
		case c == '>' && !quoted:
			angle = false
		case (c == ',' || c == ';') && !quoted && !angle:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// substituteID derives a stable Message-ID from what the sender wrote, never
// from fields a receiving server adds (Received, Delivered-To, Return-Path),
// so copies of one mail in several mailboxes get the same substitute.
func substituteID(h mail.Header, body []byte) string {
	sum := sha256.New()
	for _, k := range []string{"From", "To", "Cc", "Date", "Subject"} {
		// Folding may differ per hop; the words do not.
		fmt.Fprintf(sum, "%s: %s\n", k, strings.Join(strings.Fields(h.Get(k)), " "))
	}
	sum.Write([]byte{0})
	// Servers disagree on CRLF versus LF in stored mail.
	sum.Write(bytes.TrimRight(bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n")), " \t\r\n"))
	return "<" + hex.EncodeToString(sum.Sum(nil))[:32] + "@klachtbot.invalid>"
}

// authResults reads the DKIM and SPF results of every Authentication-Results
// header, top first. Which of them to believe is the rules' business.
func authResults(h mail.Header) []AuthResult {
	var out []AuthResult
	received := 0
	for f := h.Fields(); f.Next(); {
		switch strings.ToLower(f.Key()) {
		case "received":
			received++
		case "authentication-results":
			// Without comments: OpenDKIM writes "dkim=pass (2048-bit key;
			// unprotected) header.d=...", whose ";" would end the result.
			id, results, err := authres.Parse(stripComments(f.Value()))
			if err != nil {
				continue
			}
			for _, r := range results {
				switch r := r.(type) {
				case *authres.DKIMResult:
					out = append(out, AuthResult{ServID: id, Method: "dkim", Pass: r.Value == authres.ResultPass, Domain: strings.ToLower(r.Domain), ReceivedAbove: received})
				case *authres.SPFResult:
					out = append(out, AuthResult{ServID: id, Method: "spf", Pass: r.Value == authres.ResultPass, Domain: Domain(r.From), ReceivedAbove: received})
				}
			}
		}
	}
	return out
}

// Domain is the lower-cased domain of an address (the whole string when it
// has no @).
func Domain(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		addr = addr[i+1:]
	}
	return strings.ToLower(addr)
}
