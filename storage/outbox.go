package storage

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mcoo/klachtbot/workflow/outbox"
)

// The outbox: mail still to send in a bucket of its own (all a flush or
// status reads), the record of what was sent or failed keyed by the same
// sequence, an index by Message-ID (a copy seen in a watched folder
// confirms its mail), and the acknowledgements per address for the rate
// limit.

// Enqueue adds a mail to the outbox and makes its Message-ID thread into the case.
func (t *Tx) Enqueue(item *outbox.Item) error {
	item.ID, _ = t.bucket(bOutbox).NextSequence()
	if item.State == "" {
		item.State = outbox.Queued
	}
	if err := t.PutOutbox(item); err != nil {
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

// PutOutbox updates an outbox item: in the queue while it is to be sent,
// in the record once sent or failed.
func (t *Tx) PutOutbox(item *outbox.Item) error {
	key := u64(item.ID)
	from, to := t.bucket(bOutbox), t.bucket(bQueue)
	if item.State != outbox.Queued && item.State != outbox.Sending {
		from, to = to, from
	}
	if err := from.Delete(key); err != nil {
		return err
	}
	return putJSON(to, key, item)
}

// OutboxItem loads one outbox item.
func (t *Tx) OutboxItem(id uint64) (*outbox.Item, error) {
	data := t.bucket(bQueue).Get(u64(id))
	if data == nil {
		data = t.bucket(bOutbox).Get(u64(id))
	}
	if data == nil {
		return nil, fmt.Errorf("outbox %d: %w", id, ErrNotFound)
	}
	item := new(outbox.Item)
	if err := json.Unmarshal(data, item); err != nil {
		return nil, fmt.Errorf("decode outbox %d: %w", id, err)
	}
	return item, nil
}

// OutboxByMessageID finds the outbox item that sent a Message-ID (nil: none).
func (t *Tx) OutboxByMessageID(msgid string) (*outbox.Item, error) {
	v := t.bucket(bOutboxIDs).Get([]byte(msgid))
	if len(v) != 8 {
		return nil, nil
	}
	return t.OutboxItem(binary.BigEndian.Uint64(v))
}

// Pending lists the outbox items not yet sent or failed, oldest first. It
// reads the queue only: its cost does not grow with what was ever sent.
func (t *Tx) Pending() ([]*outbox.Item, error) {
	var items []*outbox.Item
	err := each(t.bucket(bQueue), "outbox item", func(_ []byte, item *outbox.Item) error {
		items = append(items, item)
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

// OutboxOf lists the outbox items of a case (retention, monthly: it reads
// every record).
func (t *Tx) OutboxOf(caseID string) ([]*outbox.Item, error) {
	var items []*outbox.Item
	for _, name := range [][]byte{bOutbox, bQueue} {
		err := each(t.bucket(name), "outbox item", func(_ []byte, item *outbox.Item) error {
			if item.CaseID == caseID {
				items = append(items, item)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return items, nil
}

// DeleteOutbox removes an outbox item and its Message-ID index entry.
func (t *Tx) DeleteOutbox(item *outbox.Item) error {
	if err := t.bucket(bOutboxIDs).Delete([]byte(item.Mail.MessageID)); err != nil {
		return err
	}
	if err := t.bucket(bQueue).Delete(u64(item.ID)); err != nil {
		return err
	}
	return t.bucket(bOutbox).Delete(u64(item.ID))
}
