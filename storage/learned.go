package storage

import (
	"encoding/json"
	"fmt"

	"github.com/mcoo/klachtbot/workflow/recognize"
)

// The directors' decisions recognition learns from: hashed features and a
// label per decision, never the mail's text.

// Learned returns the examples in the order they were made. A database
// opened read-only from before the bucket existed has none.
func (t *Tx) Learned() ([]recognize.Learned, error) {
	b := t.tx.Bucket(bLearned)
	if b == nil {
		return nil, nil
	}
	var out []recognize.Learned
	err := b.ForEach(func(k, v []byte) error {
		var x recognize.Learned
		if err := json.Unmarshal(v, &x); err != nil {
			return fmt.Errorf("decode learned example %x: %w", k, err)
		}
		out = append(out, x)
		return nil
	})
	return out, err
}

// AddLearned keeps one more example.
func (t *Tx) AddLearned(x recognize.Learned) error {
	b := t.bucket(bLearned)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("add learned example: %w", err)
	}
	return putJSON(b, u64(seq), x)
}

// ResetLearned forgets every example and says how many there were.
func (t *Tx) ResetLearned() (int, error) {
	b := t.bucket(bLearned)
	n := b.Stats().KeyN
	if err := t.tx.DeleteBucket(bLearned); err != nil {
		return 0, fmt.Errorf("forget learned examples: %w", err)
	}
	if _, err := t.tx.CreateBucket(bLearned); err != nil {
		return 0, fmt.Errorf("forget learned examples: %w", err)
	}
	return n, nil
}
