// Command klachtbot runs the complaints procedure of Mijn Cijfers Op Orde
// over plain email. See README.md.
//
// It is wiring: the commands and their flags, building the service from
// mailbox, workflow and storage with the configuration cmd/internal/config
// reads, and the control socket's routes. Rules belong in workflow, mail handling in mailbox, records in
// storage; nothing imports this package.
package main

import (
	"context"
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

	"github.com/mcoo/klachtbot/cmd/internal/cli"
	"github.com/mcoo/klachtbot/cmd/internal/config"
	"github.com/mcoo/klachtbot/cmd/internal/control"
	"github.com/mcoo/klachtbot/cmd/internal/demo"
	"github.com/mcoo/klachtbot/cmd/internal/logs"
	"github.com/mcoo/klachtbot/cmd/internal/setup"
	"github.com/mcoo/klachtbot/cmd/internal/status"
	"github.com/mcoo/klachtbot/storage"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/dossier"
)

// Config is the configuration every command but init and demo runs with.
type Config = config.Config

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "klachtbot:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	p := cli.Program[*Config]{Name: "klachtbot", Summary: "klachtbot: the complaints procedure of Mijn Cijfers Op Orde, over email.",
		Commands: commands, Load: config.Load, DefaultConfig: setup.DefaultConfig, ConfigEnv: "KLACHTBOT_CONFIG"}
	return p.Run(args, out)
}

// commands is the command line: one entry per command, with its own flags.
var commands = []cli.Command[*Config]{
	{Name: "run", Summary: "run the service; SIGINT/SIGTERM stop it cleanly", Flags: func(*flag.FlagSet) cli.Run[*Config] {
		return func(cfg *Config, _ []string, _ io.Writer) error {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			s, err := newService(cfg, newLogger(cfg, os.Stderr))
			if err != nil {
				return err
			}
			return s.run(ctx)
		}
	}},
	{Name: "cases", Summary: "list cases", Flags: func(fs *flag.FlagSet) cli.Run[*Config] {
		asJSON := jsonFlag(fs)
		return func(cfg *Config, _ []string, out io.Writer) error {
			cases, err := query(cfg, "/cases", func(tx *storage.Tx) ([]dossier.Summary, error) { return dossier.List(tx) })
			if err != nil || *asJSON {
				return cli.PrintJSON(out, dossier.ListIn(cases, cfg.Loc), err)
			}
			return dossier.WriteList(out, cfg.Loc, cases)
		}
	}},
	{Name: "show", Args: "KL-YYYY-NNNN", Summary: "one case with its messages and events", Flags: func(fs *flag.FlagSet) cli.Run[*Config] {
		asJSON := jsonFlag(fs)
		return func(cfg *Config, args []string, out io.Writer) error {
			if len(args) != 1 {
				return errors.New("show: give one case number, e.g. KL-2026-0007")
			}
			id, err := complaint.ParseID(args[0])
			if err != nil {
				return err
			}
			d, err := query(cfg, "/cases/"+id, func(tx *storage.Tx) (*dossier.Detail, error) { return dossier.Show(tx, id) })
			if err != nil || *asJSON {
				return cli.PrintJSON(out, d.In(cfg.Loc), err)
			}
			return d.WriteText(out, cfg.Loc)
		}
	}},
	{Name: "status", Summary: "the running service: watchers, outbox, next jobs, incidents (exit 1 while alerting)", Flags: func(fs *flag.FlagSet) cli.Run[*Config] {
		asJSON := jsonFlag(fs)
		return func(cfg *Config, _ []string, out io.Writer) error {
			var st status.View
			if err := control.Get(cfg.ControlSocket, "/healthz", &st); err != nil {
				if errors.Is(err, control.ErrNoService) {
					return fmt.Errorf("status: no klachtbot service answers on %s", cfg.ControlSocket)
				}
				return err
			}
			if !*asJSON {
				return st.Write(out, cfg.Loc)
			}
			if err := cli.PrintJSON(out, st, nil); err != nil || len(st.Incidents) == 0 {
				return err
			}
			return fmt.Errorf("status: %d incident(s) need attention", len(st.Incidents))
		}
	}},
	{Name: "tick", Summary: "run the jobs due at a time (reminders, digests, ...) and send what they queue", Flags: func(fs *flag.FlagSet) cli.Run[*Config] {
		nowFlag := fs.String("now", "", "the `TIME` to run the jobs as of: 2026-12-08 (08:00 that day), 2026-12-08T09:30 (in the configured timezone) or RFC 3339; default now")
		asJSON := jsonFlag(fs)
		return func(cfg *Config, _ []string, out io.Writer) error {
			now := serviceClock(cfg.Loc).Now()
			if *nowFlag != "" {
				var err error
				if now, err = cli.ParseTime(*nowFlag, cfg.Loc); err != nil {
					return fmt.Errorf("tick: --now %q: %w", *nowFlag, err)
				}
			}
			res, err := tick(cfg, now)
			if err != nil || *asJSON {
				return cli.PrintJSON(out, res, err)
			}
			fmt.Fprintf(out, "jobs as of %s: %d ran\n", res.Now.In(cfg.Loc).Format(time.RFC3339), len(res.Ran))
			for _, r := range res.Ran {
				fmt.Fprintln(out, " ", r)
			}
			return nil
		}
	}},
	{Name: "verify", Summary: "check the audit trails and stored originals (and a digest's seal)", Flags: func(fs *flag.FlagSet) cli.Run[*Config] {
		asJSON := jsonFlag(fs)
		against := fs.String("against", "", "a digest mail (`DIGEST.eml`) whose seal the store must still hold")
		return func(cfg *Config, _ []string, out io.Writer) error {
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
		}
	}},
	{Name: "export", Args: "KL-YYYY-NNNN DIR", Summary: "write a case file: original mails, attachments, timeline (HTML, JSON)", Flags: func(*flag.FlagSet) cli.Run[*Config] {
		return func(cfg *Config, args []string, out io.Writer) error {
			if len(args) != 2 {
				return errors.New("export: give a case number and a directory, e.g. export KL-2026-0007 ./dossier")
			}
			id, err := complaint.ParseID(args[0])
			if err != nil {
				return err
			}
			d, err := query(cfg, "/cases/"+id+"/dossier", func(tx *storage.Tx) (*dossier.Dossier, error) { return dossier.Read(tx, id) })
			if err != nil {
				return err
			}
			return dossier.Export(d, args[1], cfg.Loc, serviceClock(cfg.Loc).Now(), out, cfg.Voice.In(cfg.Dir))
		}
	}},
	{Name: "report", Summary: "the evaluation report of a period: report.html and cases.csv", Flags: func(fs *flag.FlagSet) cli.Run[*Config] {
		from := fs.String("from", "", "first day of the period (`2026-01-01`)")
		to := fs.String("to", "", "last day of the period (`2026-12-31`)")
		outDir := fs.String("out", "", "the directory (`DIR`) to write report.html and cases.csv to")
		asJSON := jsonFlag(fs)
		return func(cfg *Config, _ []string, out io.Writer) error {
			return runReport(cfg, *from, *to, *outDir, *asJSON, out)
		}
	}},
	{Name: "recognition", Args: "[reset | eval DIR]", Summary: "what recognition learned from the directors; reset forgets it; eval measures it on a folder of labelled mail", Flags: func(fs *flag.FlagSet) cli.Run[*Config] {
		asJSON := jsonFlag(fs)
		learned := fs.Bool("learned", false, "eval: with what was learned from the directors")
		return func(cfg *Config, args []string, out io.Writer) error {
			return recognitionCmd(cfg, args, out, *asJSON, *learned)
		}
	}},
	{Name: "check", Summary: "validate the config and secrets, log in to every mail server; sends nothing unless --probe-sent", Flags: func(fs *flag.FlagSet) cli.Run[*Config] {
		probeSent := fs.Bool("probe-sent", false, "also send each director a probe mail, to learn whether the server files sent mail in Sent (sent_copy)")
		return func(cfg *Config, _ []string, out io.Writer) error { return runCheck(cfg, out, *probeSent) }
	}},
	{Name: "purge", Summary: "anonymise cases closed longer ago than retention.years", Flags: func(fs *flag.FlagSet) cli.Run[*Config] {
		dryRun := fs.Bool("dry-run", false, "only list what would be anonymised")
		asJSON := jsonFlag(fs)
		return func(cfg *Config, _ []string, out io.Writer) error {
			r, err := purgeCmd(cfg, *dryRun)
			if err != nil || *asJSON {
				return cli.PrintJSON(out, r, err)
			}
			return r.WriteText(out, cfg.Loc)
		}
	}},
	{Name: "backup", Args: "FILE.db", Summary: "a consistent copy of the database, also while the service runs", Flags: func(*flag.FlagSet) cli.Run[*Config] {
		return func(cfg *Config, args []string, out io.Writer) error {
			if len(args) != 1 {
				return errors.New("backup: give the file to write, e.g. backup klachtbot-2026-11-24.db")
			}
			return backup(cfg, args[0], out)
		}
	}},
	{Name: "init", NoConfig: true, Summary: "set up: write the config, the secrets and a systemd unit, run check, print what is left", Flags: func(fs *flag.FlagSet) cli.Run[*Config] {
		run := setup.Declare(fs)
		return func(_ *Config, args []string, out io.Writer) error { return run(args, os.Stdin, out, checkFile) }
	}},
	{Name: "demo", NoConfig: true, Summary: "the whole flow on embedded mail servers", Flags: func(*flag.FlagSet) cli.Run[*Config] {
		return func(_ *Config, _ []string, out io.Writer) error { return demo.Run(out, startDemo) }
	}},
}

func jsonFlag(fs *flag.FlagSet) *bool { return fs.Bool("json", false, "print JSON") }

func newLogger(cfg *Config, w io.Writer) *slog.Logger {
	return logs.New(w, logs.Options{Level: cfg.LogLevel, Format: cfg.LogFormat, Loc: cfg.Loc, Own: cfg.OwnDomains})
}
