package workflow

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
	"github.com/mcoo/klachtbot/workflow/jobs"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

// The procedure past the receipt, as the klachtenregeling promises it: the
// people concerned are consulted (#betrokkene), the client is asked on
// closing whether the complaint was handled to their satisfaction, an
// expert's signed confidentiality statement is kept (#geheimhouding), and a
// director learns whether a measure stops a problem from coming back.

// Mail kinds of this file: a question to a staff member and its reminder,
// and the closing mail to the client. A client's answer to the closing mail
// is evidently theirs (fromClient), as an answer to the acknowledgement is.
const (
	kindConsult = compose.KindConsult
	kindClosing = compose.KindClosing
)

// staffMember finds one of the firm's people by address.
func (c *Config) staffMember(addr string) *templates.Person {
	for i, p := range c.Firm.Staff {
		if addr != "" && strings.EqualFold(p.Address, addr) {
			return &c.Firm.Staff[i]
		}
	}
	return nil
}

// findStaff reads "<naam|adres> [vraag]" of #betrokkene: an address, or the
// longest full or first name of a staff member the argument starts with.
func (c *Config) findStaff(arg string) (p *templates.Person, question string) {
	word, rest, _ := strings.Cut(arg, " ")
	if strings.Contains(word, "@") {
		if p = c.staffMember(strings.Trim(word, "<>")); p == nil {
			return nil, ""
		}
		return p, strings.TrimSpace(rest)
	}
	best := 0
	for i, s := range c.Firm.Staff {
		for _, name := range []string{s.Name, s.FirstName()} {
			n := len(name)
			if n > best && len(arg) >= n && strings.EqualFold(arg[:n], name) && (len(arg) == n || strings.ContainsRune(" ,:;", rune(arg[n]))) {
				p, best = &c.Firm.Staff[i], n
			}
		}
	}
	if p == nil {
		return nil, ""
	}
	return p, strings.TrimLeft(arg[best:], " ,:;")
}

// askSatisfaction sends the client of a case just closed (#afgehandeld)
// the solution in the director's words and asks, in a mail from that
// director, whether they are satisfied with how it was handled. note says
// what was done, for the director's confirmation.
func (r *commandRun) askSatisfaction(resolution string) (note string, err error) {
	e := r.e
	if r.c.Client == "" {
		return "geen afsluitende mail: er is geen adres van de cliënt", nil
	}
	dir := e.cfg.director(r.who)
	if dir == nil {
		return "", fmt.Errorf("director %s is not configured", r.who)
	}
	item, err := e.mail.Closing(r.c, compose.Director(*dir), resolution, firstID(r.tx, r.c), e.clock.Now())
	if err != nil {
		return "", err
	}
	r.c.Satisfaction = &complaint.Satisfaction{AskedAt: r.now, AskedBy: r.who, MessageID: item.Mail.MessageID}
	return r.c.Client + " krijgt een afsluitende mail met de vraag of de klacht naar tevredenheid is afgehandeld", e.enqueue(r.tx, item, "")
}

// reopen takes c back into handling (#heropend). A closed case gets a new
// target, counted from now as for a new complaint, when that is later than
// the one it had; a client's "nee" is answered by it.
func (r *commandRun) reopen() (change *complaint.Event, note string) {
	e := r.e
	wasClosed := r.c.State == complaint.StateClosed
	if r.c.Dissatisfied() {
		t := r.now
		r.c.Satisfaction.ReopenedAt = &t
	}
	if change = r.c.Reopen(""); change == nil || !wasClosed {
		return change, ""
	}
	if t := e.target(r.now); t.After(r.c.TargetAt) {
		r.c.TargetAt = t
	}
	return change, "nieuwe streefdatum " + templates.DayNL(r.c.TargetAt.In(e.cfg.Location))
}

// consult mails a staff member the client's own words and the director's
// question (#betrokkene), from the director, so her answer comes back to a
// watched mailbox as a reply to a Message-ID only she was sent.
func (r *commandRun) consult(cmd command) (done, error) {
	e := r.e
	p, question := e.cfg.findStaff(cmd.arg)
	if p == nil {
		var known []string
		for _, s := range e.cfg.Firm.Staff {
			known = append(known, s.Name+" <"+s.Address+">")
		}
		list := "Er staan geen medewerkers in de configuratie ([[firm.staff]])."
		if len(known) > 0 {
			list = "Bekende medewerkers: " + strings.Join(known, ", ") + "."
		}
		return done{refusal: &refusal{why: complaint.WhyUnknownStaff, title: "Medewerker niet gevonden", lines: []string{list}}}, nil
	}
	dir := e.cfg.director(r.who)
	if dir == nil {
		return done{}, fmt.Errorf("director %s is not configured", r.who)
	}
	now := e.clock.Now()
	words, err := clientWords(r.tx, r.c)
	if err != nil {
		return done{}, err
	}
	con := complaint.Consultation{Name: p.Name, Address: strings.ToLower(p.Address), Question: question, At: now.UTC(), By: r.who}
	item, err := e.mail.Consult(r.c, compose.Director(*dir), con, words, e.cal.AfterWorkdays(con.At, jobs.ConsultRemindStaff), false, now)
	if err != nil {
		return done{}, err
	}
	con.MessageID = item.Mail.MessageID
	r.c.Consultations = append(r.c.Consultations, con)
	if err := e.event(r.tx, r.c.ID, complaint.EvConsulted, r.who, item.Mail.MessageID, complaint.Detail(complaint.DetConsulted, "name", p.Name, "to", con.Address)); err != nil {
		return done{}, err
	}
	r.queued = true
	return done{}, e.enqueue(r.tx, item, "")
}

// maxQuoted bounds how much of someone's mail a mail quotes.
const maxQuoted = 40

// clientWords is what the client wrote in the mail that opened the case,
// without quoted mail, signature or command lines, line by line.
func clientWords(tx Tx, c *complaint.Case) ([]string, error) {
	msgs, err := tx.Messages(c.ID)
	if err != nil || len(msgs) == 0 {
		return nil, err
	}
	first := msgs[0]
	for _, x := range msgs {
		if x.Role == complaint.RoleClient {
			first = x
			break
		}
	}
	raw, err := tx.Raw(c.ID, first.Seq)
	if err != nil {
		return []string{"(de oorspronkelijke mail is niet meer bewaard)"}, nil
	}
	return ownLines(message.Parse(raw).Text), nil
}

// ownLines is what the writer of a mail wrote themselves, line by line, at
// most maxQuoted lines, without command lines.
func ownLines(text string) []string {
	var out []string
	for _, l := range strings.Split(recognize.OwnWords(text), "\n") {
		l = strings.TrimRight(compose.OneLine(l), " ")
		if strings.HasPrefix(strings.TrimSpace(l), "#") || l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	if len(out) > maxQuoted {
		out = append(out[:maxQuoted], "[…]")
	}
	return out
}

// quote prefixes lines as a quotation in a notice.
func quote(lines []string) []string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		out = append(out, strings.TrimRight("> "+l, " "))
	}
	return out
}

// staffMail records a mail from one of the firm's people in a case's
// thread. It is her answer when it replies to the question she was sent (a
// Message-ID only she had), or the firm's server authenticated it: a From:
// header alone proves nothing.
func (in *incoming) staffMail(c *complaint.Case, p *templates.Person) (bool, error) {
	e := in.e
	refs := append(append([]string{}, in.m.InReplyTo...), in.m.References...)
	k := -1
	for i, con := range c.Consultations {
		if strings.EqualFold(con.Address, p.Address) && (k < 0 || slices.Contains(refs, con.MessageID)) {
			k = i
		}
	}
	authentic := k >= 0 && slices.Contains(refs, c.Consultations[k].MessageID) ||
		e.cfg.AuthServID != "" && e.cfg.authenticated(in.m, message.Domain(p.Address))
	if k < 0 || !authentic || in.m.Auto != "" {
		in.rec.Role = complaint.RoleOther
		if err := keep(in.tx, c.ID, in.rec, in.raw); err != nil {
			return false, fmt.Errorf("store message: %w", err)
		}
		in.log.Info("mail of a staff member kept; not recorded as her answer", "consulted", k >= 0, "authentic", authentic, "auto", in.m.Auto)
		return false, e.eventFor(in.tx, c.ID, complaint.EvOtherMessage, in.rec.From, in.rec, complaint.Detail(complaint.DetFound, "in", in.rec.Source))
	}
	in.rec.Role = complaint.RoleStaff
	if err := keep(in.tx, c.ID, in.rec, in.raw); err != nil {
		return false, fmt.Errorf("store message: %w", err)
	}
	con := &c.Consultations[k]
	if con.AnsweredAt == nil {
		t := in.rec.ReceivedAt
		con.AnsweredAt, con.Answer = &t, in.rec.MessageID
	}
	if err := e.eventFor(in.tx, c.ID, complaint.EvStaffResponse, in.rec.From, in.rec, complaint.Detail(complaint.DetStaff, "name", con.Name, "in", in.rec.Source)); err != nil {
		return false, err
	}
	in.log.Info("staff member's answer recorded", "staff", con.Name)
	lines := []string{con.Name + " heeft gereageerd op uw vraag over deze klacht:", ""}
	lines = append(append(lines, quote(ownLines(in.m.Text))...), "", "De reactie is bij de klacht bewaard.")
	return true, e.notify(in.tx, c, []string{con.By}, "Reactie van "+p.FirstName(), lines)
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
	e := in.e
	s := c.Satisfaction
	to := []string{s.AskedBy}
	if s.AskedBy == "" {
		to = []string{c.Director}
	}
	words := quote(ownLines(in.m.Text))
	satisfied, ok := clientSatisfied(in.m.Text)
	if !in.fromClient(c) {
		in.log.Warn("answer to the closing question not evidently the client's: nothing changed", "from", message.LogAddr(in.log, in.rec.From))
		if err := e.event(in.tx, c.ID, complaint.EvOtherMessage, in.rec.From, in.rec.MessageID,
			complaint.Detail(complaint.DetUnverified, "forged", strings.TrimPrefix(e.cfg.forgedResults(in.m), "; "))); err != nil {
			return true, false, err
		}
		return true, true, e.notify(in.tx, c, to, "Mail van de cliënt niet bevestigd", append([]string{
			"Er kwam een mail binnen die van de cliënt lijkt te komen, maar dat is niet aan te tonen: het is geen antwoord op onze",
			"mail aan de cliënt, en de mailserver bevestigt de afzender niet. Er is daarom niets vastgelegd of gewijzigd. De mail:", ""},
			append(words, "",
				"Is de mail echt van de cliënt, leg het antwoord op de vraag of de cliënt tevreden is dan vast met #tevreden ja of",
				"#tevreden nee, of heropen de klacht met #heropend.")...))
	}
	if !ok {
		return false, false, nil
	}
	at := in.rec.ReceivedAt
	s.Satisfied, s.AnsweredAt, s.By, s.Evidence = &satisfied, &at, c.Client, in.rec.MessageID
	if err := e.eventFor(in.tx, c.ID, complaint.EvSatisfaction, c.Client, in.rec, complaint.Detail(complaint.DetSatisfied, "answer", yesNo(satisfied), "by", "client")); err != nil {
		return true, false, err
	}
	in.log.Info("client's answer to the closing question recorded", "satisfied", satisfied)
	if satisfied {
		return true, false, nil
	}
	return true, true, e.notify(in.tx, c, to, "Cliënt niet tevreden", append([]string{
		"De cliënt is niet tevreden over de afhandeling van deze klacht. Het antwoord van de cliënt:", ""},
		append(words, "",
			"Neem zo nodig contact op met de cliënt. Daarna kunt u op deze e-mail antwoorden met:",
			"- #heropend: de klacht wordt heropend, met een nieuwe streefdatum;",
			"- #oplossing-handhaven gevolgd door uw toelichting: het kantoor blijft bij de oplossing.",
			"Tot dan staat de klacht onder \"Aandacht nodig\" in het dagelijks overzicht.")...))
}

// unclearSatisfaction is what the re-open notice adds when the client's
// mail answered the closing question with neither ja nor nee.
func unclearSatisfaction(m *message.Message) []string {
	return append(append([]string{"", "De cliënt schreef, na onze vraag of de klacht naar tevredenheid is afgehandeld:", ""}, quote(ownLines(m.Text))...), "",
		"Dat is geen duidelijk ja of nee. Weet u het antwoord, leg het dan vast met #tevreden ja of #tevreden nee;",
		"is de klacht toch afgehandeld, sluit haar dan met #afgehandeld-stil <oplossing>.")
}

func yesNo(b bool) string { return map[bool]string{true: "yes", false: "no"}[b] }

// recordSatisfied records a director's #tevreden ja|nee: the evidence is the
// client's mail the command answers, else the command mail.
func (r *commandRun) recordSatisfied(satisfied bool) error {
	e := r.e
	if r.c.Satisfaction == nil {
		r.c.Satisfaction = &complaint.Satisfaction{}
	}
	s := r.c.Satisfaction
	now := r.now
	s.Satisfied, s.AnsweredAt, s.By, s.Evidence, s.NoAnswer = &satisfied, &now, r.who, r.consentEvidence(), false
	return e.event(r.tx, r.c.ID, complaint.EvSatisfaction, r.who, s.Evidence, complaint.Detail(complaint.DetSatisfied, "answer", yesNo(satisfied), "by", r.who))
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
func (r *commandRun) confidentiality(cmd command) (done, error) {
	e := r.e
	k := -1
	for i, x := range r.c.External {
		named := cmd.arg != "" && strings.Contains(strings.ToLower(x.Party), strings.ToLower(cmd.arg))
		if named || cmd.arg == "" && x.Confidentiality == nil {
			k = i
		}
	}
	if k < 0 {
		return done{refusal: &refusal{why: complaint.WhyNoExternal, title: "Geheimhoudingsverklaring niet vastgelegd",
			lines: []string{"Leg eerst met #extern <instantie> vast met wie stukken zijn gedeeld."}}}, nil
	}
	file, sum, err := r.statement()
	if err != nil {
		return done{}, err
	}
	if file == "" {
		return done{refusal: &refusal{why: complaint.WhyNoStatement, title: "Geheimhoudingsverklaring niet vastgelegd",
			lines: []string{"Stuur de opdracht opnieuw, met de ondertekende verklaring van " + r.c.External[k].Party + " als bijlage."}}}, nil
	}
	r.c.External[k].Confidentiality = &complaint.Confidentiality{At: r.now, By: r.who, Evidence: r.m.MessageID, File: file, SHA256: sum}
	return done{}, e.event(r.tx, r.c.ID, complaint.EvConfidentiality, r.who, r.m.MessageID, complaint.Detail(complaint.DetSigned, "party", r.c.External[k].Party, "file", file))
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
	e := r.e
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
	lines := []string{fmt.Sprintf("Deze klacht valt in de categorie \"%s\". Voor deze categorie %s genomen:", r.c.Category,
		map[bool]string{true: "is eerder een maatregel", false: "zijn eerder " + templates.NumberNL(len(measures)) + " maatregelen"}[len(measures) == 1]), ""}
	for _, m := range measures {
		before := 0
		for id, r := range received {
			if complaint.ReceivedBefore(id, r, m.caseID, m.At) {
				before++
			}
		}
		lines = append(lines,
			fmt.Sprintf("- \"%s\" (klacht %s, sinds %s)", compose.Clip(m.Text, 200), m.caseID, templates.DateNL(m.At.In(e.cfg.Location))),
			fmt.Sprintf("  Klachten in deze categorie: %d vóór de maatregel, %d sindsdien (inclusief deze klacht).", before, len(received)-before))
	}
	lines = append(lines, "", "Het probleem komt dus opnieuw voor. Kijk of de maatregel werkt of dat er meer nodig is. Een nieuwe maatregel legt u vast door te antwoorden met #maatregel en een omschrijving.")
	to := []string{r.c.Director}
	if r.who != r.c.Director {
		to = append(to, r.who)
	}
	return e.notify(r.tx, r.c, to, "Eerdere maatregel in de categorie "+r.c.Category, lines)
}
