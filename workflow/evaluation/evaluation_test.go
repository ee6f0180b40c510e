package evaluation

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/calendar"
	"github.com/mcoo/klachtbot/workflow/complaint"
)

// evaluationFixture is a year of complaints whose figures are known by
// construction (see the comments; TestEvaluate asserts them):
//
//   - 36 regular cases i = 0..35: month m gets m%3+2 of them (3 4 2 3 4 2 3 4 2 3 4 2),
//     received on day 3, 11, 19, 27 at 10:00.
//   - closed after 1, 5, 10, 14, 20, 25|40 days by i%6 (at 09:00, so the date
//     difference is exactly that); i%12 == 4 got a new target of 21 days, so
//     its 20 days are within; i%12 == 5 took 25 days, i%12 == 11 took 40.
//   - i = 33 is still open, i = 34 (3 December) was closed on 5 January 2027
//     after 33 days, i = 35 is open with a new target in 2027.
//   - first response after 6h, 24h, 48h by i%4; i%4 == 3 after 7 days when
//     i%8 == 3, else none.
//   - category by i%5: termijnen, communicatie, facturering, termijnen, none;
//     director hans when i%3 == 0, else marco (i%3 == 2 spelt Marco@MCOO.nl).
//   - E1 received 1 January 00:05 (31 December UTC), closed 2 days later;
//     E2 received 31 December 23:50 (still open).
//   - 3 not-complaints, and 2 cases just outside the year.
func evaluationFixture() []*complaint.Case {
	var cases []*complaint.Case
	i := 0
	for m := time.January; m <= time.December; m++ {
		for k := 0; k < int(m)%3+2; k++ {
			received := time.Date(2026, m, 3+8*k, 10, 0, 0, 0, ams)
			c := &complaint.Case{ID: fmt.Sprintf("KL-2026-%04d", i+1), State: complaint.StateClosed,
				Client: fmt.Sprintf("client%d@example.nl", i), Subject: "klacht", ReceivedAt: received,
				TargetAt: received.AddDate(0, 0, 14), Director: "marco@mcoo.nl"}
			days := []int{1, 5, 10, 14, 20, 40}[i%6]
			if i%12 == 5 {
				days = 25
			}
			if i%12 == 4 {
				c.TargetAt = received.AddDate(0, 0, 21)
			}
			switch i {
			case 33:
				days = -1
			case 34:
				days = 33
			case 35:
				days = -1
				c.TargetAt = time.Date(2027, 1, 15, 12, 0, 0, 0, ams)
			}
			if days >= 0 {
				closed := received.AddDate(0, 0, days).Add(-time.Hour)
				c.ClosedAt = &closed
			} else {
				c.State = complaint.StateOpen
			}
			if h := []int{6, 24, 48, 168}[i%4]; i%4 != 3 || i%8 == 3 {
				r := received.Add(time.Duration(h) * time.Hour)
				c.FirstResponseAt = &r
			}
			c.Category = []string{"termijnen", "communicatie", "facturering", "termijnen", ""}[i%5]
			switch i % 3 {
			case 0:
				c.Director = "hans@mcoo.nl"
			case 2:
				c.Director = "Marco@MCOO.nl"
			}
			cases = append(cases, c)
			i++
		}
	}
	cases[0].Measures = []string{"Aangiftes een week voor de deadline klaarzetten"}
	cases[5].Measures = []string{"Termijnbewaking in de gedeelde agenda"}
	cases[1].Measures = []string{"Binnen een werkdag terugbellen", "  "}
	cases[2].Measures = []string{"Uurtarief vooraf schriftelijk bevestigen", "Factuur pas na controle door een tweede medewerker"}
	cases[9].Measures = []string{"Checklist bij nieuwe opdrachten"}

	e1 := time.Date(2026, 1, 1, 0, 5, 0, 0, ams)
	e1closed, e1resp := e1.AddDate(0, 0, 2), e1.Add(6*time.Hour)
	e2 := time.Date(2026, 12, 31, 23, 50, 0, 0, ams)
	cases = append(cases,
		&complaint.Case{ID: "KL-2026-0050", State: complaint.StateClosed, Director: "marco@mcoo.nl", ReceivedAt: e1,
			TargetAt: e1.AddDate(0, 0, 14), ClosedAt: &e1closed, FirstResponseAt: &e1resp},
		&complaint.Case{ID: "KL-2026-0051", State: complaint.StateOpen, Director: "hans@mcoo.nl", ReceivedAt: e2,
			TargetAt: e2.AddDate(0, 0, 14), Category: "communicatie"})
	for n, d := range []time.Time{time.Date(2026, 1, 15, 9, 0, 0, 0, ams), time.Date(2026, 6, 5, 9, 0, 0, 0, ams), time.Date(2026, 12, 20, 9, 0, 0, 0, ams)} {
		closed := d.Add(time.Hour)
		cases = append(cases, &complaint.Case{ID: fmt.Sprintf("KL-2026-%04d", 60+n), State: complaint.StateClosed,
			NotComplaint: true, Director: "hans@mcoo.nl", ReceivedAt: d, TargetAt: d.AddDate(0, 0, 14), ClosedAt: &closed,
			Category: "spam", Measures: []string{"niet meetellen"}})
	}
	before, after := time.Date(2025, 12, 31, 23, 30, 0, 0, ams), time.Date(2027, 1, 1, 0, 10, 0, 0, ams)
	cases = append(cases,
		&complaint.Case{ID: "KL-2025-0099", State: complaint.StateOpen, Director: "hans@mcoo.nl", ReceivedAt: before, TargetAt: before.AddDate(0, 0, 14)},
		&complaint.Case{ID: "KL-2027-0001", State: complaint.StateOpen, Director: "hans@mcoo.nl", ReceivedAt: after, TargetAt: after.AddDate(0, 0, 14)})
	return cases
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	cal := calendar.New(testSettings())
	cases := evaluationFixture()
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, ams), time.Date(2026, 12, 31, 0, 0, 0, 0, ams)
	ev := Evaluate(cal, cases, from, to, time.Date(2027, 2, 1, 9, 0, 0, 0, ams))

	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("period", [3]string{ev.From, ev.To, ev.AsOfDate}, [3]string{"2026-01-01", "2026-12-31", "2026-12-31"})
	check("as of", ev.AsOf.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, ams)), true)
	check("total", ev.Total, 38)
	check("not complaint", ev.NotComplaint, 3)

	var months []string
	for _, m := range ev.PerMonth {
		months = append(months, fmt.Sprintf("%s %s %d", m.Month, m.Label, m.Count))
	}
	check("per month", months, []string{"2026-01 jan 2026 4", "2026-02 feb 2026 4", "2026-03 mrt 2026 2",
		"2026-04 apr 2026 3", "2026-05 mei 2026 4", "2026-06 jun 2026 2", "2026-07 jul 2026 3", "2026-08 aug 2026 4",
		"2026-09 sep 2026 2", "2026-10 okt 2026 3", "2026-11 nov 2026 4", "2026-12 dec 2026 3"})

	// Handling days: 1×6, 2 (E1), 5×6, 10×6, 14×5, 20×5, 25×3, 33, 40×2.
	ht := ev.HandlingTime
	var buckets []string
	for _, b := range ht.Buckets {
		buckets = append(buckets, fmt.Sprintf("%s:%d", b.Label, b.Count))
	}
	check("buckets", buckets, []string{"0–3:7", "4–7:6", "8–14:11", "15–21:5", "22–28:3", "> 28:3"})
	check("closed", ht.Closed, 35)
	check("median handling days", ht.MedianDays, 10.0)
	check("mean handling days", ht.MeanDays, 13.0) // 456 / 35 = 13.03
	check("max handling days", ht.MaxDays, 40)
	// Within: 1, 5, 10, 14 days (23), the three 20-day cases with a new target, E1.
	check("within target", ev.WithinTarget, WithinTarget{Closed: 35, Within: 27, Share: 77.1})

	// 6h×10, 24h×9, 48h×9, 168h×5; the 7-day ones are past 3 working days.
	check("first response", ev.FirstResponse, FirstResponse{Responded: 33, Without: 5, MedianDays: 1.0,
		MeanDays: 2.0, OnTime: 28, OnTimeShare: 84.8}) // 1548h / 33 = 1.95 days

	check("open", ev.OpenAtEnd.Open, 4)
	check("overdue", ev.OpenAtEnd.Overdue, 2)
	var open []string
	for _, c := range ev.OpenAtEnd.Cases {
		open = append(open, fmt.Sprintf("%s %s %s %v %d", c.ID, c.Director, c.Target.Format("2006-01-02"), c.Overdue, c.DaysOver))
	}
	check("open cases", open, []string{
		"KL-2026-0034 hans@mcoo.nl 2026-12-11 true 20",  // received 27 November, never closed
		"KL-2026-0035 marco@mcoo.nl 2026-12-17 true 14", // closed in January
		"KL-2026-0051 hans@mcoo.nl 2027-01-14 false 0",
		"KL-2026-0036 marco@mcoo.nl 2027-01-15 false 0",
	})

	check("per category", ev.PerCategory, []Group{
		{Name: "termijnen", Count: 15, Closed: 13, WithinTarget: 10, OpenAtEnd: 2},
		{Name: "communicatie", Count: 8, Closed: 7, WithinTarget: 6, OpenAtEnd: 1},
		{Name: "facturering", Count: 7, Closed: 7, WithinTarget: 5, OpenAtEnd: 0},
		{Name: NoCategory, Count: 8, Closed: 8, WithinTarget: 6, OpenAtEnd: 1},
	})
	check("per director", ev.PerDirector, []Group{
		{Name: "marco@mcoo.nl", Count: 25, Closed: 24, WithinTarget: 16, OpenAtEnd: 2},
		{Name: "hans@mcoo.nl", Count: 13, Closed: 11, WithinTarget: 11, OpenAtEnd: 2},
	})
	check("measures", ev.Measures, []MeasureCategory{
		{Category: "termijnen", Measures: []Measure{
			{Case: "KL-2026-0001", Text: "Aangiftes een week voor de deadline klaarzetten"},
			{Case: "KL-2026-0006", Text: "Termijnbewaking in de gedeelde agenda"}}},
		{Category: "communicatie", Measures: []Measure{{Case: "KL-2026-0002", Text: "Binnen een werkdag terugbellen"}}},
		{Category: "facturering", Measures: []Measure{
			{Case: "KL-2026-0003", Text: "Uurtarief vooraf schriftelijk bevestigen"},
			{Case: "KL-2026-0003", Text: "Factuur pas na controle door een tweede medewerker"}}},
		{Category: NoCategory, Measures: []Measure{{Case: "KL-2026-0010", Text: "Checklist bij nieuwe opdrachten"}}},
	})

	// Retention anonymises closed cases: the figures stay the same.
	var anon []*complaint.Case
	for _, c := range cases {
		a := *c
		a.Client, a.ClientName, a.Subject, a.Resolution = "", "", "", ""
		anon = append(anon, &a)
	}
	again := Evaluate(cal, anon, from, to, time.Date(2027, 2, 1, 9, 0, 0, 0, ams))
	j1, _ := json.Marshal(ev)
	j2, _ := json.Marshal(again)
	check("figures after anonymising", string(j2), string(j1))
}

func TestEvaluatePartialPeriod(t *testing.T) {
	t.Parallel()
	cal := calendar.New(testSettings())
	cases := evaluationFixture()
	ev := Evaluate(cal, cases, time.Date(2026, 3, 15, 0, 0, 0, 0, ams), time.Date(2026, 5, 10, 0, 0, 0, 0, ams),
		time.Date(2027, 2, 1, 0, 0, 0, 0, ams))
	var months []string
	for _, m := range ev.PerMonth {
		months = append(months, fmt.Sprintf("%s %d", m.Label, m.Count))
	}
	// March's cases came on the 3rd and 11th, May's first on the 3rd.
	if want := []string{"mrt 2026 0", "apr 2026 3", "mei 2026 1"}; !reflect.DeepEqual(months, want) {
		t.Errorf("months = %v, want %v", months, want)
	}
	// Open on 10 May: only i = 11 (19 April, closed after 40 days), past its target.
	if ev.Total != 4 || ev.OpenAtEnd.Open != 1 || ev.OpenAtEnd.Overdue != 1 || ev.OpenAtEnd.Cases[0].ID != "KL-2026-0012" {
		t.Errorf("total %d, open %d, overdue %d (%v); want 4, 1, 1 (KL-2026-0012)", ev.Total, ev.OpenAtEnd.Open,
			ev.OpenAtEnd.Overdue, ev.OpenAtEnd.Cases)
	}
}

// Evaluated before the period ends, the open cases are those open now.
func TestEvaluateBeforePeriodEnds(t *testing.T) {
	t.Parallel()
	cal := calendar.New(testSettings())
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, ams)
	ev := Evaluate(cal, evaluationFixture(), time.Date(2026, 1, 1, 0, 0, 0, 0, ams), time.Date(2026, 12, 31, 0, 0, 0, 0, ams), now)
	if !ev.AsOf.Equal(now) || ev.AsOfDate != "2026-11-24" {
		t.Errorf("as of %v (%s), want %v", ev.AsOf, ev.AsOfDate, now)
	}
	// Open on 24 November: only i = 32 (19 November, closed 10 days later);
	// i = 33 comes on the 27th.
	var open []string
	for _, c := range ev.OpenAtEnd.Cases {
		open = append(open, c.ID)
	}
	if want := []string{"KL-2026-0033"}; !reflect.DeepEqual(open, want) {
		t.Errorf("open on 24 November = %v, want %v", open, want)
	}
}

var ams, _ = time.LoadLocation("Europe/Amsterdam")

func testSettings() calendar.Settings {
	return calendar.Settings{Location: ams, TargetDays: 14, FirstResponseDays: 3, WarnDaysBefore: 4}
}

// The procedure past the receipt in the figures: satisfaction overall and
// per category, consultations and experts, complaints before and after a
// measure, and a category that keeps coming back without one (herhaling).
func TestEvaluateProcedure(t *testing.T) {
	t.Parallel()
	cal := calendar.New(testSettings())
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, ams) }
	yes, no := true, false
	answered := day(3, 1)
	mk := func(id, category string, received time.Time, satisfied *bool) *complaint.Case {
		c := &complaint.Case{ID: id, State: complaint.StateClosed, Category: category, ReceivedAt: received,
			TargetAt: received.AddDate(0, 0, 14), Director: "marco@mcoo.nl", ClosedAt: &received}
		if satisfied != nil || category == "facturen" {
			c.Satisfaction = &complaint.Satisfaction{AskedAt: received, Satisfied: satisfied}
		}
		return c
	}
	measured := mk("KL-2026-0001", "facturen", day(1, 5), &no)
	measured.Measures, measured.MeasuresAt = []string{"Twee paar ogen op elke factuur"}, []time.Time{day(2, 1)}
	measured.Consultations = []complaint.Consultation{{Name: "Anna", At: day(1, 6), AnsweredAt: &answered}, {Name: "Piet", At: day(1, 6)}}
	measured.External = []complaint.External{{Party: "NBA", At: day(1, 7), Confidentiality: &complaint.Confidentiality{File: "v.pdf"}}, {Party: "X", At: day(1, 8)}}
	cases := []*complaint.Case{
		measured,
		mk("KL-2026-0002", "facturen", day(1, 20), &yes),
		mk("KL-2026-0003", "facturen", day(3, 2), nil), // asked, no answer
		mk("KL-2026-0004", "bereikbaarheid", day(4, 1), &yes),
		mk("KL-2026-0005", "bereikbaarheid", day(5, 1), nil),
		mk("KL-2026-0006", "privacy", day(6, 1), nil),
	}
	ev := Evaluate(cal, cases, day(1, 1), time.Date(2026, 12, 31, 0, 0, 0, 0, ams), time.Date(2027, 2, 1, 0, 0, 0, 0, ams))
	if want := (Satisfaction{Asked: 4, Satisfied: 2, NotSatisfied: 1, NoAnswer: 1, Share: 66.7}); ev.Satisfaction != want {
		t.Errorf("satisfaction %+v, want %+v", ev.Satisfaction, want)
	}
	for _, g := range ev.PerCategory {
		if g.Name == "facturen" && (g.Satisfaction.Satisfied != 1 || g.Satisfaction.NotSatisfied != 1 || g.Satisfaction.Share != 50) {
			t.Errorf("facturen's satisfaction %+v", g.Satisfaction)
		}
	}
	if ev.Consultations != (Counted{2, 1}) || ev.Experts != (Counted{2, 1}) {
		t.Errorf("consultations %+v, experts %+v", ev.Consultations, ev.Experts)
	}
	if len(ev.MeasureEffects) != 1 || ev.MeasureEffects[0].Before != 2 || ev.MeasureEffects[0].After != 1 || ev.MeasureEffects[0].Case != "KL-2026-0001" {
		t.Errorf("measure effects %+v", ev.MeasureEffects)
	}
	if len(ev.Recurrence) != 1 || ev.Recurrence[0].Name != "bereikbaarheid" || ev.Recurrence[0].Count != 2 {
		t.Errorf("recurrence %+v", ev.Recurrence)
	}
	page := PageOf(ev, &calendar.Settings{Location: ams, TargetDays: 14}, nil, day(1, 1), time.Date(2026, 12, 31, 0, 0, 0, 0, ams), day(12, 1))
	html, err := templates.Default().ReportHTML(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2 tevreden, 1 niet tevreden, 1 zonder antwoord", "1 van 2 (50,0%)", "herhaling: bereikbaarheid, 2 klachten",
		"Klachten per categorie vóór en na elke maatregel", "(#extern): 2, waarvan 1 met een ondertekende geheimhoudingsverklaring"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}
