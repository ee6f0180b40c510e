package jobs

import (
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

func at(s string) time.Time {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ams)
	if err != nil {
		panic(err)
	}
	return t
}

func TestLastSlot(t *testing.T) {
	t.Parallel()
	for spec, want := range map[string]string{
		"0 8 * * 1-5": "2026-11-24 08:00", // Tuesday
		"0 8 * * 6":   "2026-11-21 08:00", // last Saturday
		"30 23 * * *": "2026-11-23 23:30",
		"0 8 30 2 *":  "", // never
		"0 8 1 1 *":   "", // more than a week ago
	} {
		s, err := cron.ParseStandard(spec)
		if err != nil {
			t.Fatal(err)
		}
		got := lastSlot(s, at("2026-11-24 09:00"))
		if (want == "" && !got.IsZero()) || (want != "" && !got.Equal(at(want))) {
			t.Errorf("lastSlot(%s) = %v, want %s", spec, got, want)
		}
	}
}
