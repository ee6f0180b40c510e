// Package demo is the scenario `klachtbot demo` plays: embedded IMAP and
// SMTP servers, the real service started on them by the caller, a client's
// complaint to both directors, an out-of-office and the client's follow-up,
// a doubtful mail and a complaint by phone, a staff member consulted and
// the case closed with the question whether the client is satisfied, then
// the cases as `cases` and `show` print them and the acknowledgement as the
// client receives it.
//
// It drives the service only through Bot; it must not import storage or
// build the service itself (that is cmd/klachtbot's wiring).
package demo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/mailbox/embedded"
	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow/dossier"
)

const (
	demoClient     = "jan.jansen@example.nl"
	doubtfulClient = "kees.bakker@example.nl"
	phoneClient    = "piet.deboer@example.nl"
	staff          = "anna@mcoo.nl"
)

// Bot is the running service as the demo sees it.
type Bot interface {
	Connected() (watchers int, all bool)
	View(func(dossier.Reader) error) error // a read transaction on the service's store
}

// Start loads the configuration file at path, starts the service on it and
// returns it with a function that stops it.
type Start func(path string) (Bot, *time.Location, func(), error)

// Run plays the demo and writes what happens to out.
func Run(out io.Writer, startBot Start) error {
	users := map[string]string{"marco@mcoo.nl": "demo", "hans@mcoo.nl": "demo", "klachten@mcoo.nl": "demo", demoClient: "demo",
		doubtfulClient: "demo", phoneClient: "demo", staff: "demo"}
	mail, err := embedded.Start(embedded.Options{Users: users, Folders: []string{"Klachten"}})
	if err != nil {
		return fmt.Errorf("start embedded mail servers: %w", err)
	}
	defer mail.Close()
	dir, err := os.MkdirTemp("", "klachtbot-demo")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	ihost, iport, _ := net.SplitHostPort(mail.IMAPAddr)
	shost, sport, _ := net.SplitHostPort(mail.SMTPAddr)
	imap := fmt.Sprintf("host = %q\n  port = %s\n  security = \"none\"\n  password_env = \"KLACHTBOT_DEMO_PASSWORD\"\n  complaints_folder = \"Klachten\"", ihost, iport)
	config := fmt.Sprintf(`database = "demo.db"
bot_address = "klachten@mcoo.nl"
log_level = "warn"
[imap]
idle_refresh = "30s"
[smtp]
host = %q
port = %s
security = "none"
[[firm.staff]]
name = "Anna de Boer"
address = "anna@mcoo.nl"
[[directors]]
name = "Marco"
address = "marco@mcoo.nl"
  [directors.imap]
  username = "marco@mcoo.nl"
  %s
[[directors]]
name = "Hans"
address = "hans@mcoo.nl"
  [directors.imap]
  username = "hans@mcoo.nl"
  %s
`, shost, sport, imap, imap)
	path := filepath.Join(dir, "klachtbot.toml")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		return err
	}
	os.Setenv("KLACHTBOT_DEMO_PASSWORD", "demo")
	bot, loc, stop, err := startBot(path)
	if err != nil {
		return err
	}
	defer stop()

	step := func(format string, args ...any) { fmt.Fprintf(out, "\n== "+format+"\n", args...) }
	fmt.Fprintf(out, "klachtbot demo: embedded IMAP on %s, SMTP on %s; directors marco@ and hans@mcoo.nl; client %s\n",
		mail.IMAPAddr, mail.SMTPAddr, demoClient)
	if err := waitUntil(demoWait, func() bool { _, all := bot.Connected(); return all }); err != nil {
		return errors.New("watchers did not connect")
	}
	n, _ := bot.Connected()
	fmt.Fprintf(out, "%d watchers connected (INBOX, Sent and Klachten of each director)\n", n)

	send := func(from string, to []string, raw string) error {
		return mail.Submit(from, to, []byte(strings.ReplaceAll(raw, "\n", "\r\n")))
	}
	clientMail := func() [][]byte { m, _ := mail.Messages(demoClient, "INBOX"); return m }

	step("1. %s complains to marco@ and hans@", demoClient)
	start := time.Now()
	err = send(demoClient, []string{"marco@mcoo.nl", "hans@mcoo.nl"}, `From: Jan Jansen <jan.jansen@example.nl>
To: marco@mcoo.nl, hans@mcoo.nl
Subject: Klacht over mijn belastingaangifte
Date: `+time.Now().Format(time.RFC1123Z)+`
Message-ID: <complaint-1@example.nl>
Content-Type: text/plain; charset=utf-8

Geachte heer,

Ik ben zeer ontevreden: mijn aangifte is te laat ingediend en ik heb een boete gekregen.

Met vriendelijke groet,
Jan Jansen
`)
	if err != nil {
		return fmt.Errorf("send complaint: %w", err)
	}
	if err := waitUntil(demoWait, func() bool { return len(clientMail()) >= 1 }); err != nil {
		return errors.New("no acknowledgement arrived")
	}
	fmt.Fprintf(out, "acknowledgement in the client's INBOX after %v\n", time.Since(start).Round(time.Millisecond))
	ack := clientMail()[0]

	step("2. an out-of-office reply about a complaint arrives")
	err = send("piet@example.nl", []string{"marco@mcoo.nl"}, `From: Piet <piet@example.nl>
To: marco@mcoo.nl
Subject: Afwezig: klacht
Auto-Submitted: auto-replied
Message-ID: <ooo-1@example.nl>

Ik ben afwezig tot maandag.
`)
	if err != nil {
		return err
	}

	step("3. the client replies to the acknowledgement")
	ackMsg := message.Parse(ack)
	ackID := ackMsg.MessageID
	err = send(demoClient, []string{"marco@mcoo.nl"}, `From: Jan Jansen <jan.jansen@example.nl>
To: marco@mcoo.nl
Subject: Re: `+ackMsg.Subject+`
In-Reply-To: `+ackID+`
References: <complaint-1@example.nl> `+ackID+`
Message-ID: <followup-1@example.nl>

akkoord. De boete was 250 euro; de brief stuur ik mee.
`)
	if err != nil {
		return err
	}
	var cases []dossier.Summary
	var detail *dossier.Detail
	if err := waitUntil(demoWait, func() bool {
		bot.View(func(tx dossier.Reader) error {
			if cases, _ = dossier.List(tx); len(cases) > 0 {
				detail, _ = dossier.Show(tx, cases[0].ID)
			}
			return nil
		})
		return detail != nil && len(detail.Messages) == 2
	}); err != nil {
		return errors.New("the follow-up did not reach the case")
	}
	time.Sleep(time.Second) // give a wrong second acknowledgement time to show up
	fmt.Fprintf(out, "the out-of-office opened no case and got no reply; the follow-up joined the case;\nthe client has %d mail(s) from the bot\n", len(clientMail()))

	step("the acknowledgement as the client receives it")
	head, _, _ := bytes.Cut(ack, []byte("\r\n\r\n"))
	out.Write(bytes.ReplaceAll(head, []byte("\r\n"), []byte("\n")))
	fmt.Fprintf(out, "\n\n%s", ackMsg.Text)

	step("4. a doubtful mail: %s is surprised by an invoice", doubtfulClient)
	err = send(doubtfulClient, []string{"marco@mcoo.nl"}, `From: Kees Bakker <`+doubtfulClient+`>
To: marco@mcoo.nl
Subject: Factuur jaarrekening
Message-ID: <doubtful-1@example.nl>
Content-Type: text/plain; charset=utf-8

Goedemiddag Marco,

Ik zag de factuur voor de jaarrekening. De factuur is hoger dan afgesproken. Ik ga hier niet zomaar mee akkoord.

Groet,
Kees Bakker
`)
	if err != nil {
		return err
	}
	question, err := waitForMail(mail, "marco@mcoo.nl", "Klacht of niet?")
	if err != nil {
		return errors.New("the triage question did not reach Marco")
	}
	q := message.Parse(question)
	fmt.Fprintf(out, "held, not acknowledged; Marco gets one question:\n\nSubject: %s\n\n%s\n", q.Subject, q.Text)
	fmt.Fprintln(out, "Marco answers from his mail client with one line: #klacht")
	if _, err := mail.Append("marco@mcoo.nl", "Sent", crlf(`From: Marco <marco@mcoo.nl>
To: klachten@mcoo.nl
Subject: Re: `+q.Subject+`
In-Reply-To: `+q.MessageID+`
Message-ID: <answer-1@mcoo.nl>

#klacht
`), time.Time{}); err != nil {
		return err
	}
	if _, err := waitForMail(mail, doubtfulClient, "Ontvangstbevestiging"); err != nil {
		return errors.New("the accepted complaint was not acknowledged")
	}
	fmt.Fprintf(out, "the case opened and %s got the acknowledgement, with the target counted from the original receipt\n", doubtfulClient)

	step("5. Hans registers a complaint made by phone")
	if _, err := mail.Append("hans@mcoo.nl", "Sent", crlf(`From: Hans <hans@mcoo.nl>
To: klachten@mcoo.nl
Subject: Niemand bereikbaar over de loonadministratie
Message-ID: <phone-1@mcoo.nl>

#nieuwe-klacht telefoon Piet de Boer <`+phoneClient+`>

Piet belde: hij heeft drie weken niemand kunnen bereiken over de loonstroken van oktober.
`), time.Time{}); err != nil {
		return err
	}
	confirmation, err := waitForMail(mail, phoneClient, "Bevestiging van uw klacht")
	if err != nil {
		return errors.New("the phone complaint was not confirmed to the client")
	}
	fmt.Fprintf(out, "%s gets a written confirmation from Hans:\n\n%s\n", phoneClient, firstParagraphs(message.Parse(confirmation).Text, 2))

	if err := consultAndClose(out, step, mail, bot, detail.ID, send); err != nil {
		return err
	}

	bot.View(func(tx dossier.Reader) error {
		cases, _ = dossier.List(tx)
		detail, _ = dossier.Show(tx, detail.ID)
		return nil
	})
	step("klachtbot cases")
	dossier.WriteList(out, loc, cases)
	step("klachtbot show %s", detail.ID)
	detail.WriteText(out, loc)
	return nil
}

// consultAndClose plays the procedure past the receipt on case id: Marco
// asks Anna for her side (#betrokkene), her answer lands on the case, and
// Marco closes it; the client gets the solution and the question whether
// they are satisfied, and answers it.
func consultAndClose(out io.Writer, step func(string, ...any), mail *embedded.Server, bot Bot, id string, send func(string, []string, string) error) error {
	step("6. Marco asks Anna, whom the complaint is about, for her side: #betrokkene Anna ...")
	if _, err := mail.Append("marco@mcoo.nl", "Sent", crlf(`From: Marco <marco@mcoo.nl>
To: klachten@mcoo.nl
Subject: [`+id+`]
Message-ID: <consult-1@mcoo.nl>

#betrokkene Anna Klopt het dat de aangifte pas na de termijn is ingediend?
`), time.Time{}); err != nil {
		return err
	}
	question, err := waitForMail(mail, staff, id)
	if err != nil {
		return errors.New("the question did not reach Anna")
	}
	q := message.Parse(question)
	fmt.Fprintf(out, "Anna gets, from Marco:\n\nSubject: %s\n\n%s\n", q.Subject, firstParagraphs(q.Text, 5))
	err = send(staff, []string{"marco@mcoo.nl"}, `From: Anna de Boer <anna@mcoo.nl>
To: marco@mcoo.nl
Subject: Re: `+q.Subject+`
In-Reply-To: `+q.MessageID+`
References: `+q.MessageID+`
Message-ID: <anna-1@mcoo.nl>

Dat klopt: de stukken van de bank kwamen pas na de termijn binnen, en ik heb de aangifte toen niet meer op tijd kunnen indienen.
`)
	if err != nil {
		return err
	}
	if err := waitUntil(demoWait, func() bool { return role(bot, id, "<anna-1@mcoo.nl>") == "staff" }); err != nil {
		return errors.New("the answer of Anna did not reach the case")
	}
	if _, err := waitForMail(mail, "marco@mcoo.nl", "Reactie van Anna"); err != nil {
		return errors.New("the answer of Anna was not passed on to Marco")
	}
	fmt.Fprintln(out, "Anna answers the mail; her answer is on the case with role staff, and Marco gets it quoted in the case's thread")

	step("7. Marco closes the case: #afgehandeld <oplossing>")
	if _, err := mail.Append("marco@mcoo.nl", "Sent", crlf(`From: Marco <marco@mcoo.nl>
To: klachten@mcoo.nl
Subject: [`+id+`]
Message-ID: <close-1@mcoo.nl>

#afgehandeld Wij hebben de boete van 250 euro vergoed en zetten uw aangifte voortaan een week eerder klaar.
`), time.Time{}); err != nil {
		return err
	}
	closing, err := waitForMail(mail, demoClient, "afgehandeld")
	if err != nil {
		return errors.New("the closing mail did not reach the client")
	}
	c := message.Parse(closing)
	fmt.Fprintf(out, "the client gets, from Marco, as a reply in the conversation of the complaint:\n\nSubject: %s\n\n%s\n", c.Subject, firstParagraphs(c.Text, 4))
	err = send(demoClient, []string{"marco@mcoo.nl"}, `From: Jan Jansen <jan.jansen@example.nl>
To: marco@mcoo.nl
Subject: Re: `+c.Subject+`
In-Reply-To: `+c.MessageID+`
References: `+c.MessageID+`
Message-ID: <satisfied-1@example.nl>

Ja, ik ben tevreden. Fijn dat het zo is opgelost.
`)
	if err != nil {
		return err
	}
	var satisfied *bool
	if err := waitUntil(demoWait, func() bool {
		bot.View(func(tx dossier.Reader) error {
			if d, err := dossier.Show(tx, id); err == nil {
				satisfied = d.Satisfied
			}
			return nil
		})
		return satisfied != nil
	}); err != nil {
		return errors.New("the client's answer was not recorded")
	}
	fmt.Fprintf(out, `the client answers "Ja, ik ben tevreden": recorded with the mail as evidence (satisfied: %v); the case stays closed`+"\n", *satisfied)
	return nil
}

// role is the role of the message msgid on case id ("" while it is not there).
func role(bot Bot, id, msgid string) string {
	var r string
	bot.View(func(tx dossier.Reader) error {
		d, err := dossier.Show(tx, id)
		if err != nil {
			return err
		}
		for _, m := range d.Messages {
			if m.MessageID == msgid {
				r = string(m.Role)
			}
		}
		return nil
	})
	return r
}

// waitForMail waits for a mail whose subject contains s in user's INBOX.
func waitForMail(mail *embedded.Server, user, s string) ([]byte, error) {
	var found []byte
	err := waitUntil(demoWait, func() bool {
		msgs, _ := mail.Messages(user, "INBOX")
		for _, raw := range msgs {
			if strings.Contains(message.Parse(raw).Subject, s) {
				found = raw
				return true
			}
		}
		return false
	})
	return found, err
}

func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

// firstParagraphs is the start of a text, for showing a mail.
func firstParagraphs(text string, n int) string {
	paras := strings.SplitN(text, "\n\n", n+1)
	return strings.Join(paras[:min(n, len(paras))], "\n\n")
}

// demoWait is how long the demo waits for a step before it gives up: it
// goes on as soon as the step happened, and a loaded machine may be slow.
const demoWait = time.Minute

func waitUntil(d time.Duration, f func() bool) error {
	deadline := time.Now().Add(d)
	for !f() {
		if time.Now().After(deadline) {
			return errors.New("timed out")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}
