package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/cmd/internal/cli"
	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/storage"
	"github.com/mcoo/klachtbot/workflow"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

// recognitionCmd is `klachtbot recognition [reset | eval DIR]`.
func recognitionCmd(cfg *Config, args []string, out io.Writer, asJSON, learned bool) error {
	switch {
	case len(args) == 0:
		v, err := query(cfg, "/recognition", func(tx *storage.Tx) (*workflow.RecognitionView, error) { return workflow.Recognition(tx) })
		if errors.Is(err, os.ErrNotExist) {
			v, err = workflow.RecognitionOf(nil) // no database yet: nothing learned
		}
		if err != nil || asJSON {
			return cli.PrintJSON(out, v, err)
		}
		return writeRecognition(out, cfg, v)
	case len(args) == 1 && args[0] == "reset":
		n, err := viaService(cfg, "POST", "/recognition/reset", func(s *service) (int, error) { return s.resetLearned() })
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(out, "forgot %d examples: recognition judges with the embedded model alone\n", n)
		return err
	case len(args) == 2 && args[0] == "eval":
		return evalRecognition(cfg, args[1], out, learned)
	}
	return errors.New("recognition: give nothing (what was learned), reset, or eval DIR")
}

// evalRecognition classifies a folder of labelled mail (.eml files and a
// labels.tsv with file, label = complaint|not, and optional kind) and
// prints the figures and every mistake.
func evalRecognition(cfg *Config, dir string, out io.Writer, learned bool) error {
	wc := cfg.Workflow()
	mails, err := recognize.ReadLabelled(dir, func(raw []byte) recognize.Input { return wc.RecognitionInput(message.Parse(raw)) })
	if err != nil {
		return err
	}
	var layer *recognize.Layer
	if learned {
		ex, err := query(cfg, "/recognition/examples", func(tx *storage.Tx) ([]recognize.Learned, error) { return tx.Learned() })
		if err != nil {
			return err
		}
		m, err := recognize.BaseModel()
		if err != nil {
			return err
		}
		layer = recognize.FitLayer(m, ex)
	}
	ev := wc.Recognition.Evaluate(mails, layer)
	fmt.Fprintf(out, "%s: %d labelled mails\n", dir, len(mails))
	return ev.WriteText(out)
}

func writeRecognition(out io.Writer, cfg *Config, v *workflow.RecognitionView) error {
	fmt.Fprintf(out, "model (embedded): a case at once from probability %.3f when the grievance is about the firm; held from %.3f\n", v.AutoAt, v.DoubtAt)
	t := v.Trained
	fmt.Fprintf(out, "cross-validated on %.0f labelled mails: precision of automatic cases %.3f, recall %.3f, ordinary mail held %.3f, complaints acknowledged at once %.3f\n",
		t.Mails, t.Precision, t.Recall, t.Held, t.AckedAtOnce)
	fmt.Fprintf(out, "learned from the directors: %d examples (%d complaint, %d no complaint)", v.Examples, v.Complaints, v.Examples-v.Complaints)
	var src []string
	for s, n := range v.BySource {
		src = append(src, fmt.Sprintf("%s %d", s, n))
	}
	sort.Strings(src)
	if len(src) > 0 {
		fmt.Fprintf(out, ": %s", strings.Join(src, ", "))
	}
	fmt.Fprintln(out)
	if v.Examples == 0 {
		return nil
	}
	fmt.Fprintf(out, "the firm's layer: %d weights; on the examples the model alone agreed with the directors %d times, with the layer %d times\n",
		v.LayerWeight, v.AgreeBase, v.AgreeLearned)
	fmt.Fprintln(out, "\nmost recent:")
	for _, x := range v.Recent {
		label := "no complaint"
		if x.Complaint {
			label = "complaint"
		}
		fmt.Fprintf(out, "  %s  %-13s %-18s %-12s probability %.3f -> %.3f\n", x.At.In(cfg.Loc).Format(time.DateTime), x.Case, x.Source, label, x.Before, x.After)
	}
	return nil
}
