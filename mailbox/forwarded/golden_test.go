package forwarded

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// checkGolden compares got with a golden file, or rewrites it with -update.
func checkGolden(t *testing.T, what string, got []byte, goldenFile string) {
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
