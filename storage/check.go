package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// CheckFile checks the database file for `klachtbot check`: it exists with mode 0600 (bbolt creates it so) and can
// be opened for writing, or it does not exist yet and its directory takes new
// files. bbolt is never opened, so a running service is not disturbed.
func CheckFile(path string) error {
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
