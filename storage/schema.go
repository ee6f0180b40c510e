package storage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// The layout has a version, "schema" in the meta bucket. Version 1 (the
// releases before it had no version) kept one sub-bucket per case for
// messages, raw mail and events, and the whole outbox, every digest's text
// included, in one bucket that every flush decoded. Version 2 keeps a
// case's records in buckets shared by all cases (keyed by case ID and
// sequence) and the mail still to send in a bucket of its own; a sent mail
// keeps only its record there (its bytes are on its case).

// schemaVersion is the layout this release writes.
const schemaVersion = 2

const metaSchema = "schema"

// v1 buckets that version 2 replaced.
var (
	v1Messages = []byte("messages")
	v1Raw      = []byte("raw")
	v1Events   = []byte("events")
)

// ErrNewerSchema is returned for a database written by a newer klachtbot.
type ErrNewerSchema struct{ Have, Know int }

func (e *ErrNewerSchema) Error() string {
	return fmt.Sprintf("the database has layout version %d, newer than this klachtbot knows (%d): it was written by a newer release; run that release or newer", e.Have, e.Know)
}

// schemaOf is a database's layout version: 0 for a new, empty file, 1 for
// one written before versions were recorded.
func schemaOf(tx *bolt.Tx) (int, error) {
	meta := tx.Bucket(bMeta)
	if meta == nil {
		return 0, nil
	}
	v := meta.Get([]byte(metaSchema))
	if v == nil {
		return 1, nil
	}
	n, err := strconv.Atoi(string(v))
	if err != nil {
		return 0, fmt.Errorf("layout version %q is not a number", v)
	}
	return n, nil
}

// checkSchema refuses a database this release cannot read; a read-only
// open also refuses one it would have to migrate first.
func checkSchema(tx *bolt.Tx, writable bool) error {
	v, err := schemaOf(tx)
	switch {
	case err != nil:
		return err
	case v > schemaVersion:
		return &ErrNewerSchema{Have: v, Know: schemaVersion}
	case v == 0 && !writable:
		return fmt.Errorf("not a klachtbot database (no meta bucket)")
	case v < schemaVersion && !writable:
		return fmt.Errorf("the database has layout version %d; this klachtbot uses %d and converts it when the service (klachtbot run) starts once", v, schemaVersion)
	}
	return nil
}

// migrateBatch bounds what one transaction of a migration copies: bbolt
// keeps a transaction's pages in memory until it commits. (A variable for
// the test of a migration in many batches, interrupted.)
var migrateBatch = 16 << 20

// migrated, when set (by a test), is called after each batch commits; an
// error stops the migration there, as a crash would.
var migrated func() error

// metaMigrateOutbox is the last outbox key a migration converted, so that a
// migration interrupted by a crash goes on where it stopped.
const metaMigrateOutbox = "migrate_outbox_after"

// migrate brings the database to schemaVersion. Version 1 is converted in
// batches of transactions, each bounded (migrateBatch) and each leaving a
// database the next open resumes from; the version is set in the last.
func migrate(db *bolt.DB) error {
	var v int
	err := db.View(func(tx *bolt.Tx) (err error) {
		if err = checkSchema(tx, true); err == nil {
			v, err = schemaOf(tx)
		}
		return err
	})
	if err != nil || v == schemaVersion {
		return err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if v == 1 {
		if err := migrateV1(db); err != nil {
			return fmt.Errorf("convert layout 1 to %d: %w", schemaVersion, err)
		}
	}
	return db.Update(func(tx *bolt.Tx) error {
		if v == 1 {
			// Freed pages still hold the old copies: rewrite the file.
			if err := tx.Bucket(bMeta).Put([]byte(metaCompact), []byte("1")); err != nil {
				return err
			}
		}
		return tx.Bucket(bMeta).Put([]byte(metaSchema), []byte(strconv.Itoa(schemaVersion)))
	})
}

// untilDone runs step in one transaction after another until it reports done.
func untilDone(db *bolt.DB, step func(tx *bolt.Tx) (done bool, err error)) error {
	for {
		var done bool
		err := db.Update(func(tx *bolt.Tx) (err error) {
			done, err = step(tx)
			return err
		})
		if err != nil || done {
			return err
		}
		if migrated != nil {
			if err := migrated(); err != nil {
				return err
			}
		}
	}
}

func migrateV1(db *bolt.DB) error {
	// A case's sub-buckets move into the shared buckets, a batch of cases
	// at a time; a moved one is deleted, so a resumed migration skips it.
	for _, m := range []struct{ from, to []byte }{{v1Messages, bMessages}, {v1Raw, bRaw}, {v1Events, bEvents}} {
		err := untilDone(db, func(tx *bolt.Tx) (bool, error) {
			old := tx.Bucket(m.from)
			if old == nil {
				return true, nil
			}
			to := tx.Bucket(m.to)
			to.FillPercent = 0.9
			var cases [][]byte
			size := 0
			err := old.ForEachBucket(func(caseID []byte) error {
				if size > migrateBatch {
					return errBatchFull
				}
				cases = append(cases, bytes.Clone(caseID))
				return old.Bucket(caseID).ForEach(func(k, v []byte) error {
					if len(k) != 8 {
						return fmt.Errorf("%s of %s: key %x is not a sequence", m.from, caseID, k)
					}
					size += len(v)
					return to.Put(append(append(append([]byte{}, caseID...), 0), k...), v)
				})
			})
			if err != nil && !errors.Is(err, errBatchFull) {
				return false, err
			}
			if len(cases) == 0 {
				return true, tx.DeleteBucket(m.from)
			}
			for _, id := range cases {
				if err := old.DeleteBucket(id); err != nil {
					return false, err
				}
			}
			return false, nil
		})
		if err != nil {
			return err
		}
	}
	// The index of when cases closed: small, one transaction.
	err := db.Update(func(tx *bolt.Tx) error {
		closed := tx.Bucket(bClosed)
		return tx.Bucket(bCases).ForEach(func(k, data []byte) error {
			c := new(complaint.Case)
			if err := json.Unmarshal(data, c); err != nil {
				return fmt.Errorf("decode case %s: %w", k, err)
			}
			return closed.Put(bytes.Clone(k), closedValue(c))
		})
	})
	if err != nil {
		return err
	}
	// The outbox: what is still to send moves to the queue; a sent mail
	// keeps its record without its text. (bbolt's ForEach must not write
	// the bucket it walks: a batch is collected first.)
	return untilDone(db, func(tx *bolt.Tx) (bool, error) {
		meta, ob, queue := tx.Bucket(bMeta), tx.Bucket(bOutbox), tx.Bucket(bQueue)
		type change struct {
			key, data []byte
			queued    bool
		}
		var changes []change
		size := 0
		after := meta.Get([]byte(metaMigrateOutbox))
		c := ob.Cursor()
		k, data := c.First()
		if after != nil {
			if k, data = c.Seek(after); bytes.Equal(k, after) {
				k, data = c.Next()
			}
		}
		for ; k != nil && size <= migrateBatch; k, data = c.Next() {
			size += len(data)
			item := new(outbox.Item)
			if err := json.Unmarshal(data, item); err != nil {
				return false, fmt.Errorf("decode outbox item %x: %w", k, err)
			}
			switch item.State {
			case outbox.Queued, outbox.Sending:
				changes = append(changes, change{bytes.Clone(k), bytes.Clone(data), true})
			case outbox.Sent:
				item.Slim()
				slim, err := json.Marshal(item)
				if err != nil {
					return false, err
				}
				changes = append(changes, change{bytes.Clone(k), slim, false})
			default:
				changes = append(changes, change{bytes.Clone(k), nil, false})
			}
		}
		if len(changes) == 0 {
			return true, meta.Delete([]byte(metaMigrateOutbox))
		}
		for _, c := range changes {
			var err error
			switch {
			case c.queued:
				if err = queue.Put(c.key, c.data); err == nil {
					err = ob.Delete(c.key)
				}
			case c.data != nil:
				err = ob.Put(c.key, c.data)
			}
			if err != nil {
				return false, err
			}
		}
		return false, meta.Put([]byte(metaMigrateOutbox), changes[len(changes)-1].key)
	})
}

var errBatchFull = errors.New("batch full")
