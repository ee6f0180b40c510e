// Command train fits the recognition model from the labelled mail in
// workflow/recognize/testdata (every folder with a labels.tsv except the
// first-look sets) and writes workflow/recognize/model/weights.bin and
// REPORT.md. Run from the repository root:
//
//	go run ./workflow/recognize/internal/train
//
// Training is deterministic: the same mail gives the same bytes. It reads
// mail as the service does (mailbox/message, workflow's RecognitionInput)
// and must not import storage, the mail edge or cmd.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

func main() {
	data := flag.String("data", "workflow/recognize/testdata", "folder of labelled sets (one folder with labels.tsv each)")
	out := flag.String("out", "workflow/recognize/model", "where to write weights.bin and REPORT.md")
	oof := flag.String("oof", "", "also write each mail's out-of-fold target and probability to this file")
	flag.Parse()
	cfg := workflow.Defaults()
	cfg.OwnDomains = []string{"mcoo.nl"}
	parse := func(raw []byte) recognize.Input { return cfg.RecognitionInput(message.Parse(raw)) }
	mails, sets, err := load(*data, parse)
	if err != nil {
		log.Fatal(err)
	}
	if len(mails) == 0 {
		log.Fatalf("no labelled mail in %s", *data)
	}
	res := recognize.Fit(mails, cfg.Recognition)
	res.Sets = sets
	bin, err := res.Model.MarshalBinary()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "weights.bin"), bin, 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "REPORT.md"), []byte(res.Report()), 0o644); err != nil {
		log.Fatal(err)
	}
	if *oof != "" {
		if err := os.WriteFile(*oof, []byte(strings.Join(res.OutOfFold, "\n")+"\n"), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("trained on %d mails from %s; %d bytes of weights\n", len(mails), strings.Join(sets, ", "), len(bin))
}

// load reads every labelled set under dir but the first-look ones, which
// nothing may be tuned on.
func load(dir string, parse func([]byte) recognize.Input) ([]recognize.Labelled, []string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the labelled sets: %w", err)
	}
	var all []recognize.Labelled
	var sets []string
	for _, e := range entries {
		if !e.IsDir() || strings.Contains(e.Name(), "firstlook") {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "labels.tsv")); err != nil {
			continue
		}
		xs, err := recognize.ReadLabelled(filepath.Join(dir, e.Name()), parse)
		if err != nil {
			return nil, nil, err
		}
		all = append(all, xs...)
		sets = append(sets, fmt.Sprintf("%s (%d)", e.Name(), len(xs)))
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Set != all[j].Set {
			return all[i].Set < all[j].Set
		}
		return all[i].File < all[j].File
	})
	return all, sets, nil
}
