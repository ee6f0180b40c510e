package workflow

import (
	"fmt"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
)

// BenchmarkIngest measures one incoming message end to end inside the
// domain: parse, classify, and the one bbolt transaction (fsync included).
func BenchmarkIngest(b *testing.B) {
	for _, kind := range []string{"complaint", "not-a-complaint", "follow-up"} {
		b.Run(kind, func(b *testing.B) {
			e, _, clock := newTestEngine(b)
			first := message.Parse([]byte("From: jan@klant.test\r\nSubject: Klacht\r\nMessage-ID: <first@klant.test>\r\n\r\nIk klaag.\r\n"))
			e.Ingest(inbox, &message.Fetched{UIDValidity: 1, UID: 1, InternalDate: clock.Now(), Msg: first})
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var raw string
				switch kind {
				case "complaint":
					raw = fmt.Sprintf("From: klant%d@klant.test\r\nTo: marco@mcoo.nl\r\nSubject: Klacht over de aangifte\r\nMessage-ID: <%d@klant.test>\r\n\r\nIk ben ontevreden over de aangifte van dit jaar.\r\n", i, i)
				case "not-a-complaint":
					raw = fmt.Sprintf("From: klant%d@klant.test\r\nTo: marco@mcoo.nl\r\nSubject: Factuur\r\nMessage-ID: <%d@klant.test>\r\n\r\nWilt u de factuur sturen?\r\n", i, i)
				default:
					raw = fmt.Sprintf("From: jan@klant.test\r\nTo: marco@mcoo.nl\r\nSubject: Re: Klacht\r\nIn-Reply-To: <first@klant.test>\r\nMessage-ID: <%d@klant.test>\r\n\r\nNog iets.\r\n", i)
				}
				rb := []byte(raw)
				f := &message.Fetched{UIDValidity: 1, UID: uint32(i + 2), InternalDate: clock.Now(), Raw: rb, Msg: message.Parse(rb)}
				if err := e.Ingest(inbox, f); err != nil {
					b.Fatal(err)
				}
				clock.Add(time.Second)
			}
		})
	}
}
