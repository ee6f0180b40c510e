package storage

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
)

// Folder checkpoints, job slots and metadata: how far the service got.

// Meta returns a metadata value ("" when unset).
func (t *Tx) Meta(key string) string {
	return string(t.bucket(bMeta).Get([]byte(key)))
}

// SetMeta sets a metadata value.
func (t *Tx) SetMeta(key, value string) error {
	return t.bucket(bMeta).Put([]byte(key), []byte(value))
}

// Checkpoint returns a folder's checkpoint; the zero value when there is none.
func (t *Tx) Checkpoint(key string) (message.Checkpoint, error) {
	var cp message.Checkpoint
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
func (t *Tx) SetCheckpoint(key string, cp message.Checkpoint) error {
	return putJSON(t.bucket(bCheckpoints), []byte(key), cp)
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
