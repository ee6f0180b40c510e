// Package logs builds the service's logger: slog with the configured level
// and format, and every time in the configured zone, as the rest of
// klachtbot (digests, listings, cron) shows them.
package logs

import (
	"io"
	"log/slog"
	"time"
)

// New returns a logger writing to w at level ("debug", "info", "warn",
// "error") in format ("text" or "json"), times in loc.
func New(w io.Writer, level, format string, loc *time.Location) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo // the configuration is validated before; a typo must not silence the log
	}
	opts := &slog.HandlerOptions{Level: l, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Value.Kind() == slog.KindTime {
			a.Value = slog.TimeValue(a.Value.Time().In(loc))
		}
		return a
	}}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
