package complaint

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// EventKind is what an event records, stored as its code ("mail-sent").
// labels.go has the Dutch name of each.
type EventKind string

// Event kinds on a case's audit trail.
const (
	EvReceived        EventKind = "received"
	EvFollowUp        EventKind = "follow-up"
	EvDirectorMessage EventKind = "director-response"
	EvOtherMessage    EventKind = "message"
	EvAckQueued       EventKind = "ack-queued"
	EvAckSuppressed   EventKind = "ack-suppressed"
	EvMailSent        EventKind = "mail-sent"
	EvMailFailed      EventKind = "mail-failed"
	EvMailRetry       EventKind = "mail-retry"
	EvMalformed       EventKind = "malformed"
	EvStateChanged    EventKind = "state-changed"
	EvCommand         EventKind = "command"
	EvCommandRejected EventKind = "command-rejected" // not understood: nothing changed
	EvCommandRefused  EventKind = "command-refused"  // no authority, or not allowed
	EvConsent         EventKind = "consent"
	EvMailQueued      EventKind = "mail-queued"
	EvPurged          EventKind = "anonymised"      // retention, or a held mail that was no complaint
	EvTriage          EventKind = "triage"          // held for a director's decision
	EvAckBounced      EventKind = "ack-bounced"     // the acknowledgement came back: the client has no receipt
	EvMailBounced     EventKind = "mail-bounced"    // another mail the bot sent came back
	EvMailDelayed     EventKind = "mail-delayed"    // a delay report: nothing changes
	EvConsulted       EventKind = "consulted"       // a staff member was asked for their side (#betrokkene)
	EvStaffResponse   EventKind = "staff-response"  // the staff member answered
	EvSatisfaction    EventKind = "satisfaction"    // the client's answer to the closing question, or none
	EvConfidentiality EventKind = "confidentiality" // an expert's signed statement is on the case
)

// EventKinds lists every kind, for the labels and their test.
var EventKinds = []EventKind{EvReceived, EvFollowUp, EvDirectorMessage, EvOtherMessage, EvAckQueued, EvAckSuppressed,
	EvMailSent, EvMailFailed, EvMailRetry, EvMalformed, EvStateChanged, EvCommand, EvCommandRejected, EvCommandRefused,
	EvConsent, EvMailQueued, EvPurged, EvTriage, EvAckBounced, EvMailBounced, EvMailDelayed,
	EvConsulted, EvStaffResponse, EvSatisfaction, EvConfidentiality}

// Event is one entry of a case's append-only, hash-chained audit trail.
//
// The chain covers salted digests of the fields that may name a person
// (actor, message ID, detail), not the fields themselves: retention erases
// those fields and the salt, and the chain still verifies while the digests
// reveal nothing. See Link, Hash and Erase.
type Event struct {
	Seq       uint64    `json:"seq"`
	At        time.Time `json:"at"`
	Kind      EventKind `json:"kind"`
	Actor     string    `json:"actor"`
	MessageID string    `json:"message_id,omitempty"`
	Detail    string    `json:"detail,omitempty"`
	Salt      string    `json:"salt,omitempty"` // gone once erased
	Sums      [3]string `json:"sums"`           // digests of actor, message_id, detail
	Erased    bool      `json:"erased,omitempty"`
	// RawSum is the SHA-256 of the original bytes of the message the event
	// records (MessageID), so the chain vouches for the stored mail too.
	RawSum string `json:"raw_sum,omitempty"`
	Prev   string `json:"prev"`
	Hash   string `json:"hash"`
}

// HashRule tells a reviewer how to recompute Event.Hash without klachtbot.
const HashRule = `Each event: sums = [d("actor"), d("message_id"), d("detail")] with ` +
	`d(name) = hex(sha256(salt + "\x00" + name + "\x00" + value)); ` +
	`hash = hex(sha256(prev + JSON {"seq":…,"at":…,"kind":…,"sums":[…,…,…],"raw_sum":…})), JSON as Go's encoding/json writes it, ` +
	`"raw_sum" (hex sha256 of the original .eml the event records) only when the event has one ` +
	`(no whitespace, at in RFC 3339 UTC with a fraction of a second only when not zero, <, > and & as \u003c, \u003e, \u0026). ` +
	`prev is the hash of the event before, "" for the first. An event erased by retention keeps its sums ` +
	`but no longer its salt and personal fields, so only its hash and link can be checked.`

// Link makes ev the seq-th event of a trail whose last hash is prev: it
// gets a fresh salt, its digests and its hash.
func (ev *Event) Link(seq uint64, prev string) {
	var salt [16]byte
	if _, err := rand.Read(salt[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	ev.Seq, ev.Prev, ev.Salt = seq, prev, hex.EncodeToString(salt[:])
	ev.At = ev.At.UTC() // the hash must survive a JSON round trip
	ev.Seal()
}

// Seal computes an event's digests from its fields and salt, and its hash
// from those and Prev.
func (ev *Event) Seal() {
	ev.Sums = ev.fieldSums()
	ev.Hash = ev.ChainHash()
}

// ChainHash is the chained hash of an event:
// hex(sha256(prev + JSON {seq, at, kind, sums})), with at in RFC 3339 UTC.
func (ev *Event) ChainHash() string {
	data, _ := json.Marshal(struct {
		Seq    uint64    `json:"seq"`
		At     time.Time `json:"at"`
		Kind   EventKind `json:"kind"`
		Sums   [3]string `json:"sums"`
		RawSum string    `json:"raw_sum,omitempty"`
	}{ev.Seq, ev.At.UTC(), ev.Kind, ev.Sums, ev.RawSum}) // plain fields: cannot fail
	sum := sha256.Sum256(append([]byte(ev.Prev), data...))
	return hex.EncodeToString(sum[:])
}

// fieldSum is the salted digest of one personal field.
func fieldSum(salt, name, value string) string {
	sum := sha256.Sum256([]byte(salt + "\x00" + name + "\x00" + value))
	return hex.EncodeToString(sum[:])
}

func (ev *Event) fieldSums() [3]string {
	return [3]string{fieldSum(ev.Salt, "actor", ev.Actor), fieldSum(ev.Salt, "message_id", ev.MessageID), fieldSum(ev.Salt, "detail", ev.Detail)}
}

// Erase removes the personal fields of an event and its salt. The digests
// stay, so the chain still verifies; without the salt they cannot be
// matched against guesses.
func (ev *Event) Erase() {
	ev.Actor, ev.MessageID, ev.Detail, ev.Salt, ev.Erased = "", "", "", "", true
}

// Broken is the first link of a case's audit trail that does not hold.
type Broken struct {
	CaseID string `json:"case_id"`
	Seq    uint64 `json:"seq"` // 0 when the trail could not be read at all
	Reason string `json:"reason"`
}

func (b Broken) String() string {
	if b.Seq == 0 {
		return fmt.Sprintf("%s: %s", b.CaseID, b.Reason)
	}
	return fmt.Sprintf("%s: event %d: %s", b.CaseID, b.Seq, b.Reason)
}

// VerifyChain checks a case's audit trail, in order: every event's hash
// matches its content and the hash of the one before, and no event is
// missing. It returns the first broken link, nil when the trail holds.
func VerifyChain(caseID string, evs []*Event) *Broken {
	prev := ""
	for i, ev := range evs {
		switch {
		case ev.Seq != uint64(i+1):
			return &Broken{caseID, ev.Seq, fmt.Sprintf("sequence gap: expected event %d", i+1)}
		case ev.Prev != prev:
			return &Broken{caseID, ev.Seq, "does not link to the event before it"}
		case !ev.Erased && ev.fieldSums() != ev.Sums:
			return &Broken{caseID, ev.Seq, "content does not match its digests (edited)"}
		case ev.ChainHash() != ev.Hash:
			return &Broken{caseID, ev.Seq, "content does not match its hash (edited)"}
		}
		prev = ev.Hash
	}
	return nil
}
