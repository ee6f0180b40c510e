package recognize

import (
	"slices"
	"sort"
	"strings"
)

// Targets: who a grievance is about.
const (
	TargetFirm    = "firm"        // the firm: its directors and staff, "jullie", its work
	TargetThird   = "third-party" // someone else: the Belastingdienst, a bank, the writer's own customer
	TargetSelf    = "self"        // the writer themself: "mijn eigen fout", "ik was te laat"
	TargetUnknown = ""            // nobody named
)

// Classify decides what a mail is with the embedded model and no learned
// layer; see ClassifyWith.
func (l *Lexicon) Classify(in Input) Result { return l.ClassifyWith(in, nil) }

// ClassifyWith decides what a mail is. The model (the embedded one, plus
// the firm's learned layer when given) gives the probability that it is a
// complaint; the rules say who the grievance is about and why. A mail is a
// Complaint when the probability reaches the model's AutoAt and the
// grievance is about the firm; Doubtful when it reaches DoubtAt (or AutoAt
// with the target unknown, someone else or the writer); None otherwise.
// Without a model (it failed to load) the rules' own score decides.
func (l *Lexicon) ClassifyWith(in Input, firm *Layer) Result {
	res, a := l.rules(in)
	m, err := BaseModel()
	if err != nil {
		return res
	}
	feats := FeaturesOf(in)
	res.model = true
	learned := firm.Score(feats)
	res.Prob = round3(m.Prob(m.Score(feats) + learned))
	if res.Outcome == Complaint && firm.LikeDismissed(feats) {
		// the directors judged mail like this no complaint: that outranks
		// the rules' own verdict
		res.Outcome = None
	}
	res.Target, res.TargetEvidence = a.mailTarget(res.Signals, m)
	res.Outcome = decide(weighed{p: res.Prob, target: res.Target, rules: res.Outcome, score: res.Score}, m.AutoAt, m.DoubtAt)
	return res
}

// heldOther is the probability from which a grievance about someone else
// or the writer themself is held, and from which a mail is held without
// any rule speaking for a complaint: more likely a complaint than not. It
// is a choice, not fitted: the rules were tuned on the training mail, so
// cross-validation cannot say how far to trust them.
const heldOther = 0.5

// weighed is what decide weighs.
type weighed struct {
	p      float64 // the model's probability
	target string  // who the grievance is about
	rules  Outcome // the rules' own verdict on their score
	score  float64 // the rules' score
}

// decide turns the evidence into an outcome. A held mail needs a reason a
// director can read: the model is fairly sure (heldOther), or a rule found
// evidence for a complaint. The rules may hold a mail the model passes
// (their own verdict is Complaint), never acknowledge one.
func decide(e weighed, autoAt, doubtAt float64) Outcome {
	switch {
	case e.p >= autoAt && e.target == TargetFirm:
		return Complaint
	case e.rules == Complaint:
		return Doubtful
	case e.p < doubtAt:
		return None
	case e.target == TargetThird || e.target == TargetSelf || e.score <= 0:
		if e.p >= heldOther {
			return Doubtful
		}
		return None
	}
	return Doubtful
}

// firmWork are the firm's own products: a grievance about them is about
// the firm even when no one is named ("de aangifte is nog steeds niet
// ingediend").
var firmWork = map[string]bool{
	"aangifte": true, "aangiftes": true, "aangiften": true, "jaarrekening": true, "jaarrekeningen": true,
	"loonadministratie": true, "salarisadministratie": true, "loonstrook": true, "loonstroken": true,
	"factuur": true, "facturen": true, "declaratie": true, "nota": true, "administratie": true, "boekhouding": true,
	"btw": true, "gegevens": true, "offerte": true,
	"return": true, "returns": true, "accounts": true, "payroll": true, "payslip": true, "payslips": true,
	"invoice": true, "invoices": true, "bill": true, "bookkeeping": true, "data": true, "fee": true, "fees": true,
}

// mailTarget decides who the mail's grievance is about:
//  1. a grievance the rules resolved to the firm that no counter-cue of its
//     own claim damped (a judgement, a demand or a failure: not a wish to
//     switch, which may be towards the firm, nor a reminder);
//  2. else a vote over the three sentences the model finds most complaining
//     (weighed by how much their own features add to the score), unless
//     the writer takes the most complaining one on themself: the firm named
//     in a sentence or its work counts for the firm, a third party opening
//     a clause for the third party (named later in a clause, half); the
//     sentence before and after in the paragraph count half;
//  3. else a grievance the rules resolved to a third party;
//  4. else the firm when the mail speaks to the firm ("Hans,", "jullie")
//     and names no third party anywhere;
//  5. else the writer's own fault; else unknown.
func (a *analysis) mailTarget(sigs []Signal, m *Model) (target, why string) {
	for _, s := range sigs {
		if s.Target == TargetFirm && s.Weight > 0 && !s.damped && (strongKinds[s.Name] || s.Name == "failure" || s.Name == "annoyance") {
			return TargetFirm, quoteWith(s.Evidence, a.mention(s.sent, TargetFirm))
		}
	}
	top := a.mostComplaining(m, 3)
	if len(top) > 0 {
		for _, h := range a.hits {
			if h.kind == "own-fault" && slices.Contains(a.claim(h.s), top[0].si) {
				return TargetSelf, quoteWith(evidence(a.sents[h.s], h.sp), "")
			}
		}
	}
	vote := map[string]float64{}
	said := map[string]string{}
	for _, c := range top {
		for _, k := range []int{c.si, c.si - 1, c.si + 1} {
			if k < 0 || k >= len(a.sents) || k != c.si && (a.sents[k].para != a.sents[c.si].para || a.sents[k].subject != a.sents[c.si].subject) {
				continue
			}
			w := c.c
			if k != c.si {
				w /= 2
			}
			cast := func(target, words string, w float64) {
				vote[target] += w
				if said[target] == "" {
					said[target] = quoteWith(a.sentText(c.si), words)
				}
			}
			for _, t := range a.tgts[k] {
				toks := a.sents[k].toks
				words := a.sents[k].src[toks[t.sp.from].start:toks[t.sp.to-1].end]
				switch {
				case t.kind == TargetFirm:
					cast(TargetFirm, words, w)
				case t.sp.from-clauseStart(toks, t.sp.from) <= 2:
					cast(TargetThird, words, w)
				default:
					cast(TargetThird, words, w/2)
				}
			}
			if words, opens := a.work(k); words != "" {
				if opens {
					cast(TargetFirm, words, w) // "De jaarrekening is al twee maanden te laat"
				} else {
					cast(TargetFirm, words, w/2)
				}
			}
		}
	}
	// a grievance the rules resolved to a third party weighs as much as the
	// most complaining sentence
	if len(top) > 0 {
		for _, s := range sigs {
			if s.Name == "third-party" {
				vote[TargetThird] += top[0].c / 2
				if said[TargetThird] == "" {
					said[TargetThird] = quoteWith(s.Evidence, "")
				}
			}
		}
	}
	switch {
	case vote[TargetFirm] > vote[TargetThird]: // a tie is not enough to acknowledge
		return TargetFirm, said[TargetFirm]
	case vote[TargetThird] > 0:
		return TargetThird, said[TargetThird]
	}
	for _, s := range sigs {
		if s.Name == "third-party" {
			return TargetThird, s.Evidence
		}
	}
	firm := ""
	for si := range a.sents {
		if a.mention(si, TargetThird) != "" {
			firm = ""
			break
		}
		if t := a.mention(si, TargetFirm); t != "" && firm == "" {
			firm = t
		}
	}
	if firm != "" {
		return TargetFirm, "aan het kantoor gericht (" + firm + "), geen derde genoemd"
	}
	for _, s := range sigs {
		if s.Name == "own-fault" {
			return TargetSelf, s.Evidence
		}
	}
	return TargetUnknown, ""
}

// complaining is a sentence and what its own features add to the score.
type complaining struct {
	si int
	c  float64
}

// mostComplaining returns up to n sentences whose own features add to the
// model's score, the most first.
func (a *analysis) mostComplaining(m *Model, n int) []complaining {
	var all []complaining
	for si := range a.sents {
		if len(a.sents[si].toks) == 0 {
			continue
		}
		f := featuresOf("", a.sentText(si), false)
		if c := m.contribution(f, len(f)); c > 0 {
			all = append(all, complaining{si, c})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].c > all[j].c })
	if len(all) > n {
		all = all[:n]
	}
	return all
}

// mention returns the words of the first mention of kind (firm or
// third-party) in sentence si.
func (a *analysis) mention(si int, kind string) string {
	for _, t := range a.tgts[si] {
		if t.kind == kind {
			s := a.sents[si]
			return s.src[s.toks[t.sp.from].start:s.toks[t.sp.to-1].end]
		}
	}
	return ""
}

// work returns the first word of sentence si that names the firm's work,
// and whether it opens its clause (as its subject, within two words).
func (a *analysis) work(si int) (string, bool) {
	s := a.sents[si]
	for i, t := range s.toks {
		if firmWork[t.norm] || strings.HasSuffix(t.norm, "aangifte") {
			return s.src[t.start:t.end], i-clauseStart(s.toks, i) <= 2
		}
	}
	return "", false
}

// sentText is sentence si as written.
func (a *analysis) sentText(si int) string {
	s := a.sents[si]
	if len(s.toks) == 0 {
		return ""
	}
	return s.src[s.toks[0].start:s.toks[len(s.toks)-1].end]
}

// quoteWith renders evidence and the mention it rests on, at most ~80
// characters: `"te laat ingediend" (jullie)`.
func quoteWith(text, mention string) string {
	text = strings.Join(strings.Fields(text), " ")
	if r := []rune(text); len(r) > 60 {
		text = string(r[:60]) + "…"
	}
	if mention == "" {
		return `"` + text + `"`
	}
	return `"` + text + `" (` + strings.Join(strings.Fields(mention), " ") + `)`
}

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }
