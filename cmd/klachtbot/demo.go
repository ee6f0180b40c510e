package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	netmail "net/mail"
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/mailbox/embedded"
	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/storage"
)

const demoClient = "jan.jansen@example.nl"

// runDemo runs the real service against embedded IMAP and SMTP servers and
// plays a complaint, an out-of-office and a follow-up.
func runDemo(out io.Writer) error {
	users := map[string]string{"marco@mcoo.nl": "demo", "hans@mcoo.nl": "demo", "klachten@mcoo.nl": "demo", demoClient: "demo"}
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
	cfg, err := loadConfig(path)
	if err != nil {
		return err
	}
	svc, err := newService(cfg, newLogger(cfg, os.Stderr))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- svc.run(ctx) }()
	defer func() {
		cancel()
		<-stopped
	}()

	step := func(format string, args ...any) { fmt.Fprintf(out, "\n== "+format+"\n", args...) }
	fmt.Fprintf(out, "klachtbot demo: embedded IMAP on %s, SMTP on %s; directors marco@ and hans@mcoo.nl; client %s\n",
		mail.IMAPAddr, mail.SMTPAddr, demoClient)
	if err := waitUntil(10*time.Second, func() bool {
		for _, w := range svc.watchers {
			if !w.Status().Connected {
				return false
			}
		}
		return true
	}); err != nil {
		return errors.New("watchers did not connect")
	}
	fmt.Fprintf(out, "%d watchers connected (INBOX, Sent and Klachten of each director)\n", len(svc.watchers))

	send := func(from string, to []string, raw string) error {
		return plainSMTP(mail.SMTPAddr, from, to, []byte(strings.ReplaceAll(raw, "\n", "\r\n")))
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
	if err := waitUntil(15*time.Second, func() bool { return len(clientMail()) >= 1 }); err != nil {
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
	ackID := headerValue(ack, "Message-Id")
	err = send(demoClient, []string{"marco@mcoo.nl"}, `From: Jan Jansen <jan.jansen@example.nl>
To: marco@mcoo.nl
Subject: Re: `+headerValue(ack, "Subject")+`
In-Reply-To: `+ackID+`
References: <complaint-1@example.nl> `+ackID+`
Message-ID: <followup-1@example.nl>

akkoord. De boete was 250 euro; de brief stuur ik mee.
`)
	if err != nil {
		return err
	}
	var cases []caseView
	var detail *caseDetail
	if err := waitUntil(10*time.Second, func() bool {
		svc.store.View(func(tx *storage.Tx) error {
			cases, _ = listCases(tx)
			if len(cases) > 0 {
				detail, _ = showCase(tx, cases[0].ID)
			}
			return nil
		})
		return detail != nil && len(detail.Messages) == 2
	}); err != nil {
		return errors.New("the follow-up did not reach the case")
	}
	time.Sleep(time.Second) // give a wrong second acknowledgement time to show up
	fmt.Fprintf(out, "the out-of-office opened no case and got no reply; the follow-up joined the case;\nthe client has %d mail(s) from the bot\n", len(clientMail()))

	step("cases")
	printCases(out, cfg, cases)
	step("klachtbot show %s", detail.ID)
	printCase(out, cfg, detail)
	step("the acknowledgement as the client receives it")
	head, _, _ := bytes.Cut(ack, []byte("\r\n\r\n"))
	out.Write(bytes.ReplaceAll(head, []byte("\r\n"), []byte("\n")))
	fmt.Fprintf(out, "\n\n%s", message.Parse(ack).Text)
	return nil
}

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

// headerValue returns a decoded top-level header of a raw mail.
func headerValue(raw []byte, name string) string {
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	v := m.Header.Get(name)
	if dec, err := new(mime.WordDecoder).DecodeHeader(v); err == nil {
		return dec
	}
	return v
}

// plainSMTP hands a mail to a loopback server the way another MTA would,
// without TLS (smtp.SendMail insists on STARTTLS when it is offered).
func plainSMTP(addr, from string, to []string, raw []byte) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("MAIL FROM:<%s>: %w", from, err)
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt); err != nil {
			return fmt.Errorf("RCPT TO:<%s>: %w", rcpt, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
