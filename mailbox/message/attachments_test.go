package message

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestExtractAttachmentsFixtures(t *testing.T) {
	t.Parallel()
	type want struct {
		name, ctype, magic string
		size               int
	}
	tests := []struct {
		file    string
		want    []want
		problem string // expected in the error; "" means no error
	}{
		{"gmail.eml", []want{{"Bevestiging renteaanbod ING.pdf", "application/pdf", "%PDF-", 627}}, ""},
		{"attachment-rfc2231.eml", []want{
			{"Bezwaarschrift aanslag 2023 – Daniëlle Groenewoud.pdf", "application/pdf", "%PDF-", 611},
			{"foto’s geïnde bedragen.jpg", "image/jpeg", "\xff\xd8\xff", 605},
		}, ""},
		{"applemail-inline-image.eml", []want{{"Schermafbeelding 2024-03-14 om 09.58.12.png", "image/png", "\x89PNG", 94}}, ""},
		{"bounce.eml", []want{{"", "message/delivery-status", "Reporting-MTA", 442}, {"", "message/rfc822", "", 617}}, ""},
		{"broken-mime.eml", []want{{"scan_factuur_2024-0131.pdf", "application/pdf", "%PDF-", 285}}, "multipart: missing closing boundary"},
		{"outlook.eml", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ExtractAttachments(readFixture(t, tt.file))
			if tt.problem == "" && err != nil {
				t.Errorf("error %v", err)
			}
			if tt.problem != "" && (err == nil || !strings.Contains(err.Error(), tt.problem)) {
				t.Errorf("error %v, want it to mention %q", err, tt.problem)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d attachments, want %d", len(got), len(tt.want))
			}
			for i, w := range tt.want {
				a := got[i]
				if a.Filename != w.name || a.ContentType != w.ctype || len(a.Data) != w.size || !bytes.HasPrefix(a.Data, []byte(w.magic)) {
					t.Errorf("attachment %d: %q %s %d bytes starting %q; want %q %s %d bytes starting %q",
						i, a.Filename, a.ContentType, len(a.Data), clip(string(a.Data)), w.name, w.ctype, w.size, w.magic)
				}
			}
		})
	}
}

// The files written by an export must be the attachments listed on the
// stored message record, which come from Parse.
func TestExtractAttachmentsMatchesParse(t *testing.T) {
	t.Parallel()
	for _, file := range fixtures(t) {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		checkMatchesParse(t, file, raw)
	}
}

func checkMatchesParse(t *testing.T, name string, raw []byte) {
	t.Helper()
	got, err := ExtractAttachments(raw)
	m := Parse(raw)
	if len(got) != len(m.Attachments) {
		t.Fatalf("%s: %d attachments, Parse lists %d", name, len(got), len(m.Attachments))
	}
	for i, a := range m.Attachments {
		if g := got[i]; g.Filename != a.Filename || g.ContentType != a.ContentType || len(g.Data) != a.Size {
			t.Errorf("%s: attachment %d: %q %s %d bytes, Parse: %q %s %d bytes",
				name, i, g.Filename, g.ContentType, len(g.Data), a.Filename, a.ContentType, a.Size)
		}
	}
	if err != nil && len(m.Problems) == 0 {
		t.Errorf("%s: error %v, but Parse found no problem", name, err)
	}
}

// Mail that mail.CreateReader gives up on, or reads differently.
func TestExtractAttachmentsBrokenMail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw string
		want      []AttachmentData
		problem   string
	}{
		{
			name: "stray header line",
			raw: "From: a@example.nl\nthis is not a header\nContent-Type: multipart/mixed; boundary=b\n\n" +
				"--b\nContent-Type: text/plain\n\nDe tekst\n" +
				"--b\nContent-Type: image/png; name=a.png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--b--\n",
			// A header problem is Parse's to report; every attachment is read.
			want: []AttachmentData{{"a.png", "image/png", []byte("\x89PNG\r\n\x1a\n")}},
		},
		{
			name: "unknown transfer encoding in one part",
			raw: "From: a@example.nl\nContent-Type: multipart/mixed; boundary=b\n\n" +
				"--b\nContent-Type: application/octet-stream; name=oud.uue\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 oud\n`\nend\n" +
				"--b\nContent-Type: image/png; name=a.png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--b--\n",
			want: []AttachmentData{
				{"oud.uue", "application/octet-stream", []byte("begin 644 oud\n`\nend")}, // kept as it came
				{"a.png", "image/png", []byte("\x89PNG\r\n\x1a\n")},
			},
			problem: `content-transfer-encoding: unknown "x-uuencode"`,
		},
		{
			name: "text attachment keeps its charset",
			raw: "From: a@example.nl\nContent-Type: multipart/mixed; boundary=b\n\n" +
				"--b\nContent-Type: text/plain\n\nZie bijlage\n" +
				"--b\nContent-Type: text/csv; charset=windows-1252\nContent-Disposition: attachment; filename=prijzen.csv\n" +
				"Content-Transfer-Encoding: quoted-printable\n\nprijs;=80 12\n--b--\n",
			want: []AttachmentData{{"prijzen.csv", "text/csv", []byte("prijs;\x80 12")}},
		},
		{
			name: "unquoted spaces and a path in the name",
			raw: "From: a@example.nl\nContent-Type: multipart/mixed; boundary=b\n\n" +
				"--b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=C:\\Scans\\mijn factuur.pdf\n\n%PDF-1.4\n--b\n" +
				"Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"../../etc/passwd\"\n\nroot\n--b--\n",
			want: []AttachmentData{
				{"mijn factuur.pdf", "application/pdf", []byte("%PDF-1.4")},
				{"passwd", "application/octet-stream", []byte("root")},
			},
			problem: "content-disposition: malformed",
		},
		{
			name:    "multipart without its closing boundary",
			raw:     "From: a@example.nl\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/pdf; name=a.pdf\n\n%PDF-1.4 afgebroken",
			want:    []AttachmentData{{"a.pdf", "application/pdf", []byte("%PDF-1.4 afgebroken")}},
			problem: "missing closing boundary",
		},
		{
			name: "not multipart at all",
			raw:  "From: a@example.nl\n\nGewoon tekst.\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ExtractAttachments([]byte(tt.raw))
			if tt.problem == "" && err != nil {
				t.Errorf("error %v", err)
			}
			if tt.problem != "" && (err == nil || !strings.Contains(err.Error(), tt.problem)) {
				t.Errorf("error %v, want it to mention %q", err, tt.problem)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d attachments %+v, want %d", len(got), got, len(tt.want))
			}
			for i, w := range tt.want {
				if g := got[i]; g.Filename != w.Filename || g.ContentType != w.ContentType || !bytes.Equal(g.Data, w.Data) {
					t.Errorf("attachment %d: %q %s %q, want %q %s %q", i, g.Filename, g.ContentType, g.Data, w.Filename, w.ContentType, w.Data)
				}
			}
			checkMatchesParse(t, tt.name, []byte(tt.raw))
		})
	}
}

func FuzzExtractAttachments(f *testing.F) {
	for _, file := range fixtures(f) {
		f.Add(readFixture(f, filepath.Base(file)))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		_, err := ExtractAttachments(raw)
		if err != nil && strings.Contains(err.Error(), "internal:") {
			t.Fatalf("recovered from a panic: %v", err)
		}
		checkMatchesParse(t, "input", raw)
	})
}
