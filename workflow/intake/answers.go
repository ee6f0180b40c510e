package intake

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/casework"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

// Answers in a case's thread to what the procedure asked: a staff
// member's reply to the question she was sent (#betrokkene), and the
// client's answer to the closing question.

// staffMail records a mail from one of the firm's people in a case's
// thread. It is her answer when it replies to the question she was sent (a
// Message-ID only she had), or the firm's server authenticated it: a From:
// header alone proves nothing.
func (in *incoming) staffMail(c *complaint.Case, p *templates.Person) (bool, error) {
	refs := append(append([]string{}, in.M.InReplyTo...), in.M.References...)
	asked := -1
	for i, con := range c.Consultations {
		if strings.EqualFold(con.Address, p.Address) && (asked < 0 || slices.Contains(refs, con.MessageID)) {
			asked = i
		}
	}
	authentic := asked >= 0 && slices.Contains(refs, c.Consultations[asked].MessageID) ||
		in.k.Cfg.AuthServID != "" && in.k.Cfg.Authenticated(in.M, message.Domain(p.Address))
	if asked < 0 || !authentic || in.M.Auto != "" {
		in.Rec.Role = complaint.RoleOther
		if err := casework.Keep(in.Tx, c.ID, in.Rec, in.Raw); err != nil {
			return false, fmt.Errorf("store message: %w", err)
		}
		in.Log.Info("mail of a staff member kept; not recorded as her answer", "consulted", asked >= 0, "authentic", authentic, "auto", in.M.Auto)
		return false, in.k.EventFor(in.Tx, c.ID, in.Rec, complaint.Event{Kind: complaint.EvOtherMessage, Actor: in.Rec.From, Detail: complaint.Detail(complaint.DetFound, "in", in.Rec.Source)})
	}
	in.Rec.Role = complaint.RoleStaff
	if err := casework.Keep(in.Tx, c.ID, in.Rec, in.Raw); err != nil {
		return false, fmt.Errorf("store message: %w", err)
	}
	con := &c.Consultations[asked]
	if con.AnsweredAt == nil {
		t := in.Rec.ReceivedAt
		con.AnsweredAt, con.Answer = &t, in.Rec.MessageID
	}
	if err := in.k.EventFor(in.Tx, c.ID, in.Rec, complaint.Event{Kind: complaint.EvStaffResponse, Actor: in.Rec.From, Detail: complaint.Detail(complaint.DetStaff, "name", con.Name, "in", in.Rec.Source)}); err != nil {
		return false, err
	}
	in.Log.Info("staff member's answer recorded", "staff", con.Name)
	return true, in.k.Notify(in.Tx, c, []string{con.By}, "staff-answer", templates.NoticeStaffAnswer{
		Staff: templates.Person{Name: con.Name, Address: con.Address}, Words: casework.OwnLines(in.M.Text)})
}

var (
	satisfiedNo  = regexp.MustCompile(`(?i)\b(nee|neen|niet tevreden|ontevreden|teleurgesteld|niet helemaal|niet echt|niet akkoord|no|not satisfied|dissatisfied|unsatisfied|not happy|disappointed|not really|not entirely)\b`)
	satisfiedYes = regexp.MustCompile(`(?i)\b(ja|jazeker|tevreden|prima|uitstekend|akkoord|yes|satisfied|happy)\b`)
)

// clientSatisfied reads a client's answer to the closing question; ok is
// false when it says neither or both, which is put to a director.
func clientSatisfied(text string) (satisfied, ok bool) {
	own := recognize.OwnWords(text)
	no := satisfiedNo.MatchString(own)
	yes := satisfiedYes.MatchString(satisfiedNo.ReplaceAllString(own, ""))
	if yes == no {
		return false, false
	}
	return yes, true
}

// satisfactionAnswer records the client's answer to the closing question:
// a clear "ja" or "nee" does not re-open the case, and a "nee" reaches the
// director who closed it at once. A mail that says neither is not handled
// here (handled false): the client wrote again, which re-opens the case as
// before, and the director is asked for the answer (unclearSatisfaction).
func (in *incoming) satisfactionAnswer(c *complaint.Case) (handled, queued bool, err error) {
	k := in.k
	s := c.Satisfaction
	to := []string{s.AskedBy}
	if s.AskedBy == "" {
		to = []string{c.Director}
	}
	words := casework.OwnLines(in.M.Text)
	satisfied, ok := clientSatisfied(in.M.Text)
	if !in.fromClient(c) {
		in.Log.Warn("answer to the closing question not evidently the client's: nothing changed", "from", message.LogAddr(in.Log, in.Rec.From))
		if err := k.Event(in.Tx, c.ID, complaint.Event{Kind: complaint.EvOtherMessage, Actor: in.Rec.From, MessageID: in.Rec.MessageID, Detail: complaint.Detail(complaint.DetUnverified, "forged", strings.TrimPrefix(k.Cfg.ForgedResults(in.M), "; "))}); err != nil {
			return true, false, err
		}
		return true, true, k.Notify(in.Tx, c, to, "unverified-answer", templates.NoticeClientWords{Words: words})
	}
	if !ok {
		return false, false, nil
	}
	at := in.Rec.ReceivedAt
	s.Satisfied, s.AnsweredAt, s.By, s.Evidence = &satisfied, &at, c.Client, in.Rec.MessageID
	if err := k.EventFor(in.Tx, c.ID, in.Rec, complaint.Event{Kind: complaint.EvSatisfaction, Actor: c.Client, Detail: complaint.Detail(complaint.DetSatisfied, "answer", casework.YesNo(satisfied), "by", "client")}); err != nil {
		return true, false, err
	}
	in.Log.Info("client's answer to the closing question recorded", "satisfied", satisfied)
	if satisfied {
		return true, false, nil
	}
	return true, true, k.Notify(in.Tx, c, to, "dissatisfied", templates.NoticeClientWords{Words: words})
}
