package main

// Placeholder types: the case file export and chain verification are written in this file and verify.go.

import (
	"errors"
	"io"
	"time"

	"github.com/mcoo/klachtbot/storage"
)

type dossier struct{}

func dossierOf(tx *storage.Tx, id string) (*dossier, error) { return nil, errors.New("not yet") }

func writeDossier(d *dossier, dir string, loc *time.Location, out io.Writer) error {
	return errors.New("not yet")
}
