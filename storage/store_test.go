package storage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "k.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestOpenModeAndLock(t *testing.T) {
	t.Parallel()
	s, path := openTemp(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode %v, want 0600", fi.Mode().Perm())
	}
	// bbolt allows one writer: a second open must fail clearly, not hang.
	if _, err := Open(path); !errors.Is(err, ErrLocked) {
		t.Errorf("second open: %v, want ErrLocked", err)
	}
	s.Close()

	// A database left with wide permissions is narrowed on open.
	os.Chmod(path, 0o644)
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after reopen %v, want 0600", fi.Mode().Perm())
	}
}

func TestCaseNumbersPerYear(t *testing.T) {
	t.Parallel()
	s, _ := openTemp(t)
	var got []string
	err := s.Update(func(tx *Tx) error {
		for _, y := range []int{2026, 2026, 2027, 2026} {
			id, err := tx.NextCaseID(y)
			if err != nil {
				return err
			}
			got = append(got, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"KL-2026-0001", "KL-2026-0002", "KL-2027-0001", "KL-2026-0003"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("case id %d = %s, want %s", i, got[i], want[i])
		}
	}
}

func TestMessagesRawAndIndex(t *testing.T) {
	t.Parallel()
	s, _ := openTemp(t)
	raw := []byte("Message-ID: <a@b>\r\nSubject: klacht\r\n\r\nbody\xff\r\n")
	err := s.Update(func(tx *Tx) error {
		if err := tx.PutCase(&complaint.Case{ID: "KL-2026-0001", State: complaint.StateOpen}); err != nil {
			return err
		}
		return tx.AddMessage("KL-2026-0001", &complaint.Message{MessageID: "<a@b>", Role: complaint.RoleClient}, raw)
	})
	if err != nil {
		t.Fatal(err)
	}
	s.View(func(tx *Tx) error {
		if id := tx.CaseByMessageID("<a@b>"); id != "KL-2026-0001" {
			t.Errorf("message id index: %q", id)
		}
		msgs, err := tx.Messages("KL-2026-0001")
		if err != nil || len(msgs) != 1 || msgs[0].Seq != 1 {
			t.Fatalf("messages: %v %v", msgs, err)
		}
		got, err := tx.Raw("KL-2026-0001", msgs[0].Seq)
		if err != nil || !bytes.Equal(got, raw) {
			t.Errorf("raw bytes changed: %q %v", got, err)
		}
		if _, err := tx.Case("KL-2026-0099"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing case: %v", err)
		}
		return nil
	})
}

func TestEventChain(t *testing.T) {
	t.Parallel()
	s, _ := openTemp(t)
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	s.Update(func(tx *Tx) error {
		for i, kind := range []complaint.EventKind{complaint.EvReceived, complaint.EvAckQueued, complaint.EvMailSent} {
			if err := tx.AppendEvent("KL-2026-0001", &complaint.Event{At: at.Add(time.Duration(i) * time.Second), Kind: kind, Actor: "x"}); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	})
	s.View(func(tx *Tx) error {
		evs, err := tx.Events("KL-2026-0001")
		if err != nil || len(evs) != 3 {
			t.Fatalf("events: %v %v", evs, err)
		}
		if evs[0].Prev != "" || evs[1].Prev != evs[0].Hash || evs[2].Prev != evs[1].Hash {
			t.Error("events are not chained")
		}
		for _, e := range evs {
			if e.ChainHash() != e.Hash || complaint.VerifyChain("KL-2026-0001", evs) != nil {
				t.Errorf("event %d: stored hash does not match its content", e.Seq)
			}
		}
		// A changed detail no longer matches its digest, nor, resealed, its hash.
		e := *evs[1]
		e.Detail = "edited"
		e.Seal()
		if e.Hash == evs[1].Hash || e.Sums == evs[1].Sums {
			t.Error("a resealed edit keeps its digests or hash")
		}
		return nil
	})
}

func TestOutboxAndAcks(t *testing.T) {
	t.Parallel()
	s, _ := openTemp(t)
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	s.Update(func(tx *Tx) error {
		item := &outbox.Item{CaseID: "KL-2026-0001", Mail: message.Outgoing{MessageID: "<ack@x>"}}
		if err := tx.Enqueue(item); err != nil {
			t.Fatal(err)
		}
		if tx.CaseByMessageID("<ack@x>") != "KL-2026-0001" {
			t.Error("queued mail's Message-ID does not thread into its case")
		}
		sent := &outbox.Item{Mail: message.Outgoing{MessageID: "<b@x>"}, State: outbox.Sent}
		tx.Enqueue(sent)
		p, _ := tx.Pending()
		if len(p) != 1 || p[0].ID != item.ID {
			t.Errorf("pending = %v", p)
		}
		for i := 0; i < 3; i++ {
			tx.RecordAck("k@example.nl", now.Add(time.Duration(i)*time.Hour), now.Add(-24*time.Hour))
		}
		if n, _ := tx.AcksSince("k@example.nl", now.Add(90*time.Minute)); n != 1 {
			t.Errorf("acks since: %d, want 1", n)
		}
		// Old entries are dropped when a new one is recorded.
		tx.RecordAck("k@example.nl", now.Add(30*time.Hour), now.Add(6*time.Hour+30*time.Minute))
		if n, _ := tx.AcksSince("k@example.nl", time.Time{}); n != 1 {
			t.Errorf("after pruning: %d acks, want 1", n)
		}
		return nil
	})
}

func TestVerifyChain(t *testing.T) {
	t.Parallel()
	s, _ := openTemp(t)
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	s.Update(func(tx *Tx) error {
		for i := range 4 {
			tx.AppendEvent("KL-2026-0001", &complaint.Event{At: at, Kind: "k", Actor: "a", Detail: fmt.Sprint(i)})
		}
		return nil
	})
	s.View(func(tx *Tx) error {
		evs, err := tx.Events("KL-2026-0001")
		if broken := complaint.VerifyChain("KL-2026-0001", evs); err != nil || broken != nil || len(evs) != 4 {
			t.Errorf("clean chain: %d %v %v", len(evs), broken, err)
		}
		return nil
	})
	tests := []struct {
		name   string
		tamper func(tx *Tx, evs []*complaint.Event)
		seq    uint64
		reason string
	}{
		{"edited detail", func(tx *Tx, evs []*complaint.Event) {
			evs[1].Detail = "anders"
			tx.ReplaceEvent("KL-2026-0001", evs[1])
		}, 2, "edited"},
		{"edited and re-hashed", func(tx *Tx, evs []*complaint.Event) {
			evs[1].Detail = "anders"
			evs[1].Hash = evs[1].ChainHash()
			tx.ReplaceEvent("KL-2026-0001", evs[1])
		}, 2, "digests"},
		{"edited and resealed", func(tx *Tx, evs []*complaint.Event) {
			evs[1].Detail = "anders"
			evs[1].Seal()
			tx.ReplaceEvent("KL-2026-0001", evs[1])
		}, 3, "does not link"},
		{"erased without a trace", func(tx *Tx, evs []*complaint.Event) {
			evs[1].Erase()
			evs[1].Kind = "other"
			tx.ReplaceEvent("KL-2026-0001", evs[1])
		}, 2, "hash"},
		{"deleted", func(tx *Tx, evs []*complaint.Event) {
			tx.bucket(bEvents).Delete(caseKey("KL-2026-0001", 3))
		}, 4, "sequence gap"},
	}
	for _, tt := range tests {
		// Each case tampers in a transaction that is rolled back afterwards.
		errRollback := errors.New("rollback")
		s.Update(func(tx *Tx) error {
			evs, _ := tx.Events("KL-2026-0001")
			tt.tamper(tx, evs)
			evs, _ = tx.Events("KL-2026-0001")
			broken := complaint.VerifyChain("KL-2026-0001", evs)
			if broken == nil || broken.Seq != tt.seq || !strings.Contains(broken.Reason, tt.reason) {
				t.Errorf("%s: broken = %v, want event %d %q", tt.name, broken, tt.seq, tt.reason)
			}
			return errRollback
		})
	}
}

// Erasing the personal fields keeps the chain intact.
func TestEraseKeepsChain(t *testing.T) {
	t.Parallel()
	s, _ := openTemp(t)
	s.Update(func(tx *Tx) error {
		for i := range 3 {
			tx.AppendEvent("KL-2026-0001", &complaint.Event{At: time.Now(), Kind: "k", Actor: "jan@klant.test", MessageID: "<x@klant.test>", Detail: fmt.Sprint("Jan Jansen ", i)})
		}
		evs, _ := tx.Events("KL-2026-0001")
		for _, e := range evs {
			e.Erase()
			tx.ReplaceEvent("KL-2026-0001", e)
		}
		return nil
	})
	s.View(func(tx *Tx) error {
		evs, _ := tx.Events("KL-2026-0001")
		if broken := complaint.VerifyChain("KL-2026-0001", evs); broken != nil {
			t.Errorf("chain broken after erasing: %v", broken)
		}
		for _, e := range evs {
			data, _ := json.Marshal(e)
			if strings.Contains(string(data), "klant.test") || strings.Contains(string(data), "Jansen") || e.Salt != "" {
				t.Errorf("erased event still holds personal data: %s", data)
			}
		}
		return nil
	})
}

// Data removed by retention does not stay readable in the file.
func TestCompactAfterRemoval(t *testing.T) {
	t.Parallel()
	s, path := openTemp(t)
	secret := []byte("Jan Jansen, BSN 123456789, jan@klant.test")
	s.Update(func(tx *Tx) error {
		tx.PutCase(&complaint.Case{ID: "KL-2018-0001"})
		for i := range 50 {
			tx.AddMessage("KL-2018-0001", &complaint.Message{MessageID: fmt.Sprintf("<%d@klant.test>", i)}, bytes.Repeat(secret, 100))
		}
		return nil
	})
	s.Update(func(tx *Tx) error { return tx.DeleteRaw("KL-2018-0001") })
	s.Update(func(tx *Tx) error { return tx.MarkCompact() })
	s.Close()
	if raw, _ := os.ReadFile(path); !bytes.Contains(raw, secret) {
		t.Log("freed pages happened to be overwritten already")
	}
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, secret) {
		t.Error("removed data still in the database file after compaction")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("compacted file mode %v", fi.Mode().Perm())
	}
	s2.View(func(tx *Tx) error {
		if _, err := tx.Case("KL-2018-0001"); err != nil {
			t.Errorf("case lost in compaction: %v", err)
		}
		if tx.Meta(metaCompact) != "" {
			t.Error("compaction still pending")
		}
		return nil
	})
}
