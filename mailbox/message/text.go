package message

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormaliseNewlines turns CRLF and lone CR into LF.
func NormaliseNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// TrimText drops leading blank lines and all trailing whitespace.
func TrimText(s string) string {
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

// FixString is fixText for header values.
// headerText is a header value as one line of readable text: repaired like
// FixString, and every control character (CR, LF, ESC, NUL, DEL, C1, tab)
// a space, so that nothing a sender writes can forge a line or steer a
// terminal wherever the value is shown, and NUL does not cut it short.
func headerText(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, FixString(s))
}

// FixString returns s as valid UTF-8, as fixText does.
func FixString(s string) string {
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
