// Package storage keeps klachtbot's state in one bbolt file: cases and their
// messages (raw bytes kept), audit events, the outbox, quarantine, IMAP
// checkpoints, job slots and counters; one file per bucket family.
//
// The layout has a version (schema.go), and Open converts an older one. It
// is laid out for years of use: a case's records are keyed by case and
// sequence in buckets shared by all cases (no page per case), and what
// must be read often (mail to send, cases not closed) is reachable without
// reading what was sent or closed long ago.
//
// It holds no rules: workflow decides what is written and what retention
// keeps; storage's Tx implements the transaction interfaces workflow and
// outbox declare. It imports the domain types (workflow/complaint, the
// outbox item, the message checkpoint, recognition's learned example) and
// must not import workflow itself or the mail edge.
package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/mcoo/klachtbot/workflow/complaint"
)

var (
	bMeta        = []byte("meta")
	bCases       = []byte("cases")
	bClosed      = []byte("cases-closed") // case ID -> when it closed (empty: not closed)
	bSeq         = []byte("seq")
	bMsgIDs      = []byte("msgids")
	bMessages    = []byte("case-messages") // case ID, 0, seq -> message record
	bRaw         = []byte("case-raw")      // case ID, 0, seq -> original bytes
	bEvents      = []byte("case-events")   // case ID, 0, seq -> audit event
	bOutbox      = []byte("outbox")        // id -> item: what was sent or failed (sent: without its text)
	bQueue       = []byte("outbox-queue")  // id -> item still to send: all a flush reads
	bCheckpoints = []byte("checkpoints")
	bAcks        = []byte("acks")
	bQuarantine  = []byte("quarantine")
	bQuarRaw     = []byte("quarantine-raw")
	bJobs        = []byte("jobs")          // slot -> when it ran
	bOutboxIDs   = []byte("outbox-msgids") // Message-ID -> outbox item
	bIncidents   = []byte("incidents")
	bLearned     = []byte("recognition-learned") // seq -> a director's decision as hashed features (recognize.Learned)
)

var allBuckets = [][]byte{bMeta, bCases, bClosed, bSeq, bMsgIDs, bMessages, bRaw, bEvents, bOutbox, bQueue, bCheckpoints, bAcks, bQuarantine, bQuarRaw, bJobs, bOutboxIDs, bIncidents, bLearned}

// appendOnly are the buckets whose keys mostly grow at the end: their pages
// are filled before they split, not half (bbolt's default).
var appendOnly = map[string]bool{string(bCases): true, string(bClosed): true, string(bMessages): true, string(bRaw): true, string(bEvents): true, string(bOutbox): true, string(bOutboxIDs): true, string(bLearned): true}

// ErrLocked means another process (normally the running service) holds the database.
var ErrLocked = errors.New("database is in use by another klachtbot process")

// ErrNotFound is returned for a case or message that does not exist.
var ErrNotFound = complaint.ErrNotFound

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
	if readOnly {
		if err := db.View(func(tx *bolt.Tx) error { return checkSchema(tx, false) }); err != nil {
			db.Close()
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		return &Store{db: db}, nil
	}
	if err := migrate(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if db, err = compactIfPending(db); err != nil {
		return nil, err
	}
	return &Store{db: db}, nil
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
		// Open creates every bucket and refuses a layout it does not know.
		panic(fmt.Sprintf("storage: bucket %s missing", name))
	}
	if appendOnly[string(name)] {
		b.FillPercent = 0.9
	}
	return b
}

// caseKey is the key of a case's record seq in a bucket shared by all
// cases: the case ID, a 0 byte (below any character of an ID, so one case's
// keys never run into another's) and the sequence, big-endian.
func caseKey(caseID string, seq uint64) []byte {
	k := make([]byte, 0, len(caseID)+9)
	k = append(k, caseID...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, seq)
}

// eachOfCase hands f a case's records in a shared bucket, in sequence order.
func eachOfCase(b *bolt.Bucket, caseID string, f func(seq uint64, v []byte) error) error {
	prefix := append([]byte(caseID), 0)
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+8; k, v = c.Next() {
		if err := f(binary.BigEndian.Uint64(k[len(prefix):]), v); err != nil {
			return err
		}
	}
	return nil
}

// lastOfCase is a case's newest record in a shared bucket (seq 0: none).
func lastOfCase(b *bolt.Bucket, caseID string) (uint64, []byte) {
	c := b.Cursor()
	k, v := c.Seek(caseKey(caseID, math.MaxUint64))
	if k == nil {
		k, v = c.Last()
	} else if !bytes.Equal(k, caseKey(caseID, math.MaxUint64)) {
		k, v = c.Prev()
	}
	prefix := append([]byte(caseID), 0)
	if k == nil || !bytes.HasPrefix(k, prefix) || len(k) != len(prefix)+8 {
		return 0, nil
	}
	return binary.BigEndian.Uint64(k[len(prefix):]), v
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
