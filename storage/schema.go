package storage

import (
	"bytes"
	"encoding/json"
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

// migrate brings the database to schemaVersion in the open's own
// transaction: all of it is converted, or nothing.
func migrate(tx *bolt.Tx) error {
	if err := checkSchema(tx, true); err != nil {
		return err
	}
	v, _ := schemaOf(tx)
	if v == schemaVersion {
		return nil
	}
	for _, b := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("create bucket %s: %w", b, err)
		}
	}
	if v == 1 {
		if err := migrateV1(tx); err != nil {
			return fmt.Errorf("convert layout 1 to %d: %w", schemaVersion, err)
		}
		// Freed pages still hold the old copies: rewrite the file.
		if err := tx.Bucket(bMeta).Put([]byte(metaCompact), []byte("1")); err != nil {
			return err
		}
	}
	return tx.Bucket(bMeta).Put([]byte(metaSchema), []byte(strconv.Itoa(schemaVersion)))
}

func migrateV1(tx *bolt.Tx) error {
	for _, m := range []struct{ from, to []byte }{{v1Messages, bMessages}, {v1Raw, bRaw}, {v1Events, bEvents}} {
		old := tx.Bucket(m.from)
		if old == nil {
			continue
		}
		to := tx.Bucket(m.to)
		to.FillPercent = 0.9
		err := old.ForEachBucket(func(caseID []byte) error {
			return old.Bucket(caseID).ForEach(func(k, v []byte) error {
				if len(k) != 8 {
					return fmt.Errorf("%s of %s: key %x is not a sequence", m.from, caseID, k)
				}
				return to.Put(append(append(append([]byte{}, caseID...), 0), k...), v)
			})
		})
		if err != nil {
			return err
		}
		if err := tx.DeleteBucket(m.from); err != nil {
			return err
		}
	}
	// The index of when cases closed.
	closed := tx.Bucket(bClosed)
	err := tx.Bucket(bCases).ForEach(func(k, data []byte) error {
		c := new(complaint.Case)
		if err := json.Unmarshal(data, c); err != nil {
			return fmt.Errorf("decode case %s: %w", k, err)
		}
		return closed.Put(bytes.Clone(k), closedValue(c))
	})
	if err != nil {
		return err
	}
	// The outbox: what is still to send moves to the queue; a sent mail
	// keeps its record without its text.
	// (bbolt's ForEach must not write the bucket it walks: collect first.)
	ob, queue := tx.Bucket(bOutbox), tx.Bucket(bQueue)
	type change struct {
		key, data []byte
		queued    bool
	}
	var changes []change
	err = ob.ForEach(func(k, data []byte) error {
		item := new(outbox.Item)
		if err := json.Unmarshal(data, item); err != nil {
			return fmt.Errorf("decode outbox item %x: %w", k, err)
		}
		switch item.State {
		case outbox.Queued, outbox.Sending:
			changes = append(changes, change{bytes.Clone(k), bytes.Clone(data), true})
		case outbox.Sent:
			item.Slim()
			slim, err := json.Marshal(item)
			if err != nil {
				return err
			}
			changes = append(changes, change{bytes.Clone(k), slim, false})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range changes {
		if !c.queued {
			err = ob.Put(c.key, c.data)
		} else if err = queue.Put(c.key, c.data); err == nil {
			err = ob.Delete(c.key)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
