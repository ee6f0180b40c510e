package forwarded

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/mailbox/internal/golden"
	"github.com/mcoo/klachtbot/mailbox/message"
)

// forwardFixtures are the mails of testdata/forward; those named not-*
// are no forwards.
func forwardFixtures(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "forward", "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in testdata/forward: %v", err)
	}
	return files
}

// forwardGolden renders what Forwarded found, one field a line; note and
// text follow with every line prefixed by "  | ".
func forwardGolden(f *Original, ok bool) []byte {
	var b strings.Builder
	if !ok {
		b.WriteString("forward: no\n")
		return []byte(b.String())
	}
	field := func(name, value string) {
		b.WriteString(name + ":")
		if value != "" {
			b.WriteString(" " + value)
		}
		b.WriteString("\n")
	}
	kind := "attached"
	if f.Inline {
		kind = "inline"
	}
	field("forward", kind)
	field("from.name", f.From.Name)
	field("from.addr", f.From.Addr)
	date := ""
	if !f.Date.IsZero() {
		date = f.Date.Format(time.RFC3339)
	}
	field("date", date)
	field("subject", f.Subject)
	field("message-id", f.MessageID)
	field("in-reply-to", strings.Join(f.InReplyTo, " "))
	field("references", strings.Join(f.References, " "))
	raw := ""
	if f.Raw != nil {
		raw = fmt.Sprintf("%d bytes, sha256 %x", len(f.Raw), sha256.Sum256(f.Raw))
	}
	field("raw", raw)
	for _, block := range []struct{ name, text string }{{"note", f.Note}, {"text", f.Text}} {
		field(block.name, "")
		if block.text == "" {
			continue
		}
		for _, line := range strings.Split(block.text, "\n") {
			b.WriteString(strings.TrimRight("  | "+line, " ") + "\n")
		}
	}
	return []byte(b.String())
}

func TestForwardedGolden(t *testing.T) {
	t.Parallel()
	files := forwardFixtures(t)
	if len(files) < 14 {
		t.Errorf("%d fixtures in testdata/forward, want at least 14", len(files))
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".eml")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			f, ok := Find(message.Parse(raw), raw)
			if want := !strings.HasPrefix(name, "not-"); ok != want {
				t.Errorf("Forwarded ok = %v, want %v", ok, want)
			}
			if !ok && f != nil {
				t.Errorf("Forwarded returned %+v with ok = false", f)
			}
			golden.Check(t, "Find("+file+")", forwardGolden(f, ok), strings.TrimSuffix(file, ".eml")+".golden")
		})
	}
}

// Raw of an attached original is the attached part, byte for byte, with
// only the part's transfer encoding undone.
func TestForwardedRawIsTheAttachedPart(t *testing.T) {
	t.Parallel()
	attached := 0
	for _, file := range forwardFixtures(t) {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		f, ok := Find(message.Parse(raw), raw)
		if !ok || f.Inline {
			if ok && f.Raw != nil {
				t.Errorf("%s: inline forward with Raw set", file)
			}
			continue
		}
		attached++
		atts, err := message.ExtractAttachments(raw)
		if err != nil {
			t.Errorf("%s: %v", file, err)
		}
		var part []byte
		for _, a := range atts {
			if a.ContentType == "message/rfc822" {
				part = a.Data
				break
			}
		}
		if part == nil || !bytes.Equal(f.Raw, part) {
			t.Errorf("%s: Raw (%d bytes) is not the first message/rfc822 part (%d bytes)", file, len(f.Raw), len(part))
		}
		if !bytes.HasPrefix(f.Raw, []byte("Re")) && !bytes.HasPrefix(f.Raw, []byte("From:")) {
			t.Errorf("%s: Raw starts with %q, want the original's header", file, f.Raw[:min(len(f.Raw), 80)])
		}
	}
	if attached < 3 {
		t.Errorf("%d attached originals among the fixtures, want 3", attached)
	}

	// A quoted-printable message/rfc822 part: Raw has it decoded, the
	// original's own RFC 2047 header words stay as they were.
	raw, err := os.ReadFile(filepath.Join("testdata", "forward", "attached-qp.eml"))
	if err != nil {
		t.Fatal(err)
	}
	f, ok := Find(message.Parse(raw), raw)
	if !ok {
		t.Fatal("attached-qp.eml: no forward")
	}
	if !bytes.Contains(f.Raw, []byte("omzet van de kapsalon € 12.000")) || bytes.Contains(f.Raw, []byte("=E2=82=AC")) ||
		!bytes.HasPrefix(f.Raw, []byte("From: =?utf-8?q?Ren=C3=A9e_Smits?= <renee@smits-kapsalon.nl>\r\n")) {
		t.Errorf("attached-qp.eml: Raw not decoded as expected:\n%s", f.Raw)
	}

	// The original's own attachment survives in Raw.
	raw, err = os.ReadFile(filepath.Join("testdata", "forward", "outlook-attached.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if f, ok = Find(message.Parse(raw), raw); !ok {
		t.Fatal("outlook-attached.eml: no forward")
	}
	inner, err := message.ExtractAttachments(f.Raw)
	if err != nil || len(inner) != 1 || inner[0].Filename != "Factuur 2026-0412.pdf" || !bytes.HasPrefix(inner[0].Data, []byte("%PDF-1.4")) {
		t.Errorf("outlook-attached.eml: attachments of the original: %+v, %v", inner, err)
	}
}

// mkMail builds a forwarding mail from the director Hans.
func mkMail(subject, body string) string {
	return "From: Hans de Wit <hans@mcoo.nl>\r\nTo: klachten@mcoo.nl\r\nSubject: " + subject +
		"\r\nDate: Tue, 24 Nov 2026 09:00:00 +0100\r\nMessage-ID: <fwd-test@mcoo.nl>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		strings.ReplaceAll(body, "\n", "\r\n")
}

// mkMultipart builds a multipart/mixed forwarding mail of the given parts,
// each a header and a body.
func mkMultipart(subject string, parts ...string) string {
	s := "From: Hans de Wit <hans@mcoo.nl>\r\nTo: klachten@mcoo.nl\r\nSubject: " + subject +
		"\r\nMessage-ID: <fwd-test@mcoo.nl>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
	for _, p := range parts {
		s += "--b1\r\n" + strings.ReplaceAll(p, "\n", "\r\n") + "\r\n"
	}
	return s + "--b1--\r\n"
}

const originalMail = "From: Jan Jansen <Jan@Jansen-Installatie.nl>\nTo: hans@mcoo.nl\nSubject: Klacht\n" +
	"Date: Mon, 23 Nov 2026 10:12:37 +0100\nMessage-ID: <orig-1@jansen-installatie.nl>\n\nDe factuur klopt niet.\n"

func TestForwardedCases(t *testing.T) {
	t.Parallel()
	type want struct {
		from                    message.Address
		date                    string // RFC 3339, "" for zero
		subject, text, note, id string
		inline                  bool
	}
	tests := []struct {
		name string
		raw  string
		ok   bool
		want want
	}{
		{
			name: "TR: with underscores",
			raw:  mkMail("TR: Klacht", "Voir ci-dessous.\n\n________________________________\nDe : Jan Jansen <jan@x.nl>\nEnvoyé : lundi 23 novembre 2026 10:12\nÀ : Hans <hans@mcoo.nl>\nObjet : Klacht\n\nTekst.\n"),
			ok:   true,
			want: want{from: message.Address{Name: "Jan Jansen", Addr: "jan@x.nl"}, subject: "Klacht", text: "Tekst.", note: "Voir ci-dessous.", inline: true},
		},
		{
			name: "WG: with Original Message and bare address",
			raw:  mkMail("WG: Beschwerde", "-----Original Message-----\nFrom: JAN@X.NL\nSent: Monday, November 23, 2026 10:12 PM\nTo: hans@mcoo.nl\nSubject: Beschwerde\n\nText.\n"),
			ok:   true,
			want: want{from: message.Address{Name: "", Addr: "jan@x.nl"}, date: "2026-11-23T22:12:00+01:00", subject: "Beschwerde", text: "Text.", inline: true},
		},
		{
			name: "tag before FW:, Outlook HTML rendered as text",
			raw:  mkMail("[EXTERN] FW: Klacht", "Van: Jansen, Jan <Jan@X.nl<mailto:Jan@X.nl>>\nVerzonden: maandag 23 november 2026 10:12\nAan: Hans de Wit <hans@mcoo.nl<mailto:hans@mcoo.nl>>\nOnderwerp: Klacht\n\nTekst.\n"),
			ok:   true,
			want: want{from: message.Address{Name: "Jansen, Jan", Addr: "jan@x.nl"}, date: "2026-11-23T10:12:00+01:00", subject: "Klacht", text: "Tekst.", inline: true},
		},
		{
			name: "Outlook block in a reply to a forward",
			raw:  mkMail("RE: FW: Klacht", "Dank.\n\n________________________________\nVan: Jan Jansen <jan@x.nl>\nVerzonden: maandag 23 november 2026 10:12\nAan: Hans\nOnderwerp: FW: Klacht\n\nTekst.\n"),
		},
		{
			name: "Outlook block without a date is no header block",
			raw:  mkMail("FW: Klacht", "Van: Jan Jansen <jan@x.nl>\nAan: Hans\n\nTekst.\n"),
		},
		{
			name: "forward marker below a reply attribution is history",
			raw: mkMail("Fwd: Klacht", "Akkoord.\n\nOn Mon, Nov 23, 2026 at 10:12 AM Jan Jansen <jan@x.nl> wrote:\n"+
				"> ---------- Forwarded message ---------\n> From: Piet <piet@y.nl>\n> Date: Mon, 23 Nov 2026 at 09:00\n> Subject: x\n>\n> y\n"),
		},
		{
			name: "the director's own 'schreef:' is no attribution",
			raw: mkMail("Fwd: Klacht", "Kijk wat de klant schreef:\n\n---------- Forwarded message ---------\n"+
				"From: *Jan Jansen* <jan@x.nl>\nDate: Mon, 23 Nov 2026 at 10:12\nSubject: Klacht\nTo: <hans@mcoo.nl>\n\n\nTekst.\n"),
			ok:   true,
			want: want{from: message.Address{Name: "Jan Jansen", Addr: "jan@x.nl"}, date: "2026-11-23T10:12:00+01:00", subject: "Klacht", text: "Tekst.", note: "Kijk wat de klant schreef:", inline: true},
		},
		{
			name: "unreadable date gives a zero Date, missing subject the forward's",
			raw:  mkMail("Fwd: Klacht over de factuur", "---------- Forwarded message ---------\nFrom: Jan <jan@x.nl>\nDate: gisteren\nTo: hans@mcoo.nl\n\nTekst.\n"),
			ok:   true,
			want: want{from: message.Address{Name: "Jan", Addr: "jan@x.nl"}, subject: "Klacht over de factuur", text: "Tekst.", inline: true},
		},
		{
			name: "Thunderbird showing all headers carries the Message-ID",
			raw: mkMail("Fwd: Klacht", "-------- Forwarded Message --------\nSubject: \tKlacht\nDate: \tMon, 23 Nov 2026 10:12:00 +0100\n"+
				"From: \tJan <jan@x.nl>\nTo: \thans@mcoo.nl\nMessage-ID: \t<abc.123@x.nl>\n\nTekst.\n"),
			ok:   true,
			want: want{from: message.Address{Name: "Jan", Addr: "jan@x.nl"}, date: "2026-11-23T10:12:00+01:00", subject: "Klacht", text: "Tekst.", id: "<abc.123@x.nl>", inline: true},
		},
		{
			name: "Apple Mail HTML only: the forward is a blockquote",
			raw: strings.Replace(mkMail("Fwd: Klacht", `<html><body>Zie hieronder.<div><br><blockquote type="cite"><div>Begin doorgestuurd bericht:</div><br>`+
				`<div><b>Van: </b>Jan Jansen &lt;jan@x.nl&gt;</div><div><b>Onderwerp: </b><b>Klacht</b></div>`+
				`<div><b>Datum: </b>3 juli 2026 om 14:30:15 CEST</div><div><b>Aan: </b>hans@mcoo.nl</div><br>`+
				`<div>Tekst.</div><div>Nog meer.</div></blockquote></div>Hans</body></html>`), "text/plain", "text/html", 1),
			ok:   true,
			want: want{from: message.Address{Name: "Jan Jansen", Addr: "jan@x.nl"}, date: "2026-07-03T14:30:15+02:00", subject: "Klacht", text: "Tekst.\nNog meer.", note: "Zie hieronder.", inline: true},
		},
		{
			name: "Thunderbird HTML only: the header table",
			raw: strings.Replace(mkMail("Fwd: Klacht", `<p>Zie hieronder.</p><div class="moz-forward-container">-------- Doorgestuurd bericht --------`+
				`<table class="moz-email-headers-table"><tr><th>Onderwerp: </th><td>Klacht</td></tr><tr><th>Datum: </th><td>Tue, 24 Nov 2026 08:47:13 +0100</td></tr>`+
				`<tr><th>Van: </th><td>Miriam <a href="mailto:m@z.nl">&lt;m@z.nl&gt;</a></td></tr></table><br><p>Tekst.</p></div>`), "text/plain", "text/html", 1),
			ok:   true,
			want: want{from: message.Address{Name: "Miriam", Addr: "m@z.nl"}, date: "2026-11-24T08:47:13+01:00", subject: "Klacht", text: "Tekst.", note: "Zie hieronder.", inline: true},
		},
		{
			name: "an attached original wins over an inline forward",
			raw: mkMultipart("Fwd: Klacht",
				"Content-Type: text/plain\n\n---------- Forwarded message ---------\nFrom: Piet <piet@y.nl>\nDate: Mon, 23 Nov 2026 at 09:00\nSubject: Ander\n\nAnder.",
				"Content-Type: message/rfc822\n\n"+originalMail),
			ok: true,
			want: want{from: message.Address{Name: "Jan Jansen", Addr: "jan@jansen-installatie.nl"}, date: "2026-11-23T10:12:37+01:00", subject: "Klacht",
				text: "De factuur klopt niet.", id: "<orig-1@jansen-installatie.nl>",
				note: "---------- Forwarded message ---------\nFrom: Piet <piet@y.nl>\nDate: Mon, 23 Nov 2026 at 09:00\nSubject: Ander\n\nAnder."},
		},
		{
			name: "an .eml file sent as application/octet-stream, base64",
			raw: mkMultipart("Klacht Jansen",
				"Content-Type: text/plain\n\nZie bijlage.",
				"Content-Type: application/octet-stream; name=\"klacht.eml\"\nContent-Disposition: attachment; filename=\"klacht.eml\"\nContent-Transfer-Encoding: base64\n\n"+
					"RnJvbTogSmFuIDxqYW5AeC5ubD4KU3ViamVjdDogS2xhY2h0CgpUZWtzdC4K"),
			ok:   true,
			want: want{from: message.Address{Name: "Jan", Addr: "jan@x.nl"}, subject: "Klacht", text: "Tekst.", note: "Zie bijlage."},
		},
		{
			name: "an attached message without From is passed over",
			raw: mkMultipart("Fwd: Klacht",
				"Content-Type: text/plain\n\n---------- Forwarded message ---------\nFrom: Piet <piet@y.nl>\nDate: Mon, 23 Nov 2026 at 09:00\nSubject: Ander\n\nAnder.",
				"Content-Type: message/rfc822\n\nSubject: concept\n\nNiets."),
			ok:   true,
			want: want{from: message.Address{Name: "Piet", Addr: "piet@y.nl"}, date: "2026-11-23T09:00:00+01:00", subject: "Ander", text: "Ander.", inline: true},
		},
		{
			name: "an attached original without Message-ID",
			raw:  mkMultipart("Fwd: Klacht", "Content-Type: message/rfc822\n\nFrom: Jan <jan@x.nl>\nSubject: Klacht\n\nTekst."),
			ok:   true,
			want: want{from: message.Address{Name: "Jan", Addr: "jan@x.nl"}, subject: "Klacht", text: "Tekst."},
		},
		{
			name: "Outlook address in square brackets, name only in To",
			raw:  mkMail("FW: Klacht", "-----Original Message-----\nFrom: Jan Jansen [jan@x.nl]\nSent: 23 November 2026 10:12\nTo: Hans de Wit\nSubject: Klacht\n\nTekst.\n"),
			ok:   true,
			want: want{from: message.Address{Name: "Jan Jansen", Addr: "jan@x.nl"}, date: "2026-11-23T10:12:00+01:00", subject: "Klacht", text: "Tekst.", inline: true},
		},
		{
			name: "a bounce is no forward",
			raw: "From: MAILER-DAEMON@mx.mcoo.nl\r\nSubject: Fwd: Undelivered\r\nContent-Type: multipart/report; boundary=b1\r\n\r\n" +
				"--b1\r\nContent-Type: text/plain\r\n\r\nx\r\n--b1\r\nContent-Type: message/rfc822\r\n\r\n" + originalMail + "\r\n--b1--\r\n",
		},
		{name: "empty input", raw: ""},
		{name: "only a marker", raw: mkMail("Fwd: x", "---------- Forwarded message ---------\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			raw := []byte(tt.raw)
			f, ok := Find(message.Parse(raw), raw)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v; got %+v", ok, tt.ok, f)
			}
			if !ok {
				if f != nil {
					t.Errorf("f = %+v with ok = false", f)
				}
				return
			}
			date := ""
			if !f.Date.IsZero() {
				date = f.Date.Format(time.RFC3339)
			}
			got := want{from: f.From, date: date, subject: f.Subject, text: f.Text, note: f.Note, id: f.MessageID, inline: f.Inline}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if f.Inline != (f.Raw == nil) {
				t.Errorf("Inline = %v with %d bytes of Raw", f.Inline, len(f.Raw))
			}
			// Without a parsed message Forwarded parses raw itself.
			if g, ok := Find(nil, raw); !ok || g.From != f.From || g.Text != f.Text {
				t.Errorf("Find(nil, raw) = %+v, %v", g, ok)
			}
		})
	}
}

func TestParseForwardDate(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		// Gmail
		{"Mon, Nov 23, 2026 at 10:12\u202fAM", "2026-11-23T10:12:00+01:00"},
		{"Mon, Nov 23, 2026 at 1:05 PM", "2026-11-23T13:05:00+01:00"},
		{"Mon, 23 Nov 2026 at 10:12", "2026-11-23T10:12:00+01:00"},
		{"ma 23 nov 2026 om 10:12", "2026-11-23T10:12:00+01:00"},
		{"ma 23 nov. 2026 om 10:12", "2026-11-23T10:12:00+01:00"},
		{"vr 3 jul 2026 om 10:12", "2026-07-03T10:12:00+02:00"},
		// Outlook
		{"Monday, November 23, 2026 10:12 AM", "2026-11-23T10:12:00+01:00"},
		{"Monday, November 23, 2026 12:05 AM", "2026-11-23T00:05:00+01:00"},
		{"Monday, November 23, 2026 12:05 PM", "2026-11-23T12:05:00+01:00"},
		{"maandag 23 november 2026 10:12", "2026-11-23T10:12:00+01:00"},
		{"dinsdag 24 november 2026 8:05", "2026-11-24T08:05:00+01:00"},
		{"23 November 2026 10:12", "2026-11-23T10:12:00+01:00"},
		{"23-11-2026 10:12", "2026-11-23T10:12:00+01:00"},
		{"23/11/2026 10:12", "2026-11-23T10:12:00+01:00"},
		{"11/23/2026 10:12 AM", "2026-11-23T10:12:00+01:00"},
		{"3/7/2026 10:12 AM", "2026-03-07T10:12:00+01:00"},
		{"2026-11-23 10:12", "2026-11-23T10:12:00+01:00"},
		{"maandag 23 november 2026 10.12 uur", "2026-11-23T10:12:00+01:00"},
		// Apple Mail
		{"23 November 2026 at 10:12:00 CET", "2026-11-23T10:12:00+01:00"},
		{"23 november 2026 om 10:12:00 CET", "2026-11-23T10:12:00+01:00"},
		{"3 juli 2026 om 14:30:15 CEST", "2026-07-03T14:30:15+02:00"},
		{"November 23, 2026 at 10:12:00 AM EST", "2026-11-23T10:12:00-05:00"},
		{"23 November 2026 at 10:12:00 GMT+1", "2026-11-23T10:12:00+01:00"},
		{"23 November 2026 at 10:12:00 GMT-05:30", "2026-11-23T10:12:00-05:30"},
		// RFC 5322 (Thunderbird)
		{"Mon, 23 Nov 2026 10:12:00 +0100", "2026-11-23T10:12:00+01:00"},
		{"Mon, 23 Nov 2026 10:12:00 +0100 (CET)", "2026-11-23T10:12:00+01:00"},
		{"Tue, 24 Nov 2026 15:27:00 UTC", "2026-11-24T15:27:00Z"},
		{"Tue, 24 Nov 2026 15:27:00 -0800", "2026-11-24T15:27:00-08:00"},
		// Europe/Amsterdam around the clock changes of 2026
		{"zondag 29 maart 2026 01:59", "2026-03-29T01:59:00+01:00"},
		{"zondag 29 maart 2026 03:00", "2026-03-29T03:00:00+02:00"},
		{"zondag 25 oktober 2026 02:30", "2026-10-25T02:30:00+02:00"},
		{"zondag 25 oktober 2026 03:00", "2026-10-25T03:00:00+01:00"},
		// Not readable with certainty
		{"", ""},
		{"gisteren om vier uur", ""},
		{"31 november 2026 10:12", ""},
		{"29 februari 2026 10:12", ""},
		{"Monday, November 23, 2026 13:12 PM", ""},
		{"23 nov 2026", ""},
		{"ma 23 nov om 10:12", ""},
		{"23 nov 2026 25:00", ""},
		{"23 nov 2026 10:61", ""},
		{"23 nov 2026 10:12 +2500", ""},
		{"Mon, 23 Nov 2026 10:12 10:13", ""},
		{"23 nov 2026 10:12 november", ""},
		{"23-11-2026 24 10:12", ""},
		{"0 nov 2026 10:12", ""},
		{"23 nov 0000 10:12", ""},
		{"1 jan 0001 00:30", ""}, // before the year 1 in UTC
	}
	for _, tt := range tests {
		got := ""
		if d := parseForwardDate(tt.in); !d.IsZero() {
			got = d.Format(time.RFC3339)
		}
		if got != tt.want {
			t.Errorf("parseForwardDate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLooseAddress(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want message.Address
	}{
		{"Jan Jansen <Jan@Example.NL>", message.Address{Name: "Jan Jansen", Addr: "jan@example.nl"}},
		{`"Jansen, Jan" <jan@example.nl>`, message.Address{Name: "Jansen, Jan", Addr: "jan@example.nl"}},
		{"Jansen, Jan <jan@example.nl>", message.Address{Name: "Jansen, Jan", Addr: "jan@example.nl"}},
		{"jan@example.nl", message.Address{Name: "", Addr: "jan@example.nl"}},
		{"<jan@example.nl>", message.Address{Name: "", Addr: "jan@example.nl"}},
		{"Jan Jansen", message.Address{Name: "Jan Jansen", Addr: ""}},
		{"Jan Jansen [mailto:Jan@Example.nl]", message.Address{Name: "Jan Jansen", Addr: "jan@example.nl"}},
		{"Jan Jansen <jan@example.nl<mailto:jan@example.nl>>", message.Address{Name: "Jan Jansen", Addr: "jan@example.nl"}},
		{"*Jan Jansen* <jan@example.nl>", message.Address{Name: "Jan Jansen", Addr: "jan@example.nl"}},
		{"=?utf-8?q?Ren=C3=A9e?= <renee@example.nl>", message.Address{Name: "Renée", Addr: "renee@example.nl"}},
		{"Jan \x01Jansen <jan\x01@example.nl>", message.Address{Name: "Jan Jansen", Addr: ""}},
		{"Jan Jansen <>", message.Address{Name: "Jan Jansen", Addr: ""}},
		{"Jan Jansen <jan at example.nl>", message.Address{Name: "Jan Jansen", Addr: ""}},
		{"", message.Address{}},
	}
	for _, tt := range tests {
		if got := looseAddress(tt.in); got != tt.want {
			t.Errorf("looseAddress(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
