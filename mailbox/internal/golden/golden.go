// Package golden compares what a parser's test produced with its golden
// file in testdata, or rewrites the file when the test runs with -update:
// the one helper the tests of mailbox/message, mailbox/dsn and
// mailbox/forwarded share.
//
// It is for tests only and imports nothing of the project.
package golden

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Check compares got with the golden file, or rewrites it with -update.
func Check(t testing.TB, what string, got []byte, goldenFile string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(goldenFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s\ngot:\n%s\nwant:\n%s", what, goldenFile, got, want)
	}
}
