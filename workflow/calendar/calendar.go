// Package calendar is the firm's working-day calendar (weekends and Dutch
// public holidays, from rickar/cal's nl package) and the deadlines the
// procedure sets for a case. Pure functions of a case and a time.
//
// It imports only the domain (workflow/complaint); it must not import
// storage, the mail edge or workflow itself.
package calendar

import (
	"math"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/nl"

	"github.com/mcoo/klachtbot/workflow/complaint"
)

// Liberation Day (5 May) is a day off in lustrum years by collective
// agreement in most firms; the firm chooses.
const (
	LiberationLustrum = "lustrum"
	LiberationAlways  = "always"
	LiberationNever   = "never"
)

// Calendar knows the firm's working days (weekends and Dutch public
// holidays from rickar/cal's nl package) and computes deadlines.
type Calendar struct {
	loc               *time.Location
	bc                *cal.BusinessCalendar
	targetDays        int
	firstResponseDays int
	warnDaysBefore    int
	targetWorkday     bool
}

// Settings are the procedure's deadlines and the firm's days off.
type Settings struct {
	Location          *time.Location
	TargetDays        int    // received + this many calendar days
	FirstResponseDays int    // working days for the first response
	WarnDaysBefore    int    // calendar days before the target
	LiberationDay     string // LiberationLustrum, LiberationAlways or LiberationNever
	DaysOff
}

// DaysOff are the firm's choices about its days off: the [procedure] keys
// good_friday and target_on_working_day.
type DaysOff struct {
	GoodFriday bool `toml:"good_friday"` // Goede Vrijdag is a day off
	// TargetOnWorkingDay moves a promised date that falls on a weekend or
	// holiday to the last working day before it, so the firm can keep it
	// (nil: true).
	TargetOnWorkingDay *bool `toml:"target_on_working_day"`
}

// New builds the calendar of the procedure's settings.
func New(cfg Settings) *Calendar {
	bc := cal.NewBusinessCalendar()
	bc.AddHoliday(nl.Nieuwjaar, nl.TweedePaasdag, nl.Koningsdag, nl.Hemelvaart,
		nl.TweedePinksterDag, nl.EersteKerstdag, nl.TweedeKerstdag)
	if cfg.GoodFriday {
		bc.AddHoliday(nl.GoedeVrijdag)
	}
	switch cfg.LiberationDay {
	case LiberationAlways:
		bc.AddHoliday(nl.BevrijdingsDag)
	case LiberationNever:
	default:
		bc.AddHoliday(&cal.Holiday{Name: "Bevrijdingsdag (lustrum)", Type: cal.ObservancePublic,
			Month: time.May, Day: 5, Func: func(h *cal.Holiday, year int) time.Time {
				if year%5 != 0 {
					return time.Time{}
				}
				return cal.CalcDayOfMonth(h, year)
			}})
	}
	return &Calendar{loc: cfg.Location, bc: bc, targetDays: cfg.TargetDays,
		firstResponseDays: cfg.FirstResponseDays, warnDaysBefore: cfg.WarnDaysBefore, targetWorkday: cfg.TargetOnWorkingDay == nil || *cfg.TargetOnWorkingDay}
}

// IsWorkday reports whether t's local date is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool { return c.bc.IsWorkday(t.In(c.loc)) }

// Deadlines are the moments the procedure sets for a case.
type Deadlines struct {
	// FirstResponseDue: the end of the Nth working day after the day of receipt.
	FirstResponseDue time.Time
	// Warn: the target minus warn_days_before calendar days.
	Warn time.Time
	// Target: received + target_days calendar days (same local clock time,
	// across DST), unless a director set a new one.
	Target time.Time
}

// Deadlines is a pure function of the case and the calendar.
func (c *Calendar) Deadlines(cs *complaint.Case) Deadlines {
	received := cs.ReceivedAt.In(c.loc)
	target := cs.TargetAt.In(c.loc)
	if target.IsZero() || cs.TargetAt.IsZero() {
		target = c.Target(received)
	}
	return Deadlines{
		FirstResponseDue: c.AfterWorkdays(received, c.firstResponseDays),
		Warn:             target.AddDate(0, 0, -c.warnDaysBefore),
		Target:           target,
	}
}

// Target is the date the procedure promises for a complaint received at
// received: target_days calendar days later, at the same local clock time,
// moved back to the last working day on or before it when the firm keeps
// its promises on working days.
func (c *Calendar) Target(received time.Time) time.Time {
	return c.Promise(received.In(c.loc).AddDate(0, 0, c.targetDays))
}

// Promise is a date the firm promises a client: t itself, or with
// target_on_working_day the last working day on or before it.
func (c *Calendar) Promise(t time.Time) time.Time {
	t = t.In(c.loc)
	for c.targetWorkday && !c.bc.IsWorkday(t) {
		t = t.AddDate(0, 0, -1)
	}
	return t
}

// AfterWorkdays is the end of the n-th working day after t's date.
func (c *Calendar) AfterWorkdays(t time.Time, n int) time.Time {
	day := c.bc.WorkdaysFrom(StartOfDay(t.In(c.loc)), n)
	return StartOfDay(day).AddDate(0, 0, 1)
}

// DaysLeft counts calendar days from now's date to the target's date
// (negative when overdue).
func (c *Calendar) DaysLeft(target, now time.Time) int {
	return Days(now.In(c.loc), target.In(c.loc))
}

// Location is the calendar's zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// Days counts the days from a's date to b's date, in their zone.
func Days(a, b time.Time) int {
	// Round: a DST change makes a day 23 or 25 hours.
	return int(math.Round(StartOfDay(b).Sub(StartOfDay(a)).Hours() / 24))
}

// StartOfDay is midnight at the start of t's date, in t's zone.
func StartOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// Period is the moments a period of local dates spans: from the start of
// from's date to the start of the day after to's (exclusive). Only the
// year, month and day of from and to count.
func (c *Calendar) Period(from, to time.Time) (start, end time.Time) {
	y, m, d := from.Date()
	start = time.Date(y, m, d, 0, 0, 0, 0, c.loc)
	y, m, d = to.Date()
	return start, time.Date(y, m, d+1, 0, 0, 0, 0, c.loc)
}
