package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/storage"
	"github.com/mcoo/klachtbot/workflow/calendar"
	"github.com/mcoo/klachtbot/workflow/evaluation"
)

// runReport writes the evaluation report of the complaints received from
// from to to: report.html and cases.csv in outDir, and with asJSON the
// figures as JSON on out.
func runReport(cfg *Config, from, to, outDir string, asJSON bool, out io.Writer) error {
	start, end, err := evaluation.ParsePeriod(from, to, cfg.loc)
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
	now := time.Now().In(cfg.loc)
	wc := cfg.workflowConfig()
	ev := evaluation.Evaluate(calendar.New(wc.Settings), cases, start, end, now)
	if outDir != "" {
		names := map[string]string{}
		for _, d := range cfg.Directors {
			names[strings.ToLower(d.Address)] = d.Name
		}
		if err := ev.WriteFiles(outDir, evaluation.PageOf(ev, &wc.Settings, names, start, end, now), cfg.loc); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	if asJSON {
		return printJSON(out, ev)
	}
	ev.WriteSummary(out)
	_, err = fmt.Fprintf(out, "wrote %s and %s\n", filepath.Join(outDir, "report.html"), filepath.Join(outDir, "cases.csv"))
	return err
}
