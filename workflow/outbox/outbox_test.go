package outbox_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// The named types keep the stored JSON: an item written before them reads
// the same, and writes the same strings.
func TestItemJSON(t *testing.T) {
	t.Parallel()
	stored := `{"id":7,"case_id":"KL-2026-0001","kind":"new-term","state":"sending","last_kind":"temporary"}`
	var it outbox.Item
	if err := json.Unmarshal([]byte(stored), &it); err != nil {
		t.Fatal(err)
	}
	if it.Kind != outbox.KindNewTerm || it.State != outbox.Sending || it.LastKind != "temporary" {
		t.Errorf("read %+v", it)
	}
	out, err := json.Marshal(&it)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"kind":"new-term"`, `"state":"sending"`, `"last_kind":"temporary"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("%s lacks %s", out, want)
		}
	}
}

// Every kind of mail reads in Dutch where the audit trail records it: in a
// queued mail's detail and in the record of its sending.
func TestKindsReadInDutch(t *testing.T) {
	t.Parallel()
	seen := map[outbox.Kind]bool{}
	for _, k := range outbox.Kinds {
		if seen[k] {
			t.Errorf("kind %q listed twice", k)
		}
		seen[k] = true
		for _, d := range []string{
			complaint.Detail(complaint.DetQueued, "kind", string(k), "to", "marco@mcoo.nl"),
			string(k) + " to marco@mcoo.nl",     // MarkSent
			string(k) + ": 451 try again later", // a failed attempt
		} {
			if nl := complaint.DetailNL(d); strings.Contains(nl, string(k)) || strings.Contains(nl, " to ") {
				t.Errorf("DetailNL(%q) = %q: not Dutch", d, nl)
			}
		}
	}
}
