package dossier

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/mcoo/klachtbot/workflow/complaint"
)

// Summary is a case as `klachtbot cases` lists it; the JSON fields are the
// interface tools rely on (README, "JSON fields of a case").
type Summary struct {
	ID              string            `json:"id"`
	State           complaint.State   `json:"state"`
	Client          string            `json:"client"`
	Director        string            `json:"director"`
	Subject         string            `json:"subject"`
	ReceivedAt      time.Time         `json:"received_at"`
	TargetAt        time.Time         `json:"target_at"`
	AcknowledgedAt  *time.Time        `json:"acknowledged_at"`
	FirstResponseAt *time.Time        `json:"first_response_at"`
	ClosedAt        *time.Time        `json:"closed_at"`
	Channel         complaint.Channel `json:"channel"`               // mail, doorgestuurd, telefoon, gesprek, brief
	Recognition     string            `json:"recognition,omitempty"` // why it was judged a complaint, or doubtful
	Attention       string            `json:"attention,omitempty"`   // what went wrong that someone must act on
	// Satisfied is the client's answer to the closing question: null when
	// not asked or not answered.
	Satisfied *bool `json:"satisfied"`
	// who recognition found the grievance to be about, and the model's probability
	RecognisedTarget string  `json:"recognised_target,omitempty"`
	RecognisedProb   float64 `json:"recognised_prob,omitempty"`
}

// Detail is a case as `klachtbot show` shows it.
type Detail struct {
	Summary
	Consultations []complaint.Consultation `json:"consultations"`
	Satisfaction  *complaint.Satisfaction  `json:"satisfaction,omitempty"`
	External      []complaint.External     `json:"external"`
	Measures      []MeasureView            `json:"measures"` // against recurrence
	Messages      []MessageView            `json:"messages"`
	Events        []EventView              `json:"events"`
}

// MeasureView is a measure against recurrence and when it was recorded.
type MeasureView struct {
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// MessageView is one message of a case, without its body.
type MessageView struct {
	MessageID  string         `json:"message_id"`
	From       string         `json:"from"`
	Role       complaint.Role `json:"role"`
	Subject    string         `json:"subject"`
	ReceivedAt time.Time      `json:"received_at"`
	Problems   []string       `json:"problems,omitempty"`
}

// EventView is one event of a case's audit trail.
type EventView struct {
	At        time.Time           `json:"at"`
	Kind      complaint.EventKind `json:"kind"`
	Actor     string              `json:"actor"`
	MessageID string              `json:"message_id,omitempty"`
	// Detail reads as {"text": Dutch, "code": …, "fields": {…}}, never in
	// its stored form (complaint.Details).
	Detail complaint.Details `json:"detail,omitzero"`
}

func summaryOf(c *complaint.Case) Summary {
	return Summary{c.ID, c.State, c.Client, c.Director, c.Subject, c.ReceivedAt, c.TargetAt,
		c.AcknowledgedAt, c.FirstResponseAt, c.ClosedAt, c.ChannelOf(), c.Recognition, c.Attention, c.Satisfied(),
		c.RecognisedTarget, c.RecognisedProb}
}

// List is every case, by case number.
func List(tx Reader) ([]Summary, error) {
	cases, err := tx.Cases()
	views := make([]Summary, 0, len(cases))
	for _, c := range cases {
		views = append(views, summaryOf(c))
	}
	return views, err
}

// Show is one case with its messages and events.
func Show(tx Reader, id string) (*Detail, error) {
	c, err := tx.Case(id)
	if err != nil {
		return nil, err
	}
	d := &Detail{Summary: summaryOf(c), Consultations: c.Consultations, Satisfaction: c.Satisfaction, External: c.External,
		Measures: []MeasureView{}, Messages: []MessageView{}, Events: []EventView{}}
	for _, m := range c.MeasureList() {
		d.Measures = append(d.Measures, MeasureView{m.Text, m.At})
	}
	if d.Consultations == nil {
		d.Consultations = []complaint.Consultation{}
	}
	if d.External == nil {
		d.External = []complaint.External{}
	}
	msgs, err := tx.Messages(id)
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		d.Messages = append(d.Messages, MessageView{m.MessageID, m.From, m.Role, m.Subject, m.ReceivedAt, m.Problems})
	}
	evs, err := tx.Events(id)
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		d.Events = append(d.Events, EventView{e.At, e.Kind, e.Actor, e.MessageID, complaint.ParseDetails(e.Detail)})
	}
	return d, nil
}

// In returns d with every time in loc, so that `show --json` writes all its
// times in the firm's zone with their offset: the store keeps each time in
// the zone it was read in (UTC from a mail's Date, the firm's zone from the
// clock). The case's records are copied, not changed.
func (d *Detail) In(loc *time.Location) *Detail {
	if d == nil {
		return nil
	}
	out := *d
	out.Summary = d.Summary.In(loc)
	out.Consultations = make([]complaint.Consultation, len(d.Consultations))
	for i, c := range d.Consultations {
		c.At, c.AnsweredAt = timeAt(c.At, loc), timeIn(c.AnsweredAt, loc)
		out.Consultations[i] = c
	}
	if d.Satisfaction != nil {
		s := *d.Satisfaction
		s.AskedAt = timeAt(s.AskedAt, loc)
		s.AnsweredAt, s.Upheld, s.ReopenedAt = timeIn(s.AnsweredAt, loc), timeIn(s.Upheld, loc), timeIn(s.ReopenedAt, loc)
		out.Satisfaction = &s
	}
	out.External = make([]complaint.External, len(d.External))
	for i, e := range d.External {
		e.At = timeAt(e.At, loc)
		if e.Confidentiality != nil {
			c := *e.Confidentiality
			c.At = timeAt(c.At, loc)
			e.Confidentiality = &c
		}
		out.External[i] = e
	}
	out.Measures = make([]MeasureView, len(d.Measures))
	for i, m := range d.Measures {
		m.At = timeAt(m.At, loc)
		out.Measures[i] = m
	}
	out.Messages = make([]MessageView, len(d.Messages))
	for i, m := range d.Messages {
		m.ReceivedAt = timeAt(m.ReceivedAt, loc)
		out.Messages[i] = m
	}
	out.Events = make([]EventView, len(d.Events))
	for i, e := range d.Events {
		e.At = timeAt(e.At, loc)
		out.Events[i] = e
	}
	return &out
}

// ListIn returns cases with every time in loc, for `cases --json` (Detail.In).
func ListIn(cases []Summary, loc *time.Location) []Summary {
	out := make([]Summary, len(cases))
	for i, c := range cases {
		out[i] = c.In(loc)
	}
	return out
}

// In returns s with every time in loc (Detail.In).
func (s Summary) In(loc *time.Location) Summary {
	s.ReceivedAt, s.TargetAt = timeAt(s.ReceivedAt, loc), timeAt(s.TargetAt, loc)
	s.AcknowledgedAt, s.FirstResponseAt, s.ClosedAt = timeIn(s.AcknowledgedAt, loc), timeIn(s.FirstResponseAt, loc), timeIn(s.ClosedAt, loc)
	return s
}

// timeAt is t in loc; the zero time stays as it is ("0001-01-01T00:00:00Z"
// rather than that instant in Amsterdam's local mean time).
func timeAt(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(loc)
}

// timeIn is timeAt for an optional time; nil stays nil.
func timeIn(t *time.Time, loc *time.Location) *time.Time {
	if t == nil {
		return nil
	}
	in := timeAt(*t, loc)
	return &in
}

// LocalTime formats t for a terminal in the firm's zone; "-" when unset.
func LocalTime(loc *time.Location, t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// WriteList prints cases as a table.
func WriteList(out io.Writer, loc *time.Location, cases []Summary) error {
	tw := tabwriter.NewWriter(out, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "CASE\tSTATE\tRECEIVED\tTARGET\tACKNOWLEDGED\tCLIENT\tSUBJECT")
	for _, c := range cases {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.State, LocalTime(loc, &c.ReceivedAt),
			LocalTime(loc, &c.TargetAt), LocalTime(loc, c.AcknowledgedAt), c.Client, c.Subject)
	}
	return tw.Flush()
}

// WriteText prints a case with its messages and events, in Dutch: it is the
// case file on a terminal (the labels of timeline.html), for directors as
// much as for the operator, and what it records (recognition, event details)
// is Dutch. --json keeps the codes.
func (d *Detail) WriteText(out io.Writer, loc *time.Location) error {
	fmt.Fprintf(out, "%s  %s\n", d.ID, d.Subject)
	tw := tabwriter.NewWriter(out, 2, 8, 2, ' ', 0)
	fact := func(label, value string) { fmt.Fprintf(tw, "  %s:\t%s\n", label, value) }
	fact("Status", complaint.StateNL(d.State))
	fact("Cliënt", d.Client)
	fact("Directeur", d.Director)
	fact("Kanaal", string(d.Channel))
	if d.Attention != "" {
		fact("LET OP", d.Attention)
	}
	if d.Recognition != "" {
		fact("Herkend", d.Recognition)
	}
	fact("Ontvangen", LocalTime(loc, &d.ReceivedAt))
	fact("Streefdatum", LocalTime(loc, &d.TargetAt))
	fact("Bevestigd", LocalTime(loc, d.AcknowledgedAt))
	fact("Eerste reactie", LocalTime(loc, d.FirstResponseAt))
	fact("Afgehandeld", LocalTime(loc, d.ClosedAt))
	for _, con := range d.Consultations {
		fact("Betrokkene", ConsultationNL(con, loc))
	}
	if s := d.Satisfaction; s != nil {
		fact("Tevreden", SatisfactionNL(s, loc))
	}
	for _, x := range d.External {
		fact("Gedeeld met", ExternalNL(x, loc))
	}
	for _, m := range d.Measures {
		fact("Maatregel", m.Text+" ("+LocalTime(loc, &m.At)+")")
	}
	tw.Flush()
	fmt.Fprintln(out, "\nBerichten:")
	for _, m := range d.Messages {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", LocalTime(loc, &m.ReceivedAt), complaint.RoleNL(m.Role), m.From, m.Subject)
	}
	tw.Flush()
	fmt.Fprintln(out, "\nGebeurtenissen:")
	for _, e := range d.Events {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", LocalTime(loc, &e.At), complaint.EventNL(e.Kind), e.Actor, e.Detail.NL())
	}
	return tw.Flush()
}

// ConsultationNL says in Dutch whom a director asked and whether they answered.
func ConsultationNL(con complaint.Consultation, loc *time.Location) string {
	s := fmt.Sprintf("%s <%s>, gevraagd door %s op %s", con.Name, con.Address, con.By, LocalTime(loc, &con.At))
	if con.Question != "" {
		s += ": " + con.Question
	}
	if con.AnsweredAt == nil {
		return s + "; wacht op reactie"
	}
	return s + "; reactie op " + LocalTime(loc, con.AnsweredAt) + " (" + con.Answer + ")"
}

// SatisfactionNL says in Dutch what the client answered to the closing question.
func SatisfactionNL(s *complaint.Satisfaction, loc *time.Location) string {
	var out string
	switch {
	case s.Satisfied != nil && *s.Satisfied:
		out = "ja, tevreden"
	case s.Satisfied != nil:
		out = "nee, niet tevreden"
	case s.NoAnswer:
		out = "geen antwoord binnen tien werkdagen"
	default:
		out = "gevraagd op " + LocalTime(loc, &s.AskedAt) + ", nog geen antwoord"
	}
	if s.Satisfied != nil {
		out += " (" + LocalTime(loc, s.AnsweredAt) + ", " + s.By
		if s.Evidence != "" {
			out += "; bewijs " + s.Evidence
		}
		out += ")"
	}
	if s.Upheld != nil {
		out += "; het kantoor blijft bij de oplossing (" + s.UpheldBy + ", " + LocalTime(loc, s.Upheld) + ")"
		if s.Reason != "" {
			out += ": " + s.Reason
		}
	}
	if s.ReopenedAt != nil {
		out += "; heropend op " + LocalTime(loc, s.ReopenedAt)
	}
	return out
}

// ExternalNL says in Dutch with whom documents were shared, and whether the
// expert's confidentiality statement is on the case.
func ExternalNL(x complaint.External, loc *time.Location) string {
	s := fmt.Sprintf("%s (%s, door %s)", x.Party, LocalTime(loc, &x.At), x.By)
	if x.Shared != "" {
		s += ": " + x.Shared
	}
	if c := x.Confidentiality; c != nil {
		return s + "; geheimhoudingsverklaring " + c.File + " (" + LocalTime(loc, &c.At) + ", bewijs " + c.Evidence + ")"
	}
	return s + "; geen geheimhoudingsverklaring"
}
