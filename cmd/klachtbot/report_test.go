package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/storage"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/evaluation"
)

const reportCategory = "<b>Termijnen & co</b>"

// reportStore writes a year of complaints whose figures are known by
// construction. Everything lies before November 2026, so the figures are the
// same whether the report is made on 31 December or earlier:
//
//   - 30 complaints i = 0..29, three a month January to October, on the 5th,
//     12th and 19th at 09:30;
//   - closed after 2, 6, 12, 18, 30 days by i%5; i = 27 is open with a new
//     target in 2027, i = 28 and 29 are open and past their target;
//   - category by i%3: reportCategory, facturering, none; director by i%2:
//     hans, marco; first response after a day, none when i%3 == 2;
//   - two not-complaints, and one case of 2025.
func reportStore(t *testing.T) string {
	t.Helper()
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "klachtbot.db")
	st, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var cases []*complaint.Case
	for i := 0; i < 30; i++ {
		received := time.Date(2026, time.Month(i/3+1), 5+7*(i%3), 9, 30, 0, 0, ams)
		c := &complaint.Case{ID: fmt.Sprintf("KL-2026-%04d", i+1), State: complaint.StateClosed,
			Client: fmt.Sprintf("client%d@geheim.example", i), ClientName: "Geheime Naam", Subject: "Geheim onderwerp",
			Director: []string{"hans@mcoo.nl", "marco@mcoo.nl"}[i%2], ReceivedAt: received, TargetAt: received.AddDate(0, 0, 14),
			Category: []string{reportCategory, "facturering", ""}[i%3]}
		switch i {
		case 27:
			c.State, c.TargetAt = complaint.StateWaiting, time.Date(2027, 1, 10, 12, 0, 0, 0, ams)
		case 28, 29:
			c.State = complaint.StateOpen
		default:
			closed := received.AddDate(0, 0, []int{2, 6, 12, 18, 30}[i%5])
			c.ClosedAt = &closed
		}
		if i%3 != 2 {
			r := received.Add(24 * time.Hour)
			c.FirstResponseAt = &r
		}
		cases = append(cases, c)
	}
	cases[0].Measures = []string{"Termijnen in de <gedeelde> agenda"}
	cases[4].Measures = []string{"+31 nummer: binnen een dag terugbellen"}
	for n, m := range []time.Month{time.March, time.July} {
		d := time.Date(2026, m, 1, 10, 0, 0, 0, ams)
		cases = append(cases, &complaint.Case{ID: fmt.Sprintf("KL-2026-%04d", 40+n), State: complaint.StateClosed, NotComplaint: true,
			Director: "marco@mcoo.nl", ReceivedAt: d, TargetAt: d.AddDate(0, 0, 14), ClosedAt: &d})
	}
	old := time.Date(2025, 12, 31, 22, 0, 0, 0, ams)
	cases = append(cases, &complaint.Case{ID: "KL-2025-0099", State: complaint.StateOpen, Director: "hans@mcoo.nl",
		ReceivedAt: old, TargetAt: old.AddDate(0, 0, 14)})
	err = st.Update(func(tx *storage.Tx) error {
		for _, c := range cases {
			if err := tx.PutCase(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReport(t *testing.T) {
	cfg := cliConfig(t, reportStore(t))
	outDir := filepath.Join(t.TempDir(), "evaluatie")
	if d := os.Getenv("KLACHTBOT_TEST_OUT"); d != "" {
		outDir = filepath.Join(d, "evaluatie")
	}
	args := []string{"report", "--config", cfg, "--from", "2026-01-01", "--to", "2026-12-31"}

	stdout, stderr, err := klachtbot(t, append(args, "--json")...)
	if err != nil {
		t.Fatalf("report --json: %v\n%s%s", err, stdout, stderr)
	}
	var ev evaluation.Evaluation
	if err := json.Unmarshal([]byte(stdout), &ev); err != nil {
		t.Fatalf("report --json: %v\n%s", err, stdout)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("total", ev.Total, 30)
	check("not complaint", ev.NotComplaint, 2)
	var months []int
	for _, m := range ev.PerMonth {
		months = append(months, m.Count)
	}
	check("per month", months, []int{3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0})
	var buckets []int
	for _, b := range ev.HandlingTime.Buckets {
		buckets = append(buckets, b.Count)
	}
	check("buckets", buckets, []int{6, 6, 5, 5, 0, 5}) // 2, 6, 12, 18, 30 days
	check("within target", ev.WithinTarget, evaluation.WithinTarget{Closed: 27, Within: 17, Share: 63.0})
	check("median handling", ev.HandlingTime.MedianDays, 12.0)
	check("mean handling", ev.HandlingTime.MeanDays, 12.9) // (6·2 + 6·6 + 5·12 + 5·18 + 5·30) / 27
	check("first response", ev.FirstResponse, evaluation.FirstResponse{Responded: 20, Without: 10, MedianDays: 1, MeanDays: 1, OnTime: 20, OnTimeShare: 100})
	check("open", [2]int{ev.OpenAtEnd.Open, ev.OpenAtEnd.Overdue}, [2]int{3, 2})
	check("per category", ev.PerCategory, []evaluation.Group{
		{Name: reportCategory, Count: 10, Closed: 9, WithinTarget: 5, OpenAtEnd: 1},
		{Name: "facturering", Count: 10, Closed: 9, WithinTarget: 6, OpenAtEnd: 1},
		{Name: evaluation.NoCategory, Count: 10, Closed: 9, WithinTarget: 6, OpenAtEnd: 1},
	})
	check("per director", ev.PerDirector, []evaluation.Group{
		{Name: "hans@mcoo.nl", Count: 15, Closed: 14, WithinTarget: 9, OpenAtEnd: 1},
		{Name: "marco@mcoo.nl", Count: 15, Closed: 13, WithinTarget: 8, OpenAtEnd: 2},
	})
	check("measures", ev.Measures, []evaluation.MeasureCategory{
		{Category: reportCategory, Measures: []evaluation.Measure{{Case: "KL-2026-0001", Text: "Termijnen in de <gedeelde> agenda"}}},
		{Category: "facturering", Measures: []evaluation.Measure{{Case: "KL-2026-0005", Text: "+31 nummer: binnen een dag terugbellen"}}},
	})

	stdout, stderr, err = klachtbot(t, append(args, "--out", outDir)...)
	if err != nil {
		t.Fatalf("report: %v\n%s%s", err, stdout, stderr)
	}
	for _, want := range []string{"30 complaints", "within target 17 (63.0%)", "report.html", "cases.csv"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	for _, name := range []string{"", "report.html", "cases.csv"} {
		info, err := os.Stat(filepath.Join(outDir, name))
		if err != nil {
			t.Fatal(err)
		}
		want := os.FileMode(0o600)
		if name == "" {
			want = 0o700 | os.ModeDir
		}
		if info.Mode() != want {
			t.Errorf("%s: mode %v, want %v", filepath.Join(outDir, name), info.Mode(), want)
		}
	}

	b, err := os.ReadFile(filepath.Join(outDir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	// Per month, handling time, within target, per category, per director,
	// per channel, before and after the measures (no client was asked
	// whether they are satisfied: no chart of that).
	if n := strings.Count(page, "<svg"); n != 7 {
		t.Errorf("report.html has %d charts, want 7", n)
	}
	if !strings.Contains(page, "Per kanaal") {
		t.Error("report.html has no complaints per channel")
	}
	asOf := "31 december 2026"
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	// The report is as of today in Amsterdam, not in the machine's zone.
	if now := time.Now().In(ams); now.Before(time.Date(2027, 1, 1, 0, 0, 0, 0, ams)) {
		asOf = fmt.Sprintf("%d %s %d", now.Day(), []string{"januari", "februari", "maart", "april", "mei", "juni", "juli",
			"augustus", "september", "oktober", "november", "december"}[now.Month()-1], now.Year())
	}
	for _, want := range []string{"Evaluatie klachten 2026", "Aantal klachten per maand", "Afhandeltijd",
		"Binnen de streeftermijn afgehandeld", "Eerste reactie", "Open en over de termijn op " + asOf, "Per categorie",
		"Per directeur", "Maatregelen tegen herhaling", "Geen klacht (niet meegeteld)", "63,0%",
		"&lt;b&gt;Termijnen &amp; co&lt;/b&gt;", "Termijnen in de &lt;gedeelde&gt; agenda", "KL-2026-0030", "@page"} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	// The clients' details ("geheim"; the report's own "geheimhoudingsverklaring" aside).
	for _, bad := range []string{"<script", "<b>", "http://", "https://", "@import", "url(", "geheim.example", "Geheim"} {
		if strings.Contains(page, bad) {
			t.Errorf("report.html contains %q", bad)
		}
	}

	b, err = os.ReadFile(filepath.Join(outDir, "cases.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "geheim.example") || strings.Contains(string(b), "Geheim") {
		t.Error("cases.csv holds a client's address, name or subject")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("cases.csv: %v", err)
	}
	check("csv header", rows[0], []string{"zaak", "ontvangen", "streefdatum", "eerste_reactie", "afgehandeld", "status",
		"directeur", "categorie", "binnen_termijn", "geen_klacht", "maatregelen", "kanaal",
		"tevreden", "betrokkenen_gevraagd", "betrokkenen_gereageerd", "extern_advies", "geheimhouding_getekend"})
	if len(rows) != 1+32 {
		t.Fatalf("cases.csv has %d rows, want 32 and a header", len(rows)-1)
	}
	byID := map[string][]string{}
	notComplaint := 0
	for _, row := range rows[1:] {
		byID[row[0]] = row
		if row[9] == "ja" {
			notComplaint++
		}
	}
	check("csv not-complaints", notComplaint, 2)
	check("csv KL-2026-0001", byID["KL-2026-0001"], []string{"KL-2026-0001", "2026-01-05 09:30", "2026-01-19 09:30",
		"2026-01-06 09:30", "2026-01-07 09:30", "afgehandeld", "hans@mcoo.nl", reportCategory, "ja", "nee", "Termijnen in de <gedeelde> agenda", "mail", "", "0", "0", "0", "0"})
	check("csv KL-2026-0005", byID["KL-2026-0005"][8:], []string{"nee", "nee", "'+31 nummer: binnen een dag terugbellen", "mail", "", "0", "0", "0", "0"})
	check("csv KL-2026-0028", byID["KL-2026-0028"], []string{"KL-2026-0028", "2026-10-05 09:30", "2027-01-10 12:00",
		"2026-10-06 09:30", "", "wacht op cliënt", "marco@mcoo.nl", reportCategory, "", "nee", "", "mail", "", "0", "0", "0", "0"})
	check("csv KL-2026-0040", byID["KL-2026-0040"][8:10], []string{"", "ja"})

	t.Run("errors", func(t *testing.T) {
		for _, tt := range []struct {
			args []string
			want string
		}{
			{[]string{"--to", "2026-12-31", "--out", outDir}, "--from is required"},
			{[]string{"--from", "2026-01-01", "--out", outDir}, "--to is required"},
			{[]string{"--from", "2026-13-01", "--to", "2026-12-31", "--out", outDir}, `--from "2026-13-01" is not a date`},
			{[]string{"--from", "2026-12-31", "--to", "2026-01-01", "--out", outDir}, "--from 2026-12-31 is after --to 2026-01-01"},
			{[]string{"--from", "2026-01-01", "--to", "2026-12-31"}, "--out DIR is required"},
		} {
			_, stderr, err := klachtbot(t, append([]string{"report", "--config", cfg}, tt.args...)...)
			if err == nil || !strings.Contains(stderr, tt.want) {
				t.Errorf("report %v: %v, stderr %q; want %q", tt.args, err, stderr, tt.want)
			}
		}
	})

	t.Run("chromium", func(t *testing.T) {
		const chromium = "/usr/bin/chromium"
		if _, err := os.Stat(chromium); err != nil {
			t.Skip("no chromium to render the report with:", err)
		}
		for _, tt := range []struct{ flag, file string }{
			{"--print-to-pdf=", "report.pdf"},
			{"--screenshot=", "report.png"},
		} {
			out := filepath.Join(outDir, tt.file)
			cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--user-data-dir="+t.TempDir(), "--window-size=1200,1800", tt.flag+out,
				"file://"+filepath.Join(outDir, "report.html"))
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("chromium %s: %v\n%s", tt.file, err, msg)
			}
			info, err := os.Stat(out)
			if err != nil || info.Size() == 0 {
				t.Fatalf("chromium wrote no %s: %v", tt.file, err)
			}
			t.Logf("rendered %s (%d bytes)", out, info.Size())
		}
	})
}
