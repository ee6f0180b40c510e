package cli

import (
	"errors"
	"time"
)

// DayStart is the hour a date alone stands for: the digest's.
const DayStart = 8

// ParseTime reads a moment as `tick --now` takes it: RFC 3339, or
// "2026-12-08T09:30" (also with seconds, or a space for the T) in loc, or a
// date alone, which is DayStart o'clock that day in loc.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if d, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return time.Date(d.Year(), d.Month(), d.Day(), DayStart, 0, 0, 0, loc), nil
	}
	return time.Time{}, errors.New("expected a date (2026-12-08) or a time (2026-12-08T09:30 or RFC 3339)")
}
