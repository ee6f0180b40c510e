package recognize

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Evaluation is how recognition did on a labelled folder: the figures the
// firm cares about, overall and per kind prefix, and every mistake with
// its reasons.
type Evaluation struct {
	All    Figures
	ByKind map[string]*Figures
	// Mistakes are the ordinary mails acknowledged or held and the
	// complaints missed, in file order.
	Mistakes []Mistake
}

// Mistake is one mail recognition got wrong.
type Mistake struct {
	File, Label, Kind string
	Outcome           Outcome
	Why               string // Result.Explain
}

// kindPrefix groups kinds by what comes before the first "-" or "/":
// "question-ev-addition" is "question".
func kindPrefix(kind string) string {
	if i := strings.IndexAny(kind, "-/"); i > 0 {
		return kind[:i]
	}
	if kind == "" {
		return "(none)"
	}
	return kind
}

// Evaluate classifies labelled mail with the embedded model and the firm's
// layer (nil: none).
func (l *Lexicon) Evaluate(mails []Labelled, firm *Layer) *Evaluation {
	ev := &Evaluation{ByKind: map[string]*Figures{}}
	for _, x := range mails {
		r := l.ClassifyWith(x.In, firm)
		ev.Add(x, r)
	}
	return ev
}

// Add counts one mail and its result.
func (ev *Evaluation) Add(x Labelled, r Result) {
	ev.All.Add(x.IsComplaint(), r.Outcome)
	k := kindPrefix(x.Kind)
	if ev.ByKind[k] == nil {
		ev.ByKind[k] = &Figures{}
	}
	ev.ByKind[k].Add(x.IsComplaint(), r.Outcome)
	if x.IsComplaint() == (r.Outcome == None) || !x.IsComplaint() && r.Outcome == Doubtful {
		ev.Mistakes = append(ev.Mistakes, Mistake{File: x.File, Label: x.Label, Kind: x.Kind, Outcome: r.Outcome, Why: r.Explain()})
	}
}

// WriteText prints the evaluation: the figures, per kind prefix, then each
// mistake with its reasons.
func (ev *Evaluation) WriteText(w io.Writer) error {
	line := func(name string, f *Figures) {
		fmt.Fprintf(w, "%-16s %4d mails  precision %s  recall %s  ordinary held %s  acknowledged at once %s\n", name,
			f.Complaints+f.Nots, share(f.AutoTrue, f.AutoTrue+f.AutoFalse), share(f.Caught, f.Complaints),
			share(f.Held, f.Nots), share(f.AutoTrue, f.Complaints))
	}
	line("all", &ev.All)
	kinds := make([]string, 0, len(ev.ByKind))
	for k := range ev.ByKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	if len(kinds) > 1 {
		fmt.Fprintln(w, "\nper kind:")
		for _, k := range kinds {
			line("  "+k, ev.ByKind[k])
		}
	}
	if len(ev.Mistakes) > 0 {
		fmt.Fprintln(w, "\nmistakes:")
	}
	for _, m := range ev.Mistakes {
		what := "missed complaint"
		switch {
		case m.Label != "complaint" && m.Outcome == Complaint:
			what = "ordinary mail acknowledged"
		case m.Label != "complaint":
			what = "ordinary mail held"
		}
		fmt.Fprintf(w, "  %s  %s (%s): %s\n      %s\n", m.File, what, m.Kind, m.Outcome, m.Why)
	}
	return nil
}

// share prints a/b as "0.950 (19/20)", or "-" when b is 0.
func share(a, b int) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f (%d/%d)", float64(a)/float64(b), a, b)
}
