package message

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
)

// Header values as real mail writes them, not only as RFC 2047 says: raw
// 8-bit bytes outside encoded words are read in the charsets the message
// declares (its Content-Type parameters), then UTF-8, then windows-1252;
// encoded words in UTF-7, and encoded words with raw 8-bit bytes inside,
// are decoded too.

var (
	declaredCharset = regexp.MustCompile(`(?i)charset\s*=\s*"?([a-z0-9_.:+-]{2,40})`)
	encodedWord     = regexp.MustCompile(`=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=`)
)

// declaredCharsets lists the charsets the message names (in its top-level
// Content-Type and the start of its body), in order, without UTF-8 and
// US-ASCII (tried anyway) and without duplicates. Read once per message.
func (p *parser) declaredCharsets() []string {
	if p.declared == nil {
		body := p.body[:min(len(p.body), 1<<16)]
		p.declared = charsetsIn(append([]byte(p.h.Get("Content-Type")+"\n"), body...))
	}
	return p.declared
}

func charsetsIn(raw []byte) []string {
	out := []string{}
	seen := map[string]bool{"utf-8": true, "us-ascii": true, "utf8": true}
	for _, m := range declaredCharset.FindAllSubmatch(raw, 20) {
		cs := strings.ToLower(string(m[1]))
		if !seen[cs] {
			seen[cs] = true
			out = append(out, cs)
		}
	}
	return out
}

// decodeIn decodes b from charset cs; ok is false when cs is unknown or
// the bytes are not valid in it.
func decodeIn(b []byte, cs string) (string, bool) {
	if strings.EqualFold(cs, "utf-7") || strings.EqualFold(cs, "unicode-1-1-utf-7") {
		return decodeUTF7(string(b))
	}
	r, err := charset.Reader(cs, bytes.NewReader(b))
	if err != nil {
		return "", false
	}
	out, err := io.ReadAll(r)
	if err != nil || !utf8.Valid(out) || bytes.ContainsRune(out, utf8.RuneError) {
		return "", false
	}
	return string(out), true
}

// rawText reads bytes outside encoded words: the declared charsets, then
// UTF-8, then windows-1252 (which maps every byte).
func rawText(b []byte, declared []string) string {
	if isASCII(b) {
		return string(b)
	}
	for _, cs := range declared {
		if s, ok := decodeIn(b, cs); ok {
			return s
		}
	}
	if utf8.Valid(b) {
		return string(b)
	}
	s, _ := fixText(b)
	return s
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// decodeHeaderValue decodes a raw header value: encoded words (also UTF-7
// and with raw 8-bit bytes inside) and raw 8-bit text. Whitespace between
// two encoded words disappears, as RFC 2047 says.
func decodeHeaderValue(v string, declared []string) string {
	var sb strings.Builder
	last, prevWord := 0, false
	for _, loc := range encodedWord.FindAllStringSubmatchIndex(v, -1) {
		between := v[last:loc[0]]
		if !(prevWord && strings.TrimSpace(between) == "") {
			sb.WriteString(rawText([]byte(between), declared))
		}
		cs, enc, text := v[loc[2]:loc[3]], v[loc[4]:loc[5]], v[loc[6]:loc[7]]
		if word, ok := decodeWord(cs, enc, text, declared); ok {
			sb.WriteString(word)
			prevWord = true
		} else {
			sb.WriteString(rawText([]byte(v[loc[0]:loc[1]]), declared))
			prevWord = false
		}
		last = loc[1]
	}
	sb.WriteString(rawText([]byte(v[last:]), declared))
	return sb.String()
}

func decodeWord(cs, enc, text string, declared []string) (string, bool) {
	if i := strings.IndexByte(cs, '*'); i >= 0 {
		cs = cs[:i] // RFC 2231 language
	}
	var b []byte
	if enc == "B" || enc == "b" {
		d, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			if d, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(text, "=")); err != nil {
				return "", false
			}
		}
		b = d
	} else {
		b = qDecode(text)
	}
	if s, ok := decodeIn(b, cs); ok {
		return s, true
	}
	// A mislabelled word: the message's own charsets, then UTF-8, then windows-1252.
	return rawText(b, declared), true
}

// qDecode undoes RFC 2047 Q encoding; raw 8-bit bytes stay as they are.
func qDecode(s string) []byte {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '_':
			b = append(b, ' ')
		case c == '=' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return b
}

// decodeUTF7 decodes RFC 2152 UTF-7.
func decodeUTF7(s string) (string, bool) {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return "", false
		}
		if c != '+' {
			sb.WriteByte(c)
			continue
		}
		j := i + 1
		for j < len(s) && (isB64(s[j])) {
			j++
		}
		if j == i+1 { // "+-" is a plus sign
			sb.WriteByte('+')
			if j < len(s) && s[j] == '-' {
				i = j
			}
			continue
		}
		d, err := base64.RawStdEncoding.DecodeString(s[i+1 : j])
		if err != nil || len(d)%2 != 0 {
			return "", false
		}
		units := make([]uint16, len(d)/2)
		for k := range units {
			units[k] = uint16(d[2*k])<<8 | uint16(d[2*k+1])
		}
		sb.WriteString(string(utf16.Decode(units)))
		if j < len(s) && s[j] == '-' {
			j++
		}
		i = j - 1
	}
	return sb.String(), true
}

func isB64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/'
}

// needsOwnDecoding reports whether go-message's decoder would leave a value
// raw or undecoded: 8-bit bytes, or an encoded word it cannot read.
func needsOwnDecoding(v string) bool {
	if !isASCII([]byte(v)) {
		return true
	}
	for _, m := range encodedWord.FindAllStringSubmatch(v, -1) {
		if _, err := new(mime.WordDecoder).Decode(m[0]); err != nil && !strings.Contains(err.Error(), "unhandled charset") {
			return true
		}
		if cs := strings.ToLower(m[1]); strings.Contains(cs, "utf-7") {
			return true
		}
	}
	return false
}
