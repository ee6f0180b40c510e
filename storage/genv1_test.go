package storage

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow/alert"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

var genV1 = flag.Bool("gen-v1", false, "write testdata/v1.db with this release's layout")

// TestGenerateV1 writes the database the migration test opens: the layout
// of the release before schema versions (one sub-bucket per case, the whole
// outbox in one bucket). It ran once on that release; the .db is committed.
func TestGenerateV1(t *testing.T) {
	if !*genV1 {
		t.Skip("run with -gen-v1 on the release whose layout testdata/v1.db records")
	}
	path := filepath.Join("testdata", "v1.db")
	os.Remove(path)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	err = s.Update(func(tx *Tx) error {
		for i := 1; i <= 3; i++ {
			id, err := tx.NextCaseID(2026)
			if err != nil {
				return err
			}
			recv := at.Add(time.Duration(i) * time.Hour)
			target := recv.AddDate(0, 0, 14)
			c := &complaint.Case{ID: id, State: complaint.StateOpen, Client: fmt.Sprintf("klant%d@klant.test", i),
				Director: "marco@mcoo.nl", Subject: fmt.Sprintf("Klacht %d", i), ReceivedAt: recv, TargetAt: target}
			if i == 3 {
				c.State = complaint.StateClosed
				c.ClosedAt = &target
			}
			if err := tx.PutCase(c); err != nil {
				return err
			}
			for j, role := range []string{complaint.RoleClient, complaint.RoleDirector} {
				raw := []byte(fmt.Sprintf("From: %s\r\nSubject: Klacht %d\r\nMessage-ID: <m%d.%d@klant.test>\r\n\r\nBericht %d van zaak %s.\r\n", c.Client, i, i, j, j, id))
				sum := sha256.Sum256(raw)
				m := &complaint.Message{MessageID: fmt.Sprintf("<m%d.%d@klant.test>", i, j), From: c.Client, Role: role,
					Subject: c.Subject, ReceivedAt: recv.Add(time.Duration(j) * time.Minute), SHA256: hex.EncodeToString(sum[:])}
				if err := tx.AddMessage(id, m, raw); err != nil {
					return err
				}
				kind := complaint.EvReceived
				if j > 0 {
					kind = complaint.EvDirectorMessage
				}
				if err := tx.AppendEvent(id, &complaint.Event{At: m.ReceivedAt, Kind: kind, Actor: m.From, MessageID: m.MessageID, RawSum: m.SHA256}); err != nil {
					return err
				}
			}
			if err := tx.AppendEvent(id, &complaint.Event{At: recv, Kind: complaint.EvAckQueued, Actor: "klachtbot"}); err != nil {
				return err
			}
			// Outbox items in every state: case 1's ack queued (due), case 2's
			// sending (interrupted), case 3's sent; a failed notice.
			state := []string{outbox.Queued, outbox.Sending, outbox.Sent}[i-1]
			item := &outbox.Item{CaseID: id, Kind: outbox.KindAck, Account: "marco@mcoo.nl", State: state, NextAttempt: recv, AttemptAt: recv,
				Mail: message.Outgoing{From: "marco@mcoo.nl", To: []string{c.Client}, Bcc: []string{"marco@mcoo.nl"}, Subject: "Ontvangstbevestiging [" + id + "]",
					MessageID: fmt.Sprintf("<%s.ack.1@mcoo.nl>", id), Date: recv, Text: "Wij hebben uw klacht ontvangen."}}
			if state == outbox.Sent {
				item.SentAt = &recv
			}
			if err := tx.Enqueue(item); err != nil {
				return err
			}
		}
		failed := &outbox.Item{CaseID: "KL-2026-0002", Kind: "notice", Account: "hans@mcoo.nl", State: outbox.Failed, Attempts: 3, LastError: "550 no such user",
			Mail: message.Outgoing{From: "hans@mcoo.nl", To: []string{"weg@klant.test"}, Subject: "Nieuwe termijn", MessageID: "<KL-2026-0002.term.1@mcoo.nl>", Date: at, Text: "Nieuwe termijn."}}
		if err := tx.Enqueue(failed); err != nil {
			return err
		}
		digest := &outbox.Item{Kind: "digest", Account: "marco@mcoo.nl", State: outbox.Sent, SentAt: &at,
			Mail: message.Outgoing{From: "klachten@mcoo.nl", To: []string{"marco@mcoo.nl"}, Subject: "Klachten: overzicht", MessageID: "<digest.20261102.marco@mcoo.nl>", Date: at,
				Text: "Overzicht\n\nZegel: sha256:00 klachten:3 gebeurtenissen:9 tot:2026-11-02T09:00:00Z laatste:KL-2026-0003\n", HTML: "<p>Overzicht</p>"}}
		if err := tx.Enqueue(digest); err != nil {
			return err
		}
		if err := tx.SetJobRun("digest/2026-11-02/marco@mcoo.nl", at); err != nil {
			return err
		}
		if err := tx.SetCheckpoint("marco@mcoo.nl/INBOX", message.Checkpoint{UIDValidity: 7, LastUID: 42}); err != nil {
			return err
		}
		if err := tx.SetMeta("first_start", at.Format(time.RFC3339Nano)); err != nil {
			return err
		}
		if err := tx.RecordAck("klant1@klant.test", at, at.Add(-24*time.Hour)); err != nil {
			return err
		}
		if err := tx.PutIncident(&alert.Incident{Key: "mail/4", Kind: "mail-failed", Case: "KL-2026-0002", Title: "Mail niet bezorgd", Since: at, LastAlert: at, Reports: 1}); err != nil {
			return err
		}
		return tx.Quarantine(&complaint.Quarantined{Source: "marco@mcoo.nl/INBOX uid 7/40", ReceivedAt: at, Problems: []string{"unreadable"}}, []byte("\x00garbage"))
	})
	if err != nil {
		t.Fatal(err)
	}
}
