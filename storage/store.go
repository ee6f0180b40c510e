// Package storage keeps klachtbot's state in one bbolt file: cases and their
// messages (raw bytes kept), audit events, the outbox, quarantine, IMAP
// checkpoints, job slots and counters; one file per bucket family.
//
// It holds no rules: workflow decides what is written and what retention
// keeps; storage's Tx implements the transaction interfaces workflow and
// outbox declare. It imports the domain types (workflow/complaint, the
// outbox item, the message checkpoint) and must not import workflow itself
// or the mail edge.
package storage

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	bIncidents   = []byte("incidents")
)

var allBuckets = [][]byte{bMeta, bCases, bSeq, bMsgIDs, bMessages, bRaw, bEvents, bOutbox, bCheckpoints, bAcks, bQuarantine, bQuarRaw, bJobs, bOutboxIDs, bIncidents}

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
