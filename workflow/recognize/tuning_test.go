package recognize

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Tuning aids, skipped unless their environment variable is set.

// TestDebug prints the analysis of the files named in RECOGNIZE_DEBUG
// (comma-separated, e.g. dev_0015,own_0100). It is a tuning aid.
func TestDebug(t *testing.T) {
	names := os.Getenv("RECOGNIZE_DEBUG")
	if names == "" {
		t.Skip("set RECOGNIZE_DEBUG")
	}
	lex := DefaultLexicon()
	for _, name := range strings.Split(names, ",") {
		set := "dev"
		if strings.HasPrefix(name, "own") {
			set = "own"
		}
		in := loadEML(t, filepath.Join("testdata", set, name+".eml"))
		r := lex.Classify(in)
		var b strings.Builder
		fmt.Fprintf(&b, "=== %s  %s  score %.2f  reply-to-firm %v  lang %s\nSUBJECT %s\n", name, r.Outcome, r.Score, in.ReplyToFirm, r.Language, in.Subject)
		c := lex.compile()
		for _, s := range split(firstRunesAtLine(OwnWords(in.Text), 6000), c) {
			fmt.Fprintf(&b, "  [p%d]", s.para)
			cl := -1
			for _, tk := range s.toks {
				if tk.clause != cl {
					b.WriteString(" |")
					cl = tk.clause
				}
				b.WriteString(" " + tk.norm)
			}
			b.WriteString("\n")
		}
		for _, s := range r.Signals {
			fmt.Fprintf(&b, "  %-18s %5.2f %-12s %q\n", s.Name, s.Weight, s.Target, s.Evidence)
		}
		b.WriteString("  " + r.Explain() + "\n")
		t.Log(b.String())
	}
}

// TestHistogram prints the score distribution per label (tuning aid; set
// RECOGNIZE_HIST=1). The holdout is left out unless RECOGNIZE_SHOW_HOLDOUT is set.
func TestHistogram(t *testing.T) {
	if os.Getenv("RECOGNIZE_HIST") == "" {
		t.Skip("set RECOGNIZE_HIST")
	}
	lex := DefaultLexicon()
	buckets := []float64{-100, 0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 100}
	count := map[string][]int{}
	var nots []string
	for _, x := range loadCorpora(t) {
		if x.set == "own-holdout" && os.Getenv("RECOGNIZE_SHOW_HOLDOUT") == "" {
			continue
		}
		r := lex.Classify(x.in)
		if count[x.label] == nil {
			count[x.label] = make([]int, len(buckets))
		}
		for i := len(buckets) - 1; i >= 0; i-- {
			if r.Score >= buckets[i] {
				count[x.label][i]++
				break
			}
		}
		if x.label == "not" && r.Score >= 1 || x.label == "complaint" && r.Score < 3 {
			nots = append(nots, fmt.Sprintf("%-9s %5.2f %s %s/%s %s", x.label, r.Score, x.set, x.file, x.category, r.Explain()))
		}
	}
	for i, b := range buckets[:len(buckets)-1] {
		t.Logf(">= %6.1f  complaint %3d  not %3d", b, count["complaint"][i], count["not"][i])
	}
	sort.Strings(nots)
	for _, n := range nots {
		t.Log(n)
	}
}
