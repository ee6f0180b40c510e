package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/cmd/internal/config"
)

// TestCommandLine runs the built binary: exit codes and what it writes where.
func TestCommandLine(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.toml")
	present := cliConfig(t, reportStore(t))
	tests := []struct {
		name   string
		args   []string
		config string // $KLACHTBOT_CONFIG: the default when --config is not given
		code   int
		stdout []string // all in stdout
		not    []string // none in stdout
		stderr string   // stderr, exactly; "" for nothing
	}{
		{name: "help", args: []string{"help"}, stdout: commandNames(),
			not: []string{"Flags:"}},
		{name: "help tick", args: []string{"help", "tick"},
			stdout: []string{"Usage: klachtbot tick [--config FILE] [--json] [--now TIME]", "--now TIME", "2026-12-08 (08:00 that day)", "default $KLACHTBOT_CONFIG, else /etc/klachtbot/klachtbot.toml"},
			not:    []string{"--against", "--dry-run", "--from"}},
		{name: "tick --help: its own flags, exit 0", args: []string{"tick", "--help"},
			stdout: []string{"Usage: klachtbot tick [--config FILE]", "--config FILE", "--json", "--now TIME"},
			not:    []string{"--against", "--dry-run", "--from", "--out"}},
		{name: "run --help: exit 0, nothing but --config", args: []string{"run", "--help"},
			stdout: []string{"Usage: klachtbot run [--config FILE]\n", "--config FILE"},
			not:    []string{"--json", "--now", "--against", "--dry-run"}},
		{name: "unknown command before --config", args: []string{"frobnicate"}, code: 1,
			stderr: "klachtbot: unknown command \"frobnicate\"; see klachtbot help\n"},
		{name: "without --config: the default, which must exist", args: []string{"cases"}, config: missing, code: 1,
			stderr: "klachtbot: cases: no --config FILE given, and " + missing + " (from $KLACHTBOT_CONFIG) does not exist (klachtbot init writes /etc/klachtbot/klachtbot.toml)\n"},
		{name: "without --config: the default is read", args: []string{"cases"}, config: present, stdout: []string{"CASE"}},
		{name: "a flag of another command", args: []string{"cases", "--now", "2026-12-08"}, code: 1,
			stderr: "klachtbot: cases: flag provided but not defined: -now; see klachtbot help cases\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(binPath, tt.args...)
			cmd.Env = append(os.Environ(), "KLACHTBOT_CONFIG="+tt.config, "KB_PW=test")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != tt.code {
				t.Fatalf("exit code %d (%v), want %d; stderr: %s", code, err, tt.code, stderr.String())
			}
			for _, s := range tt.stdout {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout.String())
				}
			}
			for _, s := range tt.not {
				if strings.Contains(stdout.String(), s) {
					t.Errorf("stdout has %q:\n%s", s, stdout.String())
				}
			}
			if stderr.String() != tt.stderr {
				t.Errorf("stderr %q, want %q", stderr.String(), tt.stderr)
			}
		})
	}
}

func commandNames() []string {
	var names []string
	for _, c := range commands {
		names = append(names, "klachtbot "+c.Name)
	}
	return append(names, "klachtbot help [COMMAND]", "klachtbot --version")
}

// TestVersion: what --version prints is what the toolchain recorded in the
// binary, as `go version -m` reads it.
func TestVersion(t *testing.T) {
	out, err := exec.Command(binPath, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	m, err := exec.Command("go", "version", "-m", binPath).Output()
	if err != nil {
		t.Fatal(err)
	}
	info := map[string]string{}
	for _, line := range strings.Split(string(m), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 3 && f[0] == "mod":
			info["mod"] = f[2]
		case len(f) >= 2 && f[0] == "build" && strings.HasPrefix(f[1], "vcs."):
			k, v, _ := strings.Cut(f[1], "=")
			info[k] = v
		}
	}
	want := "klachtbot " + info["mod"]
	if rev := info["vcs.revision"]; rev != "" {
		want += " (revision " + rev
	}
	if !strings.HasPrefix(string(out), want) || !regexp.MustCompile(` go1\.\d+`).Match(out) {
		t.Errorf("--version: %q, want it to start with %q and name the Go version (go version -m: %v)", out, want, info)
	}
	if (info["vcs.modified"] == "true") != strings.Contains(string(out), ", modified") {
		t.Errorf("--version: %q; vcs.modified=%s", out, info["vcs.modified"])
	}
}

// TestTickNow: the times tick --now takes, and what it says about one it
// cannot read. The SMTP server is a closed port: a digest the jobs queue
// stays in the outbox.
func TestTickNow(t *testing.T) {
	t.Setenv("KB_PW", "x")
	path := writeConfig(t, strings.Replace(minimal, `host = "smtp.mcoo.nl"`, "host = \"127.0.0.1\"\nport = 1\nsecurity = \"none\"", 1))
	tests := []struct{ now, want, err string }{
		{now: "2026-12-08", want: "2026-12-08T08:00:00+01:00"},
		{now: "2026-12-08T09:30", want: "2026-12-08T09:30:00+01:00"},
		{now: "2026-12-08T09:30:00Z", want: "2026-12-08T10:30:00+01:00"},
		{now: "8 december", err: `tick: --now "8 december": expected a date (2026-12-08) or a time (2026-12-08T09:30 or RFC 3339)`},
		{now: "2026-12-08T09.30", err: `tick: --now "2026-12-08T09.30": expected a date (2026-12-08) or a time (2026-12-08T09:30 or RFC 3339)`},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		err := run([]string{"tick", "--config", path, "--json", "--now", tt.now}, &out)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("tick --now %q: %v, want %q", tt.now, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("tick --now %q: %v", tt.now, err)
		}
		var res tickResult
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		cfg, _ := config.Load(path)
		if got := res.Now.In(cfg.Loc).Format("2006-01-02T15:04:05-07:00"); got != tt.want {
			t.Errorf("tick --now %q ran as of %s, want %s", tt.now, got, tt.want)
		}
	}
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "k.toml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// minimal is the least configuration that loads.
const minimal = `
[smtp]
host = "smtp.mcoo.nl"
username = "marco@mcoo.nl"
password_env = "KB_PW"
[[directors]]
name = "Marco"
address = "Marco@MCOO.nl"
  [directors.imap]
  host = "imap.mcoo.nl"
  username = "marco@mcoo.nl"
  password_env = "KB_PW"
`
