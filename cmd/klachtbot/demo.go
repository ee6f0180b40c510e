package main

import (
	"errors"
	"io"
)

func runDemo(out io.Writer) error { return errors.New("demo: not yet") }
