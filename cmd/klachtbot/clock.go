package main

import (
	"time"

	"github.com/mcoo/klachtbot/workflow"
)

type systemClock struct{ loc *time.Location }

func (c systemClock) Now() time.Time { return time.Now().In(c.loc) }

// serviceClock is the clock of the service and of every command that works
// on the database itself. A test build (-tags testclock) may replace it.
var serviceClock = func(loc *time.Location) workflow.Clock { return systemClock{loc} }
