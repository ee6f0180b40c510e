package message

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, file := range fixtures(f) {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte(""))
	f.Add([]byte("Message-ID: <a b>\n\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m := Parse(raw)
		if !strings.HasPrefix(m.MessageID, "<") || !strings.HasSuffix(m.MessageID, ">") || len(m.MessageID) < 3 {
			t.Fatalf("MessageID = %q", m.MessageID)
		}
		for _, p := range m.Problems {
			if strings.HasPrefix(p, "internal:") {
				t.Fatalf("Parse recovered from a panic: %s", p)
			}
		}
		if len(m.Problems) > maxProblems+1 {
			t.Fatalf("%d problems, want at most %d", len(m.Problems), maxProblems+1)
		}
		for _, s := range []string{m.Text, m.Subject, m.From.Name, m.From.Addr} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in %q", s)
			}
		}
		if _, err := m.Date.MarshalJSON(); err != nil {
			t.Fatalf("Date %v cannot be stored: %v", m.Date, err)
		}
		again := Parse(raw)
		if again.MessageID != m.MessageID || again.Text != m.Text || !slices.Equal(again.Problems, m.Problems) {
			t.Fatalf("Parse is not deterministic: %q/%q then %q/%q", m.MessageID, m.Text, again.MessageID, again.Text)
		}
	})
}

func FuzzHTMLToText(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "htmltext", "*.html"))
	for _, file := range files {
		in, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(in))
	}
	for _, s := range []string{"", "<script>x</script>", "<<!---->script>", "<pre>\n\n\n</pre>", "<blockquote><li>&nbsp;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := HTMLToText(s)
		// Only an entity (&lt;) or a '<' that starts no markup ("a < b") can
		// put a '<' in the text, so nothing like "<script" can leak otherwise.
		if !strings.Contains(s, "&") && !hasStrayLT(s) && strings.Contains(out, "<") {
			t.Fatalf("markup leaked into %q", out)
		}
		if strings.Contains(strings.ToLower(out), "<script") && !strings.Contains(s, "&") && !hasStrayLT(s) {
			t.Fatalf("output contains <script: %q", out)
		}
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8: %q", out)
		}
		if strings.Contains(out, "\n\n\n") || out != strings.TrimSpace(out) {
			t.Fatalf("blank lines not collapsed or not trimmed: %q", out)
		}
		for _, line := range strings.Split(out, "\n") {
			if line != strings.TrimRightFunc(line, unicode.IsSpace) {
				t.Fatalf("trailing whitespace in %q", line)
			}
		}
	})
}

// hasStrayLT reports whether s has a '<' that HTMLToText keeps as text.
func hasStrayLT(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '<' {
			continue
		}
		rest := s[i+1:]
		switch {
		case rest != "" && (isLetter(rest[0]) || rest[0] == '!' || rest[0] == '?'):
		case len(rest) > 1 && rest[0] == '/' && isLetter(rest[1]):
		default:
			return true
		}
	}
	return false
}

func FuzzDecodeHeader(f *testing.F) {
	for _, s := range []string{"=?utf-7?Q?Klacht_+AOk-?=", "=?iso-8859-1?Q?caf\xe9?=", "\xf0\xd2\xc9\xd7\xc5\xd4", "=?utf-8?b?S2xhY2h0?= =?x?q?y?=", "+AOk-+-"} {
		f.Add(s, "koi8-r")
	}
	f.Fuzz(func(t *testing.T, v, cs string) {
		out := decodeHeaderValue(v, []string{cs})
		if !utf8.ValidString(out) {
			t.Errorf("decodeHeaderValue(%q) = %q: not UTF-8", v, out)
		}
	})
}
