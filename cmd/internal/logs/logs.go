// Package logs builds the service's logger: slog with the configured level
// and format, every time in the configured zone (as the rest of klachtbot,
// digests, listings and cron, shows them), and above debug no client
// address: logs are kept apart from the cases and retention never reaches
// them.
package logs

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
	"unicode"

	"github.com/mcoo/klachtbot/mailbox/message"
)

// Options are the configuration's log settings.
type Options struct {
	Level  string // "debug", "info", "warn", "error"
	Format string // "text" or "json"
	Loc    *time.Location
	// Own are the firm's domains: their addresses (directors, the bot) are
	// written in full; every other address, also one quoted in an error
	// (an SMTP server's "550 <jan@example.nl> unknown"), as
	// message.Redact gives it, unless Level is debug.
	Own []string
}

// idKeys are the attributes that hold Message-IDs. They look like addresses
// but name the sending mail server, not a person, so they are written as they
// are, at every level: a log line can be matched to its mail. Control
// characters (which a stranger may put in a header) become spaces.
var idKeys = map[string]bool{"message_id": true, "in_reply_to": true, "references": true}

func noControl(r rune) rune {
	if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
		return ' '
	}
	return r
}

// New returns a logger writing to w.
func New(w io.Writer, o Options) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(o.Level)); err != nil {
		l = slog.LevelInfo // the configuration is validated before; a typo must not silence the log
	}
	redact := l > slog.LevelDebug
	opts := &slog.HandlerOptions{Level: l, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		switch v := a.Value; {
		case v.Kind() == slog.KindTime:
			a.Value = slog.TimeValue(v.Time().In(o.Loc))
		case idKeys[a.Key] && v.Kind() == slog.KindString:
			a.Value = slog.StringValue(strings.Map(noControl, v.String()))
		case !redact:
		case v.Kind() == slog.KindString:
			a.Value = slog.StringValue(message.RedactText(v.String(), o.Own))
		case v.Kind() == slog.KindAny:
			switch x := v.Any().(type) {
			case error:
				if s := x.Error(); message.RedactText(s, o.Own) != s {
					a.Value = slog.StringValue(message.RedactText(s, o.Own))
				}
			case []string:
				out := make([]string, len(x))
				for i, s := range x {
					out[i] = message.RedactText(s, o.Own)
				}
				a.Value = slog.AnyValue(out)
			case fmt.Stringer:
				if s := x.String(); message.RedactText(s, o.Own) != s {
					a.Value = slog.StringValue(message.RedactText(s, o.Own))
				}
			}
		}
		return a
	}}
	if o.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
