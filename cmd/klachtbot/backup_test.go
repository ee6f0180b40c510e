package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/cmd/internal/status"
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
				raw, _ := compose(from, "marco@mcoo.nl", "Klacht", plainComplaint)
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
	var s status.View
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

// TestE2ERestoreReadsAgain: a backup is restored after more complaints came
// in and were acknowledged. The mail after the backup is read again: no
// client gets a second acknowledgement, every complaint keeps the number its
// acknowledgement gave it, and a new complaint gets a number above them all.
func TestE2ERestoreReadsAgain(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		dir := t.TempDir()
		b := startBot(t, st.config(t, dir, ""))
		first, _, _ := openCase(t, st, b, "eerste@klant.test", "marco@mcoo.nl")
		backup := filepath.Join(dir, "backup.db")
		b.cli("backup", backup)

		const n = 5
		numbers := map[string]string{} // complaint Message-ID -> case number in its acknowledgement
		var ids []string
		for i := range n {
			from := fmt.Sprintf("na%02d@klant.test", i)
			raw, id := compose(from, "marco@mcoo.nl", fmt.Sprintf("Klacht %d", i), plainComplaint)
			st.send(t, from, []string{"marco@mcoo.nl"}, raw)
			ids = append(ids, id)
		}
		acks := st.waitFor(t, catchall, "INBOX", hangGuard, "acknowledgements of the burst", func(l []*parsedMail) bool {
			for _, id := range ids {
				if len(acksFor(l, id)) == 0 {
					return false
				}
			}
			return true
		})
		for _, id := range ids {
			subject := acksFor(acks, id)[0].get("Subject")
			numbers[id] = subject[strings.Index(subject, "[KL-")+1 : strings.Index(subject, "]")]
		}
		// Wait until the last acknowledgements are recorded as sent, then restore.
		waitCase(t, b, numbers[ids[n-1]], func(d dossier.Detail) bool { return d.AcknowledgedAt != nil })
		b.stop()
		data, err := os.ReadFile(backup)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "klachtbot.db"), data, 0o600); err != nil {
			t.Fatal(err)
		}
		b.start()

		deadline := time.Now().Add(hangGuard)
		for len(b.cases()) < 1+n && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(2 * time.Second) // a second acknowledgement would have arrived by now
		acks = st.waitFor(t, catchall, "INBOX", time.Second, "", func([]*parsedMail) bool { return true })
		byNumber := map[string]string{}
		for _, c := range b.cases() {
			if other, taken := byNumber[c.ID]; taken {
				t.Errorf("%s given twice: %s and %s", c.ID, other, c.Client)
			}
			byNumber[c.ID] = c.Client
		}
		for i, id := range ids {
			if k := len(acksFor(acks, id)); k != 1 {
				t.Errorf("complaint %d acknowledged %d times", i, k)
			}
			if client := byNumber[numbers[id]]; client != fmt.Sprintf("na%02d@klant.test", i) {
				t.Errorf("%s belongs to %q after the restore, its acknowledgement named it for na%02d", numbers[id], client, i)
			}
		}
		if len(byNumber) != 1+n || byNumber[first] != "eerste@klant.test" {
			t.Errorf("cases after the restore: %v", byNumber)
		}
		next, _, _ := openCase(t, st, b, "later@klant.test", "marco@mcoo.nl")
		for _, number := range numbers {
			if next <= number {
				t.Errorf("new complaint got %s, not above %s", next, number)
			}
		}
	})
}
