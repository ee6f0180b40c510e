package storage

import (
	"encoding/json"
	"fmt"

	"github.com/mcoo/klachtbot/workflow/complaint"
)

// The audit trail: one sub-bucket of events per case, keyed by sequence.
// The chain rule (salt, digests, hash) is the domain's: see complaint.Event.

// AppendEvent adds an event to a case's audit trail, chained to the one before.
func (t *Tx) AppendEvent(caseID string, ev *complaint.Event) error {
	eb, err := t.sub(bEvents, caseID)
	if err != nil {
		return err
	}
	prev := ""
	if k, v := eb.Cursor().Last(); k != nil {
		var last complaint.Event
		if err := json.Unmarshal(v, &last); err != nil {
			return fmt.Errorf("decode last event of %s: %w", caseID, err)
		}
		prev = last.Hash
	}
	seq, _ := eb.NextSequence()
	ev.Link(seq, prev)
	return putJSON(eb, u64(ev.Seq), ev)
}

// Events lists a case's audit trail in order.
func (t *Tx) Events(caseID string) ([]*complaint.Event, error) {
	eb, err := t.sub(bEvents, caseID)
	if err != nil || eb == nil {
		return nil, err
	}
	var evs []*complaint.Event
	err = each(eb, "event of "+caseID, func(_ []byte, ev *complaint.Event) error {
		evs = append(evs, ev)
		return nil
	})
	return evs, err
}

// ReplaceEvent overwrites a stored event as it is, without re-chaining:
// retention stores an erased event this way (the chain still verifies),
// and the tests that prove tampering is detected.
func (t *Tx) ReplaceEvent(caseID string, ev *complaint.Event) error {
	eb, err := t.sub(bEvents, caseID)
	if err != nil {
		return err
	}
	return putJSON(eb, u64(ev.Seq), ev)
}
