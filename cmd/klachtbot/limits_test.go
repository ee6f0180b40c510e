package main

import (
	"fmt"
	"testing"
)

// TestE2EMaxAcksPerHour: with max_acks_per_hour = 2, three complaints from
// three senders get two acknowledgements; the third is held and the
// directors are told at once (no other mail needs to wake the outbox).
func TestE2EMaxAcksPerHour(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		b := startBot(t, st.config(t, t.TempDir(), "[procedure]\nmax_acks_per_hour = 2\n"))
		var ids []string
		for i, c := range []string{"jan@klant.test", "piet@klant.test", "kees@klant.test"} {
			subject := fmt.Sprintf("Klacht over aangifte %d", i+1)
			raw, id := compose(c, "marco@mcoo.nl", subject, "Ik ben ontevreden: de aangifte is te laat ingediend en ik heb een boete gekregen.")
			st.send(t, c, []string{"marco@mcoo.nl"}, raw)
			ids = append(ids, id)
			caseWith(t, b, subject) // one at a time: the order decides which is held
		}
		st.waitFor(t, "hans@mcoo.nl", "INBOX", hangGuard, "the alert about the held acknowledgement", func(l []*parsedMail) bool {
			return len(mailsWith(l, "Aandacht nodig: ongewoon veel klachten binnen een uur")) == 1
		})
		waitOutboxEmpty(t, b)
		acks := st.waitFor(t, catchall, "INBOX", hangGuard, "", func([]*parsedMail) bool { return true })
		for i, id := range ids {
			if n, want := len(acksFor(acks, id)), map[bool]int{true: 1, false: 0}[i < 2]; n != want {
				t.Errorf("complaint %d got %d acknowledgements, want %d", i+1, n, want)
			}
		}
	})
}
