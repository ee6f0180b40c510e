package forwarded

import (
	"bytes"
	"github.com/mcoo/klachtbot/mailbox/message"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func FuzzFind(f *testing.F) {
	for _, file := range forwardFixtures(f) {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte(""))
	f.Add([]byte("Subject: FW: x\n\n________________________________\nVan: a\nVerzonden: 1 jan 2026 10:00\nAan: b\n\nc\n"))
	f.Add([]byte("Subject: x\n\nBegin forwarded message:\n\n> From: <A@B>\n> Date: 1/2/2026 12:00 PM GMT+14\n>\n> c\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m := message.Parse(raw)
		// forwarded, not Forwarded: that one recovers from panics.
		fw, ok := find(m, raw)
		if !ok {
			if fw != nil {
				t.Fatalf("ok = false with %+v", fw)
			}
			return
		}
		addr := fw.From.Addr
		if strings.ToLower(addr) != addr || !utf8.ValidString(addr) {
			t.Fatalf("From.Addr %q is not lower-case UTF-8", addr)
		}
		for _, r := range addr {
			if unicode.IsControl(r) || unicode.IsSpace(r) {
				t.Fatalf("From.Addr %q has a control or blank character", addr)
			}
		}
		for _, s := range []string{fw.From.Name, fw.Subject, fw.Text, fw.Note, fw.MessageID} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in %q", s)
			}
		}
		if _, err := fw.Date.MarshalJSON(); err != nil {
			t.Fatalf("Date %v cannot be stored: %v", fw.Date, err)
		}
		if fw.Inline != (fw.Raw == nil) {
			t.Fatalf("Inline = %v with %d bytes of Raw", fw.Inline, len(fw.Raw))
		}
		if fw.Raw != nil {
			atts, _ := message.ExtractAttachments(raw)
			found := false
			for _, a := range atts {
				if bytes.Contains(a.Data, fw.Raw) {
					found = true
					break
				}
			}
			if !found {
				t.Fatalf("Raw (%d bytes) is in no attachment", len(fw.Raw))
			}
		}
		again, ok := Find(message.Parse(raw), raw)
		if !ok || again.From != fw.From || again.Text != fw.Text || !again.Date.Equal(fw.Date) {
			t.Fatalf("not deterministic: %+v then %+v", fw, again)
		}
	})
}
