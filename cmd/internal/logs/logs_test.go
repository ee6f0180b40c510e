package logs

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestZone: the record's time and time attributes are written in the
// configured zone, whatever zone they were made in.
func TestZone(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	retry := time.Date(2026, 12, 8, 7, 0, 0, 0, time.UTC)
	for _, format := range []string{"json", "text"} {
		var buf bytes.Buffer
		New(&buf, "info", format, ams).Info("mail not sent", "retry_at", retry)
		line := buf.String()
		if format == "json" {
			var rec struct {
				Time    time.Time `json:"time"`
				RetryAt string    `json:"retry_at"`
			}
			if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
				t.Fatal(err)
			}
			if _, off := rec.Time.Zone(); off != offset(ams, rec.Time) {
				t.Errorf("json: time %v not in Amsterdam time", rec.Time)
			}
			if rec.RetryAt != "2026-12-08T08:00:00+01:00" {
				t.Errorf("json: retry_at %q", rec.RetryAt)
			}
			continue
		}
		if !strings.Contains(line, "retry_at=2026-12-08T08:00:00.000+01:00") || strings.Contains(line, "Z ") {
			t.Errorf("text: %s", line)
		}
	}
}

func offset(loc *time.Location, t time.Time) int {
	_, off := t.In(loc).Zone()
	return off
}

func TestLevel(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, "warn", "text", time.UTC)
	log.Info("hidden")
	log.Warn("shown")
	if strings.Contains(buf.String(), "hidden") || !strings.Contains(buf.String(), "shown") {
		t.Errorf("level warn: %s", buf.String())
	}
}
