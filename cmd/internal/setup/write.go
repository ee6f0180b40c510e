package setup

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// file is one file init writes.
type file struct {
	path  string
	data  []byte
	mode  fs.FileMode
	owner bool // owned by the service's user (a secret it reads), else root with the user's group
}

// install writes every file or none, runs check and prints the remaining steps.
func install(o *options, secrets map[string][]byte, out io.Writer, check func(string, io.Writer) error) error {
	l := newLayout(o)
	config, err := renderConfig(o)
	if err != nil {
		return err
	}
	unit, err := renderUnit(o)
	if err != nil {
		return err
	}
	files := []file{{path: l.ConfigPath, data: config, mode: 0o640}}
	names := make([]string, 0, len(secrets))
	for name := range secrets {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		files = append(files, file{path: filepath.Join(o.dir, name), data: secrets[name], mode: 0o600, owner: true})
	}
	files = append(files, file{path: l.UnitPath, data: unit, mode: 0o644})

	// Never overwrite: look at every target before writing any.
	var exist []string
	for _, f := range files {
		if _, err := os.Lstat(f.path); err == nil {
			exist = append(exist, f.path)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("init: %w", err)
		}
	}
	if len(exist) > 0 {
		return fmt.Errorf("init: %s already exist(s); nothing was written (move it away to write anew)", strings.Join(exist, ", "))
	}

	// The service's user, when init runs as root and the user exists: then
	// the secrets are the user's and the rest readable by its group.
	uid, gid := -1, -1
	u, err := user.Lookup(o.user)
	if err == nil && os.Geteuid() == 0 {
		uid, _ = strconv.Atoi(u.Uid)
		gid, _ = strconv.Atoi(u.Gid)
	}
	userMissing := err != nil
	var written []string
	undo := func() {
		for i := len(written) - 1; i >= 0; i-- {
			os.Remove(written[i])
		}
	}
	dirs := []struct {
		path  string
		owner bool
	}{{o.dir, false}, {o.stateDir, true}}
	if _, ok := under("/run", o.runtime); !ok {
		// Not systemd's RuntimeDirectory: the unit's ReadWritePaths needs it to exist.
		dirs = append(dirs, struct {
			path  string
			owner bool
		}{o.runtime, true})
	}
	for _, f := range files {
		if f.owner {
			dirs = append(dirs, struct {
				path  string
				owner bool
			}{filepath.Dir(f.path), false})
		}
	}
	for _, d := range dirs {
		if err := mkdir(d.path, d.owner, uid, gid); err != nil {
			return fmt.Errorf("init: %w", err)
		}
	}
	if err := os.MkdirAll(o.unitDir, 0o755); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	for _, f := range files {
		fu, fg := -1, gid
		if f.owner {
			fu = uid
		}
		if f.path == l.UnitPath {
			fg = -1
		}
		if err := writeNew(f.path, f.data, f.mode, fu, fg); err != nil {
			undo()
			return fmt.Errorf("init: %w; nothing was left written", err)
		}
		written = append(written, f.path)
	}

	steps := stepsData{layout: l, Provider: o.provider, User: o.user, Binary: o.binary, TenantID: o.tenantID, ClientID: o.clientID,
		SecretFile: filepath.Join(o.dir, m365SecretFile), PasswordsDir: filepath.Join(o.dir, "passwords"), Directors: o.directors}
	for _, f := range files {
		steps.Written = append(steps.Written, fmt.Sprintf("%s (%04o)", f.path, f.mode))
	}
	if key, ok := secrets[googleKeyFile]; ok {
		steps.GoogleClientID, steps.GoogleClientEmail = googleKeyID(key)
	}
	steps.UserMissing = userMissing
	if uid < 0 {
		// The user does not exist yet (or init is not root): say what to run.
		var group, own []string
		for _, d := range dirs {
			switch {
			case d.owner:
				own = append(own, d.path)
			case !slices.Contains(group, d.path):
				group = append(group, d.path)
			}
		}
		for _, f := range files {
			if f.owner {
				own = append(own, f.path)
			} else if f.path == l.ConfigPath {
				group = append(group, f.path)
			}
		}
		steps.Chown = append(steps.Chown, fmt.Sprintf("chgrp %s %s", o.user, strings.Join(group, " ")),
			fmt.Sprintf("chown %s: %s", o.user, strings.Join(own, " ")))
	}

	var checkErr error
	if !o.noCheck && check != nil {
		fmt.Fprintf(out, "Checking %s:\n", l.ConfigPath)
		if checkErr = check(l.ConfigPath, out); checkErr != nil {
			fmt.Fprintf(out, "check failed: %v\n(the steps below may be what is missing)\n", checkErr)
		}
	}
	text, err := renderSteps(steps)
	if err != nil {
		return err
	}
	fmt.Fprint(out, text)
	if checkErr != nil {
		return fmt.Errorf("init: the files are written, but check failed: %w", checkErr)
	}
	return nil
}

// mkdir creates a directory 0750 (and its parents) when missing; a new one
// gets the service's group, or user and group when owner.
func mkdir(path string, owner bool, uid, gid int) error {
	if fi, err := os.Stat(path); err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("%s is not a directory", path)
		}
		return nil
	}
	if err := os.MkdirAll(path, 0o750); err != nil {
		return err
	}
	if err := os.Chmod(path, 0o750); err != nil { // MkdirAll's mode passes the umask
		return err
	}
	if gid >= 0 {
		u := -1
		if owner {
			u = uid
		}
		if err := os.Chown(path, u, gid); err != nil {
			return fmt.Errorf("chown %s: %w", path, err)
		}
	}
	return nil
}

// writeNew writes a file atomically and never over an existing one: the data
// goes to a temporary file in the same directory, which is then hard-linked
// to its name (link fails when the name exists, where rename would replace).
func writeNew(path string, data []byte, mode fs.FileMode, uid, gid int) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = tmp.Chmod(mode)
	if err == nil && (uid >= 0 || gid >= 0) {
		err = tmp.Chown(uid, gid)
	}
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
