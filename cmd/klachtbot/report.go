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
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/evaluation"
)

// allCases is every case in full, for the evaluation; the running service
// serves it on GET /cases-full.
func allCases(tx *storage.Tx) ([]*complaint.Case, error) {
	cases, err := tx.Cases()
	if err != nil {
		return nil, fmt.Errorf("read cases: %w", err)
	}
	return cases, nil
}

// runReport writes the evaluation report of the complaints received from
// from to to: report.html and cases.csv in outDir, and with asJSON the
// figures as JSON on out.
func runReport(cfg *Config, from, to, outDir string, asJSON bool, out io.Writer) error {
	start, err := reportDate("--from", from, cfg.loc)
	if err != nil {
		return err
	}
	end, err := reportDate("--to", to, cfg.loc)
	if err != nil {
		return err
	}
	if end.Before(start) {
		return fmt.Errorf("report: --from %s is after --to %s", from, to)
	}
	if outDir == "" && !asJSON {
		return errors.New("report: --out DIR is required (or --json to print the figures)")
	}
	cases, err := query(cfg, "/cases-full", allCases)
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
	fmt.Fprintf(out, "report %s to %s: %d complaints (%d more closed as not a complaint, left out)\n", ev.From, ev.To, ev.Total, ev.NotComplaint)
	fmt.Fprintf(out, "  closed %d, within target %d (%.1f%%), median handling time %.1f days\n",
		ev.HandlingTime.Closed, ev.WithinTarget.Within, ev.WithinTarget.Share, ev.HandlingTime.MedianDays)
	fmt.Fprintf(out, "  open on %s: %d, overdue %d\n", ev.AsOfDate, ev.OpenAtEnd.Open, ev.OpenAtEnd.Overdue)
	fmt.Fprintf(out, "wrote %s and %s\n", filepath.Join(outDir, "report.html"), filepath.Join(outDir, "cases.csv"))
	return nil
}

func reportDate(flag, s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("report: %s is required, e.g. %s 2026-01-01", flag, flag)
	}
	t, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("report: %s %q is not a date like 2026-01-01", flag, s)
	}
	return t, nil
}
