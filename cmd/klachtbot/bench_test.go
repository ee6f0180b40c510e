package main

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// BenchmarkDeliveryToAck measures the time from a complaint's acceptance by
// the SMTP server to the acknowledgement's arrival in the client's mailbox,
// through the real binary, on each available stack.
func BenchmarkDeliveryToAck(b *testing.B) {
	b.Run("embedded", func(b *testing.B) { benchDeliveryToAck(b, embeddedStack(b)) })
	b.Run("dovecot", func(b *testing.B) {
		st, why := dovecotStack(b)
		if st == nil {
			b.Skip(why)
		}
		benchDeliveryToAck(b, st)
	})
}

func benchDeliveryToAck(b *testing.B, st *mailStack) {
	startBot(b, st.config(b, b.TempDir(), "log_level = \"warn\"\n[procedure]\nmax_acks_per_hour = 0 # b.N acknowledgements\n"))
	c := st.dial(b, catchall)
	defer c.Close()
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		want := c.Mailbox().NumMessages + 1
		from := fmt.Sprintf("bench%d-%d@klant.test", i, time.Now().UnixNano())
		raw, _ := compose(from, "marco@mcoo.nl", "Klacht", plainComplaint)
		start := time.Now()
		st.send(b, from, []string{"marco@mcoo.nl"}, raw)
		for c.Mailbox().NumMessages < want {
			if time.Since(start) > hangGuard {
				b.Fatalf("no acknowledgement after %v", hangGuard)
			}
			time.Sleep(2 * time.Millisecond)
			if err := c.Noop().Wait(); err != nil {
				b.Fatal(err)
			}
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}
