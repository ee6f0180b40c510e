package dossier

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/workflow/complaint"
)

func TestExportDirectory(t *testing.T) {
	t.Parallel()
	d := &Dossier{Case: &complaint.Case{ID: "KL-2026-0001"}}
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	base := t.TempDir()

	empty := filepath.Join(base, "empty")
	os.Mkdir(empty, 0o700)
	if err := Export(d, empty, ams, time.Now(), &bytes.Buffer{}); err != nil {
		t.Errorf("empty directory refused: %v", err)
	}
	full := filepath.Join(base, "full")
	os.Mkdir(full, 0o700)
	os.WriteFile(filepath.Join(full, "notities.txt"), []byte("x"), 0o600)
	if err := Export(d, full, ams, time.Now(), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("non-empty directory: %v", err)
	}
	if entries, _ := os.ReadDir(full); len(entries) != 1 {
		t.Errorf("refused export still wrote into %s: %v", full, entries)
	}
	file := filepath.Join(base, "file")
	os.WriteFile(file, []byte("x"), 0o600)
	if err := Export(d, file, ams, time.Now(), &bytes.Buffer{}); err == nil {
		t.Error("export onto a file was accepted")
	}
}

func TestSanitiseFilename(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 80) + ".pdf" // 160 bytes of name
	tests := []struct{ in, ctype, want string }{
		{"Bevestiging renteaanbod ING.pdf", "application/pdf", "Bevestiging renteaanbod ING.pdf"},
		{"../../etc/passwd", "", "_._etc_passwd"},
		{`..\x.exe`, "", "_x.exe"},
		{"..", "", "bijlage.bin"},
		{".bashrc", "", "bashrc"},
		{"...", "image/png", "bijlage.png"},
		{"", "message/rfc822", "bijlage.eml"},
		{".pdf", "application/pdf", "pdf"},
		{"factuur\r\nX-Header: 1.pdf", "", "factuurX-Header_ 1.pdf"},
		{"rapport\u202Efdp.exe", "", "rapportfdp.exe"},
		{"a\x00b.txt", "", "ab.txt"},
		{"con:tract?.pdf ", "", "con_tract_.pdf"},
		{"naam. ", "", "naam"},
		{"ongeldig \xff.txt", "", "ongeldig _.txt"},
		{long, "", strings.Repeat("é", 48) + ".pdf"},
		{strings.Repeat("a", 120) + ".dit-is-geen-extensie-meer", "", strings.Repeat("a", 100)},
	}
	for _, tt := range tests {
		got := sanitiseFilename(tt.in, tt.ctype)
		if got != tt.want {
			t.Errorf("sanitiseFilename(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(got) > maxNameBytes || strings.ContainsAny(got, `/\`) || strings.Contains(got, "..") || strings.HasPrefix(got, ".") {
			t.Errorf("sanitiseFilename(%q) = %q is not safe", tt.in, got)
		}
	}
}
