package evaluation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/calendar"
	"github.com/mcoo/klachtbot/workflow/complaint"
)

// Page is the model of templates/html/report.html.
type Page struct {
	Title                           string
	From, To, Generated             time.Time
	AsOf                            time.Time // the date open and overdue are counted on
	E                               *Evaluation
	Late                            int
	TargetDays                      int
	FirstResponseDays               int
	Open                            []reportOpen
	Categories, Directors, Channels []reportGroup
	Charts                          struct {
		Months, Handling, Share, Categories, Directors, Channels template.HTML
		Satisfied, Measures                                      template.HTML
	}
}

type reportGroup struct {
	Name, Detail                string
	Count, Closed, Within, Open int
	Share                       string
	Satisfied                   string // "2 van 3 (66,7%)", or "" without answers
}

type reportOpen struct {
	ID, Director     string
	Received, Target time.Time
	Overdue          bool
	DaysOver         int
}

// PageOf is the report page of an evaluation of the period from to to,
// generated at now. directors maps an address to a director's name.
func PageOf(ev *Evaluation, cal *calendar.Settings, directors map[string]string, from, to, now time.Time) *Page {
	p := &Page{From: from, To: to, Generated: now, E: ev, Late: ev.WithinTarget.Closed - ev.WithinTarget.Within,
		TargetDays: cal.TargetDays, FirstResponseDays: cal.FirstResponseDays}
	p.AsOf, _ = time.ParseInLocation("2006-01-02", ev.AsOfDate, cal.Location)
	p.Title = "Evaluatie klachten " + templates.DateNL(from) + " – " + templates.DateNL(to)
	if from.YearDay() == 1 && to.Month() == time.December && to.Day() == 31 && from.Year() == to.Year() {
		p.Title = fmt.Sprintf("Evaluatie klachten %d", from.Year())
	}

	director := func(addr string) (name, detail string) {
		if n := directors[strings.ToLower(addr)]; n != "" {
			return n, addr
		}
		return addr, ""
	}
	group := func(g Group, name, detail string) reportGroup {
		r := reportGroup{Name: name, Detail: detail, Count: g.Count, Closed: g.Closed, Within: g.WithinTarget, Open: g.OpenAtEnd}
		if g.Closed > 0 {
			r.Share = templates.Decimal(float64(g.WithinTarget) * 100 / float64(g.Closed))
		}
		r.Satisfied = satisfiedOf(g.Satisfaction)
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
	var chanBars []templates.Bar
	for _, g := range ev.PerChannel {
		p.Channels = append(p.Channels, group(g, g.Name, ""))
		chanBars = append(chanBars, templates.Bar{Label: g.Name, Value: float64(g.Count)})
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
	p.Charts.Channels = templates.HBarChart("Klachten per kanaal", chanBars, 660)
	s := ev.Satisfaction
	p.Charts.Satisfied = templates.ShareDonut("Tevreden over de afhandeling", s.Satisfied, s.Satisfied+s.NotSatisfied, "tevreden")
	var pairs []templates.Pair
	for _, m := range ev.MeasureEffects {
		pairs = append(pairs, templates.Pair{Label: m.Category + ", sinds " + templates.DateNL(m.At.In(cal.Location)) + "\n" + m.Text, Before: m.Before, After: m.After})
	}
	p.Charts.Measures = templates.BeforeAfterChart("Klachten per categorie vóór en na elke maatregel", pairs, 660)
	return p
}

// satisfiedOf says how many of the answers to the closing question were "ja".
func satisfiedOf(s Satisfaction) string {
	answers := s.Satisfied + s.NotSatisfied
	if answers == 0 {
		return ""
	}
	return fmt.Sprintf("%d van %d (%s%%)", s.Satisfied, answers, templates.Decimal(s.Share))
}

// WriteFiles writes report.html (the page) and cases.csv into dir, each
// replaced whole so that a reader never sees half a report.
func (ev *Evaluation) WriteFiles(dir string, page *Page, loc *time.Location, tpl ...templates.Source) error {
	set, err := templates.Pick(tpl)
	if err != nil {
		return err
	}
	html, err := set.ReportHTML(page)
	if err != nil {
		return fmt.Errorf("render report.html: %w", err)
	}
	var rows bytes.Buffer
	if err := ev.WriteCSV(&rows, loc); err != nil {
		return fmt.Errorf("cases.csv: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for name, data := range map[string][]byte{"report.html": []byte(html), "cases.csv": rows.Bytes()} {
		if err := writeFileAtomic(filepath.Join(dir, name), data); err != nil {
			return err
		}
	}
	return nil
}

// writeFileAtomic replaces path with data, mode 0600.
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

// ParsePeriod reads the first and last day of a report (--from, --to) as
// local dates.
func ParsePeriod(from, to string, loc *time.Location) (start, end time.Time, err error) {
	day := func(flag, s string) (time.Time, error) {
		if s == "" {
			return time.Time{}, fmt.Errorf("%s is required, e.g. %s 2026-01-01", flag, flag)
		}
		t, err := time.ParseInLocation("2006-01-02", s, loc)
		if err != nil {
			return time.Time{}, fmt.Errorf("%s %q is not a date like 2026-01-01", flag, s)
		}
		return t, nil
	}
	if start, err = day("--from", from); err != nil {
		return
	}
	if end, err = day("--to", to); err != nil {
		return
	}
	if end.Before(start) {
		err = fmt.Errorf("--from %s is after --to %s", from, to)
	}
	return
}

// WriteSummary prints the main figures in three lines.
func (ev *Evaluation) WriteSummary(out io.Writer) {
	fmt.Fprintf(out, "report %s to %s: %d complaints (%d more closed as not a complaint, left out)\n", ev.From, ev.To, ev.Total, ev.NotComplaint)
	fmt.Fprintf(out, "  closed %d, within target %d (%.1f%%), median handling time %.1f days\n",
		ev.HandlingTime.Closed, ev.WithinTarget.Within, ev.WithinTarget.Share, ev.HandlingTime.MedianDays)
	fmt.Fprintf(out, "  open on %s: %d, overdue %d\n", ev.AsOfDate, ev.OpenAtEnd.Open, ev.OpenAtEnd.Overdue)
}

// Report evaluates the cases received from start to end as of now, writes
// report.html and cases.csv into outDir (when given), and prints the
// figures on out: as JSON, or a summary. directors maps an address to a name.
func Report(cases []*complaint.Case, cal calendar.Settings, directors map[string]string, start, end, now time.Time, outDir string, asJSON bool, out io.Writer, tpl ...templates.Source) error {
	ev := Evaluate(calendar.New(cal), cases, start, end, now)
	if outDir != "" {
		if err := ev.WriteFiles(outDir, PageOf(ev, &cal, directors, start, end, now), cal.Location, tpl...); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(ev)
	}
	ev.WriteSummary(out)
	_, err := fmt.Fprintf(out, "wrote %s and %s\n", filepath.Join(outDir, "report.html"), filepath.Join(outDir, "cases.csv"))
	return err
}
