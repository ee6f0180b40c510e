// Package recognize decides whether a mail in a director's INBOX that is not
// part of an existing case is a complaint under the firm's complaints
// procedure, from what the sender wrote in their own words.
//
// Three parts decide. The model (model.go, features.go; trained by
// internal/train, embedded from model/) gives a calibrated probability from
// hashed word and character n-grams. The target (decide.go) says who the
// grievance is about: the firm, a third party, the writer, or unknown. The
// rules (recognize.go, lexicon.go: complaint and dissatisfaction words,
// demands, repetition, failures, sarcasm, threats to leave; negation,
// idioms, procedure questions, resolved matters, own fault, thanks) explain
// the decision, resolve targets and may hold a mail, never acknowledge it.
// A firm's layer of weights learned from its directors' decisions
// (layer.go) adjusts the probability within bounds. fit.go, train.go and
// eval.go train and measure on labelled mail (labelled.go).
//
// The package uses only the standard library: it must not import the mail
// parser or anything of the mail edge or storage; callers hand it an Input.
package recognize

import (
	"fmt"
	"hash/fnv"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Outcome is what to do with a mail.
type Outcome int

const (
	// None is ordinary mail: left alone, not stored.
	None Outcome = iota
	// Doubtful mail is held for a director's decision.
	Doubtful
	// Complaint opens a case and is acknowledged at once.
	Complaint
)

func (o Outcome) String() string {
	switch o {
	case None:
		return "none"
	case Doubtful:
		return "doubtful"
	case Complaint:
		return "complaint"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Input is the part of a mail the recogniser reads.
type Input struct {
	Subject string
	// Text is the body as plain text, quotes and signature still in it.
	Text string
	// ReplyToFirm: the mail answers (In-Reply-To/References) a mail the firm
	// sent, i.e. a thread the firm started. Such a reply is not a new
	// complaint by default and needs stronger evidence.
	ReplyToFirm bool
}

// Signal is one piece of evidence.
type Signal struct {
	// Name is the kind. For a complaint: complaint, dissatisfaction,
	// annoyance, demand, insistence, repetition, failure, grievance, privacy,
	// sarcasm, switching, incident, escalation, reopened. Against it, or only
	// explaining: negated, idiom, third-party, procedure-question, resolved,
	// own-fault, waiver, inquiry, praise, health, job-application, banter,
	// reply-to-firm.
	Name string
	// Evidence is the words that triggered it, as written (at most ~60 characters).
	Evidence string
	// Weight is what the signal added to the score (after target, subject
	// and cap scaling); 0 for signals that only explain.
	Weight float64
	// Target is "firm", "third-party" or "" (unknown) for signals about a grievance.
	Target string
	sent   int  // the sentence it was found in
	damped bool // a counter-cue of its claim (resolved, waiver, joke) or a job application damped it
}

// Result is the decision with its evidence.
type Result struct {
	Outcome Outcome
	// Prob is the model's calibrated probability that the mail is a complaint.
	Prob float64
	// Target is who the grievance is about (TargetFirm, TargetThird,
	// TargetSelf or TargetUnknown), TargetEvidence the words that say so.
	Target, TargetEvidence string
	// Score is the rules' score: it explains, the model decides.
	Score    float64
	Signals  []Signal
	Language string // "nl" or "en": the language the sender wrote in
	model    bool   // the model decided (Prob and Target are set)
}

// compiled is a Lexicon ready for matching.
type compiled struct {
	lists       map[string]*list
	negators    map[string]bool
	clauseWords map[string]bool
	w           Weights
}

var (
	cacheMu sync.Mutex
	cache   = map[uint64]*compiled{}
)

// compile builds the matchers, cached by a fingerprint of the lists and
// weights, so a Lexicon may be copied or changed between calls.
func (l *Lexicon) compile() *compiled {
	h := fnv.New64a()
	v := reflect.ValueOf(l).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Slice:
			for _, e := range f.Interface().([]string) {
				h.Write([]byte(e))
				h.Write([]byte{0})
			}
			h.Write([]byte{1})
		case reflect.Struct:
			fmt.Fprintf(h, "%v", f.Interface())
		}
	}
	key := h.Sum64()
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if c, ok := cache[key]; ok {
		return c
	}
	if len(cache) > 16 {
		clear(cache)
	}
	c := l.build()
	cache[key] = c
	return c
}

func (l *Lexicon) build() *compiled {
	c := &compiled{lists: map[string]*list{}, negators: map[string]bool{}, clauseWords: map[string]bool{}, w: l.Weights}
	if c.w.MaxGap <= 0 {
		c.w.MaxGap = 3
	}
	if c.w.MaxChars <= 0 {
		c.w.MaxChars = 6000
	}
	add := func(kind string, entries []string) { c.lists[kind] = compileList(kind, entries) }
	add("complaint", l.ComplaintWords)
	add("dissatisfied", l.Dissatisfied)
	add("annoyed", l.Annoyed)
	add("positive", l.Positive)
	add("demand", l.Demands)
	add("repetition", l.Repetition)
	add("repetition-weak", l.RepetitionWeak)
	add("failure", l.Failures)
	add("grievance", l.Grievances)
	add("privacy", l.Privacy)
	add("sarcasm", l.Sarcasm)
	add("irony", l.Irony)
	add("switching", l.Switching)
	add("sanction", l.Sanctions)
	add("incident", l.Incident)
	add("escalation", l.Escalation)
	add("insistence", l.Insistence)
	add("joining", l.Joining)
	add("inquiry", l.Inquiry)
	add("neutral", l.Neutral)
	add("idiom", l.Idioms)
	add("procedure", l.Procedure)
	add("health", l.Health)
	add("resolved", l.Resolved)
	add("reopened", l.Reopened)
	add("own-fault", l.OwnFault)
	add("waiver", l.Waivers)
	add("praise", l.Praise)
	add("job", l.JobApplication)
	add("banter", l.Banter)
	add("firm", l.Firm)
	add("third", l.ThirdParties)
	add("beneficiary", l.Beneficiary)
	for _, w := range l.Negators {
		c.negators[normWord(strings.TrimSpace(w))] = true
	}
	for _, w := range l.ClauseBreaks {
		c.clauseWords[normWord(strings.TrimSpace(w))] = true
	}
	return c
}

var replyPrefix = regexp.MustCompile(`(?i)^\s*((re|aw|antw|antwoord|fw|fwd|wg|doorst|tr|sv|vs|ref)\s*(\[\d+\])?\s*:\s*)+`)

// hit is a match of a list in one sentence.
type hit struct {
	kind   string
	s      int // sentence index
	sp     span
	target string // "firm", "third-party" or ""
}

type analysis struct {
	c     *compiled
	sents []sentence
	tgts  [][]hit // per sentence: mentions of the firm or a third party
	hits  []hit
}

// positive kinds add to the score; their weight is scaled by target.
var positiveKinds = map[string]bool{
	"complaint": true, "dissatisfaction": true, "annoyance": true, "demand": true, "insistence": true, "repetition": true,
	"failure": true, "grievance": true, "privacy": true, "sarcasm": true, "switching": true, "incident": true, "escalation": true,
	"reopened": true,
}

// strongKinds are the signals one of which a Complaint needs.
var strongKinds = map[string]bool{
	"complaint": true, "dissatisfaction": true, "demand": true, "grievance": true, "privacy": true,
	"sarcasm": true, "escalation": true, "reopened": true,
}

// Classify decides what a mail is: it reads the subject and the sender's
// own words (OwnWords of the text, the first MaxChars characters), finds the
// lexicon's signals, resolves negation and who each grievance is about, and
// adds up the weights. Dampers (resolved, waiver, job application, banter)
// scale the evidence for a complaint; a reply to the firm needs
// ReplyToFirm more points to become a Complaint.
func (l *Lexicon) rules(in Input) (Result, *analysis) {
	c := l.compile()
	w := c.w
	own := firstRunesAtLine(OwnWords(in.Text), w.MaxChars)
	subject := firstRunesAtLine(in.Subject, 1000)
	replySubj := false
	if m := replyPrefix.FindString(subject); m != "" {
		replySubj = true
		subject = subject[len(m):]
	}

	a := &analysis{c: c}
	for _, s := range split(subject, c) {
		s.subject = true
		s.para = -1
		a.sents = append(a.sents, s)
	}
	a.sents = append(a.sents, split(own, c)...)
	a.run()

	res := Result{Language: detectLanguage(subject + "\n" + own)}
	subjFactor := w.Subject
	if replySubj || in.ReplyToFirm {
		subjFactor = w.ReplySubject
	}
	base := map[string]float64{
		"complaint": w.Complaint, "dissatisfied": w.Dissatisfied, "annoyed": w.Annoyed,
		"negated-positive": w.NegatedPositive, "demand": w.Demand, "insistence": w.Insistence,
		"repetition": w.Repetition, "failure": w.Failure, "grievance": w.Grievance, "privacy": w.Privacy, "sarcasm": w.Sarcasm,
		"switching": w.Switching, "incident": w.Incident, "escalation": w.Escalation, "reopened": w.Reopened,
		"negated": w.Negated, "idiom": w.Idiom, "procedure": w.Procedure, "own-fault": w.OwnFault,
		"inquiry": w.Inquiry, "praise": w.Praise,
	}
	names := map[string]string{
		"dissatisfied": "dissatisfaction", "annoyed": "annoyance", "negated-positive": "dissatisfaction",
		"procedure": "procedure-question", "job": "job-application", "concession": "negated",
	}
	caps := map[string]float64{
		"demand": w.MaxDemand, "insistence": w.MaxInsistence, "repetition": w.MaxRepetition,
		"failure": w.MaxFailure, "grievance": w.MaxGrievance, "privacy": w.MaxGrievance, "praise": w.MaxPraise,
		"switching": w.MaxSwitching, "complaint": w.MaxComplaint, "dissatisfaction": w.MaxDissatisfied,
	}
	once := map[string]bool{"idiom": true, "procedure-question": true, "own-fault": true, "waiver": true, "inquiry": true,
		"resolved": true, "reopened": true, "job-application": true, "banter": true}

	// "Ik wil een klacht indienen bij de Belastingdienst. Kunnen jullie
	// helpen met de klacht?": "de klacht" is the one named before
	third := false
	for i, h := range a.hits {
		if h.kind != "complaint" {
			continue
		}
		if h.target == "third-party" {
			third = true
		} else if third && a.definite(h) {
			a.hits[i].target = "third-party"
		}
	}
	present := map[string]bool{}
	failed := false // a failure of the firm is reported
	for _, h := range a.hits {
		present[h.kind] = true
		switch h.kind {
		case "failure", "grievance", "privacy", "dissatisfied", "annoyed", "negated-positive", "repetition", "complaint":
			// a fine or reminder alone does not say the firm failed
			failed = failed || h.target != "third-party" && !a.sanction(h)
		}
	}
	for i, h := range a.hits {
		if h.kind == "irony" {
			if failed {
				a.hits[i].kind = "sarcasm"
				present["sarcasm"] = true
			} else {
				a.hits[i].kind = "praise"
			}
		}
	}
	var sigs []Signal
	sums := map[string]float64{}
	seen := map[string]bool{}
	for _, h := range a.hits {
		name := h.kind
		if n, ok := names[name]; ok {
			name = n
		}
		weight := base[h.kind]
		switch {
		case h.target == "third-party" && positiveKinds[name]:
			name, weight = "third-party", 0
		case h.kind == "incident" && !present["switching"]:
			continue // a reason only matters for a termination
		}
		if once[name] {
			if seen[name] {
				weight = 0
			}
			seen[name] = true
		}
		s := a.sents[h.s]
		if weight > 0 {
			if s.subject {
				weight *= subjFactor
			}
			if h.target == "" && !strongKinds[name] {
				weight *= w.Unknown
			}
		}
		if max := caps[name]; max > 0 {
			room := max - math.Abs(sums[name])
			if room <= 0 {
				weight = 0
			} else if math.Abs(weight) > room {
				weight = math.Copysign(room, weight)
			}
			sums[name] += weight
		}
		sigs = append(sigs, Signal{Name: name, Evidence: evidence(s, h.sp), Weight: weight, Target: h.target, sent: h.s})
	}
	// dampers: a resolved or withdrawn matter, a waiver damp the claim they
	// belong to (their sentence and the one before it in the paragraph), a
	// job application or a joke the whole mail
	local := map[int]float64{}
	mail := 1.0
	ownClaim := map[int]bool{} // sentences whose claim the writer takes on themself
	for _, h := range a.hits {
		f := 1.0
		switch h.kind {
		case "own-fault":
			for _, k := range a.claim(h.s) {
				ownClaim[k] = true
			}
		case "resolved":
			if !present["reopened"] {
				f = w.Resolved
			}
		case "waiver":
			f = w.Waiver
		case "banter":
			mail *= w.Banter // a joke frames the whole mail
		case "job":
			mail *= w.Job
		}
		if f == 1 {
			continue
		}
		for _, k := range a.claim(h.s) {
			if _, ok := local[k]; !ok {
				local[k] = 1
			}
			local[k] = math.Min(local[k], f)
		}
	}
	if present["sarcasm"] {
		// praise next to sarcasm is ironic too
		for i := range sigs {
			if sigs[i].Name == "praise" {
				sigs[i].Weight = 0
			}
		}
	}
	if present["insistence"] || present["demand"] || present["sarcasm"] {
		// a mail that insists, demands or mocks is not a neutral question
		for i := range sigs {
			if sigs[i].Name == "inquiry" {
				sigs[i].Weight = 0
			}
		}
	}
	score := 0.0
	for i := range sigs {
		if sigs[i].Weight > 0 {
			damp := mail
			if f, ok := local[sigs[i].sent]; ok {
				damp *= f
			}
			sigs[i].Weight *= damp
			sigs[i].damped = damp < 1 || ownClaim[sigs[i].sent]
		}
	}
	// own fault, a neutral question and thanks take from the claim they
	// belong to, at most what it had: not from another claim in the mail
	pos := map[int]float64{}
	for _, sg := range sigs {
		if sg.Weight > 0 {
			pos[sg.sent] += sg.Weight
		}
	}
	for i := range sigs {
		switch sigs[i].Name {
		case "own-fault", "inquiry", "praise":
			if sigs[i].Weight >= 0 {
				continue
			}
			room := 0.0
			for _, k := range a.claim(sigs[i].sent) {
				room += pos[k]
				pos[k] = 0
			}
			sigs[i].Weight = -math.Min(-sigs[i].Weight, room)
		}
	}
	for i := range sigs {
		sigs[i].Weight = round2(sigs[i].Weight)
		score += sigs[i].Weight
	}
	complaintAt, doubtfulAt := w.ComplaintAt, w.DoubtfulAt
	if in.ReplyToFirm {
		complaintAt += w.ReplyToFirm
		sigs = append(sigs, Signal{Name: "reply-to-firm"})
	}
	res.Score = round2(score)
	res.Signals = sigs
	strong := false
	for _, s := range sigs {
		if strongKinds[s.Name] && s.Weight > 0 {
			strong = true
		}
	}
	switch {
	case res.Score >= complaintAt && strong:
		res.Outcome = Complaint
	case res.Score >= doubtfulAt:
		res.Outcome = Doubtful
	}
	return res, a
}

// run finds every list match in every sentence and resolves negation,
// names, health context and targets.
func (a *analysis) run() {
	c := a.c
	gap := c.w.MaxGap
	a.tgts = make([][]hit, len(a.sents))
	for si, s := range a.sents {
		toks := s.toks
		// targets: third parties first, so "mijn medewerker" is not the firm's
		tb := make([]bool, len(toks))
		ben := map[int]bool{}
		for _, sp := range c.lists["beneficiary"].find(toks, 0, nil) {
			for i := sp.from + 1; i < sp.to+3 && i < len(toks); i++ {
				ben[i] = true // "namens mijn broer", "voor mijn medewerkers"
			}
		}
		for _, sp := range c.lists["third"].find(toks, 2, nil) {
			for i := sp.from; i < sp.to; i++ {
				tb[i] = true
			}
			if ben[sp.from] {
				continue // "namens mijn broer": on whose behalf, not about whom
			}
			if sp.to < len(toks) && identifiers[toks[sp.to].norm] {
				continue // "mijn KvK-nummer": a number, not the organisation
			}
			a.tgts[si] = append(a.tgts[si], hit{kind: "third-party", s: si, sp: sp})
		}
		for _, sp := range c.lists["firm"].find(toks, 2, tb) {
			a.tgts[si] = append(a.tgts[si], hit{kind: "firm", s: si, sp: sp})
		}
	}
	for si, s := range a.sents {
		toks := s.toks
		blocked := make([]bool, len(toks))
		block := func(sp span) {
			for i := sp.from; i < sp.to; i++ {
				blocked[i] = true
			}
		}
		var found []hit
		// neutralisers first: they hide the words they contain
		for _, kind := range []string{"neutral", "idiom", "procedure", "joining", "reopened", "resolved", "own-fault", "waiver", "inquiry"} {
			for _, sp := range c.lists[kind].find(toks, gap, blocked) {
				switch kind {
				case "resolved", "own-fault", "joining":
					if neg, _ := a.negation(si, sp); neg {
						continue
					}
				}
				if (kind == "resolved" || kind == "waiver") && a.followedByBut(si, sp) {
					continue // "het is opgelost, maar ..."
				}
				block(sp)
				if kind == "joining" || kind == "neutral" {
					continue
				}
				found = append(found, hit{kind: kind, s: si, sp: sp})
			}
		}
		for _, sp := range c.lists["complaint"].find(toks, gap, blocked) {
			if a.isName(si, sp) {
				block(sp)
			}
		}
		strong := false // a failure, grievance or dissatisfaction about the firm in this sentence
		for _, kind := range []string{"complaint", "dissatisfied", "annoyed", "sarcasm", "demand", "insistence",
			"grievance", "privacy", "escalation", "switching", "failure", "incident", "repetition"} {
			for _, sp := range c.lists[kind].find(toks, gap, blocked) {
				block(sp)
				h := hit{kind: kind, s: si, sp: sp}
				if kind != "sarcasm" && kind != "repetition" && kind != "incident" && kind != "insistence" {
					if neg, concessive := a.negation(si, sp); neg {
						if kind == "complaint" || kind == "dissatisfied" || kind == "annoyed" {
							h.kind = "negated"
							if concessive {
								h.kind = "concession"
							}
							found = append(found, h)
						}
						continue
					}
				}
				if (kind == "complaint" || kind == "dissatisfied") && a.nearHealth(si, sp) {
					h.kind = "health"
					found = append(found, h)
					continue
				}
				h.target = a.target(si, sp, kind)
				if kind == "switching" && h.target == "" && a.considering(si, sp) && a.closesClause(si, sp, kind) {
					h.target = "firm" // "ik overweeg over te stappen": leaving the firm
				}
				if kind == "privacy" {
					h.target = "firm" // whoever is named received what they should not have
				}
				found = append(found, h)
			}
		}
		// a privacy slip is the firm's, unless this sentence or the ones
		// before blamed a third party for it ("De KvK heeft mijn adres
		// verkeerd ingeschreven. Nu komen mijn brieven bij de buren.")
		for i, h := range found {
			if h.kind == "privacy" && a.thirdPartyStory(si, found) {
				found[i].target = "third-party"
			}
		}
		for _, h := range found {
			switch h.kind {
			case "complaint", "dissatisfied", "annoyed", "sarcasm", "demand", "grievance", "privacy", "escalation", "failure":
				strong = strong || h.target != "third-party"
			}
		}
		// negated positives: "niet tevreden", "not happy"
		for _, sp := range c.lists["positive"].find(toks, gap, blocked) {
			if neg, _ := a.negation(si, sp); neg {
				block(sp)
				h := hit{kind: "negated-positive", s: si, sp: sp, target: a.target(si, sp, "negated-positive")}
				found = append(found, h)
				strong = strong || h.target != "third-party"
			}
		}
		if strong {
			for _, sp := range c.lists["repetition-weak"].find(toks, gap, blocked) {
				block(sp)
				found = append(found, hit{kind: "repetition", s: si, sp: sp, target: a.target(si, sp, "repetition")})
			}
		}
		for _, kind := range []string{"irony", "praise", "job", "banter"} {
			for _, sp := range c.lists[kind].find(toks, gap, blocked) {
				block(sp)
				found = append(found, hit{kind: kind, s: si, sp: sp})
			}
		}
		// "niet blij met hoe het is afgehandeld": a resolution word inside a
		// grievance describes, it does not settle; "hoe kan dit een half jaar
		// niemand opvallen?": a question that itself states a failure of the
		// firm is a reproach, not a neutral question
		keep := found[:0]
		for _, h := range found {
			if h.kind == "resolved" && a.inGrievanceClause(si, h.sp, found) {
				continue
			}
			if h.kind == "inquiry" && reproach(h, found) {
				continue
			}
			keep = append(keep, h)
		}
		found = keep
		sort.SliceStable(found, func(i, j int) bool { return found[i].sp.from < found[j].sp.from })
		// "Het was daar een rommeltje: aangiften die nooit zijn ingediend":
		// a fact with no one named that follows a judgement of a third party
		// in an earlier clause of the sentence elaborates that judgement
		third := -1
		for i, h := range found {
			switch {
			case h.target == "third-party" && positiveKinds[kindName(h.kind)]:
				if third < 0 {
					third = toks[h.sp.from].clause
				}
			case h.target == "" && third >= 0 && toks[h.sp.from].clause > third:
				switch h.kind {
				case "failure", "repetition":
					found[i].target = "third-party"
				}
			}
		}
		a.hits = append(a.hits, found...)
	}
}

// claim returns the sentences a counter-cue in sentence si belongs to: si
// and the sentence before it in the same paragraph; in the first paragraph
// of the body also the subject ("Uw klacht" / "Prima opgelost, dank").
func (a *analysis) claim(si int) []int {
	out := []int{si}
	if k := si - 1; k >= 0 && a.sents[k].para == a.sents[si].para && a.sents[k].subject == a.sents[si].subject {
		out = append(out, k)
	}
	if !a.sents[si].subject && a.sents[si].para == a.firstPara() {
		for k := range a.sents {
			if a.sents[k].subject {
				out = append(out, k)
			}
		}
	}
	return out
}

// firstPara is the number of the body's first paragraph with words.
func (a *analysis) firstPara() int {
	for _, s := range a.sents {
		if !s.subject && len(s.toks) > 0 {
			return s.para
		}
	}
	return -1
}

// considering reports whether the clause of a switching match weighs it
// ("ik overweeg", "I'm considering", "denk erover", "thinking of"): a
// threat to leave, which is about the firm the mail is sent to.
func (a *analysis) considering(si int, sp span) bool {
	toks := a.sents[si].toks
	for i := clauseStart(toks, sp.from); i < sp.from; i++ {
		w := toks[i].norm
		next := ""
		if i+1 < len(toks) {
			next = toks[i+1].norm
		}
		switch {
		case strings.HasPrefix(w, "overweeg") || w == "overwegen" || w == "considering" || w == "contemplating":
			return true
		case (w == "denk" || w == "denken") && (next == "erover" || next == "eraan"):
			return true
		case w == "thinking" && (next == "about" || next == "of"):
			return true
		}
	}
	return false
}

// closesClause reports whether nothing follows a match in its clause but
// (within three words) another match of the same list: "ik overweeg over
// te stappen." and "over te stappen naar een ander kantoor", not "over te
// stappen op een ander boekhoudpakket".
func (a *analysis) closesClause(si int, sp span, kind string) bool {
	toks := a.sents[si].toks
	if sp.to >= len(toks) || toks[sp.to].clause != toks[sp.from].clause {
		return true
	}
	for _, m := range a.c.lists[kind].find(toks[sp.to:], a.c.w.MaxGap, nil) {
		return m.from <= 3 && toks[sp.to+m.from].clause == toks[sp.from].clause
	}
	return false
}

// kindName maps a list name to its signal name ("dissatisfied" is
// "dissatisfaction").
func kindName(kind string) string {
	switch kind {
	case "dissatisfied", "negated-positive":
		return "dissatisfaction"
	case "annoyed":
		return "annoyance"
	}
	return kind
}

// reproach reports whether a failure, grievance or privacy breach not about
// a third party follows the start of a question in its sentence.
func reproach(q hit, found []hit) bool {
	for _, h := range found {
		switch h.kind {
		case "failure", "grievance", "privacy":
			if h.target != "third-party" && h.sp.from > q.sp.from {
				return true
			}
		}
	}
	return false
}

// thirdPartyStory reports whether another match of sentence si (found)
// or one of the two sentences before it in its paragraph blamed a third
// party while none of them names the firm.
func (a *analysis) thirdPartyStory(si int, found []hit) bool {
	named := func(k int) bool {
		for _, t := range a.tgts[k] {
			if t.kind == "firm" {
				return true
			}
		}
		return false
	}
	if named(si) {
		return false
	}
	for _, h := range found {
		if h.target == "third-party" && positiveKinds[kindName(h.kind)] {
			return true
		}
	}
	for k := si - 1; k >= 0 && k >= si-2; k-- {
		if a.sents[k].subject || a.sents[k].para != a.sents[si].para || named(k) {
			return false
		}
		if a.blamed(k) {
			return true
		}
	}
	return false
}

// inGrievanceClause reports whether a match shares its clause with a
// complaint, dissatisfaction or failure about the firm, or follows "hoe"/"how".
func (a *analysis) inGrievanceClause(si int, sp span, found []hit) bool {
	toks := a.sents[si].toks
	cl := toks[sp.from].clause
	for i := clauseStart(toks, sp.from); i < sp.from; i++ {
		if toks[i].norm == "hoe" || toks[i].norm == "how" || toks[i].norm == "waarop" {
			return true
		}
	}
	for _, h := range found {
		if h.target == "third-party" || toks[h.sp.from].clause != cl {
			continue
		}
		switch h.kind {
		case "dissatisfied", "annoyed", "negated-positive", "failure", "grievance", "privacy":
			return true
		}
	}
	return false
}

// sanction reports whether a match names a sanction (boete, aanmaning).
func (a *analysis) sanction(h hit) bool {
	return len(a.c.lists["sanction"].find(a.sents[h.s].toks[h.sp.from:h.sp.to], 0, nil)) > 0
}

// definite reports whether a match follows a definite article or
// demonstrative: "de klacht", "die klacht", "the complaint".
func (a *analysis) definite(h hit) bool {
	if h.sp.from == 0 {
		return false
	}
	switch a.sents[h.s].toks[h.sp.from-1].norm {
	case "de", "het", "die", "deze", "dat", "dit", "the", "that", "this":
		return true
	}
	return false
}

// isName reports whether a complaint word is part of a name or a count
// rather than a complaint: "Klachtvrij Installatietechniek B.V.",
// "Complaintly", "14 klachten".
func (a *analysis) isName(si int, sp span) bool {
	s := a.sents[si]
	t := s.toks[sp.from]
	word := s.src[t.start:t.end]
	if sp.from > 0 {
		prev := s.toks[sp.from-1].norm
		if prev != "" && prev[0] >= '0' && prev[0] <= '9' {
			return true // "14 klachten": a count
		}
	}
	for i := sp.from + 1; i < len(s.toks) && i <= sp.from+3; i++ {
		switch s.toks[i].norm {
		case "bv", "b", "ltd", "inc", "gmbh", "vof", "nv", "llc", "bvba", "co":
			return true
		}
	}
	upper, lower, inner := 0, 0, false
	for i, r := range word {
		if unicode.IsUpper(r) {
			upper++
			if i > 0 {
				inner = true
			}
		} else if unicode.IsLower(r) {
			lower++
		}
	}
	if inner && lower > 0 {
		return true // CamelCase: ComplainDesk
	}
	base := t.norm == "klacht" || t.norm == "klachten" || t.norm == "complaint" || t.norm == "complaints"
	if upper == 1 && lower > 0 && !base {
		if sp.from > 0 {
			return true // a capitalised compound inside a sentence: "Klachtenkompas"
		}
		if sp.to < len(s.toks) {
			n := s.toks[sp.to]
			if r, _ := utf8.DecodeRuneInString(s.src[n.start:n.end]); unicode.IsUpper(r) {
				return true // "Klachtvrij Installatietechniek"
			}
		}
	}
	return false
}

// nearHealth reports whether a health word is within five words of a
// complaint word: "rugklachten" never matches klacht*, but "klachten aan
// zijn heup" and "health complaints" must not count.
func (a *analysis) nearHealth(si int, sp span) bool {
	toks := a.sents[si].toks
	from, to := sp.from-5, sp.to+5
	if from < 0 {
		from = 0
	}
	if to > len(toks) {
		to = len(toks)
	}
	for _, h := range a.c.lists["health"].find(toks[from:to], a.c.w.MaxGap, nil) {
		_ = h
		return true
	}
	return false
}

// followedByBut reports whether a match is followed by "maar"/"but" in the
// same sentence: "het is opgelost, maar ..." is not settled.
func (a *analysis) followedByBut(si int, sp span) bool {
	for _, t := range a.sents[si].toks[sp.to:] {
		if t.norm == "maar" || t.norm == "but" {
			return true
		}
	}
	return false
}

// scopeBreak words end the reach of a negator: a prepositional phrase
// between them means the negator belongs to another noun.
var scopeBreak = map[string]bool{
	"op": true, "over": true, "van": true, "aan": true, "met": true, "bij": true, "naar": true, "voor": true,
	"to": true, "about": true, "of": true, "for": true, "with": true, "on": true, "at": true, "from": true,
}

// negation looks for a negator up to four words before a match in the same
// clause (not across a preposition), or right after a complaint verb ("ik klaag niet"). concessive is
// set when the sentence goes on with "maar"/"but": "geen klachten, maar ...".
func (a *analysis) negation(si int, sp span) (neg, concessive bool) {
	toks := a.sents[si].toks
	cl := toks[sp.from].clause
	for i := sp.from - 1; i >= 0 && i >= sp.from-4; i-- {
		if toks[i].clause != cl || scopeBreak[toks[i].norm] {
			break // "geen reactie op mijn klacht": the negator is about something else
		}
		if a.c.negators[toks[i].norm] {
			neg = true
			break
		}
	}
	if !neg && sp.to < len(toks) && toks[sp.to].clause == cl && a.c.negators[toks[sp.to].norm] {
		w := toks[sp.to-1].norm
		if strings.HasPrefix(w, "klaag") || strings.HasPrefix(w, "klag") || strings.HasPrefix(w, "complain") {
			neg = true
		}
	}
	if neg {
		concessive = a.followedByBut(si, sp)
	}
	return neg, concessive
}

// clauseStart returns the index of the first token of the clause of toks[i].
func clauseStart(toks []token, i int) int {
	cl := toks[i].clause
	for i > 0 && toks[i-1].clause == cl {
		i--
	}
	return i
}

// identifiers after a third party's name make it a number or document,
// not the party: "KvK-nummer", "bank number".
var identifiers = map[string]bool{
	"nummer": true, "nr": true, "number": true, "uittreksel": true, "extract": true,
}

// anaphoric words start a sentence that continues the previous one's topic.
var anaphoric = map[string]bool{
	"ze": true, "zij": true, "hij": true, "die": true, "dat": true, "dit": true, "daar": true, "er": true,
	"they": true, "he": true, "she": true, "it": true, "this": true, "that": true, "their": true, "them": true,
}

// personal pronouns point back to a person or organisation named before.
var personal = map[string]bool{
	"ze": true, "zij": true, "hij": true, "they": true, "he": true, "she": true,
}

// prepositions introduce the object of a grievance: "klacht bij de
// Belastingdienst", "teleurgesteld in de bank".
var prepositions = map[string]bool{
	"bij": true, "tegen": true, "over": true, "in": true, "met": true, "van": true, "op": true,
	"against": true, "with": true, "about": true, "at": true, "of": true, "from": true, "by": true,
}

// target resolves who a grievance is about:
//  1. the nearest mention of the firm (anywhere in the clause) or of a third
//     party (within three words, opening the clause as its subject, or
//     introduced by a preposition within six words after the match) in the
//     same clause; a third party inside the match itself does not count
//     ("naar mijn ex"), the firm inside it decides ("volgens jullie"),
//     except generic "je" ("zo ga je niet met klanten om"); the party that
//     imposed a sanction ("een aanmaning van de Belastingdienst") is not
//     the one blamed for it;
//  2. else the nearest mention in an earlier clause of the same sentence;
//  3. else a third party blamed later in the sentence ("..., maar dat was
//     de Belastingdienst"), or opening the next clause ("..., de omzet is
//     gedaald"), or for a judging word named in a short phrase after it
//     ("het hangt me de keel uit, al dat papierwerk van de gemeente");
//  4. else the sentence before in the same paragraph (and further back
//     through sentences without mentions that start with a pronoun): the
//     firm named there; or a third party opening one of its clauses (any
//     third party when the clause itself says "ze", "they" or a place
//     "daar"), provided the match judges ("ontevreden") or the clause says
//     "ze", "they", "daar" or that sentence already blamed the third party;
//  5. else unknown ("").
//
// The subject line only looks at itself.
func (a *analysis) target(si int, sp span, kind string) string {
	toks := a.sents[si].toks
	cl := toks[sp.from].clause
	best, bestDist := "", 1<<30
	earlier, earlierPos := "", -1
	next := ""
	sanction := a.sanction(hit{s: si, sp: sp})
	for _, t := range a.tgts[si] {
		if sanction && t.kind == "third-party" && a.issuer(si, sp, t.sp) {
			continue // "een aanmaning van de Belastingdienst": who imposed it, not who caused it
		}
		if t.sp.from >= sp.from && t.sp.to <= sp.to {
			if t.kind == "firm" && toks[t.sp.from].norm != "je" {
				return "firm" // "you told me", "volgens jullie": the match names the firm
			}
			continue // inside the match: "naar mijn ex"
		}
		tc := toks[t.sp.from].clause
		opens := t.sp.from-clauseStart(toks, t.sp.from) <= 2
		switch {
		case tc == cl:
			d := t.sp.from - sp.to
			after := d >= 0
			if d < 0 {
				d = sp.from - t.sp.to
			}
			if d < 0 {
				d = 0
			}
			if t.kind == "third-party" && d > 3 && !opens {
				object := kind == "complaint" || kind == "dissatisfied" || kind == "annoyed" || kind == "negated-positive"
				if !object || !after || d > 6 || !a.introduced(si, t.sp.from) {
					continue
				}
			}
			if d < bestDist || d == bestDist && t.kind == "firm" {
				best, bestDist = t.kind, d
			}
		case tc < cl:
			if t.sp.from > earlierPos {
				earlier, earlierPos = t.kind, t.sp.from
			}
		case tc == nextClause(toks, cl) && t.kind == "third-party" && next == "" &&
			(opens || evaluative(kind) && a.introduced(si, t.sp.from) && a.apposition(si, tc)):
			next = t.kind // "..., de omzet is gedaald"; "het hangt me de keel uit, al dat papierwerk van de gemeente"
		}
	}
	if best != "" {
		return best
	}
	if earlier != "" || a.sents[si].subject {
		return earlier
	}
	if a.shiftedBlame(si, sp) {
		return "third-party"
	}
	if next != "" {
		return next
	}
	pronoun := false
	for i := clauseStart(toks, sp.from); i < len(toks) && toks[i].clause == cl; i++ {
		if personal[toks[i].norm] || toks[i].norm == "daar" && !particleAfter(toks, i) {
			pronoun = true // "het was daar een rommeltje" points back too
		}
	}
	for k := si - 1; k >= 0 && k >= si-3; k-- {
		s := a.sents[k]
		if s.subject || s.para != a.sents[si].para {
			break
		}
		third := false
		for _, t := range a.tgts[k] {
			if t.kind == "firm" {
				return "firm"
			}
			if pronoun || t.sp.from-clauseStart(s.toks, t.sp.from) <= 2 {
				third = true
			}
		}
		if third {
			// a judging word refers back; a fact only when that sentence
			// blamed the third party already or the clause says "ze", "they"
			if evaluative(kind) || pronoun || a.blamed(k) {
				return "third-party"
			}
			return ""
		}
		// go further back only through a sentence without mentions that
		// refers back ("Ze hebben ...")
		if len(a.tgts[k]) > 0 || len(s.toks) == 0 || !anaphoric[s.toks[0].norm] {
			break
		}
	}
	return ""
}

// issuer reports whether the third party at m follows the sanction at sp
// within four words, introduced by van, from or by: the one that imposed it.
func (a *analysis) issuer(si int, sp, m span) bool {
	toks := a.sents[si].toks
	if m.from < sp.to || m.from-sp.to > 4 {
		return false
	}
	for k := sp.to; k < m.from; k++ {
		switch toks[k].norm {
		case "van", "from", "by", "door":
			return true
		}
	}
	return false
}

// shiftedBlame reports whether a later clause of the sentence lays a match
// with no one named at a third party's door: "De boete was vervelend, maar
// dat was de Belastingdienst", "but that was the bank".
func (a *analysis) shiftedBlame(si int, sp span) bool {
	toks := a.sents[si].toks
	for i := sp.to; i+1 < len(toks); i++ {
		if toks[i].norm != "maar" && toks[i].norm != "but" {
			continue
		}
		k := i + 1
		switch toks[k].norm {
		case "dat", "that", "het", "it", "dit", "this":
		default:
			continue
		}
		for _, t := range a.tgts[si] {
			if t.kind == "third-party" && t.sp.from > k && t.sp.from-k <= 4 {
				return true
			}
		}
	}
	return false
}

// particles make "daar" a pronominal adverb about a thing ("daar ben ik
// ontevreden over", "daar ga ik mee akkoord") rather than a place or party.
var particles = map[string]bool{
	"over": true, "mee": true, "van": true, "voor": true, "aan": true, "op": true, "in": true, "uit": true, "bij": true,
	"naar": true, "door": true, "om": true, "toe": true, "tegen": true, "achter": true, "onder": true,
}

// particleAfter reports whether a particle follows token i in its clause.
func particleAfter(toks []token, i int) bool {
	for k := i + 1; k < len(toks) && toks[k].clause == toks[i].clause; k++ {
		if particles[toks[k].norm] {
			return true
		}
	}
	return false
}

// nextClause returns the number of the first clause after cl with more than
// one word ("maar", "al" split off by a clause word do not count).
func nextClause(toks []token, cl int) int {
	n := map[int]int{}
	for _, t := range toks {
		n[t.clause]++
	}
	for c := cl + 1; c <= cl+3; c++ {
		if n[c] > 1 {
			return c
		}
	}
	return cl + 1
}

// apposition reports whether clause cl of sentence si is short (at most six
// words) and does not name the firm: a phrase naming what a judgement is
// about rather than a statement of its own.
func (a *analysis) apposition(si, cl int) bool {
	toks := a.sents[si].toks
	n := 0
	for _, t := range toks {
		if t.clause == cl {
			n++
		}
	}
	for _, t := range a.tgts[si] {
		if t.kind == "firm" && toks[t.sp.from].clause == cl {
			return false
		}
	}
	return n <= 6
}

// evaluative kinds judge rather than report: they may refer back to a
// party named before.
func evaluative(kind string) bool {
	return kind == "complaint" || kind == "dissatisfied" || kind == "annoyed" || kind == "negated-positive"
}

// blamed reports whether sentence k has a grievance about a third party.
func (a *analysis) blamed(k int) bool {
	for _, h := range a.hits {
		if h.s == k && h.target == "third-party" {
			return true
		}
	}
	return false
}

// introduced reports whether the mention at token i follows a preposition
// (possibly with an article or possessive between).
func (a *analysis) introduced(si, i int) bool {
	toks := a.sents[si].toks
	for k := i - 1; k >= 0 && k >= i-3; k-- {
		if prepositions[toks[k].norm] {
			return true
		}
	}
	return false
}

// evidence quotes the matched words as written, with up to three following
// words of the same clause for context, at most ~60 characters.
func evidence(s sentence, sp span) string {
	toks := s.toks
	if sp.from >= len(toks) || sp.to <= sp.from {
		return ""
	}
	end := sp.to - 1
	cl := toks[end].clause
	for k := 0; k < 3 && end+1 < len(toks) && toks[end+1].clause == cl; k++ {
		if toks[end+1].end-toks[sp.from].start > 60 {
			break
		}
		end++
	}
	text := s.src[toks[sp.from].start:toks[end].end]
	text = strings.Join(strings.Fields(text), " ")
	if r := []rune(text); len(r) > 60 {
		text = string(r[:60])
	}
	return text
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// firstRunesAtLine cuts s to at most n runes, at a line end when possible.
func firstRunesAtLine(s string, n int) string {
	count := 0
	for i := range s {
		if count == n {
			cut := s[:i]
			if j := strings.LastIndexByte(cut, '\n'); j > len(cut)/2 {
				return cut[:j+1]
			}
			return cut
		}
		count++
	}
	return s
}

// labels are the Dutch names of the signals in Explain.
var labels = map[string]string{
	"complaint": "klacht", "dissatisfaction": "ontevreden", "annoyance": "ergernis", "demand": "eis", "repetition": "herhaling",
	"failure": "tekortkoming", "grievance": "grief", "privacy": "privacy", "insistence": "aandringen",
	"inquiry": "neutrale vraag", "sarcasm": "sarcasme", "switching": "overstappen",
	"incident": "eerder voorval", "escalation": "dreigt met stappen", "reopened": "opnieuw open",
	"negated": "ontkend", "idiom": "uitdrukking", "third-party": "over een derde", "procedure-question": "vraag naar de regeling",
	"resolved": "opgelost of ingetrokken", "own-fault": "eigen fout", "waiver": "geen bezwaar", "praise": "tevreden",
	"health": "gezondheid", "job-application": "sollicitatie", "banter": "grap", "reply-to-firm": "antwoord op onze mail",
}

// Explain renders the signals that decided it as one short line a Dutch
// director can read, e.g.
//
//	klacht: "ontevreden over de aangifte", eis: "vergoeden"; niet over een derde
//
// The part before ";" is the evidence for a complaint (strongest first), the
// part after it what spoke against it or was taken into account.
func (r Result) Explain() string {
	type item struct {
		text string
		w    float64
	}
	var pro, con []item
	seen := map[string]bool{}
	third := false
	for _, s := range r.Signals {
		label := labels[s.Name]
		if label == "" {
			label = s.Name
		}
		if s.Name == "third-party" {
			third = true
		}
		text := label
		if s.Evidence != "" {
			text += ": \"" + s.Evidence + "\""
		}
		if seen[text] {
			continue
		}
		seen[text] = true
		switch {
		case s.Weight > 0:
			pro = append(pro, item{text, s.Weight})
		case s.Weight < 0 || s.Name == "third-party" || s.Name == "health" || s.Name == "reply-to-firm" || s.Name == "negated":
			con = append(con, item{text, s.Weight})
		}
	}
	sort.SliceStable(pro, func(i, j int) bool { return pro[i].w > pro[j].w })
	sort.SliceStable(con, func(i, j int) bool { return con[i].w < con[j].w })
	const maxItems = 4
	var b strings.Builder
	if len(pro) == 0 {
		b.WriteString("geen aanwijzing voor een klacht")
	}
	for i, p := range pro {
		if i == maxItems {
			fmt.Fprintf(&b, " en %d meer", len(pro)-maxItems)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.text)
	}
	var rest []string
	for i, c := range con {
		if i == maxItems {
			rest = append(rest, fmt.Sprintf("en %d meer", len(con)-maxItems))
			break
		}
		rest = append(rest, c.text)
	}
	if !third && len(pro) > 0 {
		rest = append(rest, "niet over een derde")
	}
	if len(rest) > 0 {
		b.WriteString("; ")
		b.WriteString(strings.Join(rest, ", "))
	}
	fmt.Fprintf(&b, " (score %s)", strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", r.Score), "0"), "."))
	if r.model {
		return r.Decision() + " — " + b.String()
	}
	return b.String()
}

// targetLabels are the Dutch names of the targets.
var targetLabels = map[string]string{
	TargetFirm: "over het kantoor", TargetThird: "over een derde", TargetSelf: "over de schrijver zelf",
	TargetUnknown: "niet duidelijk over wie",
}

// Decision is the model's probability and the target with its evidence,
// as a director reads it: `kans 96%, over het kantoor: "te laat
// ingediend" (jullie)`.
func (r Result) Decision() string {
	s := fmt.Sprintf("kans %d%%, %s", int(math.Round(r.Prob*100)), targetLabels[r.Target])
	if r.TargetEvidence != "" {
		s += ": " + r.TargetEvidence
	}
	return s
}
