package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/storage"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/dossier"
)

const (
	caseA = "KL-2026-0001" // three messages, one of them hostile
	caseB = "KL-2026-0002"
)

// hostileMail is a client's follow-up whose subject and attachment names
// try to break out of the page and the export directory.
var hostileMail = strings.ReplaceAll(`From: Sanne de Vries <sanne.devries84@gmail.com>
To: hans@mcoo.nl
Subject: <script>alert(1)</script> & "meer"
Date: Tue, 24 Nov 2026 14:03:00 +0100
Message-ID: <hostile-1@gmail.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Zie de bijlagen.
--b
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="../../etc/passwd"

root:x:0:0
--b
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="..\x.exe"

MZ
--b
Content-Type: application/pdf
Content-Disposition: attachment; filename="Bevestiging renteaanbod ING.pdf"

%PDF-1.4 tweede exemplaar
--b
Content-Type: application/pdf
Content-Disposition: attachment; filename="BEVESTIGING renteaanbod ING.pdf"

%PDF-1.4 derde exemplaar
--b
Content-Type: message/rfc822

From: x@example.nl
Subject: doorgestuurd

tekst
--b--
`, "\n", "\r\n")

const directorReply = "From: Hans de Wit <hans@mcoo.nl>\r\nTo: sanne.devries84@gmail.com\r\n" +
	"Subject: Re: [KL-2026-0001] Klacht\r\nMessage-ID: <reply-1@mcoo.nl>\r\n\r\nBeste Sanne,\r\n\r\nWe zoeken het uit.\r\n"

type fixtureMsg struct {
	rec complaint.Message
	raw []byte
}

// fixtureStore writes a database with two cases and returns its path and
// the messages of caseA as stored.
func fixtureStore(t *testing.T) (string, []fixtureMsg) {
	t.Helper()
	gmail, err := os.ReadFile(filepath.Join("..", "..", "mailbox", "message", "testdata", "gmail.eml"))
	if err != nil {
		t.Fatal(err)
	}
	received := time.Date(2026, 11, 24, 13, 3, 0, 0, time.UTC) // 14:03 in Amsterdam
	msgs := []fixtureMsg{
		{complaint.Message{MessageID: "<CAH7tUq9vX0rQz3p8=Kd1mJ5cNw+2yFhLx4GtB_e6aZ0sR7uP3w@mail.gmail.com>",
			From: "sanne.devries84@gmail.com", FromName: "Sanne de Vries", Role: complaint.RoleClient,
			Subject: "Klacht over afhandeling aangifte inkomstenbelasting 2023", ReceivedAt: received,
			Source: "hans@mcoo.nl/INBOX uid 1/7", Attachments: []string{"Bevestiging renteaanbod ING.pdf"}}, gmail},
		{complaint.Message{MessageID: "<hostile-1@gmail.com>", From: "sanne.devries84@gmail.com",
			Role: complaint.RoleClient, Subject: `<script>alert(1)</script> & "meer"`, ReceivedAt: received.Add(time.Hour)},
			[]byte(hostileMail)},
		{complaint.Message{MessageID: "<reply-1@mcoo.nl>", From: "hans@mcoo.nl", FromName: "Hans de Wit",
			Role: complaint.RoleDirector, Subject: "Re: [KL-2026-0001] Klacht", ReceivedAt: received.Add(2 * time.Hour)},
			[]byte(directorReply)},
	}
	path := filepath.Join(t.TempDir(), "klachtbot.db")
	st, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ack := received.Add(time.Minute)
	err = st.Update(func(tx *storage.Tx) error {
		c := &complaint.Case{ID: caseA, State: complaint.StateOpen, Client: "sanne.devries84@gmail.com",
			ClientName: "Sanne de Vries", Director: "hans@mcoo.nl", Subject: msgs[0].rec.Subject, Language: "nl",
			ReceivedAt: received, TargetAt: received.AddDate(0, 0, 14), AcknowledgedAt: &ack}
		if err := tx.PutCase(c); err != nil {
			return err
		}
		for i := range msgs {
			if err := tx.AddMessage(caseA, &msgs[i].rec, msgs[i].raw); err != nil {
				return err
			}
		}
		events := []complaint.Event{
			{At: received, Kind: "received", Actor: c.Client, MessageID: msgs[0].rec.MessageID, Detail: "hans@mcoo.nl/INBOX uid 1/7"},
			{At: received, Kind: "ack-queued", Actor: "klachtbot", MessageID: "<ack-1@mcoo.nl>", Detail: "to sanne.devries84@gmail.com"},
			{At: ack, Kind: "mail-sent", Actor: "klachtbot", MessageID: "<ack-1@mcoo.nl>"},
			{At: received.Add(time.Hour), Kind: "follow-up", Actor: c.Client, MessageID: msgs[1].rec.MessageID, Detail: "<img src=x onerror=alert(2)>"},
			{At: received.Add(2 * time.Hour), Kind: "director-response", Actor: "hans@mcoo.nl", MessageID: msgs[2].rec.MessageID},
			{At: received.Add(3 * time.Hour), Kind: "consent", Actor: c.Client, Detail: "consent given"}, // no Dutch label
		}
		for i := range events {
			if err := tx.AppendEvent(caseA, &events[i]); err != nil {
				return err
			}
		}
		c2 := &complaint.Case{ID: caseB, State: complaint.StateClosed, Client: "jan@klant.test", Director: "marco@mcoo.nl",
			Subject: "Factuur", ReceivedAt: received, TargetAt: received.AddDate(0, 0, 14)}
		if err := tx.PutCase(c2); err != nil {
			return err
		}
		for _, k := range []complaint.EventKind{complaint.EvReceived, complaint.EvAckQueued} {
			if err := tx.AppendEvent(caseB, &complaint.Event{At: received, Kind: k, Actor: "klachtbot"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return path, msgs
}

// cliConfig writes a configuration for commands run against the database
// at dbPath; no service runs, so they open the file read-only.
func cliConfig(t *testing.T, dbPath string) string {
	t.Helper()
	sock := filepath.Join(filepath.Dir(dbPath), "k.sock")
	return writeConfig(t, fmt.Sprintf("database = %q\ncontrol_socket = %q\n", dbPath, sock)+minimal)
}

// klachtbot runs the binary and returns stdout, stderr and the exit error.
func klachtbot(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = append(os.Environ(), "KB_PW=test")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

func TestExportDossier(t *testing.T) {
	db, msgs := fixtureStore(t)
	cfg := cliConfig(t, db)
	dir := filepath.Join(t.TempDir(), "dossier")
	stdout, stderr, err := klachtbot(t, "export", "--config", cfg, strings.ToLower(caseA), dir)
	if err != nil {
		t.Fatalf("export: %v\n%s%s", err, stdout, stderr)
	}
	for _, want := range []string{"exported " + caseA, "messages/01-client.eml", "attachments/01-Bevestiging renteaanbod ING.pdf",
		"timeline.html", "3 messages, 6 attachments, 6 events; audit trail intact"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}

	// Every original byte for byte, and nothing outside the directory.
	wantFiles := []string{
		"attachments/01-Bevestiging renteaanbod ING.pdf",
		"attachments/02-BEVESTIGING renteaanbod ING-2.pdf", // differs from the one before only in case
		"attachments/02-Bevestiging renteaanbod ING.pdf",
		"attachments/02-bijlage.eml",
		"attachments/02-passwd",
		"attachments/02-x.exe",
		"messages/01-client.eml", "messages/02-client.eml", "messages/03-director.eml",
		"timeline.html", "timeline.json",
	}
	var gotFiles []string
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		info, _ := e.Info()
		switch {
		case e.IsDir() && info.Mode().Perm() != 0o700:
			t.Errorf("%s: mode %v, want 0700", p, info.Mode().Perm())
		case !e.IsDir() && info.Mode().Perm() != 0o600:
			t.Errorf("%s: mode %v, want 0600", p, info.Mode().Perm())
		}
		if !e.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			gotFiles = append(gotFiles, filepath.ToSlash(rel))
		}
		return nil
	})
	if !slices.Equal(gotFiles, wantFiles) {
		t.Errorf("files:\n  %s\nwant:\n  %s", strings.Join(gotFiles, "\n  "), strings.Join(wantFiles, "\n  "))
	}
	for i, name := range []string{"01-client.eml", "02-client.eml", "03-director.eml"} {
		if got := readFile(t, dir, "messages", name); !bytes.Equal(got, msgs[i].raw) {
			t.Errorf("%s differs from the stored original", name)
		}
	}
	pdf := readFile(t, dir, "attachments", "01-Bevestiging renteaanbod ING.pdf")
	atts, _ := message.ExtractAttachments(msgs[0].raw)
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Equal(pdf, atts[0].Data) {
		t.Errorf("PDF attachment: %q...", pdf[:min(len(pdf), 16)])
	}
	if got := string(readFile(t, dir, "attachments", "02-passwd")); got != "root:x:0:0" {
		t.Errorf("02-passwd = %q", got)
	}

	checkTimelineJSON(t, dir, msgs)
	checkTimelineHTML(t, dir)

	// A second export into the same directory is refused, and writes nothing.
	stdout, stderr, err = klachtbot(t, "export", "--config", cfg, caseA, dir)
	if err == nil || !strings.Contains(stderr, "not empty") {
		t.Errorf("export into a non-empty directory: %v\n%s%s", err, stdout, stderr)
	}
}

func readFile(t *testing.T, elem ...string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(elem...))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkTimelineJSON re-verifies the chain from the exported file alone, as a
// reviewer without klachtbot's database would.
func checkTimelineJSON(t *testing.T, dir string, msgs []fixtureMsg) {
	t.Helper()
	var tl struct {
		Case       complaint.Case
		AuditTrail struct {
			Intact bool
			Events int
		} `json:"audit_trail"`
		Messages []struct {
			MessageID string `json:"message_id"`
			Original  struct {
				Size   int
				SHA256 string
			}
			Files []struct{ File string } `json:"attachment_files"`
		}
		Events []complaint.Event
	}
	if err := json.Unmarshal(readFile(t, dir, "timeline.json"), &tl); err != nil {
		t.Fatalf("timeline.json: %v", err)
	}
	if tl.Case.ID != caseA || !tl.AuditTrail.Intact || tl.AuditTrail.Events != 6 || len(tl.Events) != 6 || len(tl.Messages) != 3 {
		t.Errorf("timeline.json: case %s, audit trail %+v, %d events, %d messages", tl.Case.ID, tl.AuditTrail, len(tl.Events), len(tl.Messages))
	}
	prev := ""
	for _, ev := range tl.Events {
		if ev.Prev != prev || ev.ChainHash() != ev.Hash {
			t.Errorf("event %d does not re-verify from timeline.json", ev.Seq)
		}
		prev = ev.Hash
	}
	for i, m := range tl.Messages {
		if m.MessageID != msgs[i].rec.MessageID || m.Original.Size != len(msgs[i].raw) || len(m.Original.SHA256) != 64 {
			t.Errorf("message %d in timeline.json: %+v", i+1, m)
		}
	}
	if n := len(tl.Messages[1].Files); n != 5 {
		t.Errorf("hostile message: %d attachment files, want 5", n)
	}
}

func checkTimelineHTML(t *testing.T, dir string) {
	t.Helper()
	page := string(readFile(t, dir, "timeline.html"))
	for _, want := range []string{
		"Klachtdossier " + caseA,
		"&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;meer&#34;",
		"&lt;img src=x onerror=alert(2)&gt;",
		"24-11-2026 14:03", // received, in Europe/Amsterdam
		"08-12-2026 14:03", // target
		"Sanne de Vries &lt;sanne.devries84@gmail.com&gt;",
		"klacht ontvangen", "reactie directeur", // event kinds in Dutch
		"consent", // and unknown ones as they are
		`href="messages/01-client.eml"`,
		`href="attachments/01-Bevestiging%20renteaanbod%20ING.pdf"`,
		"Audittrail: intact",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("timeline.html lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>alert", "<img src=x", "<script"} {
		if strings.Contains(page, bad) {
			t.Errorf("timeline.html contains %q unescaped", bad)
		}
	}
}

func TestExportTamperedCase(t *testing.T) {
	db, _ := fixtureStore(t)
	tamper(t, db, caseA, 4)
	st, err := storage.OpenReadOnly(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var d *dossier.Dossier
	if err := st.View(func(tx *storage.Tx) (err error) { d, err = dossier.Read(tx, caseA); return err }); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "d")
	var out bytes.Buffer
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	if err := dossier.Export(d, dir, ams, time.Now(), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "AUDIT TRAIL BROKEN: "+caseA+": event 4") {
		t.Errorf("summary does not warn:\n%s", out.String())
	}
	if page := string(readFile(t, dir, "timeline.html")); !strings.Contains(page, "GEBROKEN bij gebeurtenis 4") {
		t.Error("timeline.html does not say the trail is broken")
	}
}

func TestDossierOfUnknownCase(t *testing.T) {
	db, _ := fixtureStore(t)
	st, err := storage.OpenReadOnly(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.View(func(tx *storage.Tx) error { _, err := dossier.Read(tx, "KL-2026-0099"); return err })
	if !errors.Is(err, storage.ErrNotFound) || !strings.Contains(err.Error(), "KL-2026-0099") {
		t.Errorf("unknown case: %v", err)
	}
	_, stderr, err := klachtbot(t, "export", "--config", cliConfig(t, db), "KL-2026-0099", filepath.Join(t.TempDir(), "x"))
	if err == nil || !strings.Contains(stderr, "KL-2026-0099") {
		t.Errorf("export of an unknown case: %v %s", err, stderr)
	}
}

// With the service running, verify and export go over the control socket,
// the originals as base64 in JSON; they must arrive byte for byte.
func TestExportThroughService(t *testing.T) {
	st := embeddedStack(t)
	b := startBot(t, st.config(t, t.TempDir(), ""))
	gmail := readFile(t, "..", "..", "mailbox", "message", "testdata", "gmail.eml")
	st.send(t, "sanne.devries84@gmail.com", []string{"hans@mcoo.nl"}, gmail)
	st.waitFor(t, catchall, "INBOX", hangGuard, "acknowledgement", hasAck("<CAH7tUq9vX0rQz3p8=Kd1mJ5cNw+2yFhLx4GtB_e6aZ0sR7uP3w@mail.gmail.com>"))
	cases := b.cases()
	if len(cases) != 1 {
		t.Fatalf("cases = %+v", cases)
	}
	id := cases[0].ID
	waitCase(t, b, id, func(d dossier.Detail) bool { return d.AcknowledgedAt != nil })

	if out := string(b.cli("verify")); !strings.Contains(out, "verified 1 cases, 3 events: every chain intact") {
		t.Errorf("verify: %s", out)
	}
	dir := filepath.Join(t.TempDir(), "dossier")
	b.cli("export", id, dir)
	// The copy in the mailbox, not the file sent: the server adds headers.
	var stored []byte
	for _, raw := range st.messages(t, "hans@mcoo.nl", "INBOX") {
		if bytes.Contains(raw, []byte("Message-ID: <CAH7tUq9vX0rQz3p8")) {
			stored = raw
		}
	}
	if got := readFile(t, dir, "messages", "01-client.eml"); stored == nil || !bytes.Equal(got, stored) {
		t.Error("exported original differs from the mail in the mailbox")
	}
	if pdf := readFile(t, dir, "attachments", "01-Bevestiging renteaanbod ING.pdf"); !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("PDF attachment starts %q", pdf[:min(len(pdf), 8)])
	}
	// The acknowledgement is in the case file as it went out: the client's
	// copy is those bytes after the headers the servers put in front.
	sent, _ := filepath.Glob(filepath.Join(dir, "messages", "*-bot.eml"))
	if len(sent) != 1 {
		t.Fatalf("case file messages: %v, want the acknowledgement as sent among them", sent)
	}
	ack := readFile(t, sent[0])
	received := st.messages(t, catchall, "INBOX")
	if len(received) != 1 || !bytes.HasSuffix(received[0], ack) || !bytes.Contains(ack, []byte("X-Klachtbot-Case: "+id)) {
		t.Errorf("exported acknowledgement (%d bytes) is not the mail the client got:\n%s", len(ack), ack)
	}
}
