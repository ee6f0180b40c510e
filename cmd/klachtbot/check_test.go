package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// checkRun runs `klachtbot check` on config with KB_TEST_PASSWORD set to
// password ("" leaves it unset).
func checkRun(t *testing.T, config, password string, flags ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, append([]string{"check", "--config", config}, flags...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KB_TEST_PASSWORD=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if password != "" {
		cmd.Env = append(cmd.Env, "KB_TEST_PASSWORD="+password)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("klachtbot check did not finish in time:\n%s%s", out.String(), errOut.String())
	}
	t.Logf("klachtbot check (exit %v):\n%s%s", err, out.String(), errOut.String())
	return out.String(), errOut.String(), err
}

// checkConfig writes the stack's configuration into a fresh directory and
// lets edit change its text.
func checkConfig(t *testing.T, st *mailStack, edit func(string) string) string {
	t.Helper()
	path := st.config(t, t.TempDir(), "")
	if edit != nil {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		edited := edit(string(data))
		if edited == string(data) {
			t.Fatal("the config edit changed nothing")
		}
		if err := os.WriteFile(path, []byte(edited), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// lines returns the output lines that contain all of parts.
func checkLines(out string, parts ...string) []string {
	var found []string
	for _, l := range strings.Split(out, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(l, p)
		}
		if all {
			found = append(found, l)
		}
	}
	return found
}

// secondDirector splits the config text at the second [[directors]] (Hans).
func secondDirector(cfg string) (before, hans string) {
	i := strings.Index(cfg, "[[directors]]")
	j := strings.Index(cfg[i+1:], "[[directors]]") + i + 1
	return cfg[:j], cfg[j:]
}

func TestCheck(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		t.Run("ok", func(t *testing.T) {
			var sent []string // what reached the SMTP server (embedded stack)
			if st.embedded != nil {
				var mu sync.Mutex
				st.embedded.SetSMTPHook(func(from string, to []string) error {
					mu.Lock()
					defer mu.Unlock()
					sent = append(sent, from+" -> "+strings.Join(to, ","))
					return nil
				})
				defer st.embedded.SetSMTPHook(nil)
			}
			auto := func(cfg string) string { return strings.Replace(cfg, `sent_copy = "bcc"`, `sent_copy = "auto"`, 1) }
			out, stderr, err := checkRun(t, checkConfig(t, st, auto), password)
			if err != nil {
				t.Fatalf("check failed: %v\n%s", err, stderr)
			}
			// Plain check sends nothing, also under sent_copy = "auto".
			if len(sent) > 0 {
				t.Errorf("check sent mail: %v", sent)
			}
			for _, who := range []string{"marco@mcoo.nl", "hans@mcoo.nl"} {
				if n := len(st.messages(t, who, "INBOX")); n > 0 {
					t.Errorf("%s got %d mail(s) from check", who, n)
				}
			}
			if len(checkLines(out, "sent copy: not probed", "check --probe-sent")) != 1 {
				t.Errorf("check does not say how to probe the Sent copies")
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			for _, l := range lines[:len(lines)-1] {
				if !strings.HasPrefix(l, "config ok:") && !strings.HasSuffix(l, " ok") && !strings.HasPrefix(l, "sent copy: not probed") {
					t.Errorf("not ok: %q", l)
				}
			}
			if !strings.HasPrefix(lines[len(lines)-1], "all ") {
				t.Errorf("no summary: %q", lines[len(lines)-1])
			}
			for _, want := range [][]string{
				{"secrets directors[0].imap (password_env KB_TEST_PASSWORD", ") ok"},
				{"database ", "klachtbot.db ok"},
				{"imap marco@mcoo.nl: connect 127.0.0.1:", " ok"},
				{"imap marco@mcoo.nl: login as marco@mcoo.nl ok"},
				{"imap hans@mcoo.nl: folder INBOX ok"},
				{"imap hans@mcoo.nl: folder Sent ok"},
				{"imap hans@mcoo.nl: logout ok"},
				{"smtp default: connect 127.0.0.1:", " ok"},
			} {
				if len(checkLines(out, want...)) != 1 {
					t.Errorf("no line with %q", want)
				}
			}
			if st.name == "dovecot" && len(checkLines(out, "smtp default: login as marco@mcoo.nl ok")) != 1 {
				t.Errorf("no SMTP login")
			}
		})

		t.Run("wrong password", func(t *testing.T) {
			out, stderr, err := checkRun(t, checkConfig(t, st, nil), "wrong")
			if err == nil {
				t.Fatal("check passed with a wrong password")
			}
			for _, who := range []string{"marco", "hans"} {
				if len(checkLines(out, "imap "+who+"@mcoo.nl: login as "+who+"@mcoo.nl: FAIL login refused by the server")) != 1 {
					t.Errorf("no refused IMAP login for %s", who)
				}
			}
			if len(checkLines(out, "folder")) != 0 {
				t.Errorf("folders checked without a login")
			}
			if st.name == "dovecot" && len(checkLines(out, "smtp default: login as marco@mcoo.nl: FAIL login refused")) != 1 {
				t.Errorf("no refused SMTP login")
			}
			if !regexp.MustCompile(`check: \d+ of \d+ checks failed`).MatchString(stderr) {
				t.Errorf("no summary on stderr: %q", stderr)
			}
		})

		t.Run("missing folder", func(t *testing.T) {
			path := checkConfig(t, st, func(cfg string) string {
				return strings.Replace(cfg, `sent = "Sent"`, `sent = "Sent"`+"\n  complaints_folder = \"Bestaatniet\"\n  create_complaints_folder = false", 1)
			})
			out, stderr, err := checkRun(t, path, password)
			if err == nil {
				t.Fatal("check passed with a missing folder")
			}
			if l := checkLines(out, "imap marco@mcoo.nl: folder Bestaatniet: FAIL does not exist (folders: ", "INBOX", "Sent"); len(l) != 1 {
				t.Errorf("no line naming the missing folder")
			}
			if len(checkLines(out, "FAIL")) != 1 || !strings.Contains(stderr, "check: 1 of ") {
				t.Errorf("want exactly one failure")
			}
		})

		t.Run("plaintext to a remote host", func(t *testing.T) {
			path := checkConfig(t, st, func(cfg string) string {
				before, hans := secondDirector(cfg)
				hans = regexp.MustCompile(`host = ".*"`).ReplaceAllString(hans, `host = "imap.example.nl"`)
				hans = regexp.MustCompile(`security = ".*"`).ReplaceAllString(hans, `security = "none"`)
				return before + hans
			})
			out, stderr, err := checkRun(t, path, password)
			if err == nil {
				t.Fatal("check passed with plaintext to imap.example.nl")
			}
			if !strings.Contains(stderr, `directors[1].imap.security: "none" (plaintext) is only allowed to a loopback host, not "imap.example.nl"`) {
				t.Errorf("the error does not name the key and the host: %q", stderr)
			}
			if out != "" {
				t.Errorf("checks ran on an invalid config:\n%s", out)
			}
		})

		t.Run("missing secret and database mode", func(t *testing.T) {
			path := checkConfig(t, st, nil)
			db := filepath.Join(filepath.Dir(path), "klachtbot.db")
			if err := os.WriteFile(db, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			os.Chmod(db, 0o644) // whatever the umask
			out, _, err := checkRun(t, path, "")
			if err == nil {
				t.Fatal("check passed without the password")
			}
			if len(checkLines(out, "secrets directors[0].imap (password_env KB_TEST_PASSWORD", "): FAIL directors[0].imap.password_env: environment variable KB_TEST_PASSWORD is not set")) != 1 {
				t.Errorf("no line naming the key and the variable")
			}
			if len(checkLines(out, "imap marco@mcoo.nl: skipped")) != 1 {
				t.Errorf("IMAP not skipped without its password")
			}
			if len(checkLines(out, "database "+db+": FAIL mode 0644")) != 1 {
				t.Errorf("a database readable by others passed")
			}
		})
	})
}

// TestCheckProbeSent: check --probe-sent sends each director one probe, all
// at once: each probe's mail reaches the server while the other's is still
// in flight (the server holds the first until the second arrives).
func TestCheckProbeSent(t *testing.T) {
	st := embeddedStack(t)
	var mu sync.Mutex
	probed := map[string]int{}
	both := make(chan struct{})
	st.embedded.SetSMTPHook(func(from string, to []string) error {
		mu.Lock()
		for _, r := range to {
			probed[r]++
		}
		if len(probed) == 2 && probed["marco@mcoo.nl"]+probed["hans@mcoo.nl"] == 2 {
			close(both)
		}
		mu.Unlock()
		select {
		case <-both:
		case <-time.After(30 * time.Second): // one after the other: the check goes on, the test fails below
		}
		return nil
	})
	path := checkConfig(t, st, func(cfg string) string { return strings.Replace(cfg, `sent_copy = "bcc"`, `sent_copy = "auto"`, 1) })
	out, stderr, err := checkRun(t, path, password, "--probe-sent")
	if err != nil {
		t.Fatalf("check --probe-sent: %v\n%s", err, stderr)
	}
	select {
	case <-both:
	default:
		t.Errorf("the probes went one after the other: %v", probed)
	}
	if probed["marco@mcoo.nl"] != 1 || probed["hans@mcoo.nl"] != 1 {
		t.Errorf("probes sent: %v, want one to each director", probed)
	}
	for _, who := range []string{"marco@mcoo.nl", "hans@mcoo.nl"} {
		if l := checkLines(out, "sent copy "+who+": copy of sent mail in Sent (none: ", "Bcc copies are used) ok"); len(l) != 1 {
			t.Errorf("no probe result for %s", who)
		}
	}
}
