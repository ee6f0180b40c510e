package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mcoo/klachtbot/storage"
	"github.com/mcoo/klachtbot/workflow/evaluation"
)

// runReport writes the evaluation report of the complaints received from
// from to to: report.html and cases.csv in outDir, and with asJSON the
// figures as JSON on out.
func runReport(cfg *Config, from, to, outDir string, asJSON bool, out io.Writer) error {
	start, end, err := evaluation.ParsePeriod(from, to, cfg.Loc)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if outDir == "" && !asJSON {
		return errors.New("report: --out DIR is required (or --json to print the figures)")
	}
	cases, err := query(cfg, "/cases-full", (*storage.Tx).Cases)
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("report: the running service does not serve /cases-full (an older klachtbot?); restart it with this version: %w", err)
	}
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	names := map[string]string{}
	for _, d := range cfg.Directors {
		names[strings.ToLower(d.Address)] = d.Name
	}
	return evaluation.Report(cases, cfg.Workflow().Settings, names, start, end, serviceClock(cfg.Loc).Now(), outDir, asJSON, out, cfg.Voice.In(cfg.Dir))
}
