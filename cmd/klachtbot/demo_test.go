package main

import (
	"strings"
	"testing"
)

// TestDemo: `klachtbot demo` runs on a fresh machine and shows what the
// product does, the doubtful mail and the phone complaint included.
func TestDemo(t *testing.T) {
	t.Parallel()
	stdout, stderr, err := klachtbot(t, "demo")
	if err != nil {
		t.Fatalf("demo: %v\n%s\n%s", err, stdout, stderr)
	}
	for _, want := range []string{
		"acknowledgement in the client's INBOX",
		"the out-of-office opened no case and got no reply",
		"Subject: Klacht of niet? [KL-",
		"]: Factuur jaarrekening",
		"Beantwoord deze mail met één regel:",
		"got the acknowledgement, with the target counted from the original receipt",
		"heeft u ons telefonisch een klacht",
		"piet.deboer@example.nl  Niemand bereikbaar",
		"channel:        mail",
		"Uw reactie gevraagd op klacht [KL-",
		"her answer is on the case with role staff",
		"Uw klacht is afgehandeld [KL-",
		"tevreden bent over de manier waarop wij uw",
		"satisfied:      ja, tevreden",
		"consulted:      Anna de Boer <anna@mcoo.nl>",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the demo does not show %q:\n%s", want, stdout)
		}
	}
}
