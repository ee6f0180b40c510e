package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"

	berrors "go.etcd.io/bbolt/errors"

	"github.com/mcoo/klachtbot/workflow/complaint"
)

// Cases, their messages (records and raw bytes, one sub-bucket each per
// case), the case-number counters and the Message-ID index that threads mail
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

// PutCase stores a case.
func (t *Tx) PutCase(c *complaint.Case) error {
	return putJSON(t.bucket(bCases), []byte(c.ID), c)
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
func (t *Tx) Messages(caseID string) ([]*complaint.Message, error) {
	mb, err := t.sub(bMessages, caseID)
	if err != nil || mb == nil {
		return nil, err
	}
	var msgs []*complaint.Message
	err = each(mb, "message of "+caseID, func(_ []byte, m *complaint.Message) error {
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

// ReplaceMessage overwrites the record of a stored message (retention).
func (t *Tx) ReplaceMessage(caseID string, m *complaint.Message) error {
	mb, err := t.sub(bMessages, caseID)
	if err != nil {
		return err
	}
	return putJSON(mb, u64(m.Seq), m)
}

// DeleteRaw removes the original bytes of every message of a case (retention).
func (t *Tx) DeleteRaw(caseID string) error {
	if err := t.bucket(bRaw).DeleteBucket([]byte(caseID)); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
		return fmt.Errorf("delete raw messages of %s: %w", caseID, err)
	}
	return nil
}

// UnindexMessageID makes a Message-ID thread into no case any more.
func (t *Tx) UnindexMessageID(msgid string) error {
	return t.bucket(bMsgIDs).Delete([]byte(msgid))
}
