package workflow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow/alert"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

// memStore is an in-memory Store: the rules run against it as well as
// against bbolt. Values are copied in and out through JSON, as a real store
// does, and a failed Update leaves nothing behind.
type memStore struct {
	mu    sync.Mutex
	state memState
}

type memState struct {
	Meta        map[string]string
	Checkpoints map[string]message.Checkpoint
	Jobs        map[string]time.Time
	Seq         map[int]int
	Cases       map[string]json.RawMessage
	MsgIDs      map[string]string
	Messages    map[string][]json.RawMessage
	Raw         map[string][][]byte
	Events      map[string][]json.RawMessage
	Outbox      []json.RawMessage // index = ID-1; nil when deleted
	OutboxIDs   map[string]uint64
	Acks        map[string][]time.Time
	Quarantine  []json.RawMessage
	Incidents   map[string]json.RawMessage
	QuarRaw     [][]byte
	Learned     []recognize.Learned
}

func newMemStore() *memStore {
	return &memStore{state: memState{
		Meta: map[string]string{}, Checkpoints: map[string]message.Checkpoint{}, Jobs: map[string]time.Time{},
		Seq: map[int]int{}, Cases: map[string]json.RawMessage{}, MsgIDs: map[string]string{},
		Messages: map[string][]json.RawMessage{}, Raw: map[string][][]byte{}, Events: map[string][]json.RawMessage{},
		OutboxIDs: map[string]uint64{}, Acks: map[string][]time.Time{}, Incidents: map[string]json.RawMessage{},
	}}
}

func (s *memStore) Update(fn func(Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	saved, err := json.Marshal(s.state)
	if err != nil {
		return err
	}
	if err := fn(&memTx{s: &s.state}); err != nil {
		s.state = memState{}
		if jerr := json.Unmarshal(saved, &s.state); jerr != nil {
			panic(jerr)
		}
		return err
	}
	return nil
}

func (s *memStore) View(fn func(Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn(&memTx{s: &s.state})
}

type memTx struct{ s *memState }

func enc(v any) json.RawMessage {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return data
}

func dec[T any](data json.RawMessage) *T {
	v := new(T)
	if err := json.Unmarshal(data, v); err != nil {
		panic(err)
	}
	return v
}

func (t *memTx) Learned() ([]recognize.Learned, error) {
	return slices.Clone(t.s.Learned), nil
}
func (t *memTx) AddLearned(x recognize.Learned) error {
	t.s.Learned = append(t.s.Learned, x)
	return nil
}
func (t *memTx) ResetLearned() (int, error) {
	n := len(t.s.Learned)
	t.s.Learned = nil
	return n, nil
}

func (t *memTx) Meta(key string) string { return t.s.Meta[key] }
func (t *memTx) SetMeta(key, value string) error {
	t.s.Meta[key] = value
	return nil
}
func (t *memTx) Checkpoint(folder string) (message.Checkpoint, error) {
	return t.s.Checkpoints[folder], nil
}
func (t *memTx) SetCheckpoint(folder string, cp message.Checkpoint) error {
	t.s.Checkpoints[folder] = cp
	return nil
}
func (t *memTx) JobRun(slot string) *time.Time {
	if at, ok := t.s.Jobs[slot]; ok {
		return &at
	}
	return nil
}
func (t *memTx) SetJobRun(slot string, at time.Time) error {
	t.s.Jobs[slot] = at
	return nil
}

func (t *memTx) NextCaseID(year int) (string, error) {
	t.s.Seq[year]++
	return complaint.FormatID(year, uint64(t.s.Seq[year])), nil
}
func (t *memTx) RaiseCaseSeq(year int, n uint64) error {
	t.s.Seq[year] = max(t.s.Seq[year], int(n))
	return nil
}
func (t *memTx) Case(id string) (*complaint.Case, error) {
	data, ok := t.s.Cases[id]
	if !ok {
		return nil, fmt.Errorf("case %s: %w", id, complaint.ErrNotFound)
	}
	return dec[complaint.Case](data), nil
}
func (t *memTx) PutCase(c *complaint.Case) error {
	t.s.Cases[c.ID] = enc(c)
	return nil
}
func (t *memTx) Cases() ([]*complaint.Case, error) {
	var cases []*complaint.Case
	for _, data := range t.s.Cases {
		cases = append(cases, dec[complaint.Case](data))
	}
	slices.SortFunc(cases, func(a, b *complaint.Case) int { return strings.Compare(a.ID, b.ID) })
	return cases, nil
}
func (t *memTx) CasesSince(closedAfter time.Time) ([]*complaint.Case, error) {
	all, _ := t.Cases()
	return slices.DeleteFunc(all, func(c *complaint.Case) bool {
		return c.State == complaint.StateClosed && !c.FollowUp() && (c.ClosedAt == nil || c.ClosedAt.Before(closedAfter))
	}), nil
}
func (t *memTx) CaseByMessageID(msgid string) string { return t.s.MsgIDs[msgid] }
func (t *memTx) IndexMessageID(msgid, caseID string) error {
	if msgid != "" {
		t.s.MsgIDs[msgid] = caseID
	}
	return nil
}
func (t *memTx) UnindexMessageID(msgid string) error {
	delete(t.s.MsgIDs, msgid)
	return nil
}
func (t *memTx) AddMessage(caseID string, m *complaint.Message, raw []byte) error {
	m.Seq = uint64(len(t.s.Messages[caseID]) + 1)
	t.s.Messages[caseID] = append(t.s.Messages[caseID], enc(m))
	t.s.Raw[caseID] = append(t.s.Raw[caseID], bytes.Clone(raw))
	if m.Unverified {
		return nil
	}
	return t.IndexMessageID(m.MessageID, caseID)
}
func (t *memTx) Messages(caseID string) ([]*complaint.Message, error) {
	var msgs []*complaint.Message
	for _, data := range t.s.Messages[caseID] {
		msgs = append(msgs, dec[complaint.Message](data))
	}
	return msgs, nil
}
func (t *memTx) ReplaceMessage(caseID string, m *complaint.Message) error {
	t.s.Messages[caseID][m.Seq-1] = enc(m)
	return nil
}
func (t *memTx) Raw(caseID string, seq uint64) ([]byte, error) {
	raws := t.s.Raw[caseID]
	if seq < 1 || int(seq) > len(raws) || raws[seq-1] == nil {
		return nil, fmt.Errorf("raw %s/%d: %w", caseID, seq, complaint.ErrNotFound)
	}
	return bytes.Clone(raws[seq-1]), nil
}
func (t *memTx) DeleteRaw(caseID string) error {
	for i := range t.s.Raw[caseID] {
		t.s.Raw[caseID][i] = nil
	}
	return nil
}

func (t *memTx) AppendEvent(caseID string, ev *complaint.Event) error {
	prev := ""
	if evs := t.s.Events[caseID]; len(evs) > 0 {
		prev = dec[complaint.Event](evs[len(evs)-1]).Hash
	}
	ev.Link(uint64(len(t.s.Events[caseID])+1), prev)
	t.s.Events[caseID] = append(t.s.Events[caseID], enc(ev))
	return nil
}
func (t *memTx) Events(caseID string) ([]*complaint.Event, error) {
	var evs []*complaint.Event
	for _, data := range t.s.Events[caseID] {
		evs = append(evs, dec[complaint.Event](data))
	}
	return evs, nil
}
func (t *memTx) ReplaceEvent(caseID string, ev *complaint.Event) error {
	t.s.Events[caseID][ev.Seq-1] = enc(ev)
	return nil
}

func (t *memTx) Enqueue(item *outbox.Item) error {
	item.ID = uint64(len(t.s.Outbox) + 1)
	if item.State == "" {
		item.State = outbox.Queued
	}
	t.s.Outbox = append(t.s.Outbox, enc(item))
	t.s.OutboxIDs[item.Mail.MessageID] = item.ID
	if item.CaseID != "" {
		return t.IndexMessageID(item.Mail.MessageID, item.CaseID)
	}
	return nil
}
func (t *memTx) PutOutbox(item *outbox.Item) error {
	t.s.Outbox[item.ID-1] = enc(item)
	return nil
}
func (t *memTx) OutboxItem(id uint64) (*outbox.Item, error) {
	if id < 1 || int(id) > len(t.s.Outbox) || t.s.Outbox[id-1] == nil {
		return nil, fmt.Errorf("outbox %d: %w", id, complaint.ErrNotFound)
	}
	return dec[outbox.Item](t.s.Outbox[id-1]), nil
}
func (t *memTx) OutboxByMessageID(msgid string) (*outbox.Item, error) {
	id, ok := t.s.OutboxIDs[msgid]
	if !ok {
		return nil, nil
	}
	return t.OutboxItem(id)
}
func (t *memTx) items(keep func(*outbox.Item) bool) []*outbox.Item {
	var items []*outbox.Item
	for _, data := range t.s.Outbox {
		if data == nil {
			continue
		}
		if item := dec[outbox.Item](data); keep(item) {
			items = append(items, item)
		}
	}
	return items
}
func (t *memTx) Pending() ([]*outbox.Item, error) {
	return t.items(func(i *outbox.Item) bool { return i.State == outbox.Queued || i.State == outbox.Sending }), nil
}
func (t *memTx) OutboxOf(caseID string) ([]*outbox.Item, error) {
	return t.items(func(i *outbox.Item) bool { return i.CaseID == caseID }), nil
}
func (t *memTx) DeleteOutbox(item *outbox.Item) error {
	delete(t.s.OutboxIDs, item.Mail.MessageID)
	t.s.Outbox[item.ID-1] = nil
	return nil
}

func (t *memTx) AcksSince(addr string, since time.Time) (int, error) {
	n := 0
	for _, at := range t.s.Acks[addr] {
		if !at.Before(since) {
			n++
		}
	}
	return n, nil
}
func (t *memTx) RecordAck(addr string, at, keepAfter time.Time) error {
	kept := []time.Time{at}
	for _, x := range t.s.Acks[addr] {
		if x.After(keepAfter) {
			kept = append(kept, x)
		}
	}
	t.s.Acks[addr] = kept
	return nil
}

func (t *memTx) Quarantine(q *complaint.Quarantined, raw []byte) error {
	t.s.Quarantine = append(t.s.Quarantine, enc(q))
	t.s.QuarRaw = append(t.s.QuarRaw, bytes.Clone(raw))
	return nil
}
func (t *memTx) QuarantineCount() int {
	n := 0
	for _, q := range t.s.Quarantine {
		if q != nil {
			n++
		}
	}
	return n
}
func (t *memTx) PurgeQuarantine(cutoff time.Time) (int, error) {
	n := 0
	for i, data := range t.s.Quarantine {
		if data != nil && dec[complaint.Quarantined](data).ReceivedAt.Before(cutoff) {
			t.s.Quarantine[i], t.s.QuarRaw[i] = nil, nil
			n++
		}
	}
	return n, nil
}
func (t *memTx) MarkCompact() error { return t.SetMeta("compact_pending", "1") }

func (t *memTx) Incident(key string) (*alert.Incident, error) {
	if data, ok := t.s.Incidents[key]; ok {
		return dec[alert.Incident](data), nil
	}
	return nil, nil
}
func (t *memTx) PutIncident(inc *alert.Incident) error {
	t.s.Incidents[inc.Key] = enc(inc)
	return nil
}
func (t *memTx) OpenIncidents() ([]*alert.Incident, error) {
	var open []*alert.Incident
	for _, data := range t.s.Incidents {
		if inc := dec[alert.Incident](data); inc.Open() {
			open = append(open, inc)
		}
	}
	slices.SortFunc(open, func(a, b *alert.Incident) int { return strings.Compare(a.Key, b.Key) })
	return open, nil
}
