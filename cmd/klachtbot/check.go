package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcoo/klachtbot/mailbox"
)

// runCheck checks a configuration (already loaded and validated: a config that
// fails validation never gets here, loadConfig names the key) against the
// machine and the mail servers: secrets, the database's place, and for every
// account a connection with the configured security and a login. Every step
// gets a line, "ok" or "FAIL" with the reason; the error says how many failed.
// Nothing is changed on the servers and no mail is sent.
func runCheck(cfg *Config, out io.Writer) error {
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
	results := func(label string, res []mailbox.CheckResult) {
		for _, r := range res {
			line(label, r.Step, r.Err)
		}
	}

	// 1. The configuration (loadConfig has parsed and validated it).
	total++
	fmt.Fprintf(out, "config ok: %s loaded and valid (timezone %s, database %s, %d directors)\n",
		cfg.file, cfg.Timezone, cfg.Database, len(cfg.Directors))

	// 2. Secrets: every account the service would use, resolved as newService does.
	type account struct {
		kind, label, key string
		conf             *ServerConfig
		folders          []string
		srv              *mailbox.Server
	}
	var accounts []*account
	for i := range cfg.Directors {
		d := &cfg.Directors[i]
		var folders []string
		for _, f := range []string{d.IMAP.Inbox, d.IMAP.Sent, d.IMAP.ComplaintsFolder} {
			if f != "" {
				folders = append(folders, f)
			}
		}
		accounts = append(accounts, &account{kind: "imap", label: "imap " + d.Address,
			key: fmt.Sprintf("directors[%d].imap", i), conf: &d.IMAP.ServerConfig, folders: folders})
	}
	if needsDefaultSMTP(cfg) {
		accounts = append(accounts, &account{kind: "smtp", label: "smtp default", key: "smtp", conf: &cfg.SMTP})
	}
	for i := range cfg.Directors {
		if d := &cfg.Directors[i]; d.SMTP != nil {
			accounts = append(accounts, &account{kind: "smtp", label: "smtp " + d.Address,
				key: fmt.Sprintf("directors[%d].smtp", i), conf: d.SMTP})
		}
	}
	for _, a := range accounts {
		srv, err := cfg.server(a.key, a.conf)
		a.srv = srv
		line(fmt.Sprintf("secrets %s (%s)", a.key, secretSource(a.conf)), "", err)
	}

	// 3. The database: where it is, who may read it. A stat and an open
	// without the lock: a running service keeps its bbolt lock.
	line("database "+cfg.Database, "", checkDatabase(cfg.Database))

	// 4 and 5. Every mailbox and every SMTP account, one after the other:
	// a failed IMAP login costs a few seconds on Dovecot (auth_failure_delay).
	for _, a := range accounts {
		if a.srv == nil {
			fmt.Fprintf(out, "%s: skipped (%s: secrets not resolved, see above)\n", a.label, a.key)
			continue
		}
		var res []mailbox.CheckResult
		if a.kind == "imap" {
			res = mailbox.CheckIMAP(ctx, *a.srv, a.folders)
		} else {
			res = mailbox.CheckSMTP(ctx, *a.srv)
		}
		// Plaintext to a host that is not loopback: validation refuses it
		// first, so this only shows if the rules ever drift apart.
		for i := range res {
			if res[i].Err != nil && strings.HasPrefix(res[i].Err.Error(), "refused before connecting") {
				res[i].Err = fmt.Errorf("%s.security: %w", a.key, res[i].Err)
			}
		}
		results(a.label, res)
	}

	if failed > 0 {
		return fmt.Errorf("check: %d of %d checks failed", failed, total)
	}
	fmt.Fprintf(out, "all %d checks passed\n", total)
	return nil
}

// checkDatabase: the file exists with mode 0600 (bbolt creates it so) and can
// be opened for writing, or it does not exist yet and its directory takes new
// files. bbolt is never opened, so a running service is not disturbed.
func checkDatabase(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		dir := filepath.Dir(path)
		di, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("does not exist yet, and its directory: %w", err)
		}
		if !di.IsDir() {
			return fmt.Errorf("does not exist yet, and %s is not a directory", dir)
		}
		f, err := os.CreateTemp(dir, ".klachtbot-check-*")
		if err != nil {
			return fmt.Errorf("does not exist yet, and it cannot be created: %w", err)
		}
		f.Close()
		os.Remove(f.Name())
		return nil
	case err != nil:
		return err
	case !fi.Mode().IsRegular():
		return fmt.Errorf("is not a regular file (%v)", fi.Mode())
	case fi.Mode().Perm()&0o077 != 0:
		return fmt.Errorf("mode %04o: not only the service may read the complaints; want 0600 (chmod 600 %s)", fi.Mode().Perm(), path)
	}
	// Opening and closing a descriptor leaves the service's flock alone.
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("cannot be opened for writing: %w", err)
	}
	f.Close()
	return nil
}

// secretSource says where an account's password and CA come from.
func secretSource(s *ServerConfig) string {
	var parts []string
	switch {
	case s.PasswordEnv != "":
		parts = append(parts, "password_env "+s.PasswordEnv)
	case s.PasswordFile != "":
		parts = append(parts, "password_file "+s.PasswordFile)
	default:
		parts = append(parts, "no password")
	}
	if s.CAFile != "" {
		parts = append(parts, "ca_file "+s.CAFile)
	}
	return strings.Join(parts, ", ")
}
