package main

import (
	"context"
	"fmt"
	"io"

	"github.com/mcoo/klachtbot/cmd/internal/config"
	"github.com/mcoo/klachtbot/cmd/internal/control"
	"github.com/mcoo/klachtbot/mailbox"
	"github.com/mcoo/klachtbot/storage"
)

// checkFile loads a configuration and checks it (init's last step).
func checkFile(path string, out io.Writer) error {
	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	return runCheck(cfg, out, false)
}

// runCheck checks a configuration (already loaded and validated: a config that
// fails validation never gets here, loadConfig names the key) against the
// machine and the mail servers: secrets, the database's place, and for every
// account a connection with the configured security and a login. Every step
// gets a line, "ok" or "FAIL" with the reason; the error says how many failed.
// Nothing is changed on the servers and nothing is sent; with probeSent
// (check --probe-sent) each director also gets a probe mail, all at once,
// that tells whether the server files sent mail in Sent (sent_copy).
func runCheck(cfg *Config, out io.Writer, probeSent bool) error {
	ctx := context.Background()
	total, failed := 0, 0
	line := func(label, step string, err error) {
		total++
		if step != "" {
			label += ": " + step
		}
		if err != nil {
			failed++
			fmt.Fprintf(out, "%s: FAIL %v\n", label, err)
		} else {
			fmt.Fprintf(out, "%s ok\n", label)
		}
	}

	// 1. The configuration (loadConfig has parsed and validated it).
	total++
	fmt.Fprintf(out, "config ok: %s loaded and valid (timezone %s, database %s, %d directors)\n",
		cfg.File, cfg.Timezone, cfg.Database, len(cfg.Directors))

	// 2. Secrets: every account the service would use, resolved as newService does.
	accounts := cfg.Accounts()
	servers := make([]*mailbox.Server, len(accounts))
	for i, a := range accounts {
		srv, err := cfg.Server(a.Key, a.Conf)
		servers[i] = srv
		line(fmt.Sprintf("secrets %s (%s)", a.Key, a.Conf.SecretSource()), "", err)
	}

	// 3. The database: where it is, who may read it. A stat and an open
	// without the lock: a running service keeps its bbolt lock.
	line("database "+cfg.Database, "", storage.CheckFile(cfg.Database))
	note, err := control.Check(cfg.ControlSocket)
	line("control socket "+cfg.ControlSocket, note, err)

	// 4 and 5. Every mailbox and every SMTP account.
	var targets []mailbox.CheckTarget
	for i, a := range accounts {
		t := mailbox.CheckTarget{Label: a.Label, Key: a.Key, IMAP: a.IMAP, Server: servers[i], Create: a.Create}
		for _, f := range a.Folders {
			t.Folders = append(t.Folders, f.Folder)
		}
		targets = append(targets, t)
	}
	n, bad := mailbox.CheckAll(ctx, out, targets)
	total, failed = total+n, failed+bad

	// 6. Whether the servers file sent mail in Sent themselves (sent_copy):
	// only when asked, because it sends mail.
	switch {
	case !probeSent:
		fmt.Fprintf(out, "sent copy: not probed (sent_copy = %q); check --probe-sent sends each director a probe to find out whether the server files sent mail in Sent\n", cfg.Outbox.SentCopy)
	case bad > 0:
		fmt.Fprintln(out, "sent copy: not probed, a login failed above")
	default:
		var probes []mailbox.SentCopyTarget
		for _, d := range cfg.Directors {
			p := mailbox.SentCopyTarget{Address: d.Address}
			for i, a := range accounts {
				switch {
				case a.IMAP && a.Director == d.Address:
					p.IMAP = servers[i]
				case !a.IMAP && (a.Director == d.Address || a.Director == "" && p.SMTP == nil):
					p.SMTP = servers[i]
				}
			}
			probes = append(probes, p)
		}
		n, bad := mailbox.CheckSentCopies(ctx, out, probes, cfg.Outbox.SentCopy == "server")
		total, failed = total+n, failed+bad
	}
	if failed > 0 {
		return fmt.Errorf("check: %d of %d checks failed", failed, total)
	}
	fmt.Fprintf(out, "all %d checks passed\n", total)
	return nil
}
