package main

import (
	"errors"
	"io"
)

// runCheck validates the configuration against the real servers (being written).
func runCheck(cfg *Config, out io.Writer) error { return errors.New("check: not yet") }
