package message

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/emersion/go-message/mail"
	"github.com/mcoo/klachtbot/mailbox/internal/golden"
)

// pinned is the part of a Message that the golden files pin down.
type pinned struct {
	MessageID   string       `json:"message_id"`
	Substituted bool         `json:"substituted"`
	InReplyTo   []string     `json:"in_reply_to"`
	References  []string     `json:"references"`
	From        Address      `json:"from"`
	ReplyTo     []Address    `json:"reply_to"`
	To          []Address    `json:"to"`
	Cc          []Address    `json:"cc"`
	Subject     string       `json:"subject"`
	Date        string       `json:"date"`
	Text        string       `json:"text"`
	HTML        bool         `json:"html"`
	Attachments []Attachment `json:"attachments"`
	Auto        string       `json:"auto"`
	Problems    []string     `json:"problems"`
}

func goldenJSON(t testing.TB, m *Message) []byte {
	t.Helper()
	g := pinned{
		MessageID:   m.MessageID,
		Substituted: m.MessageIDSubstituted,
		InReplyTo:   m.InReplyTo,
		References:  m.References,
		From:        m.From,
		ReplyTo:     m.ReplyTo,
		To:          m.To,
		Cc:          m.Cc,
		Subject:     m.Subject,
		Text:        m.Text,
		HTML:        m.HTML,
		Attachments: m.Attachments,
		Auto:        m.Auto,
		Problems:    m.Problems,
	}
	if !m.Date.IsZero() {
		g.Date = m.Date.Format(time.RFC3339)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep <message-ids> readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(g); err != nil {
		t.Fatalf("encoding golden: %v", err)
	}
	return buf.Bytes()
}

func fixtures(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in testdata: %v", err)
	}
	return files
}

func TestParseGolden(t *testing.T) {
	t.Parallel()
	for _, file := range fixtures(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".eml")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "Parse("+file+")", goldenJSON(t, Parse(raw)), strings.TrimSuffix(file, ".eml")+".golden")
		})
	}
}

// The same mail delivered to two mailboxes differs only in what the
// receiving servers add; both copies must get the same substitute id.
func TestSubstituteIDStable(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("testdata", "no-message-id.eml"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(raw), "Received: by vps41872")
	if !ok {
		t.Fatal("fixture changed: no originating Received header")
	}
	rest = "Received: by vps41872" + rest
	copyFor := func(mailbox, id string) []byte {
		return []byte("Return-Path: <info@kapsalon-anouk.nl>\r\n" +
			"Delivered-To: " + mailbox + "\r\n" +
			"Received: from mx.mcoo.nl\r\n\tby imap.mcoo.nl with LMTP\r\n\tid " + id + "\r\n\tfor <" + mailbox + ">; Sun, 10 Mar 2024 21:14:41 +0100\r\n" +
			"X-Original-To: " + mailbox + "\r\n" +
			rest)
	}
	marco := Parse(copyFor("marco@mcoo.nl", "uE5nLx1T7WXNewAA4Jd3zw"))
	hans := Parse(copyFor("hans@mcoo.nl", "k2Hc9Bq0aTqkPQAA4Jd3zw"))
	original := Parse(raw)
	for _, m := range []*Message{marco, hans, original} {
		if !m.MessageIDSubstituted {
			t.Fatalf("MessageIDSubstituted = false for %s", m.MessageID)
		}
	}
	if marco.MessageID != hans.MessageID || marco.MessageID != original.MessageID {
		t.Errorf("copies got different ids: %s, %s, %s", marco.MessageID, hans.MessageID, original.MessageID)
	}

	// Stored with LF instead of CRLF by another server: still the same mail.
	lf := Parse(bytes.ReplaceAll(copyFor("hans@mcoo.nl", "x"), []byte("\r\n"), []byte("\n")))
	if lf.MessageID != marco.MessageID {
		t.Errorf("LF copy got %s, want %s", lf.MessageID, marco.MessageID)
	}

	otherBody := Parse(bytes.Replace(raw, []byte("ruim 4.000 euro"), []byte("ruim 5.000 euro"), 1))
	if otherBody.MessageID == marco.MessageID {
		t.Errorf("different body got the same id %s", otherBody.MessageID)
	}
	otherSubject := Parse(bytes.Replace(raw, []byte("Subject: Klacht"), []byte("Subject: Tweede klacht"), 1))
	if otherSubject.MessageID == marco.MessageID {
		t.Errorf("different subject got the same id %s", otherSubject.MessageID)
	}
}

func TestParseEdgeCases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		raw   string
		check func(t *testing.T, m *Message)
	}{
		{
			name: "empty input",
			raw:  "",
			check: func(t *testing.T, m *Message) {
				wantProblems(t, m, "header: empty", "message-id: missing", "from: missing")
				if !m.MessageIDSubstituted || !strings.HasSuffix(m.MessageID, "@klachtbot.invalid>") {
					t.Errorf("MessageID = %q, substituted %v", m.MessageID, m.MessageIDSubstituted)
				}
			},
		},
		{
			name: "stray header line is skipped, mbox From line ignored",
			raw: "From someone@example.nl Mon Mar  4 10:00:00 2024\n" +
				"From: a@example.nl\nthis is not a header\nSubject: Hallo\nMessage-ID: <1@example.nl>\n\nTekst\n",
			check: func(t *testing.T, m *Message) {
				wantProblems(t, m, `header: skipped malformed line "this is not a header"`)
				if m.Subject != "Hallo" || m.Text != "Tekst" || m.From.Addr != "a@example.nl" {
					t.Errorf("got subject %q, text %q, from %q", m.Subject, m.Text, m.From.Addr)
				}
			},
		},
		{
			name: "body without blank line",
			raw:  "From: a@example.nl\nMessage-ID: <1@example.nl>\nBeste Hans,\nDit is de tekst.\n",
			check: func(t *testing.T, m *Message) {
				wantProblems(t, m, "header: missing blank line before body")
				if m.Text != "Beste Hans,\nDit is de tekst." {
					t.Errorf("Text = %q", m.Text)
				}
			},
		},
		{
			name: "unknown charset keeps the text",
			raw:  "From: a@example.nl\nMessage-ID: <1@example.nl>\nContent-Type: text/plain; charset=x-mac-klingon\n\nGeachte heer\n",
			check: func(t *testing.T, m *Message) {
				wantProblems(t, m, `charset: unknown "x-mac-klingon"`)
				if m.Text != "Geachte heer" {
					t.Errorf("Text = %q", m.Text)
				}
			},
		},
		{
			name: "undeclared 8-bit text is read as windows-1252",
			raw:  "From: a@example.nl\nMessage-ID: <1@example.nl>\nSubject: Caf\xe9\n\nPrijs \x80 12, \x93goed\x94\n",
			check: func(t *testing.T, m *Message) {
				wantProblems(t, m, "text/plain: invalid UTF-8 after decoding, read as windows-1252")
				if m.Text != "Prijs € 12, “goed”" || m.Subject != "Café" {
					t.Errorf("Text = %q, Subject = %q", m.Text, m.Subject)
				}
			},
		},
		{
			name: "unknown transfer encoding in one part does not lose the others",
			raw: "From: a@example.nl\nMessage-ID: <1@example.nl>\nContent-Type: multipart/mixed; boundary=b\n\n" +
				"--b\nContent-Type: text/plain\n\nDe tekst\n" +
				"--b\nContent-Type: application/octet-stream; name=oud.uue\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 oud\n`\nend\n" +
				"--b\nContent-Type: image/png; name=a.png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--b--\n",
			check: func(t *testing.T, m *Message) {
				wantProblems(t, m, `content-transfer-encoding: unknown "x-uuencode"`)
				if m.Text != "De tekst" || len(m.Attachments) != 2 || m.Attachments[1].Size != 8 {
					t.Errorf("Text = %q, Attachments = %+v", m.Text, m.Attachments)
				}
			},
		},
		{
			name: "multipart without boundary parameter",
			raw: "From: a@example.nl\nMessage-ID: <1@example.nl>\nContent-Type: multipart/alternative\n\n" +
				"--Apple-Mail-1\nContent-Type: text/plain\n\nHallo\n--Apple-Mail-1--\n",
			check: func(t *testing.T, m *Message) {
				wantProblems(t, m, "multipart: missing boundary in multipart/alternative")
				if m.Text != "Hallo" {
					t.Errorf("Text = %q", m.Text)
				}
			},
		},
		{
			name: "multipart whose boundary never appears is kept as text",
			raw:  "From: a@example.nl\nMessage-ID: <1@example.nl>\nContent-Type: multipart/mixed; boundary=zzz\n\nGewoon tekst.\n",
			check: func(t *testing.T, m *Message) {
				wantProblems(t, m, `multipart: boundary "zzz" not found`)
				if m.Text != "Gewoon tekst." {
					t.Errorf("Text = %q", m.Text)
				}
			},
		},
		{
			name: "malformed Content-Type and Content-Disposition parameters",
			raw: "From: a@example.nl\nMessage-ID: <1@example.nl>\nContent-Type: multipart/mixed; boundary=b\n\n" +
				"--b\nContent-Type: text/plain; charset=iso-8859-1; charset=iso-8859-1\n\nBe\xebdigd\n" +
				"--b\nContent-Type: application/pdf; name=Factuur mei.pdf\nContent-Disposition: attachment; filename=Factuur mei.pdf\n\n%PDF\n" +
				"--b\nContent-Type: application/vnd.ms-excel\nContent-Disposition: attachment; filename*=iso-8859-1''Overzicht%20%E9%E9n.xls; size=x y\n\nxls\n" +
				"--b--\n",
			check: func(t *testing.T, m *Message) {
				if m.Text != "Beëdigd" {
					t.Errorf("Text = %q", m.Text)
				}
				want := []Attachment{
					{Filename: "Factuur mei.pdf", ContentType: "application/pdf", Size: 4},
					{Filename: "Overzicht één.xls", ContentType: "application/vnd.ms-excel", Size: 3},
				}
				if !equalAttachments(m.Attachments, want) {
					t.Errorf("Attachments = %+v, want %+v", m.Attachments, want)
				}
			},
		},
		{
			name: "RFC 2047 file name, Windows path, text attachment size before charset conversion",
			raw: "From: a@example.nl\nMessage-ID: <1@example.nl>\nContent-Type: multipart/mixed; boundary=b\n\n" +
				"--b\nContent-Type: text/plain\n\nZie bijlage\n" +
				"--b\nContent-Type: image/jpeg; name=\"=?utf-8?Q?foto=E2=80=99s.jpg?=\"\nContent-Disposition: inline; filename=\"=?utf-8?Q?foto=E2=80=99s.jpg?=\"\n\nJPEG\n" +
				"--b\nContent-Type: text/plain; charset=iso-8859-1; name=\"C:\\\\Users\\\\piet\\\\notities.txt\"\nContent-Disposition: attachment; filename=\"C:\\\\Users\\\\piet\\\\notities.txt\"\n\n\xe9\xe9n\n" +
				"--b--\n",
			check: func(t *testing.T, m *Message) {
				want := []Attachment{
					{Filename: "foto’s.jpg", ContentType: "image/jpeg", Size: 4},
					{Filename: "notities.txt", ContentType: "text/plain", Size: 3},
				}
				if m.Text != "Zie bijlage" || !equalAttachments(m.Attachments, want) {
					t.Errorf("Text = %q, Attachments = %+v, want %+v", m.Text, m.Attachments, want)
				}
			},
		},
		{
			name: "nested message/rfc822 is an attachment, not body text",
			raw: "From: a@example.nl\nMessage-ID: <1@example.nl>\nContent-Type: multipart/mixed; boundary=b\n\n" +
				"--b\nContent-Type: text/plain\n\nDoorgestuurd:\n" +
				"--b\nContent-Type: message/rfc822\n\nFrom: c@example.nl\nSubject: Oud\n\nOude tekst\n" +
				"--b--\n",
			check: func(t *testing.T, m *Message) {
				if m.Text != "Doorgestuurd:" || len(m.Attachments) != 1 || m.Attachments[0].ContentType != "message/rfc822" {
					t.Errorf("Text = %q, Attachments = %+v", m.Text, m.Attachments)
				}
			},
		},
		{
			name: "empty text/plain alternative falls back to HTML",
			raw: "From: a@example.nl\nMessage-ID: <1@example.nl>\nContent-Type: multipart/alternative; boundary=b\n\n" +
				"--b\nContent-Type: text/plain; charset=utf-8\n\n\n--b\nContent-Type: text/html; charset=utf-8\n\n<p>Alleen&nbsp;HTML</p>\n--b--\n",
			check: func(t *testing.T, m *Message) {
				if m.Text != "Alleen HTML" || !m.HTML {
					t.Errorf("Text = %q, HTML = %v", m.Text, m.HTML)
				}
			},
		},
		{
			name: "HTML without charset parameter uses its meta tag",
			raw:  "From: a@example.nl\nMessage-ID: <1@example.nl>\nContent-Type: text/html\n\n<meta charset=\"iso-8859-1\"><p>Ge\xefnd</p>\n",
			check: func(t *testing.T, m *Message) {
				wantProblems(t, m)
				if m.Text != "Geïnd" || !m.HTML {
					t.Errorf("Text = %q, HTML = %v", m.Text, m.HTML)
				}
			},
		},
		{
			name: "meta charset is read after the transfer encoding is undone",
			raw: "From: a@example.nl\nMessage-ID: <1@example.nl>\nContent-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n" +
				"<meta http-equiv=3D\"Content-Type\" content=3D\"text/html; charset=3Dwindows-1252\"><p>=80 12,=\n50</p>\n",
			check: func(t *testing.T, m *Message) {
				wantProblems(t, m)
				if m.Text != "€ 12,50" {
					t.Errorf("Text = %q", m.Text)
				}
			},
		},
		{
			name: "broken quoted-printable keeps what was decoded",
			raw:  "From: a@example.nl\nMessage-ID: <1@example.nl>\nContent-Transfer-Encoding: quoted-printable\n\nGoed=\nzo\x01rest\n",
			check: func(t *testing.T, m *Message) {
				if m.Text != "Goedzo" || !m.Malformed() {
					t.Errorf("Text = %q, Problems = %q", m.Text, m.Problems)
				}
			},
		},
		{
			name: "address lists: semicolons, unquoted commas, undisclosed recipients",
			raw: "From: Jansen, Piet <P.Jansen@Example.NL>\nTo: hans@mcoo.nl; Marco <Marco@MCOO.nl>\nCc: undisclosed-recipients:;\n" +
				"Message-ID: <1@example.nl>\n\nx\n",
			check: func(t *testing.T, m *Message) {
				wantProblems(t, m,
					`from: malformed address list "Jansen, Piet <P.Jansen@Example.NL>"`,
					`to: malformed address list "hans@mcoo.nl; Marco <Marco@MCOO.nl>"`)
				if m.From != (Address{Name: "Jansen, Piet", Addr: "p.jansen@example.nl"}) {
					t.Errorf("From = %+v", m.From)
				}
				if len(m.To) != 2 || m.To[0].Addr != "hans@mcoo.nl" || m.To[1] != (Address{Name: "Marco", Addr: "marco@mcoo.nl"}) {
					t.Errorf("To = %+v", m.To)
				}
				if len(m.Cc) != 0 {
					t.Errorf("Cc = %+v", m.Cc)
				}
			},
		},
		{
			name: "message ids",
			raw: "From: a@example.nl\nMessage-ID:   <abc@example.nl> (comment)\nIn-Reply-To: <x@y> <x@y>\n" +
				"References: <a b@c>, <d@e>,f@g\n\nx\n",
			check: func(t *testing.T, m *Message) {
				if m.MessageID != "<abc@example.nl>" || m.MessageIDSubstituted {
					t.Errorf("MessageID = %q", m.MessageID)
				}
				if strings.Join(m.InReplyTo, " ") != "<x@y>" {
					t.Errorf("InReplyTo = %q", m.InReplyTo)
				}
				if strings.Join(m.References, " ") != "<ab@c> <d@e>" {
					t.Errorf("References = %q", m.References)
				}
			},
		},
		{
			name: "unusable message id is substituted",
			raw:  "From: a@example.nl\nMessage-ID: <>\n\nx\n",
			check: func(t *testing.T, m *Message) {
				wantProblems(t, m, `message-id: malformed "<>"`)
				if !m.MessageIDSubstituted {
					t.Errorf("MessageID = %q not substituted", m.MessageID)
				}
			},
		},
		{
			name: "unparsable date",
			raw:  "From: a@example.nl\nMessage-ID: <1@example.nl>\nDate: gisteren om vier uur\n\nx\n",
			check: func(t *testing.T, m *Message) {
				wantProblems(t, m, `date: unparsable "gisteren om vier uur"`)
				if !m.Date.IsZero() {
					t.Errorf("Date = %v", m.Date)
				}
			},
		},
		{
			name: "deep nesting stops",
			raw: func() string {
				s := "From: a@example.nl\nMessage-ID: <1@example.nl>\n"
				for i := range 40 {
					s += fmt.Sprintf("Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i)
				}
				return s + "\nDiep\n"
			}(),
			check: func(t *testing.T, m *Message) {
				wantProblems(t, m, "multipart: nested deeper than 16 levels, inner parts skipped", "multipart: missing closing boundary")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, Parse([]byte(tt.raw)))
		})
	}
}

// wantProblems checks that m has exactly the given problems, in any order.
func wantProblems(t *testing.T, m *Message, want ...string) {
	t.Helper()
	got := make(map[string]bool)
	for _, p := range m.Problems {
		got[p] = true
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("missing problem %q; got %q", w, m.Problems)
		}
		delete(got, w)
	}
	for p := range got {
		t.Errorf("unexpected problem %q", p)
	}
}

func equalAttachments(a, b []Attachment) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAutoReason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header    string
		from      string
		mediaType string
		want      string
	}{
		{"", "klant@example.nl", "text/plain", ""},
		{"Auto-Submitted: no", "klant@example.nl", "text/plain", ""},
		{"Auto-Submitted: auto-replied", "klant@example.nl", "text/plain", "auto-submitted: auto-replied"},
		{"auto-submitted: Auto-Generated (failure)", "klant@example.nl", "text/plain", "auto-submitted: auto-generated"},
		{"X-Autoreply: yes", "klant@example.nl", "text/plain", "x-autoreply"},
		{"X-Autorespond: vacation", "klant@example.nl", "text/plain", "x-autorespond"},
		{"Precedence: Bulk", "klant@example.nl", "text/plain", "precedence: bulk"},
		{"Precedence: junk", "klant@example.nl", "text/plain", "precedence: junk"},
		{"Precedence: list", "klant@example.nl", "text/plain", "precedence: list"},
		{"Precedence: auto_reply", "klant@example.nl", "text/plain", "precedence: auto_reply"},
		{"Precedence: first-class", "klant@example.nl", "text/plain", ""},
		{"X-Auto-Response-Suppress: OOF, AutoReply", "klant@example.nl", "text/plain", "x-auto-response-suppress"},
		{"x-ms-exchange-inbox-rules-loop: klant@example.nl", "klant@example.nl", "text/plain", "x-ms-exchange-inbox-rules-loop"},
		{"", "klant@example.nl", "multipart/report", "bounce: multipart/report"},
		{"Return-Path: <>", "klant@example.nl", "text/plain", "bounce: return-path <>"},
		{"Return-Path: < >", "klant@example.nl", "text/plain", "bounce: return-path <>"},
		{"Return-Path: <klant@example.nl>", "klant@example.nl", "text/plain", ""},
		{"", "mailer-daemon@mx.example.nl", "text/plain", "bounce: mailer-daemon"},
		{"", "postmaster@example.nl", "text/plain", "bounce: postmaster"},
		{"List-Id: <nieuws.example.nl>", "klant@example.nl", "text/plain", "list: List-Id"},
		{"List-Unsubscribe: <mailto:x@example.nl>", "klant@example.nl", "text/plain", "list: List-Unsubscribe"},
		{"Auto-Submitted: auto-replied\r\nReturn-Path: <>", "mailer-daemon@example.nl", "multipart/report", "bounce: multipart/report"},
		{"X-Apple-Action: VACATION", "klant@icloud.example", "text/plain", "x-apple-action: vacation"},
		{"Subject: Auto reply: Re: Ontvangstbevestiging", "klant@icloud.example", "text/plain", "vacation subject"},
		{"Subject: Afwezig: Re: [KL-2026-0001]", "klant@example.nl", "text/plain", "vacation subject"},
		{"Subject: Abwesenheitsnotiz: Ihre Nachricht", "kunde@example.de", "text/plain", "vacation subject"},
		{"Subject: =?utf-8?q?R=C3=A9ponse_automatique_:_Re:_klacht?=", "client@example.fr", "text/plain", "vacation subject"},
		{"Subject: Automatisch antwoord: Klacht", "klant@example.nl", "text/plain", "vacation subject"},
		{"Subject: Afwezigheid van uw medewerker", "klant@example.nl", "text/plain", ""},
		{"Subject: Out of office hours nobody answers", "klant@example.nl", "text/plain", ""},
		{"", "nieuws-owner@lists.example.nl", "text/plain", "list robot: nieuws-owner"},
		{"", "owner-leden@lists.example.nl", "text/plain", "list robot: owner-leden"},
		{"", "nieuws-request@lists.example.nl", "text/plain", "list robot: nieuws-request"},
		{"", "nieuws-bounces+klant=example.nl@lists.example.nl", "text/plain", "list robot: nieuws-bounces+klant=example.nl"},
		// mlmmj: the owner is list+owner, the return path list+bounces-...
		{"", "nieuws+owner@lists.example.nl", "text/plain", "list robot: nieuws+owner"},
		{"Return-Path: <nieuws+bounces-help@lists.example.nl>", "moderator@example.nl", "text/plain", "list robot (return path): nieuws+bounces-help"},
		{"Return-Path: <Nieuws+bounces-12-klant=example.nl@lists.example.nl>", "jan@example.nl", "text/plain", "list robot (return path): nieuws+bounces-12-klant=example.nl"},
		{"Return-Path: <nieuws-bounces+klant=example.nl@lists.example.nl>", "jan@example.nl", "text/plain", "list robot (return path): nieuws-bounces+klant=example.nl"},
		// A person's own subaddress is not a robot.
		{"Return-Path: <jan+klachten@example.nl>", "jan+klachten@example.nl", "text/plain", ""},
		{"", "jan+owners@example.nl", "text/plain", ""},
	}
	for _, tt := range tests {
		var h mail.Header
		if tt.header != "" {
			for _, line := range strings.Split(tt.header, "\r\n") {
				k, v, _ := strings.Cut(line, ":")
				h.Add(k, strings.TrimSpace(v))
			}
		}
		got := autoReason(h, Address{Addr: tt.from}, tt.mediaType)
		if got != tt.want {
			t.Errorf("autoReason(%q, %q, %q) = %q, want %q", tt.header, tt.from, tt.mediaType, got, tt.want)
		}
	}
}

func TestUnflow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		delsp bool
		want  string
	}{
		{"Een lange \nzin.\nNieuwe regel", false, "Een lange zin.\nNieuwe regel"},
		{"Woord-\nafbreking", false, "Woord-\nafbreking"},
		{"Aaneen \ngeschreven", true, "Aaneengeschreven"},
		{"> geciteerd \n> verder\n>> dieper \n>> nog", false, "> geciteerd verder\n>> dieper nog"},
		{"> zacht \nniet geciteerd", false, "> zacht\nniet geciteerd"},
		{" >gestuffed", false, ">gestuffed"},
		{"-- \nHandtekening", false, "-- \nHandtekening"},
	}
	for _, tt := range tests {
		if got := unflow(tt.in, tt.delsp); got != tt.want {
			t.Errorf("unflow(%q, %v) = %q, want %q", tt.in, tt.delsp, got, tt.want)
		}
	}
}

// Hostile inputs must not make Parse slow: the work grows linearly with the
// input. A quadratic step (like go-message's comment reader on a long
// Message-ID comment, which Parse avoids) takes 16 times the work for 4 times
// the input, a linear one 4 times. Work is the CPU time the process spent,
// which, unlike the time on the clock, does not grow when a busy machine
// makes the test wait; absolute times are BenchmarkParse's business.
func TestParseLinear(t *testing.T) {
	nested := ""
	for i := range 15 {
		nested += fmt.Sprintf("Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i)
	}
	inputs := map[string]func(n int) string{
		"message-id comment": func(n int) string { return "Message-ID: (" + strings.Repeat("a", n) + ")<a@b>\n\n" },
		"references comment": func(n int) string { return "References: <a@b> (" + strings.Repeat("(", n) + "\n\n" },
		"address comment":    func(n int) string { return "From: a@b (" + strings.Repeat("a", n) + ")\n\n" },
		"many addresses":     func(n int) string { return "To: " + strings.Repeat("a b <, ", n/7) + "\n\n" },
		"encoded words":      func(n int) string { return "Subject: " + strings.Repeat("=?utf-8?q?a?= ", n/14) + "\n\n" },
		"malformed headers":  func(n int) string { return strings.Repeat("bad\nX: y\n", n/9) + "\n" },
		"malformed parameters": func(n int) string {
			return "Content-Type: application/pdf; " + strings.Repeat("name*0*=x y; ", n/13) + "\n\nx"
		},
		"many parts": func(n int) string {
			return "Content-Type: multipart/mixed; boundary=b\n\n" + strings.Repeat("--b\nContent-Type: text/html\n\n<p>x\n", n/30) + "--b--\n"
		},
		"flowed": func(n int) string {
			return "Content-Type: text/plain; format=flowed\n\n" + strings.Repeat("> a \n", n/5)
		},
		"nested multiparts": func(n int) string { return nested + "\n" + strings.Repeat("x", n) },
	}
	work := func(raw []byte) time.Duration {
		runtime.GC()
		before := cpuTime(t)
		for range 8 {
			Parse(raw)
		}
		return cpuTime(t) - before
	}
	const n = 1 << 16
	for name, input := range inputs {
		small, large := work([]byte(input(n))), work([]byte(input(4*n)))
		// Below 20ms of CPU the accounting says more than the parser.
		ratio := float64(large) / float64(max(small, 20*time.Millisecond))
		t.Logf("%s: %v of CPU for 8x %d bytes, %v for 4x: %.1fx", name, small, n, large, ratio)
		if ratio > 10 {
			t.Errorf("%s: 4x the input took %.1fx the work: not linear", name, ratio)
		}
	}
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Control characters a sender hides in encoded words never come out raw:
// no forged line in a listing, no terminal escape, no subject cut at NUL.
func TestHeaderControlCharacters(t *testing.T) {
	t.Parallel()
	raw := "From: =?utf-8?q?Jan=0D=0AX-Fake:_1?= <jan@klant.test>\r\n" +
		"Subject: =?utf-8?q?Klacht=0D=0AKL-2026-9999__open=1B[31m_rood=00_na_NUL=7F=C2=85?=\r\n" +
		"Content-Type: text/plain\r\n\r\nx\r\n"
	m := Parse([]byte(raw))
	for _, v := range []string{m.Subject, m.From.Name} {
		for _, r := range v {
			if unicode.IsControl(r) {
				t.Errorf("control character %U in %q", r, v)
			}
		}
	}
	if !strings.Contains(m.Subject, "na NUL") || !strings.HasPrefix(m.Subject, "Klacht  KL-2026-9999") {
		t.Errorf("subject %q", m.Subject)
	}
}

// Subjects as real mail writes them: raw 8-bit bytes in the charset the
// message declares, UTF-7 encoded words, 8-bit bytes inside an encoded word.
func TestSubjectCharsets(t *testing.T) {
	t.Parallel()
	koi8 := []byte{0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4}                         // Привет
	gb := []byte{0xc4, 0xe3, 0xba, 0xc3}                                       // 你好
	sjis := []byte{0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd} // こんにちは
	tests := []struct {
		name, subject, contentType, want string
	}{
		{"raw koi8-r", string(koi8), "text/plain; charset=koi8-r", "Привет"},
		{"raw gb2312", "Re: " + string(gb), "text/plain; charset=\"gb2312\"", "Re: 你好"},
		{"raw shift_jis", string(sjis), "text/plain; charset=Shift_JIS", "こんにちは"},
		{"raw utf-8 undeclared", "Klacht café", "text/plain", "Klacht café"},
		{"raw latin-1 undeclared", "Klacht caf\xe9", "text/plain", "Klacht café"},
		{"utf-7 encoded word", "=?utf-7?Q?Klacht_+AOk-?=", "text/plain", "Klacht é"},
		{"8-bit inside an encoded word", "=?iso-8859-1?Q?caf\xe9_klacht?=", "text/plain", "café klacht"},
		{"two encoded words", "=?utf-8?q?Kla?= =?utf-8?q?cht?=", "text/plain", "Klacht"},
	}
	m := Parse([]byte("From: " + string(koi8) + " <ivan@example.ru>\r\nSubject: x\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\nx\r\n"))
	if m.From.Name != "Привет" || m.From.Addr != "ivan@example.ru" {
		t.Errorf("raw koi8-r name: %+v", m.From)
	}
	for _, tt := range tests {
		raw := "From: a@b.test\r\nSubject: " + tt.subject + "\r\nContent-Type: " + tt.contentType + "\r\n\r\nx\r\n"
		if got := Parse([]byte(raw)).Subject; got != tt.want {
			t.Errorf("%s: subject %q, want %q", tt.name, got, tt.want)
		}
	}
}
