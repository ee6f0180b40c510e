package message

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strings"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

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
			guess := GuessBoundary(body)
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

// GuessBoundary finds the first line that looks like a MIME boundary; it
// rescues mails whose Content-Type lost or mangled the boundary parameter.
func GuessBoundary(body []byte) string {
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
	text = NormaliseNewlines(text)
	if strings.EqualFold(params["format"], "flowed") {
		text = unflow(text, strings.EqualFold(params["delsp"], "yes"))
	}
	return content{text: TrimText(text)}
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
	name = headerText(strings.TrimSpace(name))
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if name == "." || name == ".." {
		return ""
	}
	return name
}
