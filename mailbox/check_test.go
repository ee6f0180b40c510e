package mailbox_test

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/mailbox"
	"github.com/mcoo/klachtbot/mailbox/embedded"
)

func checkServer(t *testing.T) *embedded.Server {
	t.Helper()
	srv, err := embedded.Start(embedded.Options{
		Users:   map[string]string{"marco@mcoo.nl": "geheim"},
		Folders: []string{"Klachten"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func checkAccount(t *testing.T, addr, user, password string) mailbox.Server {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return mailbox.Server{Host: host, Port: p, Security: "none", Username: user, Password: password}
}

// checkSteps renders results as `check` prints them.
func checkSteps(res []mailbox.CheckResult) string {
	var b strings.Builder
	for _, r := range res {
		if r.Err != nil {
			b.WriteString(r.Step + ": FAIL " + r.Err.Error() + "\n")
		} else {
			b.WriteString(r.Step + " ok\n")
		}
	}
	return b.String()
}

func checkFailed(res []mailbox.CheckResult) []mailbox.CheckResult {
	var out []mailbox.CheckResult
	for _, r := range res {
		if r.Err != nil {
			out = append(out, r)
		}
	}
	return out
}

func TestCheckIMAPAllOK(t *testing.T) {
	t.Parallel()
	srv := checkServer(t)
	res := mailbox.CheckIMAP(context.Background(), checkAccount(t, srv.IMAPAddr, "marco@mcoo.nl", "geheim"),
		[]string{"inbox", "Sent", "Klachten"})
	want := []string{"connect " + srv.IMAPAddr + " (plaintext)", "login as marco@mcoo.nl",
		"folder inbox", "folder Sent", "folder Klachten", "logout"}
	if len(checkFailed(res)) > 0 || len(res) != len(want) {
		t.Fatalf("want every step ok:\n%s", checkSteps(res))
	}
	for i, r := range res {
		if r.Step != want[i] {
			t.Errorf("step %d = %q, want %q", i, r.Step, want[i])
		}
	}
}

func TestCheckIMAPWrongPassword(t *testing.T) {
	t.Parallel()
	srv := checkServer(t)
	res := mailbox.CheckIMAP(context.Background(), checkAccount(t, srv.IMAPAddr, "marco@mcoo.nl", "fout"),
		[]string{"INBOX", "Sent"})
	f := checkFailed(res)
	if len(f) != 1 || f[0].Step != "login as marco@mcoo.nl" || !strings.Contains(f[0].Err.Error(), "login refused") {
		t.Fatalf("want only the login to fail, refused:\n%s", checkSteps(res))
	}
	if res[len(res)-1] != f[0] {
		t.Errorf("steps after a failed login:\n%s", checkSteps(res))
	}
}

func TestCheckIMAPMissingFolder(t *testing.T) {
	t.Parallel()
	srv := checkServer(t)
	res := mailbox.CheckIMAP(context.Background(), checkAccount(t, srv.IMAPAddr, "marco@mcoo.nl", "geheim"),
		[]string{"INBOX", "Sent", "klachten", "Bestaatniet"})
	f := checkFailed(res)
	if len(f) != 2 {
		t.Fatalf("want two folders to fail:\n%s", checkSteps(res))
	}
	// Names other than INBOX are compared case-sensitively; the near miss is listed first.
	if f[0].Step != "folder klachten" || !strings.Contains(f[0].Err.Error(), "does not exist (folders: Klachten, ") {
		t.Errorf("klachten: %v", f[0].Err)
	}
	if f[1].Step != "folder Bestaatniet" || !strings.Contains(f[1].Err.Error(), "does not exist (folders: ") {
		t.Errorf("Bestaatniet: %v", f[1].Err)
	}
	for _, name := range []string{"INBOX", "Sent", "Drafts", "Trash", "Klachten"} {
		if !strings.Contains(f[1].Err.Error(), name) {
			t.Errorf("Bestaatniet: the folders listed lack %s: %v", name, f[1].Err)
		}
	}
	if last := res[len(res)-1]; last.Step != "logout" || last.Err != nil {
		t.Errorf("want a clean logout after the folder checks:\n%s", checkSteps(res))
	}
}

// checkDeadAddr is a loopback port nobody listens on.
func checkDeadAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestCheckIMAPDeadPort(t *testing.T) {
	t.Parallel()
	addr := checkDeadAddr(t)
	res := mailbox.CheckIMAP(context.Background(), checkAccount(t, addr, "marco@mcoo.nl", "geheim"), []string{"INBOX"})
	if len(res) != 1 || res[0].Err == nil || !strings.HasPrefix(res[0].Step, "connect "+addr) {
		t.Fatalf("want the connect to fail:\n%s", checkSteps(res))
	}
	// Refused at once, not waited out.
	if msg := res[0].Err.Error(); !strings.Contains(msg, "refused") || strings.Contains(msg, "no answer within") {
		t.Errorf("a refused connection reported as %q", msg)
	}
}

// A server that accepts the connection but never says a word must not hang the check.
func TestCheckIMAPSilentServer(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	for _, security := range []mailbox.Security{mailbox.SecurityNone, mailbox.SecurityStartTLS, mailbox.SecurityTLS} {
		srv := checkAccount(t, ln.Addr().String(), "marco@mcoo.nl", "geheim")
		srv.Security = security
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		res := mailbox.CheckIMAP(ctx, srv, []string{"INBOX"})
		cancel()
		// The check returns (a hang would end the test run) and says why.
		if len(checkFailed(res)) == 0 || !strings.Contains(checkSteps(res), "no answer within") {
			t.Errorf("%s: want a timeout:\n%s", security, checkSteps(res))
		}
	}
}

func TestCheckPlaintextRefused(t *testing.T) {
	t.Parallel()
	srv := mailbox.Server{Host: "imap.example.nl", Port: 143, Security: "none", Username: "marco@mcoo.nl", Password: "x"}
	for name, res := range map[string][]mailbox.CheckResult{
		"imap": mailbox.CheckIMAP(context.Background(), srv, []string{"INBOX"}),
		"smtp": mailbox.CheckSMTP(context.Background(), srv),
	} {
		if len(res) != 1 || res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "plaintext") {
			t.Errorf("%s: want plaintext refused:\n%s", name, checkSteps(res))
		}
	}
}

func TestCheckSMTP(t *testing.T) {
	t.Parallel()
	srv := checkServer(t)
	res := mailbox.CheckSMTP(context.Background(), checkAccount(t, srv.SMTPAddr, "marco@mcoo.nl", "geheim"))
	if len(res) != 2 || len(checkFailed(res)) > 0 || res[1].Step != "login as marco@mcoo.nl" {
		t.Fatalf("want connect and login ok:\n%s", checkSteps(res))
	}
	if msgs, _ := srv.Messages("marco@mcoo.nl", "INBOX"); len(msgs) != 0 {
		t.Errorf("check sent mail: %d messages", len(msgs))
	}

	res = mailbox.CheckSMTP(context.Background(), checkAccount(t, srv.SMTPAddr, "marco@mcoo.nl", "fout"))
	if len(res) != 2 || res[0].Err != nil || res[1].Err == nil || !strings.Contains(res[1].Err.Error(), "login refused") {
		t.Fatalf("want connect ok and login refused:\n%s", checkSteps(res))
	}

	addr := checkDeadAddr(t)
	res = mailbox.CheckSMTP(context.Background(), checkAccount(t, addr, "marco@mcoo.nl", "geheim"))
	if len(res) != 1 || res[0].Err == nil || res[0].Step != "connect "+addr+" (plaintext)" {
		t.Fatalf("want the connect to fail:\n%s", checkSteps(res))
	}
	if msg := res[0].Err.Error(); !strings.Contains(msg, "refused") || strings.Contains(msg, "no answer within") {
		t.Errorf("a refused connection reported as %q", msg)
	}
}
