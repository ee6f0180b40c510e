package main

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/storage"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/dossier"
)

// tamper edits the detail of one stored event without re-chaining it, as
// someone editing the database file would.
func tamper(t *testing.T, db, caseID string, seq uint64) {
	t.Helper()
	st, err := storage.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Update(func(tx *storage.Tx) error {
		evs, err := tx.Events(caseID)
		if err != nil {
			return err
		}
		ev := evs[seq-1]
		ev.Detail += " (achteraf aangepast)"
		return tx.ReplaceEvent(caseID, ev)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func verifyDB(t *testing.T, db string) *dossier.Report {
	t.Helper()
	st, err := storage.OpenReadOnly(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var r *dossier.Report
	if err := st.View(func(tx *storage.Tx) (err error) { r, err = dossier.VerifyAll(tx); return err }); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestVerifyIntact(t *testing.T) {
	db, _ := fixtureStore(t)
	r := verifyDB(t, db)
	if !r.OK || r.Cases != 2 || r.Events != 8 || len(r.Broken) != 0 {
		t.Errorf("report = %+v", r)
	}
	var out bytes.Buffer
	if err := r.Print(&out, false); err != nil {
		t.Errorf("Print: %v", err)
	}
	if want := "verified 2 cases, 8 events: every chain intact\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}

	stdout, stderr, err := klachtbot(t, "verify", "--config", cliConfig(t, db))
	if err != nil || !strings.Contains(stdout, "every chain intact") {
		t.Errorf("klachtbot verify: %v\n%s%s", err, stdout, stderr)
	}
}

func TestVerifyTampered(t *testing.T) {
	db, _ := fixtureStore(t)
	tamper(t, db, caseA, 4)
	r := verifyDB(t, db)
	want := []complaint.Broken{{CaseID: caseA, Seq: 4, Reason: "content does not match its digests (edited)"}}
	if r.OK || r.Cases != 2 || r.Events != 8 || !slices.Equal(r.Broken, want) {
		t.Errorf("report = %+v, want broken %+v", r, want)
	}

	cfg := cliConfig(t, db)
	stdout, stderr, err := klachtbot(t, "verify", "--config", cfg)
	if err == nil {
		t.Error("klachtbot verify exited 0 on a tampered trail")
	}
	if want := caseA + ": event 4: content does not match its digests (edited)\n"; !strings.HasPrefix(stdout, want) {
		t.Errorf("stdout %q, want it to start with %q", stdout, want)
	}
	if !strings.Contains(stderr, "audit trail broken in 1 case(s)") {
		t.Errorf("stderr %q", stderr)
	}

	stdout, _, err = klachtbot(t, "verify", "--config", cfg, "--json")
	var got dossier.Report
	if jerr := json.Unmarshal([]byte(stdout), &got); jerr != nil || err == nil || got.OK || !slices.Equal(got.Broken, want) {
		t.Errorf("verify --json: exit %v, decode %v, report %+v", err, jerr, got)
	}
}

// Re-hashing the edited event does not help: the next one no longer links.
func TestVerifyRehashed(t *testing.T) {
	db, _ := fixtureStore(t)
	st, err := storage.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(func(tx *storage.Tx) error {
		evs, err := tx.Events(caseB)
		if err != nil {
			return err
		}
		evs[0].Actor = "iemand anders"
		evs[0].Seal() // digests and hash made to fit the edit
		return tx.ReplaceEvent(caseB, evs[0])
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	r := verifyDB(t, db)
	want := []complaint.Broken{{CaseID: caseB, Seq: 2, Reason: "does not link to the event before it"}}
	if r.OK || !slices.Equal(r.Broken, want) {
		t.Errorf("report = %+v, want broken %+v", r, want)
	}
}

// A case whose whole trail is gone has no link to break, but is not intact.
func TestVerifyMissingTrail(t *testing.T) {
	db, _ := fixtureStore(t)
	st, err := storage.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(func(tx *storage.Tx) error {
		return tx.PutCase(&complaint.Case{ID: "KL-2026-0003", State: complaint.StateOpen})
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	r := verifyDB(t, db)
	if r.OK || r.Cases != 3 || len(r.Broken) != 1 || r.Broken[0].CaseID != "KL-2026-0003" || r.Broken[0].Seq != 0 {
		t.Errorf("report = %+v", r)
	}
	var out bytes.Buffer
	if err := r.Print(&out, false); err == nil || !strings.Contains(out.String(), "KL-2026-0003: no events") {
		t.Errorf("Print: %v\n%s", err, out.String())
	}
}
