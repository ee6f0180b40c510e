package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mcoo/klachtbot/cmd/internal/control"
	"github.com/mcoo/klachtbot/storage"
	"github.com/mcoo/klachtbot/workflow/dossier"
)

// backup writes a consistent copy of the database to path: from the running
// service (a read transaction, so ingestion goes on), else from the file.
// The copy is created new with mode 0600; an existing file is not replaced.
func backup(cfg *Config, path string, out io.Writer) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	err = control.Stream(cfg.ControlSocket, "/backup", f)
	if errors.Is(err, control.ErrNoService) {
		err = f.Truncate(0)
		if err == nil {
			err = backupFile(cfg.Database, f)
		}
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	// A copy that does not open and verify is no backup.
	rep, err := verifyFile(path)
	if err != nil {
		return fmt.Errorf("backup written to %s but it does not open: %w", path, err)
	}
	fmt.Fprintf(out, "backup written to %s: %d cases, %d events, audit trail %s\n", path, rep.Cases, rep.Events, map[bool]string{true: "intact", false: "BROKEN"}[rep.OK])
	return nil
}

func backupFile(db string, w io.Writer) error {
	store, err := storage.OpenReadOnly(db)
	if err != nil {
		return err
	}
	defer store.Close()
	return store.Backup(w)
}

func verifyFile(path string) (*dossier.Report, error) {
	store, err := storage.OpenReadOnly(path)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	var rep *dossier.Report
	err = store.View(func(tx *storage.Tx) (err error) { rep, err = dossier.VerifyAll(tx); return err })
	return rep, err
}
