package storage

import (
	"bytes"
	"time"

	"github.com/mcoo/klachtbot/workflow/complaint"
)

// Quarantine: mail kept raw because it could not be read or ingested.

// Quarantine keeps an unreadable mail raw for an operator.
func (t *Tx) Quarantine(q *complaint.Quarantined, raw []byte) error {
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

// PurgeQuarantine deletes quarantined mail received before cutoff and
// returns how many went.
func (t *Tx) PurgeQuarantine(cutoff time.Time) (int, error) {
	var drop [][]byte
	err := each(t.bucket(bQuarantine), "quarantined mail", func(k []byte, q *complaint.Quarantined) error {
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
