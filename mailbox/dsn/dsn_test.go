package dsn

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/mailbox/internal/golden"
	"github.com/mcoo/klachtbot/mailbox/message"
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
	b, ok := ParseBounce(message.Parse(raw), raw)
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
			b, ok := ParseBounce(message.Parse(raw), raw)
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
					t.Errorf("ParseBounce(nil, raw) differs from ParseBounce(message.Parse(raw), raw)")
				}
			}
			golden.Check(t, "ParseBounce("+file+")", bounceGolden(b, ok), strings.TrimSuffix(file, ".eml")+".golden")
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

func TestParseBounceFixtures(t *testing.T) {
	t.Parallel()

	t.Run("Postfix DSN of a bot acknowledgement", func(t *testing.T) {
		t.Parallel()
		b := readBounce(t, "bot-postfix-ack.eml")
		if b.Action != "failed" || !b.Permanent {
			t.Errorf("Action %q, Permanent %v; want failed, permanent", b.Action, b.Permanent)
		}
		if b.Case != "KL-2026-0007" || b.MessageID != "<kl-2026-0007.ack.1a2b3c4d5e6f7a8b@mcoo.nl>" {
			t.Errorf("Case %q, MessageID %q", b.Case, b.MessageID)
		}
		if len(b.InReplyTo) != 1 || b.InReplyTo[0] != "<CAH7x9Qv3kP2Lw8tN5rYd0aZ1mB4eF6gJ-s@mail.gmail.com>" {
			t.Errorf("InReplyTo %q, want the client's mail", b.InReplyTo)
		}
		if len(b.Recipients) != 1 || b.Recipients[0].Addr != "j.jansen@example.nl" || b.Recipients[0].Status != "5.1.1" {
			t.Errorf("Recipients %+v", b.Recipients)
		}
	})

	t.Run("delays are not permanent", func(t *testing.T) {
		t.Parallel()
		for _, name := range []string{"bot-outlookcom-delay.eml", "outlookcom-delay.eml", "gmail-delay-plaintext.eml",
			"postfix-delay-headers-only.eml", "exim-delay-plaintext.eml"} {
			b := readBounce(t, name)
			if b.Action != "delayed" || b.Permanent {
				t.Errorf("%s: Action %q, Permanent %v; want delayed, not permanent", name, b.Action, b.Permanent)
			}
			for _, r := range b.Recipients {
				if r.Status != "" && r.Status[0] != '4' {
					t.Errorf("%s: status %q in a delay", name, r.Status)
				}
			}
		}
		b := readBounce(t, "bot-outlookcom-delay.eml")
		if b.Case != "KL-2026-0015" || b.MessageID != "<kl-2026-0015.term.9f8e7d6c5b4a3921@mcoo.nl>" || len(b.Recipients) != 1 || b.Recipients[0].Addr != "p.bakker@example.nl" {
			t.Errorf("bot-outlookcom-delay.eml: %+v", b)
		}
	})

	t.Run("Exchange and Office 365 reports give the returned Message-ID", func(t *testing.T) {
		t.Parallel()
		for name, want := range map[string]string{
			"office365-ndr.eml":          "<SLXP216MB0381A4F513CF42F0FCDA0E2FA9250@SLXP216MB0381.KORP216.PROD.OUTLOOK.COM>",
			"office365-no-dsn-part.eml":  "<FFFFFFFF.EEEEEEEE@example.ed.jp>",
			"exchange2003-plaintext.eml": "<000000000000000.0000000@example.jp>",
			"bot-office365-nl.eml":       "<kl-2026-0009.ack.5e6f7a8b9c0d1e2f@mcoo.nl>",
		} {
			b := readBounce(t, name)
			if b.MessageID != want || b.Action != "failed" || !b.Permanent {
				t.Errorf("%s: MessageID %q, Action %q, Permanent %v; want %q, failed, permanent", name, b.MessageID, b.Action, b.Permanent, want)
			}
		}
		b := readBounce(t, "bot-office365-nl.eml")
		if b.Case != "KL-2026-0009" || len(b.ReportInReplyTo) != 1 || b.ReportInReplyTo[0] != b.MessageID {
			t.Errorf("bot-office365-nl.eml: Case %q, ReportInReplyTo %q", b.Case, b.ReportInReplyTo)
		}
		// Without its DSN part the recipient and status come from the text.
		b = readBounce(t, "office365-no-dsn-part.eml")
		if len(b.Recipients) != 1 || b.Recipients[0].Addr != "kijitora@example.com" || b.Recipients[0].Status != "5.1.10" {
			t.Errorf("office365-no-dsn-part.eml: Recipients %+v", b.Recipients)
		}
	})

	t.Run("qmail", func(t *testing.T) {
		t.Parallel()
		b := readBounce(t, "qmail.eml")
		if len(b.Recipients) != 1 || b.Recipients[0].Addr != "kijitora@example.ne.jp" || b.Recipients[0].Status != "5.5.0" {
			t.Errorf("Recipients %+v", b.Recipients)
		}
		if b.MessageID != "<000000000.9999999999999.JavaMail.postmaster@mailhub>" || b.Subject != "Message" || !b.Permanent {
			t.Errorf("MessageID %q, Subject %q, Permanent %v", b.MessageID, b.Subject, b.Permanent)
		}
	})

	t.Run("plain-text bounces quoting a bot mail", func(t *testing.T) {
		t.Parallel()
		b := readBounce(t, "bot-exim-plaintext.eml")
		if b.Case != "KL-2026-0012" || b.MessageID != "<kl-2026-0012.ack.0f1e2d3c4b5a6978@mcoo.nl>" || !b.Permanent ||
			len(b.Recipients) != 1 || b.Recipients[0].Addr != "r.devries@example.nl" {
			t.Errorf("%+v", b)
		}
	})

	t.Run("a 5xx reply without status code is permanent", func(t *testing.T) {
		t.Parallel()
		for _, name := range []string{"yahoo.eml", "sendmail-v5-plaintext.eml"} {
			b := readBounce(t, name)
			if !b.Permanent || len(b.Recipients) != 1 || b.Recipients[0].Status != "" {
				t.Errorf("%s: Permanent %v, Recipients %+v", name, b.Permanent, b.Recipients)
			}
		}
	})

	t.Run("no delivery reports", func(t *testing.T) {
		t.Parallel()
		for _, name := range []string{"not-out-of-office.eml", "not-automatic-reply-exchange.eml", "not-read-receipt.eml",
			"not-feedback-report.eml", "not-attached-original.eml"} {
			raw, err := os.ReadFile(filepath.Join("testdata", "bounce", name))
			if err != nil {
				t.Fatal(err)
			}
			if b, ok := ParseBounce(message.Parse(raw), raw); ok || b != nil {
				t.Errorf("%s: read as a bounce: %+v", name, b)
			}
		}
	})
}

// Of the package's other fixtures only the two bounces are bounces.
func TestParseBounceOtherFixtures(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	more, err := filepath.Glob(filepath.Join("testdata", "forward", "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	bounces := map[string]bool{
		filepath.Join("testdata", "bounce.eml"):                true,
		filepath.Join("testdata", "forward", "not-bounce.eml"): true,
	}
	for _, file := range append(files, more...) {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		b, ok := ParseBounce(message.Parse(raw), raw)
		if ok != bounces[file] {
			t.Errorf("%s: ParseBounce ok = %v, want %v", file, ok, bounces[file])
		}
		if ok {
			checkBounceInvariants(t, b)
			if len(b.Recipients) != 1 || b.Recipients[0].Status == "" || !b.Permanent || b.MessageID == "" {
				t.Errorf("%s: %+v", file, b)
			}
		}
	}
}

// mkDSN builds a multipart/report from MAILER-DAEMON with the given
// delivery-status part and an optional returned header.
func mkDSN(status, returned string) string {
	s := "From: MAILER-DAEMON@mx.mcoo.nl (Mail Delivery System)\r\nTo: marco@mcoo.nl\r\n" +
		"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-1@mx.mcoo.nl>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain\r\n\r\nThis is the mail system at host mx.mcoo.nl.\r\n" +
		"--b1\r\nContent-Type: message/delivery-status\r\n\r\n" + strings.ReplaceAll(status, "\n", "\r\n") + "\r\n"
	if returned != "" {
		s += "--b1\r\nContent-Type: text/rfc822-headers\r\n\r\n" + strings.ReplaceAll(returned, "\n", "\r\n") + "\r\n"
	}
	return s + "--b1--\r\n"
}

const botHeader = "Message-ID: <kl-2026-0031.ack.00112233aabbccdd@mcoo.nl>\nX-Klachtbot-Case: KL-2026-0031\n" +
	"From: marco@mcoo.nl\nTo: jan@example.nl\nSubject: Ontvangstbevestiging [KL-2026-0031]\n"

func TestParseBounceCases(t *testing.T) {
	t.Parallel()
	type rcpt = Recipient
	tests := []struct {
		name       string
		raw        string
		ok         bool
		action     string
		permanent  bool
		recipients []rcpt
		messageID  string
		caseID     string
	}{
		{
			name: "failed 5.1.1 with returned header",
			raw: mkDSN("Reporting-MTA: dns; mx.mcoo.nl\n\nFinal-Recipient: RFC822; Jan@Example.NL\nAction: Failed\nStatus: 5.1.1\n"+
				"Diagnostic-Code: smtp; 550 5.1.1 <jan@example.nl>: Recipient address rejected:\n User unknown", botHeader),
			ok: true, action: "failed", permanent: true,
			recipients: []rcpt{{"jan@example.nl", "5.1.1", "smtp; 550 5.1.1 <jan@example.nl>: Recipient address rejected: User unknown"}},
			messageID:  "<kl-2026-0031.ack.00112233aabbccdd@mcoo.nl>", caseID: "KL-2026-0031",
		},
		{
			name: "a server that gave up after temporary errors: failed, not permanent",
			raw:  mkDSN("Reporting-MTA: dns; mx.mcoo.nl\n\nFinal-Recipient: rfc822; jan@example.nl\nAction: failed\nStatus: 4.4.7\n", ""),
			ok:   true, action: "failed",
			recipients: []rcpt{{"jan@example.nl", "4.4.7", ""}},
		},
		{
			name: "success DSN",
			raw:  mkDSN("Reporting-MTA: dns; mx.mcoo.nl\n\nFinal-Recipient: rfc822; jan@example.nl\nAction: delivered\nStatus: 2.0.0\n", ""),
			ok:   true, action: "delivered",
			recipients: []rcpt{{"jan@example.nl", "2.0.0", ""}},
		},
		{
			name: "generic 5.0.0 refined by the diagnostic, no blank line between recipients",
			raw: mkDSN("Reporting-MTA: dns; mx.mcoo.nl\n\nFinal-Recipient: rfc822; a@example.nl\nAction: failed\nStatus: 5.0.0\n"+
				"Diagnostic-Code: smtp; 550 5.7.1 relaying denied\nFinal-Recipient: rfc822; b@example.nl\nAction: delayed\nStatus: 4.2.2\n", ""),
			ok: true, action: "failed", permanent: true,
			recipients: []rcpt{{"a@example.nl", "5.7.1", "smtp; 550 5.7.1 relaying denied"}, {"b@example.nl", "4.2.2", ""}},
		},
		{
			name: "Gmail's X-Original-Message-ID without a returned message",
			raw: mkDSN("Reporting-MTA: dns; googlemail.com\nX-Original-Message-ID: <kl-2026-0031.ack.00112233aabbccdd@mcoo.nl>\n\n"+
				"Final-Recipient: rfc822; jan@example.nl\nAction: failed\nStatus: 5.1.1\n", ""),
			ok: true, action: "failed", permanent: true,
			recipients: []rcpt{{"jan@example.nl", "5.1.1", ""}},
			messageID:  "<kl-2026-0031.ack.00112233aabbccdd@mcoo.nl>",
		},
		{
			name: "control characters and an overlong diagnostic are cleaned",
			raw: mkDSN("Reporting-MTA: dns; MX.MCOO.NL\x01\n\nFinal-Recipient: rfc822; jan@example.nl\nAction: failed\nStatus: 5.1.1\n"+
				"Diagnostic-Code: smtp; 550\x00 5.1.1\x1b[31m "+strings.Repeat("é", 400), "Subject: a\x07b\nMessage-ID: <x\x01y@z>\n"),
			ok: true, action: "failed", permanent: true,
			recipients: []rcpt{{"jan@example.nl", "5.1.1", "smtp; 550 5.1.1 [31m " + strings.Repeat("é", 300-len("smtp; 550 5.1.1 [31m "))}},
			// the Message-ID with a control character is unusable: Parse's rules
		},
		{
			name: "plain-text bounce that says permanent, without a code",
			raw: "From: MAILER-DAEMON@mail.example.nl\r\nTo: marco@mcoo.nl\r\nSubject: failure notice\r\n\r\n" +
				"I'm afraid I wasn't able to deliver your message to the following addresses.\r\nThis is a permanent error.\r\n\r\n" +
				"<jan@example.nl>:\r\nmailbox disabled\r\n\r\n--- Below this line is a copy of the message.\r\n\r\n" + strings.ReplaceAll(botHeader, "\n", "\r\n") + "\r\nTekst.\r\n",
			ok: true, action: "failed", permanent: true,
			recipients: []rcpt{{"jan@example.nl", "", "mailbox disabled"}},
			messageID:  "<kl-2026-0031.ack.00112233aabbccdd@mcoo.nl>", caseID: "KL-2026-0031",
		},
		{
			name: "a bounce a person forwards is no bounce",
			raw: "From: Jan <jan@example.nl>\r\nTo: marco@mcoo.nl\r\nSubject: Fwd: Undeliverable: Factuur\r\n\r\n" +
				"Zie hieronder.\r\n\r\nDelivery has failed to these recipients or groups:\r\n\r\npiet@example.nl\r\n",
		},
		{
			name: "a read receipt from the postmaster is no bounce",
			raw: "From: postmaster@example.nl\r\nSubject: Read: x\r\nContent-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n\r\n" +
				"--b\r\nContent-Type: text/plain\r\n\r\nDisplayed.\r\n--b\r\nContent-Type: message/disposition-notification\r\n\r\n" +
				"Final-Recipient: rfc822; jan@example.nl\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n--b--\r\n",
		},
		{
			name: "an out-of-office from <> is no bounce",
			raw: "Return-Path: <>\r\nFrom: Jan <jan@example.nl>\r\nSubject: Automatisch antwoord: Ontvangstbevestiging\r\nAuto-Submitted: auto-replied\r\n\r\n" +
				"Ik ben afwezig tot 1 december.\r\n",
		},
		{name: "empty input", raw: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			raw := []byte(tt.raw)
			b, ok := ParseBounce(message.Parse(raw), raw)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v; %+v", ok, tt.ok, b)
			}
			if !ok {
				return
			}
			checkBounceInvariants(t, b)
			if b.Action != tt.action || b.Permanent != tt.permanent {
				t.Errorf("Action %q, Permanent %v; want %q, %v", b.Action, b.Permanent, tt.action, tt.permanent)
			}
			if fmt.Sprint(b.Recipients) != fmt.Sprint(tt.recipients) {
				t.Errorf("Recipients\n got %q\nwant %q", b.Recipients, tt.recipients)
			}
			if b.MessageID != tt.messageID || b.Case != tt.caseID {
				t.Errorf("MessageID %q, Case %q; want %q, %q", b.MessageID, b.Case, tt.messageID, tt.caseID)
			}
		})
	}
}

// Huge reports are read in bounded parts: at most maxBounceRecipients
// recipients, diagnostics clipped.
func TestParseBounceHugeInput(t *testing.T) {
	t.Parallel()
	var text strings.Builder
	for i := 0; text.Len() < 2<<20; i++ {
		fmt.Fprintf(&text, "<user%d@example.nl>: 550 5.1.1 %s\r\n", i, strings.Repeat("x", 50))
	}
	raw := []byte("From: MAILER-DAEMON@mx.example.nl\r\nSubject: failure notice\r\n\r\nHi. This is the qmail-send program.\r\n" + text.String())
	b, ok := ParseBounce(message.Parse(raw), raw)
	if !ok || len(b.Recipients) != maxBounceRecipients || !b.Permanent {
		t.Fatalf("ok %v, %d recipients, Permanent %v", ok, len(b.Recipients), b != nil && b.Permanent)
	}
	checkBounceInvariants(t, b)

	var dsn strings.Builder
	dsn.WriteString("Reporting-MTA: dns; mx.mcoo.nl\n\n")
	for i := 0; dsn.Len() < 1<<20; i++ {
		fmt.Fprintf(&dsn, "Final-Recipient: rfc822; u%d@example.nl\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 %s\n\n", i, strings.Repeat("y", 1000))
	}
	raw = []byte(mkDSN(dsn.String(), ""))
	b, ok = ParseBounce(message.Parse(raw), raw)
	if !ok || len(b.Recipients) == 0 || len(b.Recipients) > maxBounceRecipients {
		t.Fatalf("ok %v, %d recipients", ok, len(b.Recipients))
	}
	checkBounceInvariants(t, b)
}

func TestFindStatus(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"smtp; 550 5.1.1 <x@y>":               "5.1.1",
		"550-5.1.1 The email account":         "5.1.1",
		"(#5.5.0)":                            "5.5.0",
		"Status: 5.1.10":                      "5.1.10",
		"host 192.0.2.45 said 550":            "",
		"id 15.20.1771.16; 4.4.7 expired":     "4.4.7",
		"5.6.7.8 then 4.2.2.":                 "4.2.2",
		"version 2.0.0-beta":                  "2.0.0",
		"no code here":                        "",
		"12.5.1.1":                            "",
		"Remote Server returned '554 5.4.14'": "5.4.14",
	} {
		if got := findStatus(in); got != want {
			t.Errorf("findStatus(%q) = %q, want %q", in, got, want)
		}
	}
}
