package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/workflow/dossier"
)

// TestE2EBackupDuringBurst: a hot backup taken while complaints come in opens,
// verifies, and, restored in place of the database, serves `cases`.
func TestE2EBackupDuringBurst(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		dir := t.TempDir()
		b := startBot(t, st.config(t, dir, ""))
		const n = 20
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := range n {
				from := fmt.Sprintf("burst%02d@klant.test", i)
				raw, _ := compose(from, "marco@mcoo.nl", "Klacht", "Ik wil klagen.")
				st.send(t, from, []string{"marco@mcoo.nl"}, raw)
				time.Sleep(20 * time.Millisecond)
			}
		}()
		// Several backups while the burst is being ingested.
		var copies []string
		for i := range 3 {
			time.Sleep(100 * time.Millisecond)
			path := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
			out := b.cli("backup", path)
			if !strings.Contains(string(out), "audit trail intact") {
				t.Errorf("backup %d: %s", i, out)
			}
			fi, err := os.Stat(path)
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("backup file %v %v", fi, err)
			}
			copies = append(copies, path)
		}
		<-done
		// Restore the last copy: stop the service, put the copy in place, read it.
		b.stop()
		db := filepath.Join(dir, "klachtbot.db")
		data, err := os.ReadFile(copies[len(copies)-1])
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(db, data, 0o600); err != nil {
			t.Fatal(err)
		}
		var cases []dossier.Summary
		if err := json.Unmarshal(b.cli("cases", "--json"), &cases); err != nil {
			t.Fatal(err)
		}
		if out := string(b.cli("verify")); !strings.Contains(out, "every chain intact") {
			t.Errorf("restored copy: %s", out)
		}
		t.Logf("the restored copy holds %d of %d cases", len(cases), n)
		// An existing file is never overwritten.
		if _, err := os.Stat(copies[0]); err == nil {
			cmd := b.cliErr("backup", copies[0])
			if cmd == nil {
				t.Error("backup overwrote an existing file")
			}
		}
	})
}

// TestE2EStatusAndPurge: status shows the next jobs; purge runs beside the service.
func TestE2EStatusAndPurge(t *testing.T) {
	st := embeddedStack(t)
	b := startBot(t, st.config(t, t.TempDir(), ""))
	var s statusView
	asked := time.Now()
	if err := json.Unmarshal(b.cli("status", "--json"), &s); err != nil {
		t.Fatal(err)
	}
	text := string(b.cli("status"))
	for _, want := range []string{"marco@mcoo.nl/INBOX", "idle", "next retention"} {
		if !strings.Contains(text, want) {
			t.Errorf("status lacks %q:\n%s", want, text)
		}
	}
	jobs := map[string]bool{}
	for _, j := range s.NextJobs {
		jobs[j.Job] = !j.Next.IsZero() && j.Next.After(asked) // not now: a job may have run since
	}
	if !jobs["deadlines"] || !jobs["digest"] || !jobs["retention"] {
		t.Errorf("next jobs: %+v", s.NextJobs)
	}
	for _, w := range s.Watchers {
		if !w.Connected || w.Folder == "" {
			t.Errorf("watcher %+v", w)
		}
	}
	if out := string(b.cli("purge", "--dry-run")); !strings.Contains(out, "would anonymise 0 case(s)") {
		t.Errorf("purge --dry-run: %s", out)
	}
}
