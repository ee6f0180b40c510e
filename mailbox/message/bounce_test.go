package message

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bounceFixtures are the mails of testdata/bounce; those named not-* are no
// delivery reports, those named bot-* are real bounces whose returned mail
// was rewritten into one of the bot's (testdata/bounce/SOURCES.md).
func bounceFixtures(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "bounce", "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in testdata/bounce: %v", err)
	}
	return files
}

func readBounce(t testing.TB, name string) *Bounce {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "bounce", name))
	if err != nil {
		t.Fatal(err)
	}
	b, ok := ParseBounce(Parse(raw), raw)
	if !ok {
		t.Fatalf("%s: not read as a bounce", name)
	}
	return b
}

// bounceGolden renders what ParseBounce found, one field a line.
func bounceGolden(b *Bounce, ok bool) []byte {
	var s strings.Builder
	if !ok {
		return []byte("bounce: no\n")
	}
	field := func(name, value string) {
		s.WriteString(name + ":")
		if value != "" {
			s.WriteString(" " + value)
		}
		s.WriteString("\n")
	}
	field("bounce", "yes")
	field("action", b.Action)
	permanent := "no"
	if b.Permanent {
		permanent = "yes"
	}
	field("permanent", permanent)
	field("reporter", b.Reporter)
	field("message-id", b.MessageID)
	field("case", b.Case)
	field("subject", b.Subject)
	field("in-reply-to", strings.Join(b.InReplyTo, " "))
	field("references", strings.Join(b.References, " "))
	field("report-in-reply-to", strings.Join(b.ReportInReplyTo, " "))
	field("report-references", strings.Join(b.ReportReferences, " "))
	for _, r := range b.Recipients {
		field("recipient", r.Addr)
		field("  status", r.Status)
		field("  diagnostic", r.Diagnostic)
	}
	return []byte(s.String())
}

func TestParseBounceGolden(t *testing.T) {
	t.Parallel()
	files := bounceFixtures(t)
	if len(files) < 14 {
		t.Errorf("%d fixtures in testdata/bounce, want at least 14", len(files))
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".eml")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			b, ok := ParseBounce(Parse(raw), raw)
			if want := !strings.HasPrefix(name, "not-"); ok != want {
				t.Errorf("ParseBounce ok = %v, want %v", ok, want)
			}
			if !ok && b != nil {
				t.Errorf("ParseBounce returned %+v with ok = false", b)
			}
			if ok {
				checkBounceInvariants(t, b)
				// Without a parsed message ParseBounce parses raw itself.
				if again, ok := ParseBounce(nil, raw); !ok || string(bounceGolden(again, ok)) != string(bounceGolden(b, true)) {
					t.Errorf("ParseBounce(nil, raw) differs from ParseBounce(Parse(raw), raw)")
				}
			}
			checkGolden(t, "ParseBounce("+file+")", bounceGolden(b, ok), strings.TrimSuffix(file, ".eml")+".golden")
		})
	}
}

// checkBounceInvariants holds for every bounce, also the fuzzer's.
func checkBounceInvariants(t testing.TB, b *Bounce) {
	t.Helper()
	if b.Permanent && b.Action != "failed" {
		t.Errorf("Permanent with Action %q", b.Action)
	}
	strs := []string{b.Action, b.Reporter, b.MessageID, b.Case, b.Subject}
	strs = append(strs, b.InReplyTo...)
	strs = append(strs, b.References...)
	strs = append(strs, b.ReportInReplyTo...)
	strs = append(strs, b.ReportReferences...)
	for _, r := range b.Recipients {
		strs = append(strs, r.Addr, r.Status, r.Diagnostic)
		if r.Addr != strings.ToLower(r.Addr) {
			t.Errorf("recipient %q is not lower-case", r.Addr)
		}
		if len([]rune(r.Diagnostic)) > maxDiagnostic {
			t.Errorf("diagnostic of %d characters", len([]rune(r.Diagnostic)))
		}
		if r.Status != "" && findStatus(r.Status) != r.Status {
			t.Errorf("status %q is no status code", r.Status)
		}
	}
	if b.Reporter != strings.ToLower(b.Reporter) {
		t.Errorf("reporter %q is not lower-case", b.Reporter)
	}
	for _, s := range strs {
		if !validLine(s) {
			t.Errorf("%q holds a control character or invalid UTF-8", s)
		}
	}
	for _, id := range append(append([]string{b.MessageID}, b.InReplyTo...), b.References...) {
		if id != "" && (!strings.HasPrefix(id, "<") || !strings.HasSuffix(id, ">") || strings.ContainsAny(id, " \t")) {
			t.Errorf("message ID %q is not <...>", id)
		}
	}
}

func validLine(s string) bool {
	if s != strings.ToValidUTF8(s, "") {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r == '\uFFFD' {
			return false
		}
	}
	return true
}
