package storage

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/dossier"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// copyV1 is a writable copy of testdata/v1.db: a database written by the
// release before layout versions (commit de98821, TestGenerateV1).
func copyV1(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "k.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Not parallel: it sets the migration's batch size and interruption.
func TestMigrateV1(t *testing.T) {
	t.Run("one batch", func(t *testing.T) {
		path := copyV1(t)
		// Before the service converts it, a read-only open says what to do.
		if _, err := OpenReadOnly(path); err == nil || !strings.Contains(err.Error(), "layout version 1") {
			t.Fatalf("read-only open of a version 1 database: %v, want a clear refusal", err)
		}
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		checkMigrated(t, s)
	})
	t.Run("batches of one case or mail, interrupted", func(t *testing.T) {
		path := copyV1(t)
		defer func(n int) { migrateBatch, migrated = n, nil }(migrateBatch)
		migrateBatch = 1
		for stop := 1; ; stop++ {
			batches := 0
			migrated = func() error {
				if batches++; batches == stop {
					return errors.New("crash")
				}
				return nil
			}
			s, err := Open(path)
			if err == nil {
				if stop < 5 {
					t.Fatalf("migration done after %d batches of one", stop)
				}
				defer s.Close()
				checkMigrated(t, s)
				return
			}
			if !strings.Contains(err.Error(), "crash") {
				t.Fatal(err)
			}
		}
	})
}

// checkMigrated asserts that testdata/v1.db reads back whole from s.
func checkMigrated(t *testing.T, s *Store) {
	t.Helper()
	s.View(func(tx *Tx) error {
		if v := tx.Meta(metaSchema); v != "2" {
			t.Errorf("schema after migration = %q, want 2", v)
		}
		for _, old := range [][]byte{v1Messages, v1Raw, v1Events} {
			if tx.tx.Bucket(old) != nil {
				t.Errorf("version 1 bucket %s still there", old)
			}
		}
		// Every case, message, original and event reads back; the chains
		// and the originals' hashes still verify.
		cases, err := tx.Cases()
		if err != nil || len(cases) != 3 {
			t.Fatalf("cases = %d, %v; want 3", len(cases), err)
		}
		for _, c := range cases {
			msgs, err := tx.Messages(c.ID)
			if err != nil || len(msgs) != 2 || msgs[0].Seq != 1 || msgs[1].Seq != 2 || msgs[0].Role != complaint.RoleClient {
				t.Errorf("%s messages = %+v, %v", c.ID, msgs, err)
			}
			for _, m := range msgs {
				raw, err := tx.Raw(c.ID, m.Seq)
				sum := sha256.Sum256(raw)
				if err != nil || hex.EncodeToString(sum[:]) != m.SHA256 || !strings.Contains(string(raw), c.ID) {
					t.Errorf("%s raw %d: %v (sum mismatch or wrong mail)", c.ID, m.Seq, err)
				}
			}
			evs, err := tx.Events(c.ID)
			if err != nil || len(evs) < 3 {
				t.Errorf("%s events = %d, %v", c.ID, len(evs), err)
			}
		}
		// The index of closed cases is built: case 3 closed on 16 November.
		if open, err := tx.CasesSince(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)); err != nil || len(open) != 2 || open[0].ID != "KL-2026-0001" {
			t.Errorf("cases not closed before 20 November: %d, %v; want 2", len(open), err)
		}
		if all, _ := tx.CasesSince(time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)); len(all) != 3 {
			t.Errorf("cases not closed before 10 November: %d, want 3", len(all))
		}
		rep, err := dossier.VerifyAll(tx)
		if err != nil || !rep.OK || rep.Cases != 3 {
			t.Errorf("verify after migration: %+v, %v", rep, err)
		}
		// What was queued or interrupted is still due; sent and failed mail is not.
		pending, err := tx.Pending()
		if err != nil || len(pending) != 2 {
			t.Fatalf("pending = %d, %v; want the queued and the sending ack", len(pending), err)
		}
		now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
		for _, it := range pending {
			if it.Mail.Text == "" || it.NextAttempt.After(now) || (it.State != outbox.Queued && it.State != outbox.Sending) {
				t.Errorf("pending item %d: %s, next %v, text %q: not due as before", it.ID, it.State, it.NextAttempt, it.Mail.Text)
			}
		}
		sent, err := tx.OutboxByMessageID("<KL-2026-0003.ack.1@mcoo.nl>")
		if err != nil || sent == nil || sent.State != outbox.Sent || sent.Mail.Text != "" || sent.BodySum == "" {
			t.Errorf("sent ack after migration: %+v, %v; want its record without text", sent, err)
		}
		digest, err := tx.OutboxByMessageID("<digest.20261102.marco@mcoo.nl>")
		if err != nil || digest == nil || !strings.HasPrefix(digest.Seal, "Zegel: sha256:00 klachten:3") || digest.Mail.HTML != "" {
			t.Errorf("digest after migration: %+v, %v; want its seal, not its text", digest, err)
		}
		failed, err := tx.OutboxByMessageID("<KL-2026-0002.term.1@mcoo.nl>")
		if err != nil || failed == nil || failed.State != outbox.Failed || failed.Mail.Text == "" {
			t.Errorf("failed mail after migration: %+v, %v; want it whole, for a person to resend", failed, err)
		}
		if cp, err := tx.Checkpoint("marco@mcoo.nl/INBOX"); err != nil || cp.LastUID != 42 {
			t.Errorf("checkpoint = %+v, %v", cp, err)
		}
		if tx.JobRun("digest/2026-11-02/marco@mcoo.nl") == nil {
			t.Error("job slot lost")
		}
		if inc, err := tx.Incident("mail/4"); err != nil || inc == nil {
			t.Errorf("incident = %v, %v", inc, err)
		}
		if n := tx.QuarantineCount(); n != 1 {
			t.Errorf("quarantined = %d, want 1", n)
		}
		if n, _ := tx.AcksSince("klant1@klant.test", now.AddDate(0, -1, 0)); n != 1 {
			t.Errorf("acks = %d, want 1", n)
		}
		return nil
	})
	// The store goes on where the old one left off: numbers, sequences, chains.
	err := s.Update(func(tx *Tx) error {
		id, err := tx.NextCaseID(2026)
		if err != nil || id != "KL-2026-0004" {
			t.Errorf("next case = %s, %v", id, err)
		}
		if err := tx.AppendEvent("KL-2026-0001", &complaint.Event{At: time.Now(), Kind: complaint.EvStateChanged, Actor: "hans@mcoo.nl"}); err != nil {
			return err
		}
		if err := tx.AddMessage("KL-2026-0001", &complaint.Message{MessageID: "<new@klant.test>", Role: complaint.RoleClient}, []byte("x")); err != nil {
			return err
		}
		item := &outbox.Item{CaseID: "KL-2026-0001", Kind: "notice"}
		item.Mail.MessageID = "<new.notice@mcoo.nl>"
		if err := tx.Enqueue(item); err != nil || item.ID != 6 {
			t.Errorf("new outbox item %d, %v; want 6, after the 5 of version 1", item.ID, err)
		}
		msgs, _ := tx.Messages("KL-2026-0001")
		if len(msgs) != 3 || msgs[2].Seq != 3 {
			t.Errorf("messages after adding one: %d", len(msgs))
		}
		evs, _ := tx.Events("KL-2026-0001")
		if b := complaint.VerifyChain("KL-2026-0001", evs); b != nil {
			t.Errorf("chain after appending to a migrated trail: %v", b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	t.Parallel()
	s, path := openTemp(t)
	s.Update(func(tx *Tx) error { return tx.SetMeta(metaSchema, "3") })
	s.Close()
	for name, open := range map[string]func(string) (*Store, error){"read-write": Open, "read-only": OpenReadOnly} {
		_, err := open(path)
		var newer *ErrNewerSchema
		if !errors.As(err, &newer) || newer.Have != 3 || newer.Know != schemaVersion || !strings.Contains(err.Error(), "newer") {
			t.Errorf("%s open of a version 3 database: %v, want ErrNewerSchema naming 3 and %d", name, err, schemaVersion)
		}
	}
	// Nothing was changed by the refusal.
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		if v := string(tx.Bucket(bMeta).Get([]byte(metaSchema))); v != "3" {
			t.Errorf("schema after refusal = %q", v)
		}
		return nil
	})
}

// One bucket holds every case's records: a case whose number is a prefix of
// another's (KL-2026-1000, KL-2026-10000) must not see the other's.
func TestCaseRecordsApart(t *testing.T) {
	t.Parallel()
	s, _ := openTemp(t)
	ids := []string{"KL-2026-10000", "KL-2026-1000", "KL-2026-100", "KL-2026-1001"}
	err := s.Update(func(tx *Tx) error {
		for n, id := range ids {
			for i := 0; i <= n; i++ {
				if err := tx.AddMessage(id, &complaint.Message{MessageID: id + "/" + string(rune('a'+i))}, []byte(id)); err != nil {
					return err
				}
				if err := tx.AppendEvent(id, &complaint.Event{At: time.Now(), Kind: complaint.EvReceived}); err != nil {
					return err
				}
			}
		}
		return tx.DeleteRaw("KL-2026-1000")
	})
	if err != nil {
		t.Fatal(err)
	}
	s.View(func(tx *Tx) error {
		for n, id := range ids {
			msgs, _ := tx.Messages(id)
			evs, _ := tx.Events(id)
			if len(msgs) != n+1 || len(evs) != n+1 || complaint.VerifyChain(id, evs) != nil {
				t.Errorf("%s: %d messages, %d events; want %d each, chained", id, len(msgs), len(evs), n+1)
			}
			for _, m := range msgs {
				raw, err := tx.Raw(id, m.Seq)
				if id == "KL-2026-1000" {
					if err == nil {
						t.Errorf("%s raw %d survived DeleteRaw", id, m.Seq)
					}
				} else if string(raw) != id {
					t.Errorf("%s raw %d = %q, %v", id, m.Seq, raw, err)
				}
			}
		}
		return nil
	})
}
