package workflow

import (
	"math"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/nl"

	"github.com/mcoo/klachtbot/storage"
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
}

// NewCalendar builds the calendar of the procedure's settings.
func NewCalendar(cfg Config) *Calendar {
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
		firstResponseDays: cfg.FirstResponseDays, warnDaysBefore: cfg.WarnDaysBefore}
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
func (c *Calendar) Deadlines(cs *storage.Case) Deadlines {
	received := cs.ReceivedAt.In(c.loc)
	day := c.bc.WorkdaysFrom(startOfDay(received), c.firstResponseDays)
	target := cs.TargetAt.In(c.loc)
	if target.IsZero() || cs.TargetAt.IsZero() {
		target = received.AddDate(0, 0, c.targetDays)
	}
	return Deadlines{
		FirstResponseDue: startOfDay(day).AddDate(0, 0, 1),
		Warn:             target.AddDate(0, 0, -c.warnDaysBefore),
		Target:           target,
	}
}

// DaysLeft counts calendar days from now's date to the target's date
// (negative when overdue).
func (c *Calendar) DaysLeft(target, now time.Time) int {
	return calendarDays(now.In(c.loc), target.In(c.loc))
}

// calendarDays counts the days from a's date to b's date, in their zone.
func calendarDays(a, b time.Time) int {
	// Round: a DST change makes a day 23 or 25 hours.
	return int(math.Round(startOfDay(b).Sub(startOfDay(a)).Hours() / 24))
}

func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}
