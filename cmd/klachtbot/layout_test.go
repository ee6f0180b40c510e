package main

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// The import rules each package's doc comment states, checked against what the
// packages really reach (transitively, from `go list -deps`), so a rule holds
// by itself instead of by review. A new package must add its rule here.
//
// A pattern is a package path relative to the module ("workflow"), a path with
// "/..." for the package and everything below it, or a full import path of a
// library. "project/..." stands for every package of the module. A pattern
// that starts with "!" allows what the others forbid.
var importRules = map[string][]string{
	// The mail edge knows nothing of cases.
	"mailbox":          {"workflow/...", "storage/..."},
	"mailbox/embedded": {"project/..."},
	"mailbox/message":  {"project/...", goIMAP, goMail, bbolt},
	// Readers of delivery reports and forwards: leaves beside the parser.
	"mailbox/dsn":       {"project/...", "!mailbox/message", goIMAP, goMail, bbolt},
	"mailbox/forwarded": {"project/...", "!mailbox/message", goIMAP, goMail, bbolt},
	// The parsers' tests' golden files: a leaf.
	"mailbox/internal/golden": {"project/...", goIMAP, goMail, bbolt, goMessage},
	// A TLS port with an untrusted certificate, for tests: a leaf.
	"mailbox/tlstest": {"project/...", goIMAP, goMail, bbolt, goMessage},
	// The kinds of a mail failure: a leaf the outbox and the rules decide by.
	"mailbox/mailerr": {"project/...", goIMAP, goMail, bbolt, goMessage},
	// The domain keeps the mail edge and the database out.
	"workflow":       {"storage/...", "mailbox", "mailbox/embedded", goIMAP, goMail, bbolt},
	"workflow/alert": {"project/..."},
	// Raising, repeating and resolving incidents: through its own Tx and compose.
	"workflow/alerts":    {"storage/...", "mailbox", "mailbox/embedded", "mailbox/dsn", "mailbox/forwarded", "workflow", "workflow/dossier", "workflow/evaluation", "workflow/recognize/...", goIMAP, goMail, bbolt},
	"workflow/complaint": {"project/...", goIMAP, goMail, bbolt, goMessage},
	// The words and headers of every mail the bot writes; it decides nothing.
	"workflow/compose":  {"storage/...", "mailbox", "mailbox/embedded", "mailbox/dsn", "mailbox/forwarded", "workflow", "workflow/dossier", "workflow/evaluation", "workflow/recognize/...", goIMAP, goMail, bbolt},
	"workflow/calendar": {"storage/...", "mailbox/...", "workflow", "workflow/outbox", "workflow/dossier", "workflow/evaluation", "workflow/recognize", "workflow/alert", "templates/..."},
	"workflow/dossier":  {"storage/...", "mailbox", "mailbox/embedded", "workflow", goIMAP, goMail, bbolt},
	// A test helper for the views' JSON: no store, no mail edge.
	"workflow/dossier/dossiertest": {"project/...", goIMAP, goMail, bbolt},
	"workflow/evaluation":          {"storage/...", "mailbox/...", "workflow", goIMAP, goMail, bbolt},
	// The procedure's timed promises: through its own Tx, compose and the rules' queue.
	"workflow/jobs":   {"storage/...", "mailbox", "mailbox/embedded", "mailbox/dsn", "mailbox/forwarded", "workflow", "workflow/alerts", "workflow/recognize/...", goIMAP, goMail, bbolt},
	"workflow/outbox": {"storage/...", "mailbox", "mailbox/embedded", "workflow", goIMAP, goMail, bbolt},
	// The firm's configuration and what it says of a mail: decides, changes nothing, composes no mail.
	"workflow/policy": {"storage/...", "mailbox", "mailbox/embedded", "mailbox/dsn", "mailbox/forwarded", "workflow", "workflow/casework", "workflow/intake", "workflow/commands", "workflow/jobs", "workflow/alerts", "workflow/compose", "workflow/dossier", "workflow/learning", "workflow/evaluation", goIMAP, goMail, bbolt},
	// What the directors' decisions teach recognition: through its own Tx.
	"workflow/learning": {"storage/...", "mailbox", "mailbox/embedded", "mailbox/dsn", "mailbox/forwarded", "workflow", "workflow/casework", "workflow/intake", "workflow/commands", "workflow/jobs", "workflow/alerts", "workflow/compose", "workflow/dossier", "workflow/evaluation", goIMAP, goMail, bbolt},
	// What every step does to a case, shared by intake, commands, jobs and alerts: never above them.
	"workflow/casework": {"storage/...", "mailbox", "mailbox/embedded", "mailbox/dsn", "mailbox/forwarded", "workflow", "workflow/intake", "workflow/commands", "workflow/evaluation", goIMAP, goMail, bbolt},
	// The command table: it never reaches back into intake.
	"workflow/commands": {"storage/...", "mailbox", "mailbox/embedded", "mailbox/dsn", "workflow", "workflow/intake", "workflow/evaluation", goIMAP, goMail, bbolt},
	// One incoming mail's route: below the engine, beside the edge, never in it.
	"workflow/intake":    {"storage/...", "mailbox", "mailbox/embedded", "workflow", "workflow/evaluation", goIMAP, goMail, bbolt},
	"workflow/recognize": {"project/...", goIMAP, goMail, bbolt, goMessage},
	// Training reads labelled mail as the service does, and nothing else.
	"workflow/recognize/internal/train": {"storage/...", "mailbox", "mailbox/embedded", "cmd/...", goIMAP, goMail, bbolt},
	// storage keeps the domain's types; it is not the domain nor the mail edge.
	"storage": {"workflow", "mailbox", "mailbox/embedded", goIMAP, goMail},
	// Wording and layout, no rules.
	"templates":         {"workflow/...", "storage/...", "mailbox/...", goIMAP, goMail, bbolt},
	"templates/browser": {"project/..."},
	// Parts of the command line that describe or drive the service, never build it.
	"cmd/internal/metrics": {"storage/...", "cmd/klachtbot"},
	"cmd/internal/demo":    {"storage/...", "cmd/klachtbot"},
	"cmd/internal/status":  {"storage/...", "cmd/klachtbot"},
	"cmd/internal/control": {"storage/...", "mailbox/...", "workflow", "cmd/klachtbot"},
	"cmd/internal/cli":     {"project/..."},
	"cmd/internal/logs":    {"storage/...", "workflow", "cmd/klachtbot"},
	"cmd/internal/config":  {"storage/...", "cmd/klachtbot"},
	"cmd/internal/setup":   {"storage/...", "cmd/klachtbot"},
	// The wiring may reach everything.
	"cmd/klachtbot": nil,
}

const (
	goIMAP    = "github.com/emersion/go-imap/..."
	goMail    = "github.com/wneessen/go-mail/..."
	bbolt     = "go.etcd.io/bbolt/..."
	goMessage = "github.com/emersion/go-message/..."
)

func TestImportRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the module")
	}
	cmd := exec.Command("go", "list", "-deps=false", "-json=ImportPath,Deps,Module", "github.com/mcoo/klachtbot/...")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	const module = "github.com/mcoo/klachtbot"
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := map[string]bool{}
	for {
		var p struct {
			ImportPath string
			Deps       []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		rules, ok := importRules[rel]
		if !ok {
			t.Errorf("package %s has no import rule: add one to importRules (and say it in its doc comment)", rel)
			continue
		}
		seen[rel] = true
	deps:
		for _, dep := range p.Deps {
			for _, pat := range rules {
				if allowed, ok := strings.CutPrefix(pat, "!"); ok && forbidden(allowed, dep, module) {
					continue deps
				}
			}
			for _, pat := range rules {
				if !strings.HasPrefix(pat, "!") && forbidden(pat, dep, module) {
					t.Errorf("%s reaches %s, which its rule %q forbids", rel, dep, pat)
				}
			}
		}
	}
	for rel := range importRules {
		if !seen[rel] {
			t.Errorf("importRules names %s, which go list does not know: remove or rename the rule", rel)
		}
	}
}

// forbidden reports whether dep (a full import path) matches pat.
func forbidden(pat, dep, module string) bool {
	full := pat
	switch {
	case pat == "project/...":
		full = module + "/..."
	case !strings.Contains(strings.SplitN(pat, "/", 2)[0], "."):
		full = module + "/" + pat
	}
	if base, ok := strings.CutSuffix(full, "/..."); ok {
		return dep == base || strings.HasPrefix(dep, base+"/")
	}
	return dep == full
}

func TestForbiddenPattern(t *testing.T) {
	const m = "github.com/mcoo/klachtbot"
	for _, c := range []struct {
		pat, dep string
		want     bool
	}{
		{"workflow", m + "/workflow", true},
		{"workflow", m + "/workflow/outbox", false},
		{"workflow/...", m + "/workflow/outbox", true},
		{"mailbox", m + "/mailbox/message", false},
		{"project/...", m + "/templates", true},
		{"project/...", "github.com/mcoo/klachtbotx", false},
		{goIMAP, "github.com/emersion/go-imap/v2/imapclient", true},
		{bbolt, "go.etcd.io/bbolt", true},
		{bbolt, "go.etcd.io/bboltx", false},
	} {
		if got := forbidden(c.pat, c.dep, m); got != c.want {
			t.Errorf("forbidden(%q, %q) = %v, want %v", c.pat, c.dep, got, c.want)
		}
	}
}
