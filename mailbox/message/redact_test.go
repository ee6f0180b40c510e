package message

import (
	"bytes"
	"log/slog"
	"regexp"
	"testing"
)

func TestRedact(t *testing.T) {
	a := Redact("jan.jansen@example.nl")
	if !regexp.MustCompile(`^addr:[0-9a-f]{8}$`).MatchString(a) {
		t.Errorf("Redact: %q", a)
	}
	// One address, one value, however it is written; another, another.
	if Redact(" Jan.Jansen@Example.NL") != a || Redact("piet@example.nl") == a {
		t.Errorf("Redact does not tell addresses apart as addresses: %q %q %q", a, Redact(" Jan.Jansen@Example.NL"), Redact("piet@example.nl"))
	}

	var buf bytes.Buffer
	info := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	debug := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if got := LogAddr(info, "jan.jansen@example.nl"); got != a {
		t.Errorf("LogAddr at info: %q", got)
	}
	if got := LogAddr(debug, "jan.jansen@example.nl"); got != "jan.jansen@example.nl" {
		t.Errorf("LogAddr at debug: %q", got)
	}
	if got := LogAddr(info, ""); got != "" {
		t.Errorf("LogAddr of nothing: %q", got)
	}
}

func TestRedactText(t *testing.T) {
	keep := []string{"mcoo.nl"}
	tests := []struct{ in, want string }{
		{"550 5.1.1 <jan.jansen@example.nl>: Recipient address rejected", "550 5.1.1 <" + Redact("jan.jansen@example.nl") + ">: Recipient address rejected"},
		{"jan+klacht@sub.example.nl 5.0.0; marco@mcoo.nl ok", Redact("jan+klacht@sub.example.nl") + " 5.0.0; marco@mcoo.nl ok"},
		{"Hans@MCOO.NL", "Hans@MCOO.NL"},
		{"no address @ all", "no address @ all"},
		{"KL-2026-0007", "KL-2026-0007"},
	}
	for _, tt := range tests {
		if got := RedactText(tt.in, keep); got != tt.want {
			t.Errorf("RedactText(%q)\ngot  %q\nwant %q", tt.in, got, tt.want)
		}
	}
}
