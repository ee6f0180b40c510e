package recognize

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Labelled is one mail of a labelled folder: a .eml file named in the
// folder's labels.tsv with its label (complaint or not) and optional kind.
type Labelled struct {
	Set, File, Label, Kind, Lang, Note string
	In                                 Input
}

// IsComplaint reports whether the mail is labelled a complaint.
func (x Labelled) IsComplaint() bool { return x.Label == "complaint" }

// ReadLabelled reads dir/labels.tsv (a header row naming at least file and
// label; kind or category, lang and note are optional) and every mail it
// names, turned into an Input by parse.
func ReadLabelled(dir string, parse func(raw []byte) Input) ([]Labelled, error) {
	f, err := os.Open(filepath.Join(dir, "labels.tsv"))
	if err != nil {
		return nil, fmt.Errorf("reading the labels of %s: %w", dir, err)
	}
	defer f.Close()
	var out []Labelled
	var head []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		cols := strings.Split(text, "\t")
		if head == nil {
			head = cols
			continue
		}
		row := map[string]string{}
		for i, h := range head {
			if i < len(cols) {
				row[strings.TrimSpace(h)] = strings.TrimSpace(cols[i])
			}
		}
		x := Labelled{Set: filepath.Base(dir), File: row["file"], Label: row["label"], Kind: row["kind"], Lang: row["lang"], Note: row["note"]}
		if x.Kind == "" {
			x.Kind = row["category"]
		}
		if x.Label != "complaint" && x.Label != "not" {
			return nil, fmt.Errorf("%s/labels.tsv line %d: label %q is not complaint or not", dir, line, x.Label)
		}
		if x.File == "" || strings.ContainsAny(x.File, `/\`) {
			return nil, fmt.Errorf("%s/labels.tsv line %d: bad file name %q", dir, line, x.File)
		}
		raw, err := os.ReadFile(filepath.Join(dir, x.File))
		if err != nil {
			return nil, fmt.Errorf("reading a labelled mail: %w", err)
		}
		x.In = parse(raw)
		out = append(out, x)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the labels of %s: %w", dir, err)
	}
	if head == nil {
		return nil, fmt.Errorf("%s/labels.tsv is empty", dir)
	}
	return out, nil
}
