package calendar

import (
	"testing"
	"time"

	"github.com/mcoo/klachtbot/workflow/complaint"
)

var ams, _ = time.LoadLocation("Europe/Amsterdam")

func testSettings() Settings {
	return Settings{Location: ams, TargetDays: 14, FirstResponseDays: 3, WarnDaysBefore: 4}
}

// calendarDays is the procedure counted in calendar days only, as before target_on_working_day.
func calendarDays() Settings {
	s := testSettings()
	s.TargetOnWorkingDay = new(bool)
	return s
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ams)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDeadlines(t *testing.T) {
	t.Parallel()
	cal := New(calendarDays())
	tests := []struct {
		name, received, due, warn, target string
	}{
		{"monday", "2026-11-23 10:00", "2026-11-27 00:00", "2026-12-03 10:00", "2026-12-07 10:00"},
		{"late on a friday", "2026-11-27 17:30", "2026-12-03 00:00", "2026-12-07 17:30", "2026-12-11 17:30"},
		{"friday just before midnight", "2026-11-27 23:59", "2026-12-03 00:00", "2026-12-07 23:59", "2026-12-11 23:59"},
		{"christmas 2026", "2026-12-22 09:00", "2026-12-29 00:00", "2027-01-01 09:00", "2027-01-05 09:00"},
		{"new year 2027", "2026-12-31 16:00", "2027-01-07 00:00", "2027-01-10 16:00", "2027-01-14 16:00"},
		{"easter 2027 (tweede paasdag)", "2027-03-26 12:00", "2027-04-02 00:00", "2027-04-05 12:00", "2027-04-09 12:00"},
		{"koningsdag 2026", "2026-04-24 12:00", "2026-05-01 00:00", "2026-05-04 12:00", "2026-05-08 12:00"},
		{"bevrijdingsdag 2026 is no lustrum", "2026-05-04 12:00", "2026-05-08 00:00", "2026-05-14 12:00", "2026-05-18 12:00"},
		{"bevrijdingsdag 2025 lustrum", "2025-05-02 12:00", "2025-05-09 00:00", "2025-05-12 12:00", "2025-05-16 12:00"},
		{"hemelvaart 2027", "2027-05-04 12:00", "2027-05-11 00:00", "2027-05-14 12:00", "2027-05-18 12:00"},
		{"pinksteren 2026", "2026-05-22 12:00", "2026-05-29 00:00", "2026-06-01 12:00", "2026-06-05 12:00"},
		// Target keeps the local clock time across the change to winter time (25 Oct 2026).
		{"dst end 2026", "2026-10-20 10:00", "2026-10-24 00:00", "2026-10-30 10:00", "2026-11-03 10:00"},
		// ... and to summer time (28 Mar 2027).
		{"dst start 2027", "2027-03-20 10:00", "2027-03-25 00:00", "2027-03-30 10:00", "2027-04-03 10:00"},
	}
	for _, tt := range tests {
		c := &complaint.Case{ReceivedAt: at(tt.received).UTC()}
		d := cal.Deadlines(c)
		for _, x := range []struct {
			what string
			got  time.Time
			want string
		}{{"first response due", d.FirstResponseDue, tt.due}, {"warning", d.Warn, tt.warn}, {"target", d.Target, tt.target}} {
			if !x.got.Equal(at(x.want)) {
				t.Errorf("%s: %s = %s, want %s", tt.name, x.what, x.got.In(ams).Format("Mon 2006-01-02 15:04 MST"), x.want)
			}
		}
	}
	// Across DST the target is 14 days of clock time, not 336 hours.
	d := cal.Deadlines(&complaint.Case{ReceivedAt: at("2026-10-20 10:00").UTC()})
	if h := d.Target.Sub(at("2026-10-20 10:00")).Hours(); h != 14*24+1 {
		t.Errorf("target is %v hours after receipt across the DST end, want %v", h, 14*24+1)
	}
	// A director's new target wins.
	c := &complaint.Case{ReceivedAt: at("2026-11-23 10:00").UTC(), TargetAt: at("2026-12-20 23:59").UTC()}
	if d := cal.Deadlines(c); !d.Target.Equal(at("2026-12-20 23:59")) || !d.Warn.Equal(at("2026-12-16 23:59")) {
		t.Errorf("new target: %+v", d)
	}
}

func TestLiberationDayChoice(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		choice string
		date   string
		work   bool
	}{
		{LiberationLustrum, "2025-05-05 12:00", false},
		{LiberationLustrum, "2026-05-05 12:00", true},
		{LiberationLustrum, "2030-05-06 12:00", true}, // 5 May 2030 is a Sunday; no observed day
		{LiberationAlways, "2026-05-05 12:00", false},
		{LiberationNever, "2025-05-05 12:00", true},
	} {
		cfg := testSettings()
		cfg.LiberationDay = tt.choice
		if got := New(cfg).IsWorkday(at(tt.date)); got != tt.work {
			t.Errorf("%s %s: workday %v, want %v", tt.choice, tt.date, got, tt.work)
		}
	}
	cfg := testSettings()
	if New(cfg).IsWorkday(at("2026-04-03 12:00")) != true {
		t.Error("Goede Vrijdag is a working day unless configured")
	}
	cfg.GoodFriday = true
	if New(cfg).IsWorkday(at("2026-04-03 12:00")) {
		t.Error("Goede Vrijdag configured as a day off")
	}
}

func TestDaysLeft(t *testing.T) {
	t.Parallel()
	cal := New(testSettings())
	c := &complaint.Case{ReceivedAt: at("2026-10-20 10:00").UTC()} // target 3 Nov, across DST
	for now, want := range map[string]int{"2026-10-20 23:00": 14, "2026-11-02 08:00": 1, "2026-11-03 23:00": 0, "2026-11-05 08:00": -2} {
		if got := cal.DaysLeft(cal.Deadlines(c).Target, at(now)); got != want {
			t.Errorf("days left at %s = %d, want %d", now, got, want)
		}
	}
}

// A promised date never falls on a weekend or a Dutch holiday: it moves to
// the last working day on or before received + 14 days.
func TestTargetOnWorkingDay(t *testing.T) {
	t.Parallel()
	s := testSettings() // target_on_working_day defaults to true
	cal := New(s)
	for _, tt := range []struct{ name, received, want string }{
		{"sunday: the friday before the sunday two weeks later", "2026-11-29 10:00", "2026-12-11 10:00"},
		{"a working day stays", "2026-11-23 10:00", "2026-12-07 10:00"},
		{"eerste kerstdag, a friday", "2026-12-11 09:00", "2026-12-24 09:00"},
		{"tweede kerstdag, a saturday", "2026-12-12 09:00", "2026-12-24 09:00"},
		{"nieuwjaar 2027", "2026-12-18 16:00", "2026-12-31 16:00"},
		{"koningsdag 2027", "2027-04-13 12:00", "2027-04-26 12:00"},
		{"across DST, the same clock time", "2026-10-16 12:00", "2026-10-30 12:00"},
	} {
		if got := cal.Target(at(tt.received)); !got.Equal(at(tt.want)) {
			t.Errorf("%s: Target(%s) = %s, want %s", tt.name, tt.received, got.Format("Mon 2006-01-02 15:04"), tt.want)
		}
		if got := cal.Deadlines(&complaint.Case{ReceivedAt: at(tt.received)}).Target; !got.Equal(at(tt.want)) {
			t.Errorf("%s: Deadlines target %s, want %s", tt.name, got, tt.want)
		}
	}
	s.TargetOnWorkingDay = new(bool)
	if got := New(s).Target(at("2026-11-29 10:00")); !got.Equal(at("2026-12-13 10:00")) {
		t.Errorf("without target_on_working_day: %s, want the sunday", got)
	}
}
