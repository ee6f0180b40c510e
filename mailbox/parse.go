package mailbox

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	netmail "net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode every charset go-message knows
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
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
	keepData bool     // ExtractAttachments: keep each attachment's bytes
	data     [][]byte // parallel to m.Attachments when keepData
	bodyFrom int      // index of the first problem found in the body
	body     []byte   // top-level body, raw
	topType  string   // top-level media type
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
			p.m.MessageID = substituteID(p.m.Header, p.body)
			p.m.MessageIDSubstituted = true
		}
	}()

	hdr, body := p.readHeader(raw)
	p.body = body
	h := mail.Header{Header: message.Header{Header: hdr}}
	p.m.Header = h

	p.readIDs(h)
	if from := p.addresses(h, "From"); len(from) > 0 {
		p.m.From = from[0]
	} else {
		p.problem("from: missing")
	}
	p.m.ReplyTo = p.addresses(h, "Reply-To")
	p.m.To = p.addresses(h, "To")
	p.m.Cc = p.addresses(h, "Cc")

	subject, err := h.Subject()
	if err != nil {
		p.problem("subject: %v", err)
	}
	p.m.Subject = fixString(subject)

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
			p.m.MessageID = normaliseID(raw)
		}
	} else {
		p.problem("message-id: missing")
	}
	p.m.InReplyTo = p.idList(h, "In-Reply-To")
	p.m.References = p.idList(h, "References")
}

// normaliseID salvages a malformed Message-ID: keep what is inside <...>,
// drop whitespace. It returns "" when the rest is unusable as an identifier.
func normaliseID(raw string) string {
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
		id = "<" + fixString(id) + ">"
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
	list, err := h.AddressList(key)
	if err != nil {
		p.problem("%s: malformed address list %q", strings.ToLower(key), clip(raw))
		return lenientAddresses(raw)
	}
	out := make([]Address, 0, len(list))
	for _, a := range list {
		out = append(out, Address{Name: fixString(a.Name), Addr: strings.ToLower(fixString(a.Address))})
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

// lenientAddresses reads each comma- or semicolon-separated part on its own
// (Outlook users type "a@x.nl; b@y.nl", others leave commas in names
// unquoted) and takes the bracketed or bare address from parts that still
// do not parse. A part without an address is taken to be the start of the
// next part's name: "Jansen, Piet <p@x.nl>".
func lenientAddresses(raw string) []Address {
	var out []Address
	var pending []string
	for _, part := range splitUnquoted(raw) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		a := lenientAddress(part)
		if a.Addr == "" {
			pending = append(pending, part)
			continue
		}
		if len(pending) > 0 && a.Name != "" {
			a.Name = strings.Join(append(pending, a.Name), ", ")
		}
		pending = nil
		out = append(out, Address{Name: fixString(a.Name), Addr: strings.ToLower(fixString(a.Addr))})
	}
	return out
}

func lenientAddress(part string) Address {
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

// walk reads one entity and returns the text it contributes to the message;
// attachments are recorded on the way.
func (p *parser) walk(hdr textproto.Header, body []byte, depth int) content {
	h := message.Header{Header: hdr}
	mt, params := p.mediaType(h)
	if depth == 0 {
		p.topType = mt
	}
	if strings.HasPrefix(mt, "multipart/") {
		if depth >= maxDepth {
			p.problem("multipart: nested deeper than %d levels, inner parts skipped", maxDepth)
			return content{}
		}
		boundary := params["boundary"]
		if boundary == "" || !bytes.Contains(body, []byte("--"+boundary)) {
			guess := guessBoundary(body)
			if boundary == "" {
				p.problem("multipart: missing boundary in %s", mt)
			} else {
				p.problem("multipart: boundary %q not found", clip(boundary))
			}
			boundary = guess
		}
		if boundary != "" {
			if c, ok := p.walkMultipart(mt, boundary, body, depth); ok {
				return c
			}
		}
		// Keep an unreadable multipart as text, so that nothing is lost.
		mt, params = "text/plain", nil
	}
	return p.leaf(h, mt, params, body)
}

var boundaryLine = regexp.MustCompile(`(?m)^--([0-9A-Za-z'()+_,./:=?-]{1,70})[ \t]*\r?$`)

// guessBoundary finds the first line that looks like a MIME boundary; it
// rescues mails whose Content-Type lost or mangled the boundary parameter.
func guessBoundary(body []byte) string {
	if m := boundaryLine.FindSubmatch(body); m != nil {
		return strings.TrimSuffix(string(m[1]), "--")
	}
	return ""
}

// walkMultipart reads the parts of a multipart body. It reports !ok when no
// part could be read at all.
func (p *parser) walkMultipart(mt, boundary string, body []byte, depth int) (content, bool) {
	mr := textproto.NewMultipartReader(bytes.NewReader(body), boundary)
	var parts []content
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			// textproto flattens its errors to text; a bare "--boundary" at
			// the very end, without the closing "--", ends in EOF.
			if msg := err.Error(); strings.HasSuffix(msg, "EOF") {
				p.problem("multipart: missing closing boundary")
			} else {
				p.problem("multipart: %s", strings.TrimPrefix(msg, "multipart: "))
			}
			if len(parts) == 0 {
				return content{}, false
			}
			break
		}
		data, err := io.ReadAll(part)
		if err != nil {
			// The part reader reports a body that ends without any boundary
			// as io.ErrUnexpectedEOF, after handing out all its data.
			if errors.Is(err, io.ErrUnexpectedEOF) {
				p.problem("multipart: missing closing boundary")
			} else {
				p.problem("multipart: reading part: %v", err)
			}
		}
		parts = append(parts, p.walk(part.Header, data, depth+1))
		if err != nil {
			break
		}
	}
	return combine(mt, parts), true
}

// combine merges the text of the parts of one multipart: alternatives are
// alternatives (plain text preferred, as the sender wrote it), while parts of
// mixed, related and other multiparts are shown one after the other by mail
// clients, e.g. Apple Mail's text / image / text.
func combine(mt string, parts []content) content {
	if mt == "multipart/alternative" {
		for _, c := range parts {
			if !c.html && c.text != "" {
				return c
			}
		}
		for _, c := range parts {
			if c = c.resolved(); c.html && c.text != "" {
				return c
			}
		}
		return content{}
	}
	var b strings.Builder
	var out content
	for _, c := range parts {
		if c = c.resolved(); c.text == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(c.text)
		out.html = out.html || c.html
	}
	out.text = b.String()
	return out
}

// leaf reads a non-multipart entity: body text or attachment.
func (p *parser) leaf(h message.Header, mt string, params map[string]string, body []byte) content {
	disp, dparams := p.disposition(h)
	filename := dparams["filename"]
	if filename == "" {
		filename = params["name"]
	}
	filename = cleanFilename(filename)

	isText := mt == "text/plain" || mt == "text/html"
	if !isText || disp == "attachment" || (disp == "inline" && filename != "") {
		// No charset conversion: it would change the file and its size.
		var data bytes.Buffer
		var w io.Writer = io.Discard
		if p.keepData {
			w = &data
		}
		n, err := io.Copy(w, p.decoder(h, "", body))
		if err != nil {
			p.problem("attachment %q: decoding: %v", clip(filename), err)
		}
		p.m.Attachments = append(p.m.Attachments, Attachment{Filename: filename, ContentType: mt, Size: int(n)})
		if p.keepData {
			p.data = append(p.data, data.Bytes())
		}
		return content{}
	}

	data, err := io.ReadAll(p.decoder(h, "", body))
	if err != nil {
		p.problem("%s: decoding body: %v", mt, err)
	}
	cs := params["charset"]
	if cs == "" && mt == "text/html" {
		cs = metaCharset(data)
	}
	data = p.toUTF8(mt, cs, data)
	text, invalid := fixText(data)
	if invalid {
		p.problem("%s: invalid UTF-8 after decoding, read as windows-1252", mt)
	}
	if mt == "text/html" {
		return content{markup: text, html: true}
	}
	text = normaliseNewlines(text)
	if strings.EqualFold(params["format"], "flowed") {
		text = unflow(text, strings.EqualFold(params["delsp"], "yes"))
	}
	return content{text: trimText(text)}
}

// decoder undoes the transfer encoding and, when charset is set, converts
// to UTF-8. The entity gets a header of its own so that a Content-Type that
// go-message cannot parse does not disable decoding. Parse itself passes no
// charset and leaves that to toUTF8, after the transfer encoding is gone and
// an HTML <meta> charset can be seen.
func (p *parser) decoder(h message.Header, charset string, body []byte) io.Reader {
	var sh message.Header
	if cte := strings.Trim(strings.TrimSpace(h.Get("Content-Transfer-Encoding")), `"`); cte != "" {
		sh.Set("Content-Transfer-Encoding", cte)
	}
	if charset != "" {
		sh.SetContentType("text/plain", map[string]string{"charset": charset})
	}
	e, err := message.New(sh, bytes.NewReader(body))
	switch {
	case message.IsUnknownEncoding(err):
		p.problem("content-transfer-encoding: unknown %q", clip(sh.Get("Content-Transfer-Encoding")))
	case message.IsUnknownCharset(err):
		p.problem("charset: unknown %q", clip(charset))
	case err != nil:
		p.problem("decoding: %v", err)
	}
	if e == nil {
		return bytes.NewReader(body)
	}
	return e.Body
}

// toUTF8 converts text in charset cs with the converters go-message/charset
// registers. Like go-message it passes UTF-8 and US-ASCII through untouched,
// so fixText can still catch 8-bit text that is neither.
func (p *parser) toUTF8(mt, cs string, data []byte) []byte {
	cs = strings.ToLower(strings.Trim(strings.TrimSpace(cs), `"'`))
	if cs == "" || cs == "utf-8" || cs == "us-ascii" {
		return data
	}
	r, err := message.CharsetReader(cs, bytes.NewReader(data))
	if err != nil {
		p.problem("charset: unknown %q", clip(cs))
		return data
	}
	out, err := io.ReadAll(r)
	if err != nil {
		p.problem("%s: converting from %s: %v", mt, clip(cs), err)
	}
	return out
}

var metaCharsetRE = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?([a-z0-9_:.-]+)`)

// metaCharset finds the charset an HTML body declares in a <meta> tag, for
// senders that leave it out of the Content-Type header.
func metaCharset(body []byte) string {
	if len(body) > 2048 {
		body = body[:2048]
	}
	if m := metaCharsetRE.FindSubmatch(body); m != nil {
		return string(m[1])
	}
	return ""
}

// mediaType parses Content-Type, defaulting to text/plain as RFC 2045 5.2
// asks for both a missing and an unreadable value.
func (p *parser) mediaType(h message.Header) (string, map[string]string) {
	mt, params, err := h.ContentType()
	if err == nil {
		return mt, params
	}
	raw := h.Get("Content-Type")
	p.problem("content-type: malformed %q", clip(raw))
	mt, params = lenientParams(raw)
	if i := strings.IndexByte(mt, '/'); i <= 0 || i == len(mt)-1 || !isMediaType(mt) {
		mt = "text/plain"
	}
	return mt, params
}

// isMediaType reports whether s consists of RFC 2045 token characters and '/'.
func isMediaType(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"[]?=`, c) >= 0 {
			return false
		}
	}
	return strings.Count(s, "/") == 1
}

func (p *parser) disposition(h message.Header) (string, map[string]string) {
	raw := h.Get("Content-Disposition")
	if raw == "" {
		return "", nil
	}
	disp, params, err := h.ContentDisposition()
	if err == nil {
		return disp, params
	}
	p.problem("content-disposition: malformed %q", clip(raw))
	return lenientParams(raw)
}

var paramRE = regexp.MustCompile(`([A-Za-z0-9!#$%&'*+.^_|~-]+)[ \t]*=[ \t]*("(?:[^"\\]|\\.)*"?|[^;]*)`)

// lenientParams reads "value; key=val; ..." when mime.ParseMediaType refuses
// it, typically for unquoted spaces or duplicate parameters. RFC 2231 values
// (key*=charset'lang'text) and their continuations are decoded in the order they
// appear, which is how every sender writes them.
func lenientParams(v string) (string, map[string]string) {
	mt, rest, _ := strings.Cut(v, ";")
	params := make(map[string]string)
	ext := make(map[string][]byte)
	extCharset := make(map[string]string)
	for _, m := range paramRE.FindAllStringSubmatch(rest, -1) {
		key, val := strings.ToLower(m[1]), strings.TrimSpace(m[2])
		if strings.HasPrefix(val, `"`) {
			val = strings.TrimSuffix(val[1:], `"`)
			val = strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(val)
		}
		name, section, isExt := strings.Cut(key, "*")
		if !isExt {
			if _, ok := params[name]; !ok {
				dec, err := wordDecoder.DecodeHeader(val)
				if err != nil {
					dec = val
				}
				params[name] = dec
			}
			continue
		}
		if strings.HasSuffix(section, "*") || section == "" {
			if _, ok := ext[name]; !ok {
				// First extended section: charset'language'percent-encoded.
				if parts := strings.SplitN(val, "'", 3); len(parts) == 3 {
					extCharset[name], val = parts[0], parts[2]
				}
			}
			ext[name] = append(ext[name], percentDecode(val)...)
		} else {
			ext[name] = append(ext[name], val...)
		}
	}
	for name, b := range ext {
		if cs := strings.ToLower(extCharset[name]); cs != "" && cs != "utf-8" && cs != "us-ascii" {
			if r, err := message.CharsetReader(cs, bytes.NewReader(b)); err == nil {
				if dec, err := io.ReadAll(r); err == nil {
					b = dec
				}
			}
		}
		params[name], _ = fixText(b)
	}
	return strings.ToLower(strings.TrimSpace(mt)), params
}

func percentDecode(s string) []byte {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return b
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// cleanFilename keeps the base name: old Outlook Express and some scanners
// send full Windows paths, and nobody downstream should trust a path.
func cleanFilename(name string) string {
	name = fixString(strings.TrimSpace(name))
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if name == "." || name == ".." {
		return ""
	}
	return name
}

// normaliseNewlines turns CRLF and lone CR into LF.
func normaliseNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// trimText drops leading blank lines and all trailing whitespace.
func trimText(s string) string {
	s = strings.TrimRight(s, " \t\n\r\f\v")
	for {
		line, rest, ok := strings.Cut(s, "\n")
		if !ok || strings.TrimSpace(line) != "" {
			return s
		}
		s = rest
	}
}

// unflow joins the soft line breaks of format=flowed text (RFC 3676): a line
// ending in a space continues on the next line of the same quote depth.
func unflow(s string, delsp bool) string {
	var b strings.Builder
	b.Grow(len(s))
	flowed, prevDepth := false, 0
	for i, line := range strings.Split(s, "\n") {
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		text := strings.TrimPrefix(line[depth:], " ") // space-stuffing
		if !(flowed && depth == prevDepth) {
			if i > 0 {
				b.WriteByte('\n')
			}
			if depth > 0 {
				b.WriteString(strings.Repeat(">", depth) + " ")
			}
		}
		flowed = strings.HasSuffix(text, " ") && text != "-- " // signature separator stays
		if flowed && delsp {
			text = text[:len(text)-1]
		}
		b.WriteString(text)
		prevDepth = depth
	}
	// Soft breaks leave their spaces at the end of joined lines; drop them,
	// but keep the signature separator intact.
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		if l != "-- " {
			lines[i] = strings.TrimRight(l, " ")
		}
	}
	return strings.Join(lines, "\n")
}

// fixString is fixText for header values.
func fixString(s string) string {
	if utf8.ValidString(s) && !hasC1(s) {
		return s
	}
	out, _ := fixText([]byte(s))
	return out
}

// fixText returns b as valid UTF-8. Bytes that are not UTF-8 are read as
// windows-1252, the usual truth behind undeclared 8-bit text; invalid reports
// whether that happened. C1 control characters are mapped the same way,
// because a body labelled iso-8859-1 often is windows-1252 (€ is 0x80 there),
// and real text never contains C1 controls.
func fixText(b []byte) (s string, invalid bool) {
	if utf8.Valid(b) && !hasC1(b) {
		return string(b), false
	}
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/4)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			invalid = true
			r = cp1252(b[i])
		case r >= 0x80 && r <= 0x9f:
			r = cp1252(byte(r))
		}
		sb.WriteRune(r)
		i += size
	}
	return sb.String(), invalid
}

// hasC1 reports whether s contains U+0080..U+009F (UTF-8 C2 80..C2 9F).
func hasC1[T string | []byte](s T) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == 0xc2 && s[i+1] >= 0x80 && s[i+1] <= 0x9f {
			return true
		}
	}
	return false
}

// cp1252High maps windows-1252 bytes 0x80..0x9F; the five unassigned ones
// become U+FFFD.
var cp1252High = [32]rune{
	'€', '\uFFFD', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\uFFFD', 'Ž', '\uFFFD',
	'\uFFFD', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\uFFFD', 'ž', 'Ÿ',
}

func cp1252(c byte) rune {
	if c >= 0x80 && c <= 0x9f {
		return cp1252High[c-0x80]
	}
	return rune(c) // ASCII and Latin-1 coincide with Unicode
}

// clip shortens s for quoting in a problem.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
