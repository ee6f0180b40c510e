// Package cli is the command framework of klachtbot: a table of commands,
// each with its own flags, and what every command line needs besides them:
// `help`, `help COMMAND`, `COMMAND --help`, `--version`, and an unknown
// command named as such before anything else is asked of it.
//
// A command is one Command value; cmd/klachtbot declares the table and the
// configuration type C its commands receive.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"
)

// Command is one subcommand.
type Command[C any] struct {
	Name    string
	Args    string // what follows the flags in the synopsis: "KL-YYYY-NNNN DIR"
	Summary string // one line for the command list and the top of its help
	// NoConfig: the command runs without --config FILE (demo); every other
	// command gets the flag, and the loaded configuration.
	NoConfig bool
	// Flags declares the command's own flags on fs and returns the function
	// that runs it, which reads them. Declaring has no other effect: help
	// calls it to list the flags.
	Flags func(fs *flag.FlagSet) Run[C]
}

// Run runs a command with its configuration (the zero C for NoConfig
// commands), its arguments besides the flags, and where to write.
type Run[C any] func(cfg C, args []string, out io.Writer) error

// Program is a command line: its name, its commands and how a configuration
// file is read.
type Program[C any] struct {
	Name     string // "klachtbot"
	Summary  string // the first line of help
	Commands []Command[C]
	Load     func(path string) (C, error)
	// DefaultConfig is read when --config is not given ("": --config is
	// required): the file named by the environment variable ConfigEnv when
	// set, else this path.
	DefaultConfig, ConfigEnv string
	Stderr                   io.Writer // where usage goes when no command is given; os.Stderr when nil
}

// Run runs the command args name, writing its output to out.
func (p *Program[C]) Run(args []string, out io.Writer) error {
	if len(args) == 0 {
		stderr := p.Stderr
		if stderr == nil {
			stderr = os.Stderr
		}
		p.writeOverview(stderr)
		return errors.New("no command given")
	}
	name, args := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		return p.help(args, out)
	case "version", "-version", "--version":
		_, err := fmt.Fprintln(out, Version(p.Name))
		return err
	}
	cmd := p.lookup(name)
	if cmd == nil {
		return fmt.Errorf("unknown command %q; see %s help", name, p.Name)
	}
	fs, run, configPath := p.flagSet(cmd)
	// Flags may stand before or after the arguments: "show KL-2026-0007 --json".
	var pos []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			return p.writeCommand(out, cmd)
		} else if err != nil {
			return fmt.Errorf("%s: %w; see %s help %s", name, err, p.Name, name)
		}
		if fs.NArg() == 0 {
			break
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	var cfg C
	if !cmd.NoConfig {
		path, err := p.configFile(name, *configPath)
		if err != nil {
			return err
		}
		if cfg, err = p.Load(path); err != nil {
			return err
		}
	}
	return run(cfg, pos, out)
}

// configFile is the configuration a command reads: --config, else the
// default, which must then exist.
func (p *Program[C]) configFile(name, flagged string) (string, error) {
	if flagged != "" {
		return flagged, nil
	}
	path, from := p.DefaultConfig, ""
	if v := os.Getenv(p.ConfigEnv); p.ConfigEnv != "" && v != "" {
		path, from = v, " (from $"+p.ConfigEnv+")"
	}
	if path == "" {
		return "", fmt.Errorf("%s: --config FILE is required", name)
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%s: no --config FILE given, and %s%s does not exist (klachtbot init writes %s)", name, path, from, p.DefaultConfig)
	}
	return path, nil
}

func (p *Program[C]) lookup(name string) *Command[C] {
	for i := range p.Commands {
		if p.Commands[i].Name == name {
			return &p.Commands[i]
		}
	}
	return nil
}

// flagSet declares cmd's flags, --config first unless it runs without one.
func (p *Program[C]) flagSet(cmd *Command[C]) (*flag.FlagSet, Run[C], *string) {
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned; --help is answered by writeCommand
	configPath := new(string)
	if !cmd.NoConfig {
		usage := "the configuration `FILE` (TOML)"
		if p.DefaultConfig != "" {
			usage += "; default $" + p.ConfigEnv + ", else " + p.DefaultConfig
		}
		fs.StringVar(configPath, "config", "", usage)
	}
	return fs, cmd.Flags(fs), configPath
}

func (p *Program[C]) help(args []string, out io.Writer) error {
	switch len(args) {
	case 0:
		p.writeOverview(out)
		return nil
	case 1:
		cmd := p.lookup(args[0])
		if cmd == nil {
			return fmt.Errorf("help: unknown command %q; see %s help", args[0], p.Name)
		}
		return p.writeCommand(out, cmd)
	default:
		return fmt.Errorf("help: give one command, e.g. %s help %s", p.Name, p.Commands[0].Name)
	}
}

// synopsis is the command's usage line: name, --config FILE, the other flags
// in brackets, its arguments.
func (p *Program[C]) synopsis(cmd *Command[C]) string {
	fs, _, _ := p.flagSet(cmd)
	parts := []string{p.Name, cmd.Name}
	switch {
	case cmd.NoConfig:
	case p.DefaultConfig != "":
		parts = append(parts, "[--config FILE]")
	default:
		parts = append(parts, "--config FILE")
	}
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name == "config" {
			return
		}
		arg, _ := flag.UnquoteUsage(f)
		if arg != "" {
			arg = " " + arg
		}
		parts = append(parts, "[--"+f.Name+arg+"]")
	})
	if cmd.Args != "" {
		parts = append(parts, cmd.Args)
	}
	return strings.Join(parts, " ")
}

func (p *Program[C]) writeOverview(w io.Writer) {
	fmt.Fprintf(w, "%s\n\nUsage:\n", p.Summary)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	var noConfig []string
	for _, c := range p.Commands {
		fmt.Fprintf(tw, "  %s\t%s\n", strings.TrimSpace(p.Name+" "+c.Name+" "+c.Args), c.Summary)
		if c.NoConfig {
			noConfig = append(noConfig, c.Name)
		}
	}
	fmt.Fprintf(tw, "  %s help [COMMAND]\t%s\n", p.Name, "this list, or one command's usage and flags")
	fmt.Fprintf(tw, "  %s --version\t%s\n", p.Name, "the version and the source revision it was built from")
	tw.Flush()
	fmt.Fprint(w, "\nEvery command")
	if len(noConfig) > 0 {
		fmt.Fprint(w, " but "+strings.Join(noConfig, ", "))
	}
	if p.DefaultConfig != "" {
		fmt.Fprintf(w, " reads --config FILE, else $%s, else %s.", p.ConfigEnv, p.DefaultConfig)
	} else {
		fmt.Fprint(w, " needs --config FILE.")
	}
	fmt.Fprintf(w, " %s help COMMAND (or %[1]s COMMAND --help) shows its flags.\n", p.Name)
}

// writeCommand writes one command's usage: synopsis, summary, its own flags.
func (p *Program[C]) writeCommand(w io.Writer, cmd *Command[C]) error {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", p.synopsis(cmd), cmd.Summary)
	fs, _, _ := p.flagSet(cmd)
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			fmt.Fprintln(w, "\nFlags:")
			first = false
		}
		arg, usage := flag.UnquoteUsage(f)
		if arg != "" {
			arg = " " + arg
		}
		fmt.Fprintf(w, "  --%s%s\n      %s", f.Name, arg, usage)
		if f.DefValue != "" && f.DefValue != "false" {
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
	return nil
}
