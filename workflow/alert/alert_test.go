package alert

import (
	"encoding/json"
	"strings"
	"testing"
)

// An incident stored before Kind was a named type reads, and writes, the
// same kind.
func TestIncidentKindJSON(t *testing.T) {
	t.Parallel()
	for _, kind := range []Kind{KindMailbox, KindSending, KindUndeliverable, KindBounce, KindQuarantine, KindRateLimit, KindJob} {
		stored := `{"key":"k","kind":"` + string(kind) + `","title":"t","what":"","meaning":"","todo":"","lasting":false,"since":"2026-11-24T10:00:00Z","last_alert":"2026-11-24T10:00:00Z","reports":1}`
		var inc Incident
		if err := json.Unmarshal([]byte(stored), &inc); err != nil {
			t.Fatal(err)
		}
		if inc.Kind != kind {
			t.Errorf("stored kind %q read as %q", kind, inc.Kind)
		}
		out, _ := json.Marshal(&inc)
		if !strings.Contains(string(out), `"kind":"`+string(kind)+`"`) {
			t.Errorf("kind %q written as %s", kind, out)
		}
	}
}
