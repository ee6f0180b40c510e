package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/mcoo/klachtbot/workflow/complaint"
)

// Cases, their messages (records and raw bytes, in buckets shared by all
// cases, keyed by case and sequence), the case-number counters and the Message-ID index that threads mail
// into cases.

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
	return complaint.FormatID(year, n), nil
}

// RaiseCaseSeq makes the next case number of a year higher than n (numbers
// seen in the bot's mail after a restore are never given out again).
func (t *Tx) RaiseCaseSeq(year int, n uint64) error {
	b := t.bucket(bSeq)
	key := []byte(strconv.Itoa(year))
	if v := b.Get(key); len(v) == 8 && binary.BigEndian.Uint64(v) >= n {
		return nil
	}
	return b.Put(key, u64(n))
}

// Case loads a case.
func (t *Tx) Case(id string) (*complaint.Case, error) {
	data := t.bucket(bCases).Get([]byte(id))
	if data == nil {
		return nil, fmt.Errorf("case %s: %w", id, ErrNotFound)
	}
	c := new(complaint.Case)
	if err := json.Unmarshal(data, c); err != nil {
		return nil, fmt.Errorf("decode case %s: %w", id, err)
	}
	return c, nil
}

// PutCase stores a case, and its entry in the index of when cases closed.
func (t *Tx) PutCase(c *complaint.Case) error {
	if err := t.bucket(bClosed).Put([]byte(c.ID), closedValue(c)); err != nil {
		return err
	}
	return putJSON(t.bucket(bCases), []byte(c.ID), c)
}

// closedValue is a case's entry in the closed index: empty while it is not
// closed, or closed and still followed up (the closing question, an
// unsigned expert: the jobs and the digest need it), else when it closed
// (8 bytes, Unix nanoseconds; 0 when unknown).
func closedValue(c *complaint.Case) []byte {
	if c.State != complaint.StateClosed || c.FollowUp() {
		return []byte{}
	}
	var at int64
	if c.ClosedAt != nil {
		at = c.ClosedAt.UnixNano()
	}
	return u64(uint64(max(at, 0)))
}

// CasesSince lists, by number, the cases not closed (or still followed up)
// and those closed at or after closedAfter. It reads the small closed index of every case and
// decodes only those.
func (t *Tx) CasesSince(closedAfter time.Time) ([]*complaint.Case, error) {
	var cases []*complaint.Case
	cb := t.bucket(bCases)
	after := closedAfter.UnixNano()
	if closedAfter.IsZero() {
		after = 0
	}
	err := t.bucket(bClosed).ForEach(func(k, v []byte) error {
		if len(v) == 8 && int64(binary.BigEndian.Uint64(v)) < after {
			return nil
		}
		c := new(complaint.Case)
		if err := json.Unmarshal(cb.Get(k), c); err != nil {
			return fmt.Errorf("decode case %s: %w", k, err)
		}
		cases = append(cases, c)
		return nil
	})
	sort.Slice(cases, func(i, j int) bool { return cases[i].ID < cases[j].ID })
	return cases, err
}

// Cases returns every case, ordered by case number.
func (t *Tx) Cases() ([]*complaint.Case, error) {
	var cases []*complaint.Case
	err := each(t.bucket(bCases), "case", func(_ []byte, c *complaint.Case) error {
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
func (t *Tx) AddMessage(caseID string, m *complaint.Message, raw []byte) error {
	mb := t.bucket(bMessages)
	last, _ := lastOfCase(mb, caseID)
	m.Seq = last + 1
	if err := putJSON(mb, caseKey(caseID, m.Seq), m); err != nil {
		return err
	}
	if err := t.bucket(bRaw).Put(caseKey(caseID, m.Seq), raw); err != nil {
		return err
	}
	if m.Unverified {
		return nil
	}
	return t.IndexMessageID(m.MessageID, caseID)
}

// Messages lists a case's messages in the order they were stored.
func (t *Tx) Messages(caseID string) ([]*complaint.Message, error) {
	var msgs []*complaint.Message
	err := eachOfCase(t.bucket(bMessages), caseID, func(seq uint64, data []byte) error {
		m := new(complaint.Message)
		if err := json.Unmarshal(data, m); err != nil {
			return fmt.Errorf("decode message %d of %s: %w", seq, caseID, err)
		}
		msgs = append(msgs, m)
		return nil
	})
	return msgs, err
}

// Raw returns a copy of a stored message's original bytes.
func (t *Tx) Raw(caseID string, seq uint64) ([]byte, error) {
	v := t.bucket(bRaw).Get(caseKey(caseID, seq))
	if v == nil {
		return nil, fmt.Errorf("raw %s/%d: %w", caseID, seq, ErrNotFound)
	}
	return bytes.Clone(v), nil
}

// ReplaceMessage overwrites the record of a stored message (retention).
func (t *Tx) ReplaceMessage(caseID string, m *complaint.Message) error {
	return putJSON(t.bucket(bMessages), caseKey(caseID, m.Seq), m)
}

// DeleteRaw removes the original bytes of every message of a case (retention).
func (t *Tx) DeleteRaw(caseID string) error {
	rb := t.bucket(bRaw)
	var keys [][]byte
	eachOfCase(rb, caseID, func(seq uint64, _ []byte) error {
		keys = append(keys, caseKey(caseID, seq))
		return nil
	})
	for _, k := range keys {
		if err := rb.Delete(k); err != nil {
			return fmt.Errorf("delete raw messages of %s: %w", caseID, err)
		}
	}
	return nil
}

// UnindexMessageID makes a Message-ID thread into no case any more.
func (t *Tx) UnindexMessageID(msgid string) error {
	return t.bucket(bMsgIDs).Delete([]byte(msgid))
}
