package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/storage"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow"
)

// allCases is every case in full, for the evaluation; the running service
// serves it on GET /cases-full.
func allCases(tx *storage.Tx) ([]*storage.Case, error) {
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
	cal := workflow.NewCalendar(cfg.workflowConfig())
	ev := workflow.Evaluate(cal, cases, start, end, now)

	if outDir != "" {
		page, err := templates.ReportHTML(reportPageOf(cfg, ev, start, end, now))
		if err != nil {
			return fmt.Errorf("report: render report.html: %w", err)
		}
		var rows bytes.Buffer
		if err := writeCasesCSV(&rows, cfg, cal, cases, start, end); err != nil {
			return fmt.Errorf("report: cases.csv: %w", err)
		}
		if err := os.MkdirAll(outDir, 0o700); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		for name, data := range map[string][]byte{"report.html": []byte(page), "cases.csv": rows.Bytes()} {
			if err := writeFileAtomic(filepath.Join(outDir, name), data); err != nil {
				return fmt.Errorf("report: %w", err)
			}
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

// writeFileAtomic replaces path with data, mode 0600, so a reader never
// sees half a report.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after the rename there is nothing left to remove
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(f.Name(), path)
}

// The page model of templates/html/report.html.
type reportPage struct {
	Title                 string
	From, To, Generated   time.Time
	AsOf                  time.Time // the date open and overdue are counted on
	E                     *workflow.Evaluation
	Late                  int
	TargetDays            int
	FirstResponseDays     int
	Open                  []reportOpen
	Categories, Directors []reportGroup
	Charts                struct{ Months, Handling, Share, Categories, Directors template.HTML }
}

type reportGroup struct {
	Name, Detail                string
	Count, Closed, Within, Open int
	Share                       string
}

type reportOpen struct {
	ID, Director     string
	Received, Target time.Time
	Overdue          bool
	DaysOver         int
}

func reportPageOf(cfg *Config, ev *workflow.Evaluation, from, to, now time.Time) *reportPage {
	p := &reportPage{From: from, To: to, Generated: now, E: ev, Late: ev.WithinTarget.Closed - ev.WithinTarget.Within,
		TargetDays: cfg.Procedure.TargetDays, FirstResponseDays: cfg.Procedure.FirstResponseDays}
	p.AsOf, _ = time.ParseInLocation("2006-01-02", ev.AsOfDate, cfg.loc)
	p.Title = "Evaluatie klachten " + templates.DateNL(from) + " – " + templates.DateNL(to)
	if from.YearDay() == 1 && to.Month() == time.December && to.Day() == 31 && from.Year() == to.Year() {
		p.Title = fmt.Sprintf("Evaluatie klachten %d", from.Year())
	}

	names := map[string]string{}
	for _, d := range cfg.Directors {
		names[strings.ToLower(d.Address)] = d.Name
	}
	director := func(addr string) (name, detail string) {
		if n := names[addr]; n != "" {
			return n, addr
		}
		return addr, ""
	}
	group := func(g workflow.Group, name, detail string) reportGroup {
		r := reportGroup{Name: name, Detail: detail, Count: g.Count, Closed: g.Closed, Within: g.WithinTarget, Open: g.OpenAtEnd}
		if g.Closed > 0 {
			r.Share = templates.Decimal(float64(g.WithinTarget) * 100 / float64(g.Closed))
		}
		return r
	}
	var catBars, dirBars []templates.Bar
	for _, g := range ev.PerCategory {
		p.Categories = append(p.Categories, group(g, g.Name, ""))
		catBars = append(catBars, templates.Bar{Label: g.Name, Value: float64(g.Count)})
	}
	for _, g := range ev.PerDirector {
		name, detail := director(g.Name)
		p.Directors = append(p.Directors, group(g, name, detail))
		dirBars = append(dirBars, templates.Bar{Label: name, Value: float64(g.Count)})
	}
	for _, c := range ev.OpenAtEnd.Cases {
		name, _ := director(c.Director)
		p.Open = append(p.Open, reportOpen{ID: c.ID, Director: name, Received: c.Received, Target: c.Target,
			Overdue: c.Overdue, DaysOver: c.DaysOver})
	}

	// One year: the months need no year under them.
	oneYear := len(ev.PerMonth) > 0 && ev.PerMonth[0].Month[:4] == ev.PerMonth[len(ev.PerMonth)-1].Month[:4]
	var months []templates.Bar
	for _, m := range ev.PerMonth {
		label := strings.Replace(m.Label, " ", "\n", 1)
		if oneYear {
			label, _, _ = strings.Cut(m.Label, " ")
		}
		months = append(months, templates.Bar{Label: label, Value: float64(m.Count)})
	}
	var buckets []templates.Bar
	for _, b := range ev.HandlingTime.Buckets {
		buckets = append(buckets, templates.Bar{Label: b.Label, Value: float64(b.Count)})
	}
	p.Charts.Months = templates.BarChart("Aantal klachten per maand", months, 660, 210)
	p.Charts.Handling = templates.Histogram("Afhandeltijd in dagen", buckets, "dagen van ontvangst tot afhandeling", 660, 190)
	p.Charts.Share = templates.ShareDonut("Binnen de streeftermijn afgehandeld", ev.WithinTarget.Within, ev.WithinTarget.Closed, "binnen termijn")
	p.Charts.Categories = templates.HBarChart("Klachten per categorie", catBars, 660)
	p.Charts.Directors = templates.HBarChart("Klachten per directeur", dirBars, 660)
	return p
}

var csvHeader = []string{"zaak", "ontvangen", "streefdatum", "eerste_reactie", "afgehandeld", "status", "directeur",
	"categorie", "binnen_termijn", "geen_klacht", "maatregelen"}

// writeCasesCSV writes one row per case received in the period, the
// not-complaints included and marked. Least data: no client, no subject.
// Semicolons and a byte order mark, because Dutch Excel expects both.
func writeCasesCSV(w io.Writer, cfg *Config, cal *workflow.Calendar, cases []*storage.Case, from, to time.Time) error {
	start, end := cal.Period(from, to)
	var rows []*storage.Case
	for _, c := range cases {
		if !c.ReceivedAt.Before(start) && c.ReceivedAt.Before(end) {
			rows = append(rows, c)
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		return a.ReceivedAt.Before(b.ReceivedAt) || a.ReceivedAt.Equal(b.ReceivedAt) && a.ID < b.ID
	})
	io.WriteString(w, "\ufeff")
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.Write(csvHeader)
	at := func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return ""
		}
		return t.In(cfg.loc).Format("2006-01-02 15:04")
	}
	yesNo := map[bool]string{true: "ja", false: "nee"}
	for _, c := range rows {
		target := cal.Deadlines(c).Target
		within := ""
		if c.ClosedAt != nil && !c.NotComplaint {
			within = yesNo[!c.ClosedAt.After(target)]
		}
		var measures []string
		for _, m := range c.Measures {
			if m = strings.TrimSpace(m); m != "" {
				measures = append(measures, m)
			}
		}
		cw.Write([]string{c.ID, at(&c.ReceivedAt), at(&target), at(c.FirstResponseAt), at(c.ClosedAt),
			workflow.StateNL(c.State), strings.ToLower(c.Director), cell(c.Category), within, yesNo[c.NotComplaint],
			cell(strings.Join(measures, " | "))})
	}
	cw.Flush()
	return cw.Error()
}

// cell keeps a spreadsheet from reading what a director wrote as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
