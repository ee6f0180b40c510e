package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mcoo/klachtbot/workflow/dossier"
)

// TestVerifyAgainstDigest: the seal in a digest proves later that the store
// still holds everything it vouched for, and names what went missing.
func TestVerifyAgainstDigest(t *testing.T) {
	st := embeddedStack(t)
	dir := t.TempDir()
	b := startBot(t, st.config(t, dir, ""))
	id, _, _ := openCase(t, st, b, "jan@klant.test", "marco@mcoo.nl")
	openCase(t, st, b, "piet@klant.test", "marco@mcoo.nl")
	waitCase(t, b, id, func(d dossier.Detail) bool { return d.AcknowledgedAt != nil })

	// Tomorrow's digest, at 08:00 on a working day.
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	day := time.Now().In(ams).AddDate(0, 0, 1)
	for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
		day = day.AddDate(0, 0, 1)
	}
	at := time.Date(day.Year(), day.Month(), day.Day(), 8, 0, 0, 0, ams)
	b.cli("tick", "--now", at.Format(time.RFC3339))
	digests := st.waitFor(t, "marco@mcoo.nl", "INBOX", hangGuard, "the digest", func(l []*parsedMail) bool {
		return len(mailsWith(l, "Dagelijks overzicht")) == 1
	})
	digest := filepath.Join(dir, "digest.eml")
	os.WriteFile(digest, mailsWith(digests, "Dagelijks overzicht")[0].raw, 0o600)
	// It says the seal was checked, not only the chains.
	if out := string(b.cli("verify", "--against", digest)); !strings.Contains(out, "every chain intact") ||
		!strings.Contains(out, "seal checked: as of ") || !strings.Contains(out, "the store still holds everything it vouched for") {
		t.Fatalf("verify --against a fresh digest: %s", out)
	}

	// Someone removes the newest event of one case and a whole other case.
	b.stop()
	db, err := bolt.Open(filepath.Join(dir, "klachtbot.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		evs := tx.Bucket([]byte("case-events")) // keyed by case ID, 0, sequence
		var last []byte
		c := evs.Cursor()
		for k, _ := c.Seek([]byte(id + "\x00")); k != nil && strings.HasPrefix(string(k), id+"\x00"); k, _ = c.Next() {
			last = bytes.Clone(k)
		}
		evs.Delete(last)
		return tx.Bucket([]byte("cases")).Delete([]byte("KL-" + id[3:8] + "0002"))
	})
	db.Close()
	cmd := exec.Command(binPath, "verify", "--against", digest, "--config", b.config)
	out, err := cmd.Output()
	if err == nil {
		t.Fatalf("verify --against passed a store with data removed:\n%s", out)
	}
	for _, want := range []string{"0002: missing", "differs from the seal", "seal checked: as of ", "the store no longer holds what it vouched for"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("verify does not say %q:\n%s", want, out)
		}
	}
}
