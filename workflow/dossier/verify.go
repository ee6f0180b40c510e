package dossier

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/mcoo/klachtbot/workflow/complaint"
)

// Report is the outcome of checking every case's audit trail. It travels
// over the control socket as JSON.
type Report struct {
	OK     bool               `json:"ok"`
	Cases  int                `json:"cases"`
	Events int                `json:"events"`
	Broken []complaint.Broken `json:"broken"`
	// Seal is set when the store was checked against a digest's seal.
	Seal *SealCheck `json:"seal,omitempty"`
}

// SealCheck is what a digest's seal vouched for and whether the store still
// holds it.
type SealCheck struct {
	At     time.Time `json:"at"`
	Cases  int       `json:"cases"`
	Events int       `json:"events"`
	Holds  bool      `json:"holds"` // no case missing, and the record as of At hashes to the seal
}

// VerifyAll checks the hash chain of every case. A trail that cannot be
// read is reported as broken rather than aborting, so one bad case does not
// hide the state of the others.
func VerifyAll(tx Reader) (*Report, error) {
	cases, err := tx.Cases()
	if err != nil {
		return nil, fmt.Errorf("verify: list cases: %w", err)
	}
	r := &Report{Broken: []complaint.Broken{}}
	for _, c := range cases {
		n, broken := verifyCase(tx, c.ID)
		r.Cases++
		r.Events += n
		if broken != nil {
			r.Broken = append(r.Broken, *broken)
		}
	}
	r.OK = len(r.Broken) == 0
	return r, nil
}

// verifyCase returns the number of events and the first broken link, if any.
func verifyCase(tx Reader, id string) (int, *complaint.Broken) {
	evs, err := tx.Events(id)
	switch {
	case err != nil:
		return 0, &complaint.Broken{CaseID: id, Reason: "audit trail unreadable: " + err.Error()}
	case len(evs) == 0:
		// Opening a case writes its first event in the same transaction.
		return 0, &complaint.Broken{CaseID: id, Reason: "no events: the audit trail is missing"}
	}
	if b := complaint.VerifyChain(id, evs); b != nil {
		return len(evs), b
	}
	return len(evs), verifyOriginals(tx, id, evs)
}

// verifyOriginals checks the stored mails against the digests the chain
// vouches for: every original still there and unchanged.
func verifyOriginals(tx Reader, id string, evs []*complaint.Event) *complaint.Broken {
	msgs, err := tx.Messages(id)
	if err != nil {
		return &complaint.Broken{CaseID: id, Reason: "messages unreadable: " + err.Error()}
	}
	have := map[string]bool{}
	for _, m := range msgs {
		if m.SHA256 == "" || m.Anonymised {
			continue
		}
		raw, err := tx.Raw(id, m.Seq)
		if err != nil {
			return &complaint.Broken{CaseID: id, Reason: fmt.Sprintf("message %d: the original is missing", m.Seq)}
		}
		sum := sha256.Sum256(raw)
		if hex.EncodeToString(sum[:]) != m.SHA256 {
			return &complaint.Broken{CaseID: id, Reason: fmt.Sprintf("message %d: the original does not match its digest (changed)", m.Seq)}
		}
		have[m.SHA256] = true
	}
	for _, ev := range evs {
		if ev.RawSum != "" && !ev.Erased && !have[ev.RawSum] {
			anonymised := false
			for _, m := range msgs {
				anonymised = anonymised || m.Anonymised && m.SHA256 == ev.RawSum
			}
			if !anonymised {
				return &complaint.Broken{CaseID: id, Seq: ev.Seq, Reason: "the mail it vouches for is missing or changed"}
			}
		}
	}
	return nil
}

// Print reports the outcome, as text or JSON; it returns an error when any
// chain is broken so that the command exits non-zero.
func (r *Report) Print(out io.Writer, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else {
		for _, b := range r.Broken {
			fmt.Fprintln(out, b)
		}
		status := "every chain intact"
		if len(r.Broken) > 0 {
			status = fmt.Sprintf("audit trail broken in %d case(s)", len(r.Broken))
		}
		if _, err := fmt.Fprintf(out, "verified %d cases, %d events: %s\n", r.Cases, r.Events, status); err != nil {
			return err
		}
		if s := r.Seal; s != nil {
			verdict := "the store still holds everything it vouched for"
			if !s.Holds {
				verdict = "the store no longer holds what it vouched for (above)"
			}
			if _, err := fmt.Fprintf(out, "seal checked: as of %s, %d cases and %d events: %s\n", s.At.Format(time.RFC3339), s.Cases, s.Events, verdict); err != nil {
				return err
			}
		}
	}
	// r.OK is not trusted alone: the report may come from another process.
	if !r.OK || len(r.Broken) > 0 {
		return fmt.Errorf("audit trail broken in %d case(s)", len(r.Broken))
	}
	return nil
}
