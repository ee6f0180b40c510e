package main

import (
	"errors"
	"io"
)

// runReport writes the evaluation report (being written).
func runReport(cfg *Config, from, to, outDir string, asJSON bool, out io.Writer) error {
	return errors.New("report: not yet")
}
