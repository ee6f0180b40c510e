package logs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
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
		New(&buf, Options{Level: "info", Format: format, Loc: ams}).Info("mail not sent", "retry_at", retry)
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
	log := New(&buf, Options{Level: "warn", Format: "text", Loc: time.UTC})
	log.Info("hidden")
	log.Warn("shown")
	if strings.Contains(buf.String(), "hidden") || !strings.Contains(buf.String(), "shown") {
		t.Errorf("level warn: %s", buf.String())
	}
}

// TestRedact: above debug, an address outside the firm's domains is written
// as its hash wherever it stands (an attribute, an error, a list); the
// firm's own stay readable; at debug everything is written as it is.
func TestRedact(t *testing.T) {
	client, other := "Jan.Jansen@example.nl", "piet@voorbeeld.nl"
	sendErr := fmt.Errorf("send <ack.1@mcoo.nl> via smtp.mcoo.nl:587: %w", errors.New("550 5.1.1 <"+other+">: Recipient address rejected"))
	for _, format := range []string{"text", "json"} {
		for _, level := range []string{"info", "debug"} {
			var buf bytes.Buffer
			log := New(&buf, Options{Level: level, Format: format, Loc: time.UTC, Own: []string{"mcoo.nl"}})
			log.With("to", []string{client, "hans@mcoo.nl"}).Warn("mail not sent, will retry", "err", sendErr, "client", client, "case", "KL-2026-0007", "director", "marco@MCOO.nl")
			out := buf.String()
			full := level == "debug"
			for _, s := range []string{client, other} {
				if strings.Contains(out, s) != full {
					t.Errorf("%s %s: %q written: %v, want %v\n%s", format, level, s, !full, full, out)
				}
				if strings.Contains(out, message.Redact(s)) == full {
					t.Errorf("%s %s: %s (%s) redacted: %v, want %v\n%s", format, level, message.Redact(s), s, full, !full, out)
				}
			}
			for _, s := range []string{"KL-2026-0007", "marco@MCOO.nl", "hans@mcoo.nl", "<ack.1@mcoo.nl>", "Recipient address rejected"} {
				if !strings.Contains(out, s) {
					t.Errorf("%s %s: %q missing:\n%s", format, level, s, out)
				}
			}
		}
	}
}

// TestMessageIDs: a Message-ID is written as it is at every level, though it
// looks like an address, so a log line can be matched to its mail; control
// characters in it do not reach the log.
func TestMessageIDs(t *testing.T) {
	tests := []struct{ id, want string }{
		{"<CAH7tUq9vX0rQz3p8=Kd1mJ5cNw@mail.gmail.com>", "<CAH7tUq9vX0rQz3p8=Kd1mJ5cNw@mail.gmail.com>"},
		{"<ack.1@mcoo.nl>", "<ack.1@mcoo.nl>"},
		{"<a\r\nlevel=ERROR msg=forged@example.nl>", "<a  level=ERROR msg=forged@example.nl>"},
		{"<x\x1b[31m@example.nl>", "<x [31m@example.nl>"},
	}
	for _, tt := range tests {
		for _, level := range []string{"info", "debug"} {
			var buf bytes.Buffer
			New(&buf, Options{Level: level, Format: "json", Loc: time.UTC, Own: []string{"mcoo.nl"}}).Info("mail sent", "message_id", tt.id)
			var rec struct {
				MessageID string `json:"message_id"`
			}
			if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
				t.Fatal(err)
			}
			if rec.MessageID != tt.want {
				t.Errorf("%s: message_id %q written as %q, want %q", level, tt.id, rec.MessageID, tt.want)
			}
		}
	}
}
