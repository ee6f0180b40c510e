package workflow

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/mcoo/klachtbot/mailbox"
	"github.com/mcoo/klachtbot/workflow/alert"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// alertingOutbox is the outbox wired to the engine as the service wires it.
func alertingOutbox(e *Engine, s Store, clock *testClock, sender outbox.Sender) *outbox.Worker {
	o := newOutbox(s, clock, sender)
	o.Failed, o.Sending, o.Fallback = e.Alerts.MailFailed, e.Alerts.SendingHealth, e.DirectorAddresses()
	return o
}

func openIncidents(t *testing.T, s Store) []*alert.Incident {
	t.Helper()
	var open []*alert.Incident
	if err := s.View(func(tx Tx) (err error) { open, err = tx.OpenIncidents(); return err }); err != nil {
		t.Fatal(err)
	}
	return open
}

func allItems(t *testing.T, s Store) []*outbox.Item {
	t.Helper()
	var items []*outbox.Item
	s.View(func(tx Tx) error {
		for id := uint64(1); ; id++ {
			it, err := tx.OutboxItem(id)
			if err != nil || it == nil {
				return nil
			}
			items = append(items, it)
		}
	})
	return items
}

// TestFailedAlertRaisesNoIncident: the server refuses everything; the
// refused acknowledgement is one incident, and its alert, refused too,
// raises none of its own, however often the outbox runs.
func TestFailedAlertRaisesNoIncident(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	srv, sender := smtpServer(t)
	srv.SetSMTPHook(func(string, []string) error {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "refused"}
	})
	deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())
	o := alertingOutbox(e, s, clock, sender)
	for range 10 {
		if _, err := o.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Hour)
	}
	open := openIncidents(t, s)
	if len(open) != 1 || open[0].Key != "mail/1" {
		t.Fatalf("open incidents %v, want only the refused acknowledgement's", keys(open))
	}
	items := allItems(t, s)
	if k := strings.Join(kinds(items), " "); k != "ack alert" {
		t.Errorf("outbox %s, want the acknowledgement and one alert", k)
	}
	if items[1].State != outbox.Failed {
		t.Errorf("the refused alert: %+v", items[1])
	}
}

func keys(incs []*alert.Incident) []string {
	var k []string
	for _, i := range incs {
		k = append(k, i.Key)
	}
	return k
}

// TestAccountFailureIsOneIncident: an SMTP account that cannot send (its
// password refused, its server down) is one incident for all the mail
// that meets it, told once per repeat with one alert mail; the mail waits,
// not given up, and goes out exactly once when the account works again,
// which ends the incident.
func TestAccountFailureIsOneIncident(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		breakIt func(srv *mailbox.Server)
		cause   string
	}{
		{"wrong password", func(srv *mailbox.Server) { srv.Password = "fout" }, "auth"},
		{"closed port", func(srv *mailbox.Server) { srv.Port = deadPort(t) }, "unreachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, s, clock := newTestEngine(t)
			e.Alerts.After, e.Alerts.Repeat = 20*time.Second, time.Hour
			srv, sender := smtpServer(t)
			good := *sender.Default
			tt.breakIt(sender.Default)
			for _, from := range []string{"jan@klant.test", "piet@klant.test", "kees@klant.test"} {
				deliver(t, e, inbox, mail(from, "Klacht", plainComplaint), clock.Now())
			}
			o := alertingOutbox(e, s, clock, sender)
			// Three hours of retries, every minute.
			for range 180 {
				if _, err := o.Flush(context.Background()); err != nil {
					t.Fatal(err)
				}
				clock.Add(time.Minute)
			}
			open := openIncidents(t, s)
			if len(open) != 1 || !strings.HasSuffix(open[0].Key, "/"+tt.cause) || open[0].Kind != alert.KindSending {
				t.Fatalf("open incidents %v, want one of the account (%s)", keys(open), tt.cause)
			}
			// Told again after the repeat: the acknowledgements and the first alert wait.
			if !strings.Contains(open[0].What, "127.0.0.1") || !strings.Contains(open[0].What, "Er wachten nu 4 mails") {
				t.Errorf("the incident does not say which server and what waits: %s", open[0].What)
			}
			items := allItems(t, s)
			if k := strings.Join(kinds(items), " "); k != "ack ack ack alert" {
				t.Errorf("outbox %s, want three acknowledgements and one alert", k)
			}
			for _, it := range items {
				if it.State != outbox.Queued || it.Kind == outbox.KindAck && it.Cause == "" {
					t.Errorf("%s %d: %s, cause %q: it should wait behind the account", it.Kind, it.ID, it.State, it.Cause)
				}
			}

			*sender.Default = good
			clock.Add(time.Hour) // past every backoff
			o.Flush(context.Background())
			o.Flush(context.Background()) // the "Opgelost" mail, queued by the first flush
			if open := openIncidents(t, s); len(open) != 0 {
				t.Errorf("still open once the account works: %v", keys(open))
			}
			perClient := map[string]int{}
			alerts := 0
			for _, env := range srv.Envelopes() {
				for _, to := range env.To {
					perClient[to]++
				}
			}
			for _, it := range allItems(t, s) {
				if it.State != outbox.Sent {
					t.Errorf("%s %d not sent: %s %s", it.Kind, it.ID, it.State, it.LastError)
				}
				if it.Kind == outbox.KindAlert {
					alerts++
				}
			}
			for _, c := range []string{"jan@klant.test", "piet@klant.test", "kees@klant.test"} {
				if perClient[c] != 1 {
					t.Errorf("%s got %d acknowledgements, want 1", c, perClient[c])
				}
			}
			if alerts != 2 {
				t.Errorf("%d alert mails, want the alert and its end", alerts)
			}
		})
	}
}

// TestAlertWakesOutbox: an alert queued by itself (a held acknowledgement's)
// wakes the outbox; it does not wait for unrelated mail.
func TestAlertWakesOutbox(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	e.cfg.MaxAcksPerHour = 1
	deliver(t, e, inbox, mail("jan@klant.test", "Klacht", plainComplaint), clock.Now())
	<-e.Wake // the first acknowledgement's
	deliver(t, e, inbox, mail("piet@klant.test", "Klacht", plainComplaint), clock.Now())
	select {
	case <-e.Wake:
	default:
		t.Fatal("the held acknowledgement's alert was queued without waking the outbox")
	}
	_, pending := snapshot(t, s)
	if k := strings.Join(kinds(pending), " "); k != "ack alert" {
		t.Errorf("outbox %s, want the first acknowledgement and the alert", k)
	}
}

// deadPort is a loopback port nothing listens on.
func deadPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestGivenUpBehindAccountIsOneIncident: mail given up after give_up_after
// because its account never worked is one incident for them all, besides
// the account's; each acknowledgement flags its case.
func TestGivenUpBehindAccountIsOneIncident(t *testing.T) {
	t.Parallel()
	e, s, clock := newTestEngine(t)
	_, sender := smtpServer(t)
	sender.Default.Port = deadPort(t)
	for _, from := range []string{"jan@klant.test", "piet@klant.test", "kees@klant.test"} {
		deliver(t, e, inbox, mail(from, "Klacht", plainComplaint), clock.Now())
	}
	o := alertingOutbox(e, s, clock, sender)
	for range 80 { // hours: past give_up_after (72h)
		if _, err := o.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Hour)
	}
	var got []string
	for _, inc := range openIncidents(t, s) {
		got = append(got, strings.SplitN(inc.Key, "/", 2)[0])
	}
	if strings.Join(got, " ") != "given-up sending" {
		t.Errorf("open incidents %v, want one for the account and one for what was given up", keys(openIncidents(t, s)))
	}
	cases, _ := snapshot(t, s)
	for _, c := range cases {
		if c.Attention == "" || c.AcknowledgedAt != nil {
			t.Errorf("%s: attention %q, acknowledged %v", c.ID, c.Attention, c.AcknowledgedAt)
		}
	}
}
