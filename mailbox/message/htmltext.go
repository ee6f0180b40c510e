package message

import (
	"html"
	"strings"
	"unicode"
)

// HTMLToText reduces an HTML mail body to readable plain text. It is a small
// tolerant tokenizer, not an HTML parser: it drops script, style, head and
// title elements and comments, turns block elements into line breaks (list
// items get a "- " prefix, blockquotes a "> " prefix, table cells on one row
// are joined by " | "), collapses whitespace, decodes entities and allows at
// most one blank line in a row. It runs in time linear in len(s) and accepts
// any input.
func HTMLToText(s string) string {
	lower := asciiLower(s) // for case-insensitive searches at the same offsets
	w := textWriter{lineEmpty: true}
	// Where "</name" was last found, or -1 when it does not occur after the
	// last search start; without it every <head> of "<head><head>..." would
	// search to the end again.
	closeAt := make(map[string]int)
	for i := 0; i < len(s); {
		if s[i] != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				j = len(s)
			} else {
				j += i
			}
			w.text(html.UnescapeString(s[i:j]))
			i = j
			continue
		}
		rest := s[i+1:]
		switch {
		case strings.HasPrefix(rest, "!--"):
			// Searching from "<!" makes "<!-->" and "<!--->" empty comments, as in browsers.
			if end := strings.Index(s[i+2:], "-->"); end >= 0 {
				i += 2 + end + 3
			} else {
				i = len(s)
			}
		case rest != "" && (rest[0] == '!' || rest[0] == '?'):
			// Doctype, CDATA, Outlook's <![if !supportLists]>: skip the markup only.
			if end := strings.IndexByte(rest, '>'); end >= 0 {
				i += 1 + end + 1
			} else {
				i = len(s)
			}
		case rest != "" && isLetter(rest[0]) || len(rest) > 1 && rest[0] == '/' && isLetter(rest[1]):
			name, closing, end := readTag(s, lower, i)
			i = end
			if !closing && rawElements[name] {
				k, ok := closeAt[name]
				if !ok || (k >= 0 && k < i) {
					if k = strings.Index(lower[i:], "</"+name); k >= 0 {
						k += i
					}
					closeAt[name] = k
				}
				switch {
				case k >= 0:
					_, _, i = readTag(s, lower, k)
				case name != "head":
					i = len(s) // an unclosed script or style runs to the end, as in browsers
				}
				// an unclosed head is ignored: its script, style and title still are skipped
				continue
			}
			w.tag(name, closing)
		default:
			w.text("<")
			i++
		}
	}
	return w.String()
}

// rawElements are dropped with their content.
var rawElements = map[string]bool{"script": true, "style": true, "head": true, "title": true}

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// readTag reads the tag starting at s[i] == '<' and returns its lower-cased
// name, whether it is an end tag, and the offset after its '>'. Quoted
// attribute values may contain '>'; an unterminated quote is ignored so that
// the tag still ends at the next '>'.
func readTag(s, lower string, i int) (name string, closing bool, end int) {
	j := i + 1
	if j < len(s) && s[j] == '/' {
		closing = true
		j++
	}
	k := j
	for k < len(s) && (isLetter(s[k]) || '0' <= s[k] && s[k] <= '9' || s[k] == ':' || s[k] == '-') {
		k++
	}
	name = lower[j:k]
	var prev byte
	for k < len(s) {
		c := s[k]
		switch {
		case c == '>':
			return name, closing, k + 1
		case (c == '"' || c == '\'') && prev == '=':
			if q := strings.IndexByte(s[k+1:], c); q >= 0 {
				k += q + 2
				prev = c
				continue
			}
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			prev = c
		}
		k++
	}
	return name, closing, len(s)
}

// textWriter lays out text: it collapses whitespace, tracks line starts and
// limits blank lines.
type textWriter struct {
	b         strings.Builder
	lineEmpty bool // nothing written on the current line yet
	space     bool // whitespace seen since the last character
	nbsp      bool // an &nbsp; on an empty line: Outlook's way to write a blank line
	sep       bool // a table cell began after text on this line
	bullet    bool // write "- " at the start of the next line
	newlines  int  // consecutive line breaks at the end of b
	quote     int  // blockquote depth
	pre       int  // pre depth: keep whitespace
}

func (w *textWriter) text(t string) {
	for _, r := range t {
		switch r {
		case '\u200b', '\u200c', '\u200d', '\ufeff', '\u034f', '\u00ad':
			// invisible padding of newsletter preheaders, soft hyphens
			continue
		case '\r':
			continue
		case '\n':
			if w.pre > 0 {
				w.newline()
				continue
			}
			w.space = true
			continue
		case '\u00a0':
			if w.lineEmpty {
				w.nbsp = true
			}
			r = ' '
		}
		if unicode.IsSpace(r) { // beyond HTML's own: \v, U+2028 and the like are no text either
			if w.pre > 0 && !w.lineEmpty {
				if r != '\t' {
					r = ' '
				}
				w.b.WriteRune(r)
			} else {
				w.space = true
			}
			continue
		}
		if w.lineEmpty {
			w.startLine()
		} else if w.sep {
			w.b.WriteString(" | ")
		} else if w.space {
			w.b.WriteByte(' ')
		}
		w.space, w.sep, w.nbsp = false, false, false
		w.b.WriteRune(r)
		w.newlines = 0
	}
}

// maxQuote caps the quote prefix so that hostile nesting cannot make the
// output quadratic.
const maxQuote = 10

func (w *textWriter) startLine() {
	if w.quote > 0 {
		w.b.WriteString(strings.Repeat(">", min(w.quote, maxQuote)) + " ")
	}
	if w.bullet {
		w.b.WriteString("- ")
		w.bullet = false
	}
	w.lineEmpty = false
}

// newline is a hard line break (<br>, newline in <pre>).
func (w *textWriter) newline() {
	if w.newlines < 2 {
		w.b.WriteByte('\n')
		w.newlines++
	}
	w.lineEmpty, w.space, w.sep, w.nbsp = true, false, false, false
}

// block ends the current line, if anything is on it.
func (w *textWriter) block() {
	if w.lineEmpty && w.nbsp {
		w.newline()
	}
	if !w.lineEmpty {
		w.newline()
	}
	w.space, w.sep, w.nbsp = false, false, false
}

var blockElements = map[string]bool{
	"p": true, "div": true, "tr": true, "table": true, "blockquote": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"ul": true, "ol": true, "li": true, "dl": true, "dt": true, "dd": true,
	"pre": true, "hr": true, "section": true, "article": true, "header": true,
	"footer": true, "address": true, "center": true, "form": true, "fieldset": true,
	"figure": true, "main": true, "nav": true, "aside": true, "caption": true,
}

func (w *textWriter) tag(name string, closing bool) {
	switch {
	case name == "br":
		w.newline()
		return
	case name == "td" || name == "th":
		if !closing && !w.lineEmpty {
			w.sep = true
		}
		return
	case !blockElements[name]:
		return // inline: a, span, b, img, o:p ...
	}
	w.block()
	switch name {
	case "li":
		w.bullet = !closing
	case "blockquote":
		if !closing {
			w.quote++
		} else if w.quote > 0 {
			w.quote--
		}
	case "pre":
		if !closing {
			w.pre++
		} else if w.pre > 0 {
			w.pre--
		}
	}
}

// String returns the text with trailing blanks removed from every line, at
// most one blank line in a row and no blank lines at either end.
func (w *textWriter) String() string {
	lines := strings.Split(w.b.String(), "\n")
	out := lines[:0]
	blank := true // suppresses leading blank lines
	for _, l := range lines {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if strings.TrimFunc(l, isQuoteOrSpace) == "" {
			if blank {
				continue
			}
			blank = true
			out = append(out, "")
			continue
		}
		blank = false
		out = append(out, l)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}

func isQuoteOrSpace(r rune) bool { return r == '>' || unicode.IsSpace(r) }
