package recognize

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Targets the thresholds are chosen for, on out-of-fold figures, with a
// margin over the firm's limits (precision >= 0.98, recall >= 0.97).
const (
	wantPrecision = 0.99
	wantRecall    = 0.975
	folds         = 5
	foldSeed      = 7
)

// candidate is one model tried in cross-validation.
type candidate struct {
	name  string
	train func([]Example) *Model
	auc   float64
}

// FitResult is a trained model with what cross-validation measured.
type FitResult struct {
	Model      *Model
	Sets       []string // the labelled sets trained on, with their sizes
	n, pos     int
	candidates []candidate
	chosen     int
	// out-of-fold decisions at the chosen thresholds, per set and overall
	oof        map[string]*Figures
	sweep      []string // precision by auto threshold
	doubtSweep []string // recall and ordinary mail held by doubtful threshold
	mistakes   []string
	modelOnly  map[string]*Figures // the same with every held mail's rule gate open
	// OutOfFold is one line per mail: set/file, label, target, probability,
	// note, the rules' score and verdict, the outcome.
	OutOfFold []string
}

// Fit trains the model on labelled mail: it compares logistic regression
// and naive Bayes by 5-fold cross-validation (area under the ROC curve of
// out-of-fold scores), calibrates the best by Platt scaling on its
// out-of-fold scores, chooses AutoAt as the lowest probability from which
// automatic cases (grievance resolved to the firm) keep a precision of at
// least 0.99 out of fold, and DoubtAt as the highest probability that still
// catches at least 0.98 of complaints, then trains it on all mail.
func Fit(mails []Labelled, lex Lexicon) *FitResult {
	ex := make([]Example, len(mails))
	y := make([]bool, len(mails))
	r := &FitResult{n: len(mails), oof: map[string]*Figures{}}
	for i, x := range mails {
		ex[i] = Example{F: FeaturesOf(x.In), Complaint: x.IsComplaint()}
		y[i] = ex[i].Complaint
		if y[i] {
			r.pos++
		}
	}
	for _, l := range []float64{1e-5, 3e-5, 1e-4, 3e-4} {
		o := DefaultTrainOptions
		o.Lambda = l
		r.candidates = append(r.candidates, candidate{name: fmt.Sprintf("logistic regression, L2 λ=%g, %d epochs", l, o.Epochs),
			train: func(e []Example) *Model { return TrainLR(e, o) }})
	}
	for _, c := range []float64{0.1, 0.2, 0.5} {
		o := DefaultTrainOptions
		r.candidates = append(r.candidates, candidate{name: fmt.Sprintf("logistic regression λ=%g + %g × naive Bayes α=1", o.Lambda, c),
			train: func(e []Example) *Model {
				m, nb := TrainLR(e, o), TrainNB(e, 1)
				for i := range m.W {
					m.W[i] += float32(c) * nb.W[i]
				}
				m.Bias += c * nb.Bias
				return m
			}})
	}
	for _, a := range []float64{0.5, 1} {
		r.candidates = append(r.candidates, candidate{name: fmt.Sprintf("naive Bayes, α=%g", a),
			train: func(e []Example) *Model { return TrainNB(e, a) }})
	}
	fold := Folds(ex, folds, foldSeed)
	var bestScores []float64
	var bestModels []*Model
	for i := range r.candidates {
		c := &r.candidates[i]
		scores, models := OutOfFold(ex, fold, folds, c.train)
		c.auc = AUC(scores, y)
		if i == 0 || c.auc > r.candidates[r.chosen].auc {
			r.chosen, bestScores, bestModels = i, scores, models
		}
	}
	a, b := FitPlatt(bestScores, y)
	probs := make([]float64, len(ex))
	targets := make([]string, len(ex))
	ev := make([]weighed, len(ex))
	for i, x := range mails {
		probs[i] = round3(sigmoid(a*bestScores[i] + b))
		res, an := lex.rules(x.In)
		targets[i], _ = an.mailTarget(res.Signals, bestModels[fold[i]])
		ev[i] = weighed{p: probs[i], target: targets[i], rules: res.Outcome, score: res.Score}
	}
	autoAt, doubtAt := chooseThresholds(ev, y)
	modelOnly := map[string]*Figures{}
	for i := range probs {
		r.OutOfFold = append(r.OutOfFold, fmt.Sprintf("%s/%s\t%s\t%s\t%.3f\t%s\t%.2f\t%s\t%s", mails[i].Set, mails[i].File, mails[i].Label,
			targetName(targets[i]), probs[i], mails[i].Note, ev[i].score, ev[i].rules, decide(ev[i], autoAt, doubtAt)))
	}
	r.sweep = sweep(ev, y)
	r.doubtSweep = doubtSweep(ev, y, autoAt)
	m := r.candidates[r.chosen].train(ex)
	df := map[uint32]int{}
	for _, x := range ex {
		for _, i := range x.F {
			df[i]++
		}
	}
	m.Common = map[uint32]bool{}
	for i, n := range df {
		if float64(n) > commonShare*float64(len(ex)) {
			m.Common[i] = true
		}
	}
	m.PlattA, m.PlattB, m.AutoAt, m.DoubtAt = a, b, autoAt, doubtAt
	r.Model = m
	r.modelOnly = modelOnly
	for i, x := range mails {
		o := decide(ev[i], autoAt, doubtAt)
		for _, k := range []string{"all", x.Set} {
			if r.oof[k] == nil {
				r.oof[k], modelOnly[k] = &Figures{}, &Figures{}
			}
			r.oof[k].Add(x.IsComplaint(), o)
			modelOnly[k].Add(x.IsComplaint(), decide(ev[i].modelOnly(), autoAt, doubtAt))
		}
		if x.IsComplaint() && o == None || !x.IsComplaint() && o != None {
			r.mistakes = append(r.mistakes, fmt.Sprintf("| %s/%s | %s | %s | %.3f | %s | %s |", x.Set, x.File, x.Label, o, probs[i],
				targetName(targets[i]), mdCell(x.Note)))
		}
	}
	if all := r.oof["all"]; all != nil {
		m.CV = CVFigures{Mails: float64(all.Complaints + all.Nots), Precision: all.Precision(), Recall: all.Recall(),
			Held: all.HeldShare(), AckedAtOnce: all.AckedAtOnce()}
	}
	return r
}

// modelOnly is the evidence with the rules left out of holding: what the
// thresholds are chosen on, as the rules were tuned on the training mail.
func (e weighed) modelOnly() weighed {
	e.rules, e.score = None, math.Inf(1)
	return e
}

// chooseThresholds picks AutoAt and DoubtAt on out-of-fold evidence.
func chooseThresholds(ev []weighed, y []bool) (autoAt, doubtAt float64) {
	autoAt = 1
	for t := 0.999; t >= 0.5; t -= 0.001 {
		tp, fp := 0, 0
		for i, e := range ev {
			if e.p >= t && e.target == TargetFirm {
				if y[i] {
					tp++
				} else {
					fp++
				}
			}
		}
		if tp+fp >= 30 && float64(tp) < wantPrecision*float64(tp+fp) {
			break // the margin: precision holds from here up, not just here
		}
		autoAt = round3(t)
	}
	pos := 0
	for _, c := range y {
		if c {
			pos++
		}
	}
	for t := 0.001; t < autoAt; t += 0.001 {
		caught := 0
		for i, e := range ev {
			if y[i] && decide(e.modelOnly(), autoAt, t) != None {
				caught++
			}
		}
		if float64(caught) < wantRecall*float64(pos) {
			break
		}
		doubtAt = round3(t)
	}
	return autoAt, doubtAt
}

// doubtSweep tabulates out-of-fold recall and ordinary mail held by
// doubtful threshold, with the rules' part in holding and without.
func doubtSweep(ev []weighed, y []bool, autoAt float64) []string {
	var rows []string
	for _, t := range []float64{0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.5} {
		var f, g Figures
		for i, e := range ev {
			f.Add(y[i], decide(e, autoAt, t))
			g.Add(y[i], decide(e.modelOnly(), autoAt, t))
		}
		rows = append(rows, fmt.Sprintf("| %.2f | %.3f | %.3f | %.3f | %.3f |", t, f.Recall(), f.HeldShare(), g.Recall(), g.HeldShare()))
	}
	return rows
}

// sweep tabulates out-of-fold precision by auto threshold.
func sweep(ev []weighed, y []bool) []string {
	var rows []string
	for _, t := range []float64{0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99} {
		var f Figures
		for i, e := range ev {
			f.Add(y[i], decide(e.modelOnly(), t, 0))
		}
		rows = append(rows, fmt.Sprintf("| %.2f | %.3f (%d/%d) | %.2f |", t, f.Precision(), f.AutoTrue, f.AutoTrue+f.AutoFalse, f.AckedAtOnce()))
	}
	return rows
}

func targetName(t string) string {
	if t == "" {
		return "unknown"
	}
	return t
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", "/") }

// Report is REPORT.md: what was trained on, the comparison, the thresholds
// and the out-of-fold figures.
func (r *FitResult) Report() string {
	var b strings.Builder
	m := r.Model
	fmt.Fprintf(&b, "# Recognition model\n\nWritten by `go run ./workflow/recognize/internal/train`; do not edit.\n\n")
	fmt.Fprintf(&b, "Trained on %d labelled mails (%d complaints): %s. The first-look sets are never read.\n\n", r.n, r.pos, strings.Join(r.Sets, ", "))
	fmt.Fprintf(&b, "Features: word unigrams and bigrams and character 3–5-grams of the subject and the sender's own words, hashed into 2^%d buckets, binary and L2-normalised.\n\n", FeatureBits)
	fmt.Fprintf(&b, "## Models compared (%d-fold cross-validation, stratified, fixed seed)\n\n| model | AUC out of fold |\n|---|---|\n", folds)
	for i, c := range r.candidates {
		mark := ""
		if i == r.chosen {
			mark = " **chosen**"
		}
		fmt.Fprintf(&b, "| %s%s | %.4f |\n", c.name, mark, c.auc)
	}
	fmt.Fprintf(&b, "\nCalibration: Platt scaling on the out-of-fold scores, p = 1/(1+exp(-(%.4f·s %+.4f))).\n\n", m.PlattA, m.PlattB)
	fmt.Fprintf(&b, "## Thresholds\n\n- **auto** (a case and an acknowledgement at once, when the grievance is about the firm): p ≥ %.3f — the lowest probability from which automatic cases keep a precision ≥ %.2f out of fold at this and every higher threshold (counted from 30 cases).\n", m.AutoAt, wantPrecision)
	fmt.Fprintf(&b, "- **doubtful** (held for a director): p ≥ %.3f — the highest probability that still catches ≥ %.3f of complaints out of fold, the rules left out; from p ≥ %.2f when the grievance is about someone else or the writer, or when no rule found evidence for a complaint (a held mail needs a reason a director can read). A mail from the auto threshold whose grievance is not resolved to the firm is held.\n\n", m.DoubtAt, wantRecall, heldOther)
	fmt.Fprintf(&b, "Out-of-fold precision of automatic cases by auto threshold:\n\n| auto at | precision | complaints acknowledged at once |\n|---|---|---|\n%s\n\n", strings.Join(r.sweep, "\n"))
	fmt.Fprintf(&b, "Out-of-fold recall and ordinary mail held by doubtful threshold (the firm's limits: recall ≥ 0.97, held ≤ 0.10):\n\n| held from | recall | ordinary held | recall, rules left out | ordinary held, rules left out |\n|---|---|---|---|---|\n%s\n\n", strings.Join(r.doubtSweep, "\n"))
	fmt.Fprintf(&b, "## Out-of-fold figures at these thresholds\n\nEach mail decided by a model that did not see it (targets resolved with that model too).\n\n| set | %s |\n|---|---|---|---|---|---|\n", FiguresHeader)
	keys := make([]string, 0, len(r.oof))
	for k := range r.oof {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "| %s | %s |\n", k, r.oof[k].Row())
	}
	fmt.Fprintf(&b, "\nA mail below p %.2f is held only when a rule found evidence for a complaint. The rules were tuned on these mails, so the recall above is optimistic there; without that condition (every mail from the doubtful threshold held):\n\n| set | %s |\n|---|---|---|---|---|---|\n", heldOther, FiguresHeader)
	for _, k := range keys {
		fmt.Fprintf(&b, "| %s | %s |\n", k, r.modelOnly[k].Row())
	}
	fmt.Fprintf(&b, "\n## Out-of-fold mistakes (missed complaints, ordinary mail held or acknowledged)\n\n| mail | label | outcome | p | target | note |\n|---|---|---|---|---|---|\n%s\n", strings.Join(r.mistakes, "\n"))
	return b.String()
}

// Figures are the measures the firm cares about for a group of mails.
type Figures struct {
	Complaints, Nots    int
	AutoTrue, AutoFalse int // complaints and ordinary mail made a case at once
	Caught              int // complaints made a case or held
	Held                int // ordinary mail held
}

// Add counts one decided mail.
func (f *Figures) Add(complaint bool, o Outcome) {
	if complaint {
		f.Complaints++
		if o == Complaint {
			f.AutoTrue++
		}
		if o != None {
			f.Caught++
		}
		return
	}
	f.Nots++
	switch o {
	case Complaint:
		f.AutoFalse++
	case Doubtful:
		f.Held++
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// Precision of automatic cases.
func (f *Figures) Precision() float64 { return ratio(f.AutoTrue, f.AutoTrue+f.AutoFalse) }

// Recall: complaints made a case or held.
func (f *Figures) Recall() float64 { return ratio(f.Caught, f.Complaints) }

// HeldShare is the share of ordinary mail held for a director.
func (f *Figures) HeldShare() float64 { return ratio(f.Held, f.Nots) }

// AckedAtOnce is the share of complaints acknowledged without waiting for a director.
func (f *Figures) AckedAtOnce() float64 { return ratio(f.AutoTrue, f.Complaints) }

// FiguresHeader heads the columns of Row.
const FiguresHeader = "mails | precision of automatic cases | recall (case or held) | ordinary mail held | complaints acknowledged at once"

// Row is the figures as table cells.
func (f *Figures) Row() string {
	return fmt.Sprintf("%d | %.3f (%d/%d) | %.3f (%d/%d) | %.3f (%d/%d) | %.3f (%d/%d)", f.Complaints+f.Nots,
		f.Precision(), f.AutoTrue, f.AutoTrue+f.AutoFalse, f.Recall(), f.Caught, f.Complaints,
		f.HeldShare(), f.Held, f.Nots, f.AckedAtOnce(), f.AutoTrue, f.Complaints)
}
