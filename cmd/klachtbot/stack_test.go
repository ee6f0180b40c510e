package main

// The end-to-end harness: the built klachtbot binary against a real mail
// stack, either the embedded one (always) or Dovecot + Postfix on loopback
// (when .ci/mailstack/up.sh has started them).

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"

	"github.com/mcoo/klachtbot/cmd/internal/status"
	"github.com/mcoo/klachtbot/mailbox"
	"github.com/mcoo/klachtbot/mailbox/embedded"
	"github.com/mcoo/klachtbot/workflow"
	"github.com/mcoo/klachtbot/workflow/calendar"
	"github.com/mcoo/klachtbot/workflow/dossier"
)

var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "klachtbot-bin")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "klachtbot")
	// testclock: KLACHTBOT_TEST_CLOCK_OFFSET shifts the bot's clock (setBotClock, clock_testclock.go).
	args := []string{"build", "-tags", "testclock", "-o", binPath}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, ".")...)
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build klachtbot:", err)
		os.Exit(1)
	}
	if err := setBotClock(time.Now()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// clockOffset is how far every klachtbot the tests start runs ahead of the
// real clock (negative: behind); botNow is its time.
var clockOffset time.Duration

func botNow() time.Time { return time.Now().Add(clockOffset) }

// setBotClock shifts the clock of every klachtbot process of this run
// (services and commands alike, through the environment they inherit) to a
// quiet working-day morning, 10:00 Amsterdam on the last working day at or
// before now, so no outcome depends on the hour, weekday or date the suite
// runs: the 08:00 digest has passed and is not caught up by a new database,
// and a cron run that fires meanwhile (on the real clock) runs the jobs as of
// that quiet morning, when none is due. KLACHTBOT_TEST_NOW
// (RFC 3339) runs the whole suite at that moment instead, to find tests that
// still depend on it. The mail servers keep the real time: a moment in the
// past keeps every delivered mail after the bot's first start.
func setBotClock(now time.Time) error {
	at := quietMorning(now)
	if v := os.Getenv("KLACHTBOT_TEST_NOW"); v != "" {
		var err error
		if at, err = time.Parse(time.RFC3339, v); err != nil {
			return fmt.Errorf("KLACHTBOT_TEST_NOW: %w", err)
		}
	}
	clockOffset = at.Sub(now)
	return os.Setenv("KLACHTBOT_TEST_CLOCK_OFFSET", clockOffset.String())
}

// quietMorning is 10:00 Amsterdam on the last working day at or before now.
func quietMorning(now time.Time) time.Time {
	cal := calendar.New(workflow.Defaults().Settings)
	ams := workflow.Defaults().Location
	day := now.In(ams)
	for {
		at := time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, ams)
		if cal.IsWorkday(at) && !at.After(now) {
			return at
		}
		day = day.AddDate(0, 0, -1)
	}
}

const (
	password     = "test"
	catchall     = "catchall@example.nl" // every outside client's mail lands here
	staffAddress = "anna@mcoo.nl"        // one of the firm's people ([[firm.staff]]); .ci/run adds her to the Dovecot stack
)

// mailStack is one mail system the bot and the test both talk to.
type mailStack struct {
	name       string
	smtpInject string // where the test delivers incoming mail (no auth)
	imapAddr   string // where the test reads
	imapTLS    *tls.Config
	botConfig  string // the [smtp] and per-director [imap] settings for the bot
	embedded   *embedded.Server
	hops       int               // Received headers the stack adds on delivery (trusted_hops)
	env        map[string]string // the Dovecot stack's MAILSTACK_* settings
}

// unknownClient is an address the stack's SMTP server refuses (550 5.1.1):
// Postfix knows every user of example.nl; the embedded server is told.
const unknownClient = "onbekend@example.nl"

// refuseUnknownClient makes the stack refuse mail to unknownClient.
func (st *mailStack) refuseUnknownClient() {
	if st.embedded == nil {
		return // Postfix refuses it by itself
	}
	st.embedded.SetSMTPHook(func(from string, to []string) error {
		if slices.Contains(to, unknownClient) {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<" + unknownClient + ">: Recipient address rejected: User unknown"}
		}
		return nil
	})
}

// stacks runs f against each available mail stack as a subtest.
func stacks(t *testing.T, f func(t *testing.T, st *mailStack)) {
	t.Run("embedded", func(t *testing.T) { f(t, embeddedStack(t)) })
	t.Run("dovecot", func(t *testing.T) {
		st, why := dovecotStack(t)
		if st == nil && os.Getenv("KLACHTBOT_REQUIRE_MAILSTACK") != "" {
			t.Fatal(why)
		}
		if st == nil {
			t.Skip(why)
		}
		f(t, st)
	})
}

func embeddedStack(t testing.TB) *mailStack {
	srv, err := embedded.Start(embedded.Options{
		Users: map[string]string{
			"marco@mcoo.nl": password, "hans@mcoo.nl": password, "klachten@mcoo.nl": password,
			staffAddress: password, catchall: password,
		},
		Folders:  []string{"Klachten"},
		Catchall: catchall,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	host, port, _ := net.SplitHostPort(srv.IMAPAddr)
	shost, sport, _ := net.SplitHostPort(srv.SMTPAddr)
	return &mailStack{
		name: "embedded", smtpInject: srv.SMTPAddr, imapAddr: srv.IMAPAddr, embedded: srv, hops: 1,
		botConfig: fmt.Sprintf(`
[smtp]
host = %q
port = %s
security = "none"
[imap]
host = %q
port = %s
security = "none"
`, shost, sport, host, port),
	}
}

// dovecotStack returns the loopback Dovecot/Postfix stack, reset, or why it is not there.
func dovecotStack(t testing.TB) (*mailStack, string) {
	dir := os.Getenv("MAILSTACK_DIR")
	if dir == "" {
		dir = "/tmp/mailstack"
	}
	env, err := os.ReadFile(filepath.Join(dir, "env"))
	if err != nil {
		return nil, "Dovecot/Postfix stack not running (no " + dir + "/env): start it with .ci/mailstack/up.sh as root; CI does"
	}
	vars := map[string]string{}
	for _, line := range strings.Split(string(env), "\n") {
		if k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "="); ok {
			vars[k] = strings.Trim(v, `"`)
		}
	}
	// The tests empty the stack's mailboxes: only a stack started for this
	// test run (its marker holds the run's token) may be used.
	marker := filepath.Join(dir, ".klachtbot-test-run")
	token, _ := os.ReadFile(marker)
	if run := os.Getenv("KLACHTBOT_MAILSTACK_RUN"); run == "" || strings.TrimSpace(string(token)) != run {
		return nil, "the mail stack in " + dir + " was not started for this test run, and the tests empty its mailboxes: " +
			"refused. .ci/run starts its own; for a stack you started for testing, write a token to " + marker +
			" and set KLACHTBOT_MAILSTACK_RUN to it (or set MAILSTACK_DIR to another stack)"
	}
	if c, err := net.DialTimeout("tcp", "127.0.0.1:"+vars["MAILSTACK_IMAPS_PORT"], time.Second); err != nil {
		return nil, "Dovecot not answering on 127.0.0.1:" + vars["MAILSTACK_IMAPS_PORT"] + ": " + err.Error()
	} else {
		c.Close()
	}
	ca := vars["MAILSTACK_CA_CERT"]
	pem, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	st := &mailStack{
		name:       "dovecot",
		env:        vars,
		hops:       2, // Postfix, then Dovecot's LMTP
		smtpInject: "127.0.0.1:" + vars["MAILSTACK_SMTP_PORT"],
		imapAddr:   "127.0.0.1:" + vars["MAILSTACK_IMAPS_PORT"],
		imapTLS:    &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"},
		botConfig: fmt.Sprintf(`
[smtp]
host = "127.0.0.1"
port = %s
security = "starttls"
ca_file = %q
username = "marco@mcoo.nl"
password_env = "KB_TEST_PASSWORD"
[imap]
host = "127.0.0.1"
port = %s
security = "tls"
ca_file = %q
`, vars["MAILSTACK_SUBMISSION_PORT"], ca, vars["MAILSTACK_IMAPS_PORT"], ca),
	}
	st.reset(t)
	return st, ""
}

// reset empties every mailbox of the Dovecot stack.
func (st *mailStack) reset(t testing.TB) {
	t.Helper()
	reset := exec.Command("bash", filepath.Join("..", "..", ".ci", "mailstack", "reset.sh"))
	reset.Env = append(os.Environ(), "MAILSTACK_DIR="+st.env["MAILSTACK_DIR"])
	if out, err := reset.CombinedOutput(); err != nil {
		t.Fatalf("reset mail stack: %v\n%s", err, out)
	}
}

// config writes the bot's configuration for this stack into dir.
func (st *mailStack) config(t testing.TB, dir string, extra string) string {
	// The stack's [imap] block is repeated under each director.
	smtpPart, imapPart, _ := strings.Cut(st.botConfig, "[imap]")
	imapPart = strings.ReplaceAll(imapPart, "\n", "\n  ")
	director := func(name, addr string) string {
		return fmt.Sprintf(`
[[directors]]
name = %q
address = %q
  [directors.imap]%s
  username = %q
  password_env = "KB_TEST_PASSWORD"
  inbox = "INBOX"
  sent = "Sent"
`, name, addr, imapPart, addr)
	}
	cfg := fmt.Sprintf(`
timezone = "Europe/Amsterdam"
database = "klachtbot.db"
bot_address = "klachten@mcoo.nl"
%s
[imap]
idle_refresh = "5s"
poll_interval = "1s"
command_timeout = "10s"
[outbox]
retry_base = "200ms"
retry_max = "2s"
confirm_wait = "3s"
sent_copy = "bcc"
%s%s%s`, extra, smtpPart, director("Marco", "marco@mcoo.nl"), director("Hans", "hans@mcoo.nl"))
	if !strings.Contains(extra, "log_level") {
		cfg = "log_level = \"debug\"\n" + cfg
	}
	path := filepath.Join(dir, "klachtbot.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// send delivers a mail into the stack as an outside MTA would.
func (st *mailStack) send(t testing.TB, from string, to []string, raw []byte) {
	t.Helper()
	if err := embedded.SubmitTo(st.smtpInject, from, to, raw); err != nil {
		t.Fatalf("deliver mail from %s to %v: %v", from, to, err)
	}
}

func (st *mailStack) dial(t testing.TB, user string) *imapclient.Client {
	t.Helper()
	var c *imapclient.Client
	var err error
	if st.imapTLS != nil {
		c, err = imapclient.DialTLS(st.imapAddr, &imapclient.Options{TLSConfig: st.imapTLS})
	} else {
		c, err = imapclient.DialInsecure(st.imapAddr, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(user, password).Wait(); err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return c
}

// messages reads every message of a folder.
func (st *mailStack) messages(t testing.TB, user, folder string) [][]byte {
	t.Helper()
	c := st.dial(t, user)
	defer c.Close()
	sel, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatalf("select %s/%s: %v", user, folder, err)
	}
	if sel.NumMessages == 0 {
		return nil
	}
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.SeqSet{imap.SeqRange{Start: 1, Stop: 0}}, &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		t.Fatalf("fetch %s/%s: %v", user, folder, err)
	}
	var out [][]byte
	for _, m := range msgs {
		out = append(out, m.FindBodySection(section))
	}
	return out
}

// appendTo places a mail in a folder, as a mail client saving to Sent does.
func (st *mailStack) appendTo(t testing.TB, user, folder string, raw []byte) {
	t.Helper()
	c := st.dial(t, user)
	defer c.Close()
	cmd := c.Append(folder, int64(len(raw)), nil)
	cmd.Write(raw)
	cmd.Close()
	if _, err := cmd.Wait(); err != nil {
		t.Fatalf("append to %s/%s: %v", user, folder, err)
	}
}

// waitFor polls a folder until cond holds for its messages.
func (st *mailStack) waitFor(t *testing.T, user, folder string, timeout time.Duration, what string, cond func([]*parsedMail) bool) []*parsedMail {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var parsed []*parsedMail
		for _, raw := range st.messages(t, user, folder) {
			parsed = append(parsed, parseMail(t, raw))
		}
		if cond(parsed) {
			return parsed
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/%s after %v: %s did not happen (%d messages)", user, folder, timeout, what, len(parsed))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type parsedMail struct {
	raw    []byte
	header mail.Header
	body   string
}

func parseMail(t *testing.T, raw []byte) *parsedMail {
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse received mail: %v\n%s", err, raw)
	}
	p := &parsedMail{raw: raw, header: r.Header}
	for {
		part, err := r.NextPart()
		if err != nil {
			break
		}
		if _, ok := part.Header.(*mail.InlineHeader); ok {
			b, _ := io.ReadAll(part.Body)
			p.body += string(b)
		}
	}
	return p
}

func (p *parsedMail) get(k string) string { return p.header.Get(k) }

// acksFor returns the mails in list that answer the message with this ID.
func acksFor(list []*parsedMail, msgid string) []*parsedMail {
	var out []*parsedMail
	for _, p := range list {
		if strings.TrimSpace(p.get("In-Reply-To")) == msgid {
			out = append(out, p)
		}
	}
	return out
}

// compose writes a plain mail with a fresh Message-ID, which it returns.
// plainComplaint is a complaint in plain words about the firm: what
// recognition acknowledges at once.
const plainComplaint = "Ik ben ontevreden: jullie hebben mijn aangifte te laat ingediend en nu heb ik een boete gekregen. Ik wil dat jullie die vergoeden."

func compose(from, to, subject, body string, headers ...string) ([]byte, string) {
	var b [8]byte
	rand.Read(b[:])
	id := "<" + hex.EncodeToString(b[:]) + "@klant.test>"
	var sb strings.Builder
	fmt.Fprintf(&sb, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: %s\r\n", from, to, subject,
		time.Now().Format(time.RFC1123Z), id)
	for _, h := range headers {
		sb.WriteString(h + "\r\n")
	}
	sb.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	sb.WriteString(strings.ReplaceAll(body, "\n", "\r\n") + "\r\n")
	return []byte(sb.String()), id
}

// bot is a running klachtbot process.
type bot struct {
	t      testing.TB
	config string
	cmd    *exec.Cmd
	log    *syncBuffer
	done   chan error
	ready  func([]mailbox.WatcherStatus) bool
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// logTailLines is how much of a service log a failing test prints.
const logTailLines = 60

// logTail is the end of a log, for a failing test: the last logTailLines
// lines, saying how many came before.
func logTail(log string) string {
	lines := strings.Split(strings.TrimRight(log, "\n"), "\n")
	if len(lines) <= logTailLines {
		return log
	}
	return fmt.Sprintf("(%d earlier lines left out)\n%s\n", len(lines)-logTailLines, strings.Join(lines[len(lines)-logTailLines:], "\n"))
}

func startBot(t testing.TB, config string) *bot {
	t.Helper()
	return startBotWhen(t, config, func(ws []mailbox.WatcherStatus) bool {
		for _, w := range ws {
			if !w.Connected {
				return false
			}
		}
		return true
	})
}

// startBotWhen starts klachtbot and waits until its watchers are ready as
// ready says (a test of failing mailboxes cannot wait for all to connect).
func startBotWhen(t testing.TB, config string, ready func([]mailbox.WatcherStatus) bool) *bot {
	t.Helper()
	b := &bot{t: t, config: config, log: &syncBuffer{}, ready: ready}
	b.start()
	t.Cleanup(func() {
		if b.cmd != nil {
			b.stop()
		}
		if t.Failed() {
			t.Logf("klachtbot log:\n%s", logTail(b.log.String()))
		}
	})
	return b
}

func (b *bot) start() {
	t := b.t
	t.Helper()
	b.cmd = exec.Command(binPath, "run", "--config", b.config)
	b.cmd.Env = append(os.Environ(), "KB_TEST_PASSWORD="+password)
	b.cmd.Stderr = b.log
	b.cmd.Stdout = b.log
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	b.done = make(chan error, 1)
	go func(cmd *exec.Cmd, done chan error) { done <- cmd.Wait() }(b.cmd, b.done)
	// Ready when every watcher has connected and made its first scan.
	deadline := time.Now().Add(hangGuard)
	for {
		var st status.View
		out, _ := exec.Command(binPath, "status", "--json", "--config", b.config).Output()
		// status exits 1 while alerting, with the status on stdout all the same.
		if json.Unmarshal(out, &st) == nil && len(st.Watchers) > 0 && b.ready(st.Watchers) {
			return
		}
		select {
		case err := <-b.done:
			t.Fatalf("klachtbot exited: %v\n%s", err, logTail(b.log.String()))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("klachtbot not ready after %v:\n%s", hangGuard, logTail(b.log.String()))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop sends SIGTERM and expects a clean exit (systemd waits 90s before it kills).
func (b *bot) stop() {
	b.t.Helper()
	b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-b.done:
		if err != nil {
			b.t.Errorf("klachtbot exited with %v after SIGTERM", err)
		}
	case <-time.After(hangGuard):
		b.cmd.Process.Kill()
		b.t.Errorf("klachtbot did not stop within %v of SIGTERM", hangGuard)
	}
	b.cmd = nil
}

// kill stops the process the hard way, as a crash or power loss would.
func (b *bot) kill() {
	b.cmd.Process.Signal(syscall.SIGKILL)
	<-b.done
	b.cmd = nil
}

// cli runs a klachtbot command beside the running service and returns stdout.
func (b *bot) cli(args ...string) []byte {
	b.t.Helper()
	cmd := exec.Command(binPath, append([]string{args[0], "--config", b.config}, args[1:]...)...)
	cmd.Env = append(os.Environ(), "KB_TEST_PASSWORD="+password)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		b.t.Fatalf("klachtbot %v: %v\n%s", args, err, stderr.String())
	}
	return out
}

// cliErr runs a klachtbot command that is expected to fail and returns its error.
func (b *bot) cliErr(args ...string) error {
	cmd := exec.Command(binPath, append([]string{args[0], "--config", b.config}, args[1:]...)...)
	cmd.Env = append(os.Environ(), "KB_TEST_PASSWORD="+password)
	return cmd.Run()
}

func (b *bot) cases() []dossier.Summary {
	var cases []dossier.Summary
	if err := json.Unmarshal(b.cli("cases", "--json"), &cases); err != nil {
		b.t.Fatal(err)
	}
	return cases
}

func (b *bot) show(id string) dossier.Detail {
	var d dossier.Detail
	if err := json.Unmarshal(b.cli("show", "--json", id), &d); err != nil {
		b.t.Fatal(err)
	}
	return d
}

// logLines returns the log lines containing s.
func (b *bot) logLines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(b.log.String()))
	for sc.Scan() {
		if strings.Contains(sc.Text(), s) {
			out = append(out, sc.Text())
		}
	}
	return out
}

// waitLog waits until the log has a line containing s.
func (b *bot) waitLog(s string) {
	b.t.Helper()
	deadline := time.Now().Add(hangGuard)
	for len(b.logLines(s)) == 0 {
		if time.Now().After(deadline) {
			b.t.Fatalf("no log line %q after %v:\n%s", s, hangGuard, logTail(b.log.String()))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
