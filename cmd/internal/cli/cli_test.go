package cli

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// testProgram has a command with flags and arguments, one without flags and
// one that needs no configuration; each run writes what it got.
func testProgram(loaded *[]string) *Program[string] {
	return &Program[string]{
		Name: "prog", Summary: "prog: a test program.",
		Load: func(path string) (string, error) {
			*loaded = append(*loaded, path)
			if path == "missing.toml" {
				return "", errors.New("config missing.toml: no such file")
			}
			return "cfg:" + path, nil
		},
		Commands: []Command[string]{
			{Name: "show", Args: "ID", Summary: "show one thing", Flags: func(fs *flag.FlagSet) Run[string] {
				asJSON := fs.Bool("json", false, "print JSON")
				at := fs.String("at", "", "the `TIME` to show it as of")
				return func(cfg string, args []string, out io.Writer) error {
					_, err := io.WriteString(out, strings.Join(append([]string{cfg, *at, map[bool]string{true: "json", false: "text"}[*asJSON]}, args...), "|"))
					return err
				}
			}},
			{Name: "ping", Summary: "answer pong", Flags: func(*flag.FlagSet) Run[string] {
				return func(cfg string, _ []string, out io.Writer) error {
					_, err := io.WriteString(out, "pong "+cfg)
					return err
				}
			}},
			{Name: "demo", NoConfig: true, Summary: "play without configuration", Flags: func(*flag.FlagSet) Run[string] {
				return func(cfg string, args []string, out io.Writer) error {
					_, err := io.WriteString(out, "demo["+cfg+"]"+strings.Join(args, ","))
					return err
				}
			}},
		},
	}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		out     []string // all in the output
		notOut  []string // none in the output
		err     string   // "" for success
		loaded  bool     // the configuration was read
		exactly string   // the whole output, when set
	}{
		{name: "flags after arguments", args: []string{"show", "7", "--json", "--config", "k.toml", "--at", "noon"}, exactly: "cfg:k.toml|noon|json|7", loaded: true},
		{name: "flags before arguments", args: []string{"show", "--config=k.toml", "7", "8"}, exactly: "cfg:k.toml||text|7|8", loaded: true},
		{name: "no config", args: []string{"ping"}, err: "ping: --config FILE is required"},
		{name: "config error", args: []string{"ping", "--config", "missing.toml"}, err: "config missing.toml: no such file", loaded: true},
		{name: "command without config", args: []string{"demo", "x"}, exactly: "demo[]x"},
		{name: "demo has no --config", args: []string{"demo", "--config", "k.toml"}, err: "demo: flag provided but not defined: -config; see prog help demo"},
		{name: "unknown command first", args: []string{"frobnicate", "--config", "k.toml"}, err: `unknown command "frobnicate"; see prog help`},
		{name: "unknown flag", args: []string{"ping", "--config", "k.toml", "--bogus"}, err: "ping: flag provided but not defined: -bogus; see prog help ping"},
		{name: "version", args: []string{"--version"}, out: []string{"prog "}},
		{name: "version command", args: []string{"version"}, out: []string{"prog "}},
		{name: "help lists every command", args: []string{"help"},
			out: []string{"prog: a test program.", "prog show ID ", "show one thing", "prog ping ", "answer pong", "prog demo ", "prog help [COMMAND]", "prog --version", "Every command but demo needs --config FILE"}},
		{name: "--help is help", args: []string{"--help"}, out: []string{"prog show ID ", "prog ping "}},
		{name: "help of one command", args: []string{"help", "show"},
			out:    []string{"Usage: prog show --config FILE [--at TIME] [--json] ID\n", "show one thing", "--config FILE", "--at TIME\n      the TIME to show it as of", "--json\n      print JSON"},
			notOut: []string{"ping", "pong", "demo"}},
		{name: "command --help: its own flags, no config read", args: []string{"show", "--help"},
			out: []string{"Usage: prog show --config FILE [--at TIME] [--json] ID", "--at TIME"}, notOut: []string{"ping", "demo"}},
		{name: "command -h after other flags", args: []string{"ping", "--config", "missing.toml", "-h"}, out: []string{"Usage: prog ping --config FILE\n", "answer pong"}, notOut: []string{"--json", "--at"}},
		{name: "help of a command without flags", args: []string{"demo", "--help"}, exactly: "Usage: prog demo\n\nplay without configuration\n"},
		{name: "help of an unknown command", args: []string{"help", "frobnicate"}, err: `help: unknown command "frobnicate"; see prog help`},
		{name: "help of two commands", args: []string{"help", "show", "ping"}, err: "help: give one command, e.g. prog help show"},
		{name: "nothing", args: nil, err: "no command given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var loaded []string
			p := testProgram(&loaded)
			var out, stderr bytes.Buffer
			p.Stderr = &stderr
			err := p.Run(tt.args, &out)
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.err != "" && (err == nil || err.Error() != tt.err):
				t.Fatalf("error %v, want %q", err, tt.err)
			}
			got := out.String()
			if tt.exactly != "" && got != tt.exactly {
				t.Errorf("output %q, want %q", got, tt.exactly)
			}
			for _, s := range tt.out {
				if !strings.Contains(got, s) {
					t.Errorf("output lacks %q:\n%s", s, got)
				}
			}
			for _, s := range tt.notOut {
				if strings.Contains(got, s) {
					t.Errorf("output has %q:\n%s", s, got)
				}
			}
			if (len(loaded) > 0) != tt.loaded {
				t.Errorf("configuration read: %v, want %v", loaded, tt.loaded)
			}
			if tt.args == nil && !strings.Contains(stderr.String(), "prog ping") {
				t.Errorf("no command: usage not on stderr: %q", stderr.String())
			}
		})
	}
}

func TestVersionLine(t *testing.T) {
	vcs := []debug.BuildSetting{
		{Key: "-buildmode", Value: "exe"},
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "95884a7c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a"},
		{Key: "vcs.time", Value: "2026-11-29T21:10:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	tests := []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{"go build in a checkout", debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: vcs},
			"klachtbot (devel) (revision 95884a7c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a, modified, committed 2026-11-29 21:10 UTC) go1.26.0"},
		{"clean checkout", debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.0"}, Settings: vcs[:4]},
			"klachtbot v1.2.0 (revision 95884a7c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a, committed 2026-11-29 21:10 UTC) go1.26.0"},
		{"go install module@version", debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.0"}},
			"klachtbot v1.2.0 go1.26.0"},
		{"nothing recorded", debug.BuildInfo{}, "klachtbot (devel)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionLine("klachtbot", &tt.bi); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		want string // RFC 3339 in Amsterdam; "" for an error
	}{
		{"2026-12-08", "2026-12-08T08:00:00+01:00"},
		{"2026-07-08", "2026-07-08T08:00:00+02:00"}, // summer time
		{"2026-12-08T09:30", "2026-12-08T09:30:00+01:00"},
		{"2026-12-08 09:30", "2026-12-08T09:30:00+01:00"},
		{"2026-12-08T09:30:15", "2026-12-08T09:30:15+01:00"},
		{"2026-12-08T08:00:00Z", "2026-12-08T09:00:00+01:00"},
		{"2026-12-08T08:00:00+01:00", "2026-12-08T08:00:00+01:00"},
		{"", ""},
		{"x", ""},
		{"08-12-2026", ""},
		{"2026-12-32", ""},
		{"2026-12-08T25:00", ""},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in, ams)
		if tt.want == "" {
			if err == nil || err.Error() != "expected a date (2026-12-08) or a time (2026-12-08T09:30 or RFC 3339)" {
				t.Errorf("ParseTime(%q) = %v, %v; want the error", tt.in, got, err)
			}
			continue
		}
		if err != nil || got.In(ams).Format(time.RFC3339) != tt.want {
			t.Errorf("ParseTime(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}
