//go:build testclock

package main

import (
	"fmt"
	"os"
	"time"

	"github.com/mcoo/klachtbot/workflow"
)

// In a test build only (the end-to-end tests build the binary with -tags
// testclock), KLACHTBOT_TEST_CLOCK_OFFSET (a duration such as "-27h30m")
// shifts the clock; it runs as the real one does, so timeouts and backoff
// behave as usual, and every process of one test run shares the same time.
// A release build never reads the variable.
func init() {
	v := os.Getenv("KLACHTBOT_TEST_CLOCK_OFFSET")
	if v == "" {
		return
	}
	offset, err := time.ParseDuration(v)
	if err != nil {
		fmt.Fprintf(os.Stderr, "KLACHTBOT_TEST_CLOCK_OFFSET: %v\n", err)
		os.Exit(2)
	}
	serviceClock = func(loc *time.Location) workflow.Clock { return shiftedClock{offset, loc} }
}

type shiftedClock struct {
	offset time.Duration
	loc    *time.Location
}

func (c shiftedClock) Now() time.Time { return time.Now().Add(c.offset).In(c.loc) }
