package commands

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/casework"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
	"github.com/mcoo/klachtbot/workflow/jobs"
)

// The procedure past the receipt, as the klachtenregeling promises it: the
// people concerned are consulted (#betrokkene), the client is asked on
// closing whether the complaint was handled to their satisfaction, an
// expert's signed confidentiality statement is kept (#geheimhouding), and a
// director learns whether a measure stops a problem from coming back.

// askSatisfaction sends the client of a case just closed (#afgehandeld)
// the solution in the director's words and asks, in a mail from that
// director, whether they are satisfied with how it was handled. note says
// what was done, for the director's confirmation.
func (r *commandRun) askSatisfaction(resolution string) (note string, err error) {
	k := r.k
	if r.c.Client == "" {
		return k.Mail.Tpl.Note("note-closing-no-address", templates.NoteNone{})
	}
	dir := k.Cfg.Director(r.who)
	if dir == nil {
		return "", fmt.Errorf("director %s is not configured", r.who)
	}
	item, err := k.Mail.Closing(r.c, compose.Director(*dir), resolution, casework.FirstID(r.tx, r.c), k.Clock.Now())
	if err != nil {
		return "", err
	}
	r.c.Satisfaction = &complaint.Satisfaction{AskedAt: r.now, AskedBy: r.who, MessageID: item.Mail.MessageID}
	if err := k.Enqueue(r.tx, item, ""); err != nil {
		return "", err
	}
	return k.Mail.Tpl.Note("note-closing-sent", templates.NoteClient{Client: r.c.Client})
}

// reopen takes c back into handling (#heropend). A closed case gets a new
// target, counted from now as for a new complaint, when that is later than
// the one it had; a client's "nee" is answered by it.
func (r *commandRun) reopen() (change *complaint.Event, note string, err error) {
	k := r.k
	wasClosed := r.c.State == complaint.StateClosed
	if r.c.Dissatisfied() {
		t := r.now
		r.c.Satisfaction.ReopenedAt = &t
	}
	if change = r.c.Reopen(""); change == nil || !wasClosed {
		return change, "", nil
	}
	if t := k.Target(r.now); t.After(r.c.TargetAt) {
		r.c.TargetAt = t
	}
	note, err = k.Mail.Tpl.Note("note-new-target", templates.NoteTarget{Target: r.c.TargetAt.In(k.Cfg.Location)})
	return change, note, err
}

// consult mails a staff member the client's own words and the director's
// question (#betrokkene), from the director, so her answer comes back to a
// watched mailbox as a reply to a Message-ID only she was sent.
func (r *commandRun) consult(cmd Command) (done, error) {
	k := r.k
	p, question := k.Cfg.FindStaff(cmd.Arg)
	if p == nil {
		return done{refusal: &refusal{why: complaint.WhyUnknownStaff, notice: "refused-staff", data: templates.NoticeRefusedStaff{Line: cmd.Line, Staff: k.Cfg.Firm.Staff}}}, nil
	}
	dir := k.Cfg.Director(r.who)
	if dir == nil {
		return done{}, fmt.Errorf("director %s is not configured", r.who)
	}
	now := k.Clock.Now()
	words, err := k.ClientWords(r.tx, r.c)
	if err != nil {
		return done{}, err
	}
	con := complaint.Consultation{Name: p.Name, Address: strings.ToLower(p.Address), Question: question, At: now.UTC(), By: r.who}
	item, err := k.Mail.Consult(r.c, compose.Director(*dir), con, words, k.Cal.AfterWorkdays(con.At, jobs.ConsultRemindStaff), false, now)
	if err != nil {
		return done{}, err
	}
	con.MessageID = item.Mail.MessageID
	r.c.Consultations = append(r.c.Consultations, con)
	if err := k.Event(r.tx, r.c.ID, complaint.Event{Kind: complaint.EvConsulted, Actor: r.who, MessageID: item.Mail.MessageID, Detail: complaint.Detail(complaint.DetConsulted, "name", p.Name, "to", con.Address)}); err != nil {
		return done{}, err
	}
	r.queued = true
	return done{}, k.Enqueue(r.tx, item, "")
}

// recordSatisfied records a director's #tevreden ja|nee: the evidence is the
// client's mail the command answers, else the command mail.
func (r *commandRun) recordSatisfied(satisfied bool) error {
	k := r.k
	if r.c.Satisfaction == nil {
		r.c.Satisfaction = &complaint.Satisfaction{}
	}
	s := r.c.Satisfaction
	now := r.now
	s.Satisfied, s.AnsweredAt, s.By, s.Evidence, s.NoAnswer = &satisfied, &now, r.who, r.consentEvidence(), false
	return k.Event(r.tx, r.c.ID, complaint.Event{Kind: complaint.EvSatisfaction, Actor: r.who, MessageID: s.Evidence, Detail: complaint.Detail(complaint.DetSatisfied, "answer", casework.YesNo(satisfied), "by", r.who)})
}

// external records documents shared with an expert: "#extern <instantie>:
// <wat is gedeeld>" (the part after the colon is optional).
func external(arg, who string, now time.Time) complaint.External {
	party, shared, _ := strings.Cut(arg, ":")
	return complaint.External{Party: strings.TrimSpace(party), Shared: strings.TrimSpace(shared), At: now, By: who}
}

// confidentiality keeps the signed statement attached to a director's
// #geheimhouding [instantie] on the expert's record: the mail is stored byte
// for byte, and the record names the file and its SHA-256.
func (r *commandRun) confidentiality(cmd Command) (done, error) {
	x := -1
	for i, ext := range r.c.External {
		named := cmd.Arg != "" && strings.Contains(strings.ToLower(ext.Party), strings.ToLower(cmd.Arg))
		if named || cmd.Arg == "" && ext.Confidentiality == nil {
			x = i
		}
	}
	if x < 0 {
		return done{refusal: &refusal{why: complaint.WhyNoExternal, notice: "refused-statement-external", data: templates.NoticeRefused{Line: cmd.Line}}}, nil
	}
	file, sum, err := r.statement()
	if err != nil {
		return done{}, err
	}
	if file == "" {
		return done{refusal: &refusal{why: complaint.WhyNoStatement, notice: "refused-statement-missing",
			data: templates.NoticeRefusedStatement{Line: cmd.Line, Party: r.c.External[x].Party}}}, nil
	}
	r.c.External[x].Confidentiality = &complaint.Confidentiality{At: r.now, By: r.who, Evidence: r.m.MessageID, File: file, SHA256: sum}
	return done{}, r.k.Event(r.tx, r.c.ID, complaint.Event{Kind: complaint.EvConfidentiality, Actor: r.who, MessageID: r.m.MessageID, Detail: complaint.Detail(complaint.DetSigned, "party", r.c.External[x].Party, "file", file)})
}

// statement is the first attachment of the stored command mail m: its name
// and the SHA-256 of its bytes ("" when it has none).
func (r *commandRun) statement() (file, sum string, err error) {
	if len(r.m.Attachments) == 0 {
		return "", "", nil
	}
	msgs, err := r.tx.Messages(r.c.ID)
	if err != nil {
		return "", "", err
	}
	for _, x := range msgs {
		if x.MessageID != r.m.MessageID {
			continue
		}
		raw, err := r.tx.Raw(r.c.ID, x.Seq)
		if err != nil {
			return "", "", fmt.Errorf("read the statement's mail: %w", err)
		}
		atts, _ := message.ExtractAttachments(raw)
		if len(atts) == 0 {
			return "", "", nil
		}
		s := sha256.Sum256(atts[0].Data)
		return cmp.Or(atts[0].Filename, "verklaring"), hex.EncodeToString(s[:]), nil
	}
	return "", "", nil
}

// pointToMeasures tells the director, in the case's thread, which measures
// the case's category already has, since when, and how many complaints that
// category had before and since: whether the measure stops the problem.
func (r *commandRun) pointToMeasures() error {
	k := r.k
	cases, err := r.tx.Cases()
	if err != nil {
		return err
	}
	type taken struct {
		complaint.MeasureTaken
		caseID string
	}
	var measures []taken
	received := map[string]time.Time{}
	for _, x := range cases {
		if x.ID == r.c.ID {
			x = r.c // as changed by this command
		}
		if x.Category != r.c.Category || x.NotComplaint || x.State == complaint.StateTriage {
			continue
		}
		received[x.ID] = x.ReceivedAt
		if x.ID == r.c.ID {
			continue // a measure of this case is not news to its director
		}
		for _, m := range x.MeasureList() {
			measures = append(measures, taken{m, x.ID})
		}
	}
	if len(measures) == 0 {
		return nil
	}
	slices.SortFunc(measures, func(a, b taken) int { return a.At.Compare(b.At) })
	data := templates.NoticeMeasures{Category: r.c.Category}
	for _, m := range measures {
		before := 0
		for id, r := range received {
			if complaint.ReceivedBefore(id, r, m.caseID, m.At) {
				before++
			}
		}
		data.Measures = append(data.Measures, templates.Measure{Text: compose.Clip(m.Text, 200), Case: m.caseID,
			At: m.At.In(k.Cfg.Location), Before: before, After: len(received) - before})
	}
	to := []string{r.c.Director}
	if r.who != r.c.Director {
		to = append(to, r.who)
	}
	return k.Notify(r.tx, r.c, to, "measures", data)
}
