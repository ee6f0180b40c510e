package storage

import (
	"encoding/json"
	"fmt"

	"github.com/mcoo/klachtbot/workflow/complaint"
)

// The audit trail: every case's events in one bucket, keyed by case and sequence.
// The chain rule (salt, digests, hash) is the domain's: see complaint.Event.

// AppendEvent adds an event to a case's audit trail, chained to the one before.
func (t *Tx) AppendEvent(caseID string, ev *complaint.Event) error {
	eb := t.bucket(bEvents)
	prev := ""
	seq, v := lastOfCase(eb, caseID)
	if v != nil {
		var last struct {
			Hash string `json:"hash"`
		}
		if err := json.Unmarshal(v, &last); err != nil {
			return fmt.Errorf("decode last event of %s: %w", caseID, err)
		}
		prev = last.Hash
	}
	ev.Link(seq+1, prev)
	return putJSON(eb, caseKey(caseID, ev.Seq), ev)
}

// Events lists a case's audit trail in order.
func (t *Tx) Events(caseID string) ([]*complaint.Event, error) {
	var evs []*complaint.Event
	err := eachOfCase(t.bucket(bEvents), caseID, func(seq uint64, data []byte) error {
		ev := new(complaint.Event)
		if err := json.Unmarshal(data, ev); err != nil {
			return fmt.Errorf("decode event %d of %s: %w", seq, caseID, err)
		}
		evs = append(evs, ev)
		return nil
	})
	return evs, err
}

// ReplaceEvent overwrites a stored event as it is, without re-chaining:
// retention stores an erased event this way (the chain still verifies),
// and the tests that prove tampering is detected.
func (t *Tx) ReplaceEvent(caseID string, ev *complaint.Event) error {
	return putJSON(t.bucket(bEvents), caseKey(caseID, ev.Seq), ev)
}
