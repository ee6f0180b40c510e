// Package evaluation computes the yearly evaluation of the complaints
// procedure: the figures, the report page's model and the rows of cases.csv.
//
// It reads cases (workflow/complaint) with the firm's calendar and renders
// through templates; it must not import storage, the mail edge or workflow.
package evaluation

import (
	"math"
	"sort"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/workflow/calendar"
	"github.com/mcoo/klachtbot/workflow/complaint"
)

// The yearly evaluation ("wij nemen alle klachten mee in de evaluatie van
// onze organisatie"). Its figures use only the fields of a case that
// retention keeps when it anonymises a case (dates, state, category,
// director, measures), so they do not change afterwards.

// NoCategory names the group of complaints without #categorie.
const NoCategory = "(geen categorie)"

// Evaluation is the figures of the complaints received in a period.
type Evaluation struct {
	From string    `json:"from"`  // first day of the period, 2006-01-02
	To   string    `json:"to"`    // last day of the period
	AsOf time.Time `json:"as_of"` // open and overdue are counted at this moment: the end of the period, or now when that is earlier
	// AsOfDate is the local date of AsOf: the period's last day, or today.
	AsOfDate string `json:"as_of_date"`
	Total    int    `json:"total"` // complaints received in the period, not counting the ones that were no complaint

	NotComplaint int `json:"not_complaint"` // closed with #geen-klacht: left out of every other figure

	PerMonth      []MonthCount      `json:"per_month"`
	HandlingTime  HandlingTime      `json:"handling_time"`
	WithinTarget  WithinTarget      `json:"within_target"`
	FirstResponse FirstResponse     `json:"first_response"`
	OpenAtEnd     OpenAtEnd         `json:"open_at_end"`
	PerCategory   []Group           `json:"per_category"`
	PerDirector   []Group           `json:"per_director"`
	PerChannel    []Group           `json:"per_channel"` // mail, doorgestuurd, telefoon, gesprek, brief
	Measures      []MeasureCategory `json:"measures"`
	// Satisfaction is the answers to the closing question ("tevreden"),
	// overall; per category in PerCategory.
	Satisfaction Satisfaction `json:"satisfaction"`
	// Consultations: staff members asked for their side (#betrokkene), and
	// how many answered; Experts: documents shared with an expert (#extern),
	// and how many signed for confidentiality.
	Consultations Counted `json:"consultations"`
	Experts       Counted `json:"experts"`
	// MeasureEffects is, per measure, the category's complaints of the
	// period received before and after it.
	MeasureEffects []MeasureEffect `json:"measure_effects"`
	// Recurrence ("herhaling") lists the categories with repeated
	// complaints in the period and no measure against them.
	Recurrence []Group `json:"recurrence"`

	rows []caseRow // every case received in the period, for cases.csv
}

// caseRow is one case as the evaluation judged it.
type caseRow struct {
	c      *complaint.Case
	target time.Time
	within *bool // closed within its target; nil when open or no complaint
}

// Satisfaction counts the answers to the question on closing whether the
// client is satisfied with how the complaint was handled.
type Satisfaction struct {
	Asked        int     `json:"asked"`
	Satisfied    int     `json:"satisfied"`
	NotSatisfied int     `json:"not_satisfied"`
	NoAnswer     int     `json:"no_answer"` // no answer in ten working days, or none yet
	Share        float64 `json:"share"`     // percent satisfied of the answers, 1 decimal; 0 without answers
}

func (s *Satisfaction) add(c *complaint.Case) {
	x := c.Satisfaction
	if x == nil {
		return
	}
	if !x.AskedAt.IsZero() {
		s.Asked++
	}
	switch {
	case x.Satisfied == nil:
		s.NoAnswer++
	case *x.Satisfied:
		s.Satisfied++
	default:
		s.NotSatisfied++
	}
	s.Share = percent(s.Satisfied, s.Satisfied+s.NotSatisfied)
}

// Counted is how often something was done, and how often it was completed.
type Counted struct {
	Count int `json:"count"`
	Done  int `json:"done"` // answered, signed
}

// MeasureEffect is one measure with the complaints of its category received
// in the period before it and since.
type MeasureEffect struct {
	Category string    `json:"category"`
	Case     string    `json:"case"`
	Text     string    `json:"text"`
	At       time.Time `json:"at"`
	Before   int       `json:"before"`
	After    int       `json:"after"`
}

// MonthCount is the number of complaints received in one month.
type MonthCount struct {
	Month string `json:"month"` // 2026-01
	Label string `json:"label"` // jan 2026
	Count int    `json:"count"`
}

// HandlingTime is how many calendar days closed complaints took, from the
// local date of receipt to the local date of closing. Complaints received in
// the period and closed after it count too: the evaluation is about how the
// period's complaints were handled.
type HandlingTime struct {
	Closed     int      `json:"closed"`
	Buckets    []Bucket `json:"buckets"`
	MedianDays float64  `json:"median_days"`
	MeanDays   float64  `json:"mean_days"`
	MaxDays    int      `json:"max_days"`
}

// Bucket counts handling times from Min to Max days inclusive (Max -1: no upper bound).
type Bucket struct {
	Label string `json:"label"`
	Min   int    `json:"min"`
	Max   int    `json:"max"`
	Count int    `json:"count"`
}

// WithinTarget is the share of closed complaints closed by their target
// (the one a director set with #nieuwe-termijn, if any).
type WithinTarget struct {
	Closed int     `json:"closed"`
	Within int     `json:"within"`
	Share  float64 `json:"share"` // percent, 1 decimal; 0 when none is closed
}

// FirstResponse is the time from receipt to the director's first reply, in
// calendar days with 1 decimal.
type FirstResponse struct {
	Responded   int     `json:"responded"`
	Without     int     `json:"without"`     // no response recorded (yet)
	MedianDays  float64 `json:"median_days"` // of the responded ones
	MeanDays    float64 `json:"mean_days"`
	OnTime      int     `json:"on_time"`       // within first_response_days working days
	OnTimeShare float64 `json:"on_time_share"` // percent of the responded ones, 1 decimal
}

// OpenAtEnd is the state at AsOf of the period's complaints.
type OpenAtEnd struct {
	Open    int        `json:"open"`
	Overdue int        `json:"overdue"` // open and past their target
	Cases   []OpenCase `json:"cases"`
}

// OpenCase is one complaint still open at AsOf.
type OpenCase struct {
	ID       string    `json:"id"`
	Director string    `json:"director"`
	Received time.Time `json:"received"`
	Target   time.Time `json:"target"`
	Overdue  bool      `json:"overdue"`
	DaysOver int       `json:"days_over"` // calendar days past the target at AsOf
}

// Group is the figures of one category or one director.
type Group struct {
	Name         string `json:"name"`
	Count        int    `json:"count"`
	Closed       int    `json:"closed"`
	WithinTarget int    `json:"within_target"`
	OpenAtEnd    int    `json:"open_at_end"`
	// Satisfaction: the answers to the closing question in this group.
	Satisfaction Satisfaction `json:"satisfaction"`
}

// MeasureCategory is the measures against recurrence taken in one category.
type MeasureCategory struct {
	Category string    `json:"category"`
	Measures []Measure `json:"measures"`
}

// Measure is one #maatregel with the case it came from.
type Measure struct {
	Case string `json:"case"`
	Text string `json:"text"`
}

var monthsShortNL = [...]string{"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}

// Evaluate computes the figures of the complaints received from the date of
// from to the date of to (both inclusive, as local dates of the calendar's
// zone; only their year, month and day count). Open and overdue are counted
// at the end of to, or at now when that is earlier.
func Evaluate(cal *calendar.Calendar, cases []*complaint.Case, from, to, now time.Time) *Evaluation {
	loc := cal.Location()
	start, end := cal.Period(from, to)
	asOf := end
	if now.Before(asOf) {
		asOf = now.In(loc)
	}
	ev := &Evaluation{From: start.Format("2006-01-02"), To: to.Format("2006-01-02"), AsOf: asOf,
		PerMonth: []MonthCount{}, PerCategory: []Group{}, PerDirector: []Group{}, PerChannel: []Group{}, Measures: []MeasureCategory{},
		MeasureEffects: []MeasureEffect{}, Recurrence: []Group{},
		OpenAtEnd: OpenAtEnd{Cases: []OpenCase{}}}
	// The end of the period is the next midnight, which belongs to the next day.
	lastDay := asOf.Add(-time.Nanosecond)
	ev.AsOfDate = lastDay.Format("2006-01-02")
	months := map[string]int{}
	for t := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, loc); t.Before(end); t = t.AddDate(0, 1, 0) {
		months[t.Format("2006-01")] = len(ev.PerMonth)
		ev.PerMonth = append(ev.PerMonth, MonthCount{Month: t.Format("2006-01"),
			Label: monthsShortNL[t.Month()-1] + " " + t.Format("2006")})
	}
	ev.HandlingTime.Buckets = []Bucket{
		{Label: "0–3", Min: 0, Max: 3}, {Label: "4–7", Min: 4, Max: 7}, {Label: "8–14", Min: 8, Max: 14},
		{Label: "15–21", Min: 15, Max: 21}, {Label: "22–28", Min: 22, Max: 28}, {Label: "> 28", Min: 29, Max: -1},
	}

	categories, directors, channels := map[string]*Group{}, map[string]*Group{}, map[string]*Group{}
	group := func(m map[string]*Group, name string) *Group {
		g := m[name]
		if g == nil {
			g = &Group{Name: name}
			m[name] = g
		}
		return g
	}
	measures := map[string][]Measure{}
	var taken []MeasureEffect                       // every measure, of any time, by category
	byCategory := map[string]map[string]time.Time{} // the period's complaints by category
	for _, c := range cases {
		if c.NotComplaint || c.State == complaint.StateTriage {
			continue
		}
		for _, m := range c.MeasureList() {
			if t := strings.TrimSpace(m.Text); t != "" {
				taken = append(taken, MeasureEffect{Category: categoryOf(c), Case: c.ID, Text: t, At: m.At})
			}
		}
	}
	var handling []int
	var responses []time.Duration
	for _, c := range cases {
		if c.ReceivedAt.Before(start) || !c.ReceivedAt.Before(end) || c.State == complaint.StateTriage {
			continue // a held mail counts once a director has judged it
		}
		dl := cal.Deadlines(c)
		row := caseRow{c: c, target: dl.Target}
		if c.NotComplaint {
			ev.NotComplaint++
			ev.rows = append(ev.rows, row)
			continue
		}
		ev.Total++
		received := c.ReceivedAt.In(loc)
		ev.PerMonth[months[received.Format("2006-01")]].Count++
		category := categoryOf(c)
		if byCategory[category] == nil {
			byCategory[category] = map[string]time.Time{}
		}
		byCategory[category][c.ID] = c.ReceivedAt
		cg, dg, kg := group(categories, category), group(directors, strings.ToLower(c.Director)), group(channels, string(c.ChannelOf()))
		groups := []*Group{cg, dg, kg}
		for _, g := range groups {
			g.Count++
			g.Satisfaction.add(c)
		}
		ev.Satisfaction.add(c)
		for _, con := range c.Consultations {
			ev.Consultations.Count++
			if con.AnsweredAt != nil {
				ev.Consultations.Done++
			}
		}
		for _, x := range c.External {
			ev.Experts.Count++
			if x.Confidentiality != nil {
				ev.Experts.Done++
			}
		}

		if c.ClosedAt != nil {
			days := calendar.Days(received, c.ClosedAt.In(loc))
			handling = append(handling, days)
			for i := range ev.HandlingTime.Buckets {
				if b := &ev.HandlingTime.Buckets[i]; days >= b.Min && (b.Max < 0 || days <= b.Max) {
					b.Count++
					break
				}
			}
			within := !c.ClosedAt.After(dl.Target)
			row.within = &within
			for _, g := range groups {
				g.Closed++
				if within {
					g.WithinTarget++
				}
			}
			if within {
				ev.WithinTarget.Within++
			}
		}

		if c.FirstResponseAt != nil {
			responses = append(responses, c.FirstResponseAt.Sub(c.ReceivedAt))
			if !c.FirstResponseAt.After(dl.FirstResponseDue) {
				ev.FirstResponse.OnTime++
			}
		} else {
			ev.FirstResponse.Without++
		}

		if c.ReceivedAt.Before(asOf) && (c.ClosedAt == nil || !c.ClosedAt.Before(asOf)) {
			oc := OpenCase{ID: c.ID, Director: strings.ToLower(c.Director), Received: received, Target: dl.Target,
				Overdue: dl.Target.Before(asOf)}
			if oc.Overdue {
				oc.DaysOver = calendar.Days(dl.Target, lastDay)
				ev.OpenAtEnd.Overdue++
			}
			ev.OpenAtEnd.Open++
			ev.OpenAtEnd.Cases = append(ev.OpenAtEnd.Cases, oc)
			for _, g := range groups {
				g.OpenAtEnd++
			}
		}

		for _, m := range c.Measures {
			if m = strings.TrimSpace(m); m != "" {
				measures[category] = append(measures[category], Measure{Case: c.ID, Text: m})
			}
		}
		ev.rows = append(ev.rows, row)
	}

	ht := &ev.HandlingTime
	ht.Closed = len(handling)
	if len(handling) > 0 {
		sort.Ints(handling)
		sum := 0
		for _, d := range handling {
			sum += d
		}
		ht.MeanDays = round1(float64(sum) / float64(len(handling)))
		ht.MedianDays = round1(medianOf(len(handling), func(i int) float64 { return float64(handling[i]) }))
		ht.MaxDays = handling[len(handling)-1]
	}
	ev.WithinTarget.Closed = ht.Closed
	ev.WithinTarget.Share = percent(ev.WithinTarget.Within, ev.WithinTarget.Closed)

	fr := &ev.FirstResponse
	fr.Responded = len(responses)
	if len(responses) > 0 {
		sort.Slice(responses, func(i, j int) bool { return responses[i] < responses[j] })
		var sum time.Duration
		for _, r := range responses {
			sum += r
		}
		day := float64(24 * time.Hour)
		fr.MeanDays = round1(float64(sum) / float64(len(responses)) / day)
		fr.MedianDays = round1(medianOf(len(responses), func(i int) float64 { return float64(responses[i]) }) / day)
		fr.OnTimeShare = percent(fr.OnTime, fr.Responded)
	}

	sort.Slice(ev.OpenAtEnd.Cases, func(i, j int) bool {
		a, b := ev.OpenAtEnd.Cases[i], ev.OpenAtEnd.Cases[j]
		if a.Overdue != b.Overdue {
			return a.Overdue
		}
		return a.Target.Before(b.Target) || a.Target.Equal(b.Target) && a.ID < b.ID
	})
	ev.PerCategory = sortedGroups(categories)
	ev.PerDirector = sortedGroups(directors)
	ev.PerChannel = sortedGroups(channels)
	withMeasure := map[string]bool{}
	sort.SliceStable(taken, func(i, j int) bool { return taken[i].At.Before(taken[j].At) })
	for _, m := range taken {
		withMeasure[m.Category] = true
	}
	for _, g := range ev.PerCategory { // same order as the figures
		if ms := measures[g.Name]; len(ms) > 0 {
			sort.SliceStable(ms, func(i, j int) bool { return ms[i].Case < ms[j].Case })
			ev.Measures = append(ev.Measures, MeasureCategory{Category: g.Name, Measures: ms})
		}
		for _, m := range taken {
			if m.Category != g.Name || g.Name == NoCategory {
				continue
			}
			for id, r := range byCategory[g.Name] {
				if complaint.ReceivedBefore(id, r, m.Case, m.At) {
					m.Before++
				} else {
					m.After++
				}
			}
			ev.MeasureEffects = append(ev.MeasureEffects, m)
		}
		if g.Name != NoCategory && g.Count > 1 && !withMeasure[g.Name] {
			ev.Recurrence = append(ev.Recurrence, g)
		}
	}
	return ev
}

// categoryOf is a case's category as the evaluation groups it.
func categoryOf(c *complaint.Case) string {
	if category := strings.TrimSpace(c.Category); category != "" {
		return category
	}
	return NoCategory
}

// sortedGroups orders groups by count, then name, with NoCategory last.
func sortedGroups(m map[string]*Group) []Group {
	gs := make([]Group, 0, len(m))
	for _, g := range m {
		gs = append(gs, *g)
	}
	sort.Slice(gs, func(i, j int) bool {
		a, b := gs[i], gs[j]
		if (a.Name == NoCategory) != (b.Name == NoCategory) {
			return b.Name == NoCategory
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Name < b.Name
	})
	return gs
}

// calendarDays counts calendar days between the local dates of a and b.
// medianOf is the median of n sorted values.
func medianOf(n int, at func(int) float64) float64 {
	if n%2 == 1 {
		return at(n / 2)
	}
	return (at(n/2-1) + at(n/2)) / 2
}

func percent(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return round1(100 * float64(part) / float64(whole))
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
