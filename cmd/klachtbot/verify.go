package main

import (
	"fmt"
	"io"

	"github.com/mcoo/klachtbot/storage"
)

// verifyReport is the outcome of checking every case's audit trail. It
// travels over the control socket as JSON.
type verifyReport struct {
	OK     bool         `json:"ok"`
	Cases  int          `json:"cases"`
	Events int          `json:"events"`
	Broken []brokenLink `json:"broken"`
}

// brokenLink is the first link of one case's chain that does not hold.
type brokenLink struct {
	CaseID string `json:"case_id"`
	Seq    uint64 `json:"seq"` // 0 when the trail could not be read at all
	Reason string `json:"reason"`
}

func (b brokenLink) String() string {
	if b.Seq == 0 {
		return fmt.Sprintf("%s: %s", b.CaseID, b.Reason)
	}
	return fmt.Sprintf("%s: event %d: %s", b.CaseID, b.Seq, b.Reason)
}

// verifyAll checks the hash chain of every case. A trail that cannot be
// read is reported as broken rather than aborting, so one bad case does not
// hide the state of the others.
func verifyAll(tx *storage.Tx) (*verifyReport, error) {
	cases, err := tx.Cases()
	if err != nil {
		return nil, fmt.Errorf("verify: list cases: %w", err)
	}
	r := &verifyReport{Broken: []brokenLink{}}
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
func verifyCase(tx *storage.Tx, id string) (int, *brokenLink) {
	n, b, err := tx.VerifyChain(id)
	switch {
	case err != nil:
		return n, &brokenLink{CaseID: id, Reason: "audit trail unreadable: " + err.Error()}
	case b != nil:
		return n, &brokenLink{CaseID: b.CaseID, Seq: b.Seq, Reason: b.Reason}
	case n == 0:
		// Opening a case writes its first event in the same transaction.
		return 0, &brokenLink{CaseID: id, Reason: "no events: the audit trail is missing"}
	}
	return n, nil
}

// printVerify reports the outcome; it returns an error when any chain is
// broken so that the command exits non-zero.
func printVerify(out io.Writer, r *verifyReport, asJSON bool) error {
	if asJSON {
		if err := printJSON(out, r); err != nil {
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
	}
	// r.OK is not trusted alone: the report may come from another process.
	if !r.OK || len(r.Broken) > 0 {
		return fmt.Errorf("audit trail broken in %d case(s)", len(r.Broken))
	}
	return nil
}
