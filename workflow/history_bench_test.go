package workflow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/storage"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// Years of use must cost nothing per mail. BenchmarkHistory runs the hot
// paths (ingest of a complaint, a flush of the outbox, a tick of the jobs,
// status) on a fresh store and on one with years of history: 10,000 cases
// and two years of daily digests to both directors, built once per run.
// Besides ns/op it reports cpu-ns/op (user+system CPU of the process) and
// the history store's bytes per case (years/size).

const (
	historyCases      = 10000
	historyDigestDays = 730
)

// historyStore builds the years-of-history database once per run, in dir,
// and returns a copy of it for one benchmark to write in.
func historyStore(b *testing.B, dir string, once *sync.Once) string {
	built := filepath.Join(dir, "history.db")
	var err error
	once.Do(func() { err = buildHistory(built, historyCases, historyDigestDays) })
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "k.db")
	data, err := os.ReadFile(built)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}

// buildHistory writes through the store's own API what two years of use
// leave: cases with a client mail, a director's answer, an acknowledgement
// sent, most of them closed; and a digest a day to each director.
func buildHistory(path string, cases, digestDays int) error {
	st, err := storage.Open(path)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Date(2024, 11, 25, 9, 0, 0, 0, time.UTC)
	body := strings.Repeat("Ik ben ontevreden over de aangifte; de boete had voorkomen kunnen worden. ", 25)
	const batch = 500
	for first := 0; first < cases; first += batch {
		err := st.Update(func(tx *storage.Tx) error {
			for i := first; i < min(first+batch, cases); i++ {
				at := start.Add(time.Duration(i) * 105 * time.Minute) // two years, up to the test clock

				id, err := tx.NextCaseID(at.Year())
				if err != nil {
					return err
				}
				client := fmt.Sprintf("klant%d@klant.test", i)
				c := &complaint.Case{ID: id, State: complaint.StateOpen, Client: client, Director: "marco@mcoo.nl",
					Subject: "Klacht over de aangifte", ReceivedAt: at, TargetAt: at.AddDate(0, 0, 14)}
				if i < cases*95/100 {
					closed := at.AddDate(0, 0, 9)
					c.State, c.ClosedAt = complaint.StateClosed, &closed
				}
				if err := tx.PutCase(c); err != nil {
					return err
				}
				for j, role := range []complaint.Role{complaint.RoleClient, complaint.RoleDirector} {
					msgid := fmt.Sprintf("<h%d.%d@klant.test>", i, j)
					raw := []byte(fmt.Sprintf("From: %s\r\nTo: marco@mcoo.nl\r\nSubject: Klacht over de aangifte\r\nMessage-ID: %s\r\n\r\n%s\r\n", client, msgid, body))
					sum := sha256.Sum256(raw)
					m := &complaint.Message{MessageID: msgid, From: client, Role: role, Subject: c.Subject, ReceivedAt: at, SHA256: hex.EncodeToString(sum[:])}
					if err := tx.AddMessage(id, m, raw); err != nil {
						return err
					}
					if err := tx.AppendEvent(id, &complaint.Event{At: at, Kind: complaint.EvReceived, Actor: client, MessageID: msgid, RawSum: m.SHA256}); err != nil {
						return err
					}
				}
				ack := &outbox.Item{CaseID: id, Kind: outbox.KindAck, Account: "marco@mcoo.nl", NextAttempt: at,
					Mail: message.Outgoing{From: "marco@mcoo.nl", To: []string{client}, Bcc: []string{"marco@mcoo.nl"},
						Subject: "Ontvangstbevestiging [" + id + "]", MessageID: "<" + id + ".ack.h@mcoo.nl>", Date: at, Text: body}}
				if err := tx.Enqueue(ack); err != nil {
					return err
				}
				if err := tx.AppendEvent(id, &complaint.Event{At: at, Kind: complaint.EvMailQueued, Actor: "klachtbot", MessageID: ack.Mail.MessageID}); err != nil {
					return err
				}
				// As sent: its bytes are kept on the case.
				rawAck := []byte("From: marco@mcoo.nl\r\nTo: " + client + "\r\nSubject: " + ack.Mail.Subject + "\r\nMessage-ID: " + ack.Mail.MessageID + "\r\n\r\n" + body + "\r\n")
				if err := outbox.MarkSent(tx, ack, at.Add(time.Second), "", rawAck); err != nil {
					return err
				}
				if c.ClosedAt != nil {
					if err := tx.AppendEvent(id, &complaint.Event{At: *c.ClosedAt, Kind: complaint.EvStateChanged, Actor: "marco@mcoo.nl", Detail: "closed"}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("build cases: %w", err)
		}
	}
	// A digest lists the open cases and the week's closed ones; 60 KB of
	// text and HTML each is what one listing a few hundred cases weighs.
	digestText := strings.Repeat("KL-2026-0001  klant@klant.test  Klacht over de aangifte  nog 3 dagen\n", 900)
	for day := 0; day < digestDays; day += 50 {
		err := st.Update(func(tx *storage.Tx) error {
			for d := day; d < min(day+50, digestDays); d++ {
				at := start.AddDate(0, 0, d)
				for _, dir := range []string{"marco@mcoo.nl", "hans@mcoo.nl"} {
					item := &outbox.Item{Kind: "digest", Account: dir, NextAttempt: at,
						Mail: message.Outgoing{From: "klachten@mcoo.nl", To: []string{dir}, Subject: "Klachten: overzicht",
							MessageID: fmt.Sprintf("<%s.digest.%d@mcoo.nl>", at.Format("20060102"), len(dir)), Date: at,
							Text: digestText + "Zegel: sha256:00 klachten:1 gebeurtenissen:1 tot:x laatste:KL-2026-0001\n", HTML: "<pre>" + digestText + "</pre>"}}
					if err := tx.Enqueue(item); err != nil {
						return err
					}
					if err := outbox.MarkSent(tx, item, at.Add(time.Second), "", nil); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("build digests: %w", err)
		}
	}
	// The service remembers each director's last digest.
	return st.Update(func(tx *storage.Tx) error {
		last := start.AddDate(0, 0, digestDays-1).Format(time.RFC3339Nano)
		for _, dir := range []string{"marco@mcoo.nl", "hans@mcoo.nl"} {
			if err := tx.SetMeta("last_digest/"+dir, last); err != nil {
				return err
			}
		}
		return nil
	})
}

// nopSender accepts every mail at once: the benchmark measures the store.
type nopSender struct{}

func (nopSender) Send(context.Context, string, *message.Outgoing) error { return nil }

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkHistory(b *testing.B) {
	dir, once := b.TempDir(), new(sync.Once)
	for _, store := range []string{"fresh", "years"} {
		open := func(b *testing.B) (*Engine, *storage.Store, *testClock) {
			path := filepath.Join(b.TempDir(), "k.db")
			if store == "years" {
				path = historyStore(b, dir, once)
			}
			st, err := storage.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			e, _, clock := newTestEngineOn(b, Bind(st.Update, st.View))
			return e, st, clock
		}
		worker := func(st *storage.Store, clock *testClock) *outbox.Worker {
			return &outbox.Worker{Store: outbox.Bind(st.Update, st.View), Sender: nopSender{}, Clock: clock,
				Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Settings: outbox.Defaults}
		}
		uid := uint32(0)
		complaintMail := func(e *Engine, clock *testClock) {
			uid++
			raw := []byte(fmt.Sprintf("From: b%d@klant.test\r\nTo: marco@mcoo.nl\r\nSubject: Klacht over de aangifte\r\nMessage-ID: <b%d.%d@klant.test>\r\n\r\nIk ben ontevreden over de aangifte van dit jaar.\r\n", uid, uid, time.Now().UnixNano()))
			if err := e.Ingest(inbox, &message.Fetched{UIDValidity: 1, UID: uid, InternalDate: clock.Now(), Raw: raw, Msg: message.Parse(raw)}); err != nil {
				b.Fatal(err)
			}
			clock.Add(time.Second)
		}
		// measure times f alone, in wall time and CPU; before and after run
		// untimed.
		measure := func(b *testing.B, before, f, after func()) {
			var cpu time.Duration
			b.ResetTimer()
			b.StopTimer()
			for i := 0; i < b.N; i++ {
				before()
				c := cpuTime()
				b.StartTimer()
				f()
				b.StopTimer()
				cpu += cpuTime() - c
				after()
			}
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
		nothing := func() {}
		b.Run(store+"/ingest", func(b *testing.B) {
			e, st, clock := open(b)
			w := worker(st, clock)
			// Sent as the service would: the queue does not grow with b.N.
			measure(b, nothing, func() { complaintMail(e, clock) }, func() {
				if _, err := w.Flush(context.Background()); err != nil {
					b.Fatal(err)
				}
			})
		})
		b.Run(store+"/flush", func(b *testing.B) {
			e, st, clock := open(b)
			w := worker(st, clock)
			measure(b, func() { complaintMail(e, clock) }, func() {
				if _, err := w.Flush(context.Background()); err != nil {
					b.Fatal(err)
				}
			}, nothing)
		})
		b.Run(store+"/tick", func(b *testing.B) {
			e, _, clock := open(b)
			now := clock.Now()
			if _, err := e.RunDue(now); err != nil {
				b.Fatal(err)
			}
			measure(b, nothing, func() {
				if _, err := e.RunDue(now); err != nil {
					b.Fatal(err)
				}
			}, nothing)
		})
		b.Run(store+"/status", func(b *testing.B) {
			e, _, clock := open(b)
			measure(b, nothing, func() {
				if _, err := e.Health(clock.Now()); err != nil {
					b.Fatal(err)
				}
			}, nothing)
		})
	}
	b.Run("years/size", func(b *testing.B) {
		fi, err := os.Stat(historyStore(b, dir, once))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(fi.Size())/historyCases, "bytes/case")
		b.ReportMetric(float64(fi.Size())/1e6, "MB")
	})
}
