// Command klachtbot runs the complaints procedure of Mijn Cijfers Op Orde
// over plain email. See README.md.
//
// It is wiring: the commands and their flags, the configuration, building
// the service from mailbox, workflow and storage, and the control socket's
// routes. Rules belong in workflow, mail handling in mailbox, records in
// storage; nothing imports this package.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/mcoo/klachtbot/cmd/internal/control"
	"github.com/mcoo/klachtbot/cmd/internal/demo"
	"github.com/mcoo/klachtbot/cmd/internal/status"
	"github.com/mcoo/klachtbot/storage"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/dossier"
)

const usage = `klachtbot: the complaints procedure of Mijn Cijfers Op Orde, over email.

Usage:
  klachtbot run    --config FILE            run the service
  klachtbot cases  --config FILE [--json]   list cases
  klachtbot show   --config FILE [--json] KL-YYYY-NNNN
                                            one case with its messages and events
  klachtbot status --config FILE [--json]   the running service: watchers, outbox, next jobs
  klachtbot tick   --config FILE [--now RFC3339]
                                            run the jobs due at that time (reminders, warnings,
                                            escalations, digests) and send what they queue
  klachtbot verify --config FILE [--json] [--against DIGEST.eml]
                                            check the audit trails, originals (and a digest's seal)
  klachtbot export --config FILE KL-YYYY-NNNN DIR
                                            write the case file: original .eml messages,
                                            attachments, and the timeline (HTML, JSON)
  klachtbot report --config FILE --from 2026-01-01 --to 2026-12-31 --out DIR [--json]
                                            the evaluation report: report.html and cases.csv
  klachtbot check  --config FILE            validate the config, log in to every mail server
  klachtbot purge  --config FILE [--dry-run] anonymise cases closed longer ago than retention.years
  klachtbot backup --config FILE FILE.db    a consistent copy of the database, also while running
  klachtbot demo                            the whole flow on embedded mail servers
`

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "klachtbot:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return errors.New("no command given")
	}
	cmd, args := args[0], args[1:]
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	configPath := fs.String("config", "", "configuration file (TOML)")
	asJSON := fs.Bool("json", false, "print JSON")
	nowFlag := fs.String("now", "", "tick: the time to run the jobs as of (RFC 3339); default now")
	fromFlag := fs.String("from", "", "report: first day of the period (2026-01-01)")
	toFlag := fs.String("to", "", "report: last day of the period (2026-12-31)")
	outFlag := fs.String("out", "", "report: directory to write report.html and cases.csv to")
	dryRun := fs.Bool("dry-run", false, "purge: only list what would be anonymised")
	against := fs.String("against", "", "verify: a digest mail (.eml) whose seal the store must still hold")
	// Flags may stand before or after the arguments: "show KL-2026-0007 --json".
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	if cmd == "demo" {
		return demo.Run(out, startDemo)
	}
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprint(out, usage)
		return nil
	}
	if *configPath == "" {
		return fmt.Errorf("%s: --config FILE is required", cmd)
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	switch cmd {
	case "run":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		s, err := newService(cfg, newLogger(cfg, os.Stderr))
		if err != nil {
			return err
		}
		return s.run(ctx)
	case "cases":
		cases, err := query(cfg, "/cases", func(tx *storage.Tx) ([]dossier.Summary, error) { return dossier.List(tx) })
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(out, cases)
		}
		return dossier.WriteList(out, cfg.loc, cases)
	case "show":
		if len(pos) != 1 {
			return errors.New("show: give one case number, e.g. KL-2026-0007")
		}
		id, err := complaint.ParseID(pos[0])
		if err != nil {
			return err
		}
		d, err := query(cfg, "/cases/"+id, func(tx *storage.Tx) (*dossier.Detail, error) { return dossier.Show(tx, id) })
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(out, d)
		}
		return d.WriteText(out, cfg.loc)
	case "verify":
		path, check := "/verify", dossier.VerifyAll
		if *against != "" {
			seal, err := dossier.SealFromFile(*against)
			if err != nil {
				return fmt.Errorf("verify --against %s: %w", *against, err)
			}
			path = "/verify/" + url.PathEscape(seal.Line())
			check = func(tx dossier.Reader) (*dossier.Report, error) { return dossier.VerifyAgainst(tx, seal) }
		}
		rep, err := query(cfg, path, func(tx *storage.Tx) (*dossier.Report, error) { return check(tx) })
		if err != nil {
			return err
		}
		return rep.Print(out, *asJSON)
	case "export":
		if len(pos) != 2 {
			return errors.New("export: give a case number and a directory, e.g. export KL-2026-0007 ./dossier")
		}
		id, err := complaint.ParseID(pos[0])
		if err != nil {
			return err
		}
		d, err := query(cfg, "/cases/"+id+"/dossier", func(tx *storage.Tx) (*dossier.Dossier, error) { return dossier.Read(tx, id) })
		if err != nil {
			return err
		}
		return dossier.Export(d, pos[1], cfg.loc, time.Now(), out, cfg.Voice.In(cfg.dir))
	case "tick":
		now := time.Now()
		if *nowFlag != "" {
			if now, err = time.Parse(time.RFC3339, *nowFlag); err != nil {
				return fmt.Errorf("tick: --now: %w", err)
			}
		}
		res, err := tick(cfg, now)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(out, res)
		}
		fmt.Fprintf(out, "jobs as of %s: %d ran\n", res.Now.In(cfg.loc).Format(time.RFC3339), len(res.Ran))
		for _, r := range res.Ran {
			fmt.Fprintln(out, " ", r)
		}
		return nil
	case "report":
		return runReport(cfg, *fromFlag, *toFlag, *outFlag, *asJSON, out)
	case "check":
		return runCheck(cfg, out)
	case "purge":
		r, err := purgeCmd(cfg, *dryRun)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(out, r)
		}
		return r.WriteText(out, cfg.loc)
	case "backup":
		if len(pos) != 1 {
			return errors.New("backup: give the file to write, e.g. backup klachtbot-2026-11-24.db")
		}
		return backup(cfg, pos[0], out)
	case "status":
		var st status.View
		if err := control.Get(cfg.ControlSocket, "/healthz", &st); err != nil {
			if errors.Is(err, control.ErrNoService) {
				return fmt.Errorf("status: no klachtbot service answers on %s", cfg.ControlSocket)
			}
			return err
		}
		if *asJSON {
			if err := printJSON(out, st); err != nil || len(st.Incidents) == 0 {
				return err
			}
			return fmt.Errorf("status: %d incident(s) need attention", len(st.Incidents))
		}
		return st.Write(out, cfg.loc)
	default:
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func newLogger(cfg *Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel)) // validated in loadConfig
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func printJSON(out io.Writer, v any) error {
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
