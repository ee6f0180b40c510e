// Package storage keeps klachtbot's state in one bbolt file: cases, their
// messages (raw bytes kept), audit events, the outbox, IMAP checkpoints and
// counters. It holds no rules; workflow decides what is written.
package storage

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

var (
	bMeta        = []byte("meta")
	bCases       = []byte("cases")
	bSeq         = []byte("seq")
	bMsgIDs      = []byte("msgids")
	bMessages    = []byte("messages") // sub-bucket per case
	bRaw         = []byte("raw")      // sub-bucket per case
	bEvents      = []byte("events")   // sub-bucket per case
	bOutbox      = []byte("outbox")
	bCheckpoints = []byte("checkpoints")
	bAcks        = []byte("acks")
	bQuarantine  = []byte("quarantine")
	bQuarRaw     = []byte("quarantine-raw")
	bJobs        = []byte("jobs")          // slot -> when it ran
	bOutboxIDs   = []byte("outbox-msgids") // Message-ID -> outbox item
)

var allBuckets = [][]byte{bMeta, bCases, bSeq, bMsgIDs, bMessages, bRaw, bEvents, bOutbox, bCheckpoints, bAcks, bQuarantine, bQuarRaw, bJobs, bOutboxIDs}

// ErrLocked means another process (normally the running service) holds the database.
var ErrLocked = errors.New("database is in use by another klachtbot process")

// ErrNotFound is returned for a case that does not exist.
var ErrNotFound = errors.New("not found")

// Store is the bbolt database.
type Store struct {
	db *bolt.DB
}

// Open opens (creating if needed) the database read-write with mode 0600.
// A file with wider permissions is narrowed: it holds complaint mail.
func Open(path string) (*Store, error) {
	return open(path, false)
}

// OpenReadOnly opens an existing database for reading, for commands run
// while no service is running.
func OpenReadOnly(path string) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return open(path, true)
}

func open(path string, readOnly bool) (*Store, error) {
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 && !readOnly {
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, fmt.Errorf("narrow permissions of %s: %w", path, err)
		}
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, ReadOnly: readOnly})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if !readOnly {
		if db, err = compactIfPending(db); err != nil {
			return nil, err
		}
	}
	s := &Store{db: db}
	if !readOnly {
		err = db.Update(func(tx *bolt.Tx) error {
			for _, b := range allBuckets {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("create buckets: %w", err)
		}
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file.
func (s *Store) Path() string { return s.db.Path() }

// Update runs fn in one read-write transaction: everything or nothing is written.
func (s *Store) Update(fn func(*Tx) error) error {
	return s.db.Update(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
}

// View runs fn in a read-only transaction.
func (s *Store) View(fn func(*Tx) error) error {
	return s.db.View(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
}

// Backup writes a consistent copy of the database while it is in use.
func (s *Store) Backup(w io.Writer) error {
	return s.db.View(func(tx *bolt.Tx) error {
		_, err := tx.WriteTo(w)
		return err
	})
}

// Tx is a transaction with klachtbot's record types.
type Tx struct {
	tx *bolt.Tx
}

func u64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}

// each decodes every value of a bucket, in key order, and hands it to f.
func each[T any](b *bolt.Bucket, what string, f func(k []byte, v *T) error) error {
	return b.ForEach(func(k, data []byte) error {
		v := new(T)
		if err := json.Unmarshal(data, v); err != nil {
			key := string(k)
			if len(k) == 8 {
				key = strconv.FormatUint(binary.BigEndian.Uint64(k), 10)
			}
			return fmt.Errorf("decode %s %s: %w", what, key, err)
		}
		return f(k, v)
	})
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

func (t *Tx) bucket(name []byte) *bolt.Bucket {
	b := t.tx.Bucket(name)
	if b == nil {
		// Only a read-only open of a database never written by this version gets here.
		panic(fmt.Sprintf("storage: bucket %s missing", name))
	}
	return b
}

// sub returns the per-case sub-bucket of a top-level bucket, creating it when writable.
func (t *Tx) sub(name []byte, caseID string) (*bolt.Bucket, error) {
	parent := t.bucket(name)
	if b := parent.Bucket([]byte(caseID)); b != nil || !t.tx.Writable() {
		return b, nil
	}
	return parent.CreateBucket([]byte(caseID))
}

// Meta returns a metadata value ("" when unset).
func (t *Tx) Meta(key string) string {
	return string(t.bucket(bMeta).Get([]byte(key)))
}

// SetMeta sets a metadata value.
func (t *Tx) SetMeta(key, value string) error {
	return t.bucket(bMeta).Put([]byte(key), []byte(value))
}

// Checkpoint returns a folder's checkpoint; the zero value when there is none.
func (t *Tx) Checkpoint(key string) (Checkpoint, error) {
	var cp Checkpoint
	data := t.bucket(bCheckpoints).Get([]byte(key))
	if data == nil {
		return cp, nil
	}
	if err := json.Unmarshal(data, &cp); err != nil {
		return cp, fmt.Errorf("decode checkpoint %s: %w", key, err)
	}
	return cp, nil
}

// SetCheckpoint records how far a folder has been read.
func (t *Tx) SetCheckpoint(key string, cp Checkpoint) error {
	return putJSON(t.bucket(bCheckpoints), []byte(key), cp)
}

// NextCaseID allocates the next case number of a year: KL-2026-0001, ...
func (t *Tx) NextCaseID(year int) (string, error) {
	b := t.bucket(bSeq)
	key := []byte(strconv.Itoa(year))
	var n uint64
	if v := b.Get(key); len(v) == 8 {
		n = binary.BigEndian.Uint64(v)
	}
	n++
	if err := b.Put(key, u64(n)); err != nil {
		return "", err
	}
	return fmt.Sprintf("KL-%d-%04d", year, n), nil
}

// Case loads a case.
func (t *Tx) Case(id string) (*Case, error) {
	data := t.bucket(bCases).Get([]byte(id))
	if data == nil {
		return nil, fmt.Errorf("case %s: %w", id, ErrNotFound)
	}
	c := new(Case)
	if err := json.Unmarshal(data, c); err != nil {
		return nil, fmt.Errorf("decode case %s: %w", id, err)
	}
	return c, nil
}

// PutCase stores a case.
func (t *Tx) PutCase(c *Case) error {
	return putJSON(t.bucket(bCases), []byte(c.ID), c)
}

// Cases returns every case, ordered by case number.
func (t *Tx) Cases() ([]*Case, error) {
	var cases []*Case
	err := each(t.bucket(bCases), "case", func(_ []byte, c *Case) error {
		cases = append(cases, c)
		return nil
	})
	sort.Slice(cases, func(i, j int) bool { return cases[i].ID < cases[j].ID })
	return cases, err
}

// CaseByMessageID finds the case that knows a Message-ID ("" when none).
func (t *Tx) CaseByMessageID(msgid string) string {
	if msgid == "" {
		return ""
	}
	return string(t.bucket(bMsgIDs).Get([]byte(msgid)))
}

// IndexMessageID makes a Message-ID thread into a case (also for mail the bot sends).
func (t *Tx) IndexMessageID(msgid, caseID string) error {
	if msgid == "" {
		return nil
	}
	return t.bucket(bMsgIDs).Put([]byte(msgid), []byte(caseID))
}

// AddMessage stores a message of a case with its raw bytes and indexes its Message-ID.
func (t *Tx) AddMessage(caseID string, m *Message, raw []byte) error {
	mb, err := t.sub(bMessages, caseID)
	if err != nil {
		return err
	}
	rb, err := t.sub(bRaw, caseID)
	if err != nil {
		return err
	}
	seq, _ := mb.NextSequence()
	m.Seq = seq
	if err := putJSON(mb, u64(seq), m); err != nil {
		return err
	}
	if err := rb.Put(u64(seq), raw); err != nil {
		return err
	}
	if m.Unverified {
		return nil
	}
	return t.IndexMessageID(m.MessageID, caseID)
}

// Messages lists a case's messages in the order they were stored.
func (t *Tx) Messages(caseID string) ([]*Message, error) {
	mb, err := t.sub(bMessages, caseID)
	if err != nil || mb == nil {
		return nil, err
	}
	var msgs []*Message
	err = each(mb, "message of "+caseID, func(_ []byte, m *Message) error {
		msgs = append(msgs, m)
		return nil
	})
	return msgs, err
}

// Raw returns a copy of a stored message's original bytes.
func (t *Tx) Raw(caseID string, seq uint64) ([]byte, error) {
	rb, err := t.sub(bRaw, caseID)
	if err != nil || rb == nil {
		return nil, fmt.Errorf("raw %s/%d: %w", caseID, seq, ErrNotFound)
	}
	v := rb.Get(u64(seq))
	if v == nil {
		return nil, fmt.Errorf("raw %s/%d: %w", caseID, seq, ErrNotFound)
	}
	return bytes.Clone(v), nil
}

// AppendEvent adds an event to a case's audit trail, chaining it to the one before.
func (t *Tx) AppendEvent(caseID string, ev *Event) error {
	eb, err := t.sub(bEvents, caseID)
	if err != nil {
		return err
	}
	ev.Prev = ""
	if k, v := eb.Cursor().Last(); k != nil {
		var last Event
		if err := json.Unmarshal(v, &last); err != nil {
			return fmt.Errorf("decode last event of %s: %w", caseID, err)
		}
		ev.Prev = last.Hash
	}
	ev.At = ev.At.UTC() // the hash must survive a JSON round trip
	ev.Seq, _ = eb.NextSequence()
	var salt [16]byte
	if _, err := rand.Read(salt[:]); err != nil {
		return err
	}
	ev.Salt = hex.EncodeToString(salt[:])
	Seal(ev)
	return putJSON(eb, u64(ev.Seq), ev)
}

// fieldSum is the salted digest of one personal field.
func fieldSum(salt, name, value string) string {
	sum := sha256.Sum256([]byte(salt + "\x00" + name + "\x00" + value))
	return hex.EncodeToString(sum[:])
}

func (ev *Event) fieldSums() [3]string {
	return [3]string{fieldSum(ev.Salt, "actor", ev.Actor), fieldSum(ev.Salt, "message_id", ev.MessageID), fieldSum(ev.Salt, "detail", ev.Detail)}
}

// Seal computes an event's digests from its fields and salt, and its hash
// from those and Prev.
func Seal(ev *Event) {
	ev.Sums = ev.fieldSums()
	ev.Hash = EventHash(ev)
}

// EventHash is the chained hash of an event:
// hex(sha256(prev + JSON {seq, at, kind, sums})), with at in RFC 3339 UTC.
func EventHash(ev *Event) string {
	data, _ := json.Marshal(struct {
		Seq  uint64    `json:"seq"`
		At   time.Time `json:"at"`
		Kind string    `json:"kind"`
		Sums [3]string `json:"sums"`
	}{ev.Seq, ev.At.UTC(), ev.Kind, ev.Sums}) // plain fields: cannot fail
	sum := sha256.Sum256(append([]byte(ev.Prev), data...))
	return hex.EncodeToString(sum[:])
}

// Erase removes the personal fields of an event and its salt. The digests
// stay, so the chain still verifies; without the salt they cannot be
// matched against guesses.
func (ev *Event) Erase() {
	ev.Actor, ev.MessageID, ev.Detail, ev.Salt, ev.Erased = "", "", "", "", true
}

// Events lists a case's audit trail in order.
func (t *Tx) Events(caseID string) ([]*Event, error) {
	eb, err := t.sub(bEvents, caseID)
	if err != nil || eb == nil {
		return nil, err
	}
	var evs []*Event
	err = each(eb, "event of "+caseID, func(_ []byte, ev *Event) error {
		evs = append(evs, ev)
		return nil
	})
	return evs, err
}

// Enqueue adds a mail to the outbox and makes its Message-ID thread into the case.
func (t *Tx) Enqueue(item *OutboxItem) error {
	b := t.bucket(bOutbox)
	item.ID, _ = b.NextSequence()
	if item.State == "" {
		item.State = OutboxQueued
	}
	if err := putJSON(b, u64(item.ID), item); err != nil {
		return err
	}
	if err := t.bucket(bOutboxIDs).Put([]byte(item.Mail.MessageID), u64(item.ID)); err != nil {
		return err
	}
	if item.CaseID != "" {
		return t.IndexMessageID(item.Mail.MessageID, item.CaseID)
	}
	return nil
}

// PutOutbox updates an outbox item.
func (t *Tx) PutOutbox(item *OutboxItem) error {
	return putJSON(t.bucket(bOutbox), u64(item.ID), item)
}

// OutboxItem loads one outbox item.
func (t *Tx) OutboxItem(id uint64) (*OutboxItem, error) {
	data := t.bucket(bOutbox).Get(u64(id))
	if data == nil {
		return nil, fmt.Errorf("outbox %d: %w", id, ErrNotFound)
	}
	item := new(OutboxItem)
	if err := json.Unmarshal(data, item); err != nil {
		return nil, fmt.Errorf("decode outbox %d: %w", id, err)
	}
	return item, nil
}

// OutboxByMessageID finds the outbox item that sent a Message-ID (nil: none).
func (t *Tx) OutboxByMessageID(msgid string) (*OutboxItem, error) {
	v := t.bucket(bOutboxIDs).Get([]byte(msgid))
	if len(v) != 8 {
		return nil, nil
	}
	return t.OutboxItem(binary.BigEndian.Uint64(v))
}

// Pending lists the outbox items not yet sent or failed, oldest first.
func (t *Tx) Pending() ([]*OutboxItem, error) {
	var items []*OutboxItem
	err := each(t.bucket(bOutbox), "outbox item", func(_ []byte, item *OutboxItem) error {
		if item.State == OutboxQueued || item.State == OutboxSending {
			items = append(items, item)
		}
		return nil
	})
	return items, err
}

// AcksSince counts acknowledgements recorded for an address at or after since.
func (t *Tx) AcksSince(addr string, since time.Time) (int, error) {
	times, err := t.acks(addr)
	n := 0
	for _, at := range times {
		if !at.Before(since) {
			n++
		}
	}
	return n, err
}

// RecordAck remembers an acknowledgement to an address; entries older than
// keepAfter are dropped so the list stays small.
func (t *Tx) RecordAck(addr string, at, keepAfter time.Time) error {
	times, err := t.acks(addr)
	if err != nil {
		return err
	}
	kept := []time.Time{at}
	for _, x := range times {
		if x.After(keepAfter) {
			kept = append(kept, x)
		}
	}
	return putJSON(t.bucket(bAcks), []byte(addr), kept)
}

func (t *Tx) acks(addr string) ([]time.Time, error) {
	var times []time.Time
	if data := t.bucket(bAcks).Get([]byte(addr)); data != nil {
		if err := json.Unmarshal(data, &times); err != nil {
			return nil, fmt.Errorf("decode acks of %s: %w", addr, err)
		}
	}
	return times, nil
}

// Quarantine keeps an unreadable mail raw for an operator.
func (t *Tx) Quarantine(q *Quarantined, raw []byte) error {
	b := t.bucket(bQuarantine)
	id, _ := b.NextSequence()
	if err := putJSON(b, u64(id), q); err != nil {
		return err
	}
	return t.bucket(bQuarRaw).Put(u64(id), raw)
}

// QuarantineCount is the number of quarantined mails.
func (t *Tx) QuarantineCount() int {
	return t.bucket(bQuarantine).Stats().KeyN
}

// Broken describes the first link of a case's audit chain that does not hold.
type Broken struct {
	CaseID string
	Seq    uint64
	Reason string
}

func (b *Broken) Error() string {
	return fmt.Sprintf("case %s: event %d: %s", b.CaseID, b.Seq, b.Reason)
}

// VerifyChain checks a case's audit trail: every event's hash matches its
// content and the hash of the one before, and no event is missing. It
// returns the number of events and the first broken link (nil when intact).
func (t *Tx) VerifyChain(caseID string) (int, *Broken, error) {
	evs, err := t.Events(caseID)
	if err != nil {
		return 0, nil, err
	}
	prev := ""
	for i, ev := range evs {
		switch {
		case ev.Seq != uint64(i+1):
			return len(evs), &Broken{caseID, ev.Seq, fmt.Sprintf("sequence gap: expected event %d", i+1)}, nil
		case ev.Prev != prev:
			return len(evs), &Broken{caseID, ev.Seq, "does not link to the event before it"}, nil
		case !ev.Erased && ev.fieldSums() != ev.Sums:
			return len(evs), &Broken{caseID, ev.Seq, "content does not match its digests (edited)"}, nil
		case EventHash(ev) != ev.Hash:
			return len(evs), &Broken{caseID, ev.Seq, "content does not match its hash (edited)"}, nil
		}
		prev = ev.Hash
	}
	return len(evs), nil, nil
}

// TamperEvent overwrites a stored event without re-chaining. It exists for
// tests that prove tampering is detected.
func (t *Tx) TamperEvent(caseID string, ev *Event) error {
	eb, err := t.sub(bEvents, caseID)
	if err != nil {
		return err
	}
	return putJSON(eb, u64(ev.Seq), ev)
}

// JobRun returns when a job slot ran (nil: not yet).
func (t *Tx) JobRun(slot string) *time.Time {
	v := t.bucket(bJobs).Get([]byte(slot))
	if v == nil {
		return nil
	}
	at, err := time.Parse(time.RFC3339Nano, string(v))
	if err != nil {
		return &time.Time{} // unreadable, but it ran
	}
	return &at
}

// SetJobRun records that a job slot ran.
func (t *Tx) SetJobRun(slot string, at time.Time) error {
	return t.bucket(bJobs).Put([]byte(slot), []byte(at.UTC().Format(time.RFC3339Nano)))
}

// Anonymise removes what a case holds about people, for retention: the raw
// messages and their personal fields, their Message-IDs in the threading
// index, the case's outgoing mail, and the personal fields of its events
// (the chain stays intact, see Event). The case record is the caller's.
func (t *Tx) Anonymise(caseID string) error {
	msgs, err := t.Messages(caseID)
	if err != nil {
		return err
	}
	mb, err := t.sub(bMessages, caseID)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if err := t.bucket(bMsgIDs).Delete([]byte(m.MessageID)); err != nil {
			return err
		}
		*m = Message{Seq: m.Seq, Role: m.Role, ReceivedAt: m.ReceivedAt, Problems: m.Problems, Unverified: m.Unverified, Anonymised: true}
		if err := putJSON(mb, u64(m.Seq), m); err != nil {
			return err
		}
	}
	if err := t.bucket(bRaw).DeleteBucket([]byte(caseID)); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
		return fmt.Errorf("delete raw messages: %w", err)
	}
	// The case's outgoing mail: addresses and texts.
	ob := t.bucket(bOutbox)
	var drop [][]byte
	err = each(ob, "outbox item", func(k []byte, item *OutboxItem) error {
		if item.CaseID == caseID {
			drop = append(drop, bytes.Clone(k))
			if err := t.bucket(bOutboxIDs).Delete([]byte(item.Mail.MessageID)); err != nil {
				return err
			}
			return t.bucket(bMsgIDs).Delete([]byte(item.Mail.MessageID))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	for _, k := range drop {
		if err := ob.Delete(k); err != nil {
			return err
		}
	}
	evs, err := t.Events(caseID)
	if err != nil {
		return err
	}
	eb, err := t.sub(bEvents, caseID)
	if err != nil {
		return err
	}
	for _, ev := range evs {
		ev.Erase()
		if err := putJSON(eb, u64(ev.Seq), ev); err != nil {
			return err
		}
	}
	return nil
}

// PurgeQuarantine deletes quarantined mail received before cutoff and
// returns how many went.
func (t *Tx) PurgeQuarantine(cutoff time.Time) (int, error) {
	var drop [][]byte
	err := each(t.bucket(bQuarantine), "quarantined mail", func(k []byte, q *Quarantined) error {
		if q.ReceivedAt.Before(cutoff) {
			drop = append(drop, bytes.Clone(k))
		}
		return nil
	})
	for _, k := range drop {
		if err := t.bucket(bQuarantine).Delete(k); err != nil {
			return 0, err
		}
		if err := t.bucket(bQuarRaw).Delete(k); err != nil {
			return 0, err
		}
	}
	return len(drop), err
}

const metaCompact = "compact_pending"

// MarkCompact asks for the database to be rewritten at the next open: data
// removed by retention otherwise stays readable in freed pages of the file.
func (t *Tx) MarkCompact() error { return t.SetMeta(metaCompact, "1") }

// compactIfPending rewrites the database into a fresh file (bbolt's Compact
// copies only live data) and puts it in place of the old one. It runs at
// open, while this process holds the file's lock.
func compactIfPending(db *bolt.DB) (*bolt.DB, error) {
	pending := false
	db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bMeta); b != nil {
			pending = b.Get([]byte(metaCompact)) != nil
		}
		return nil
	})
	if !pending {
		return db, nil
	}
	path := db.Path()
	tmp := path + ".compact"
	os.Remove(tmp) // left by a crash during an earlier attempt
	fail := func(err error) (*bolt.DB, error) {
		os.Remove(tmp)
		return nil, fmt.Errorf("compact %s: %w", path, err)
	}
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		db.Close()
		return fail(err)
	}
	err = bolt.Compact(dst, db, 64<<20)
	if err == nil {
		err = dst.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Delete([]byte(metaCompact)) })
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	db.Close()
	if err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fail(err)
	}
	return bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
}
