package main

import (
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow/dossier"
)

// TestE2ELogsNameNoClient: at log_level "info" the service's log names no
// client: not the sender of a complaint, not the recipient of its
// acknowledgement, not the address a mail server quotes when it refuses one.
// The case number is there, and the hash that stands for the address, the
// same on every line.
func TestE2ELogsNameNoClient(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		st.refuseUnknownClient()
		b := startBot(t, st.config(t, t.TempDir(), `log_level = "info"`))
		const client = "jan.jansen@klant.test"
		id, _, _ := openCase(t, st, b, client, "marco@mcoo.nl")
		waitCase(t, b, id, func(d dossier.Detail) bool { return d.AcknowledgedAt != nil })

		raw, _ := compose("Onbekend <"+unknownClient+">", "marco@mcoo.nl", "Klacht over de loonstroken",
			plainComplaint)
		st.send(t, unknownClient, []string{"marco@mcoo.nl"}, raw)
		refused := caseWith(t, b, "Klacht over de loonstroken")
		waitCase(t, b, refused.ID, func(d dossier.Detail) bool { return d.Attention != "" })
		b.stop()

		log := b.log.String()
		for _, addr := range []string{client, unknownClient} {
			for _, line := range b.logLines(addr) {
				t.Errorf("the log names %s:\n%s", addr, line)
			}
		}
		for _, want := range []string{
			"case=" + id, "case=" + refused.ID, // the reference
			"case=" + id + " client=" + message.Redact(client) + " director=marco@mcoo.nl",
			"kind=ack to=[" + message.Redact(client) + "]",
			"550", // the refusal itself is logged, its address replaced
		} {
			if !strings.Contains(log, want) {
				t.Errorf("the log lacks %q", want)
			}
		}
	})
}
