package mailbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/mcoo/klachtbot/mailbox/message"
)

// ProbeSubject is the subject of the probe mail CheckSentCopy sends.
const ProbeSubject = "klachtbot: controle van de map Verzonden (dit bericht mag weg)"

// CheckSentCopy finds out whether the mail server files a copy of what is
// sent through smtpSrv in the Sent folder of imapSrv's account, as Microsoft
// 365 and Gmail do: it sends addr a probe from addr and looks for it there
// for up to wait. The step's Err is nil when the copy came.
func CheckSentCopy(ctx context.Context, smtpSrv, imapSrv Server, addr string, wait time.Duration) CheckResult {
	step := "copy of sent mail in Sent"
	var b [8]byte
	rand.Read(b[:])
	id := "<probe." + hex.EncodeToString(b[:]) + "@klachtbot.invalid>"
	probe := &message.Outgoing{From: addr, FromName: "klachtbot", To: []string{addr}, Subject: ProbeSubject, MessageID: id, Date: time.Now(),
		Headers: map[string]string{"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
		Text:    "klachtbot kijkt of de mailserver verzonden mail zelf in de map Verzonden bewaart. Dit bericht mag weg.\n"}
	if err := (&SMTPSender{Default: &smtpSrv}).Send(ctx, addr, probe); err != nil {
		return CheckResult{Step: step, Err: fmt.Errorf("send the probe: %w", err)}
	}
	c, err := dialIMAP(ctx, &imapSrv)
	if err != nil {
		return CheckResult{Step: step, Err: err}
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	defer c.Close()
	if err := imapSrv.imapLogin(ctx, c); err != nil {
		return CheckResult{Step: step, Err: loginError(err)}
	}
	folder, err := findFolder(c, SentFolder)
	if err != nil {
		return CheckResult{Step: step, Err: err}
	}
	deadline := time.Now().Add(wait)
	for {
		if _, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			return CheckResult{Step: step, Err: fmt.Errorf("select %s: %w", folder, err)}
		}
		found, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: id}}}, nil).Wait()
		if err != nil {
			return CheckResult{Step: step, Err: fmt.Errorf("search %s: %w", folder, err)}
		}
		if len(found.AllUIDs()) > 0 {
			return CheckResult{Step: fmt.Sprintf("%s (the server files sent mail in %q)", step, folder)}
		}
		if time.Now().After(deadline) {
			return CheckResult{Step: step, Err: errNoServerCopy{folder, wait}}
		}
		select {
		case <-ctx.Done():
			return CheckResult{Step: step, Err: ctx.Err()}
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// errNoServerCopy: the server did not file the probe in Sent.
type errNoServerCopy struct {
	folder string
	wait   time.Duration
}

func (e errNoServerCopy) Error() string {
	return fmt.Sprintf("no copy of the probe in %q after %v: the server does not file sent mail there", e.folder, e.wait)
}

// NoServerCopy reports whether a CheckSentCopy result says the server
// files no copies (as opposed to a failure to find out).
func NoServerCopy(err error) bool { _, ok := err.(errNoServerCopy); return ok }

// SentCopyTarget is a director's address with the servers their mail goes
// out through and is filed in.
type SentCopyTarget struct {
	Address    string
	SMTP, IMAP *Server // nil when the secrets could not be resolved: skipped
}

// CheckSentCopies runs CheckSentCopy for every target and writes a line
// each, as CheckAll does. Without a server copy the Bcc is used ("auto"):
// that is a failure only when required (sent_copy = "server").
func CheckSentCopies(ctx context.Context, out io.Writer, targets []SentCopyTarget, required bool) (total, failed int) {
	// The probes wait for the server's copy: all at once, so the wait is
	// one probe's, not one per director.
	results := make([]*CheckResult, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		if t.SMTP == nil || t.IMAP == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			pctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			r := CheckSentCopy(pctx, *t.SMTP, *t.IMAP, t.Address, 10*time.Second)
			results[i] = &r
		}()
	}
	wg.Wait()
	for i, t := range targets {
		r := results[i]
		if r == nil {
			continue
		}
		switch {
		case NoServerCopy(r.Err) && !required:
			r.Step, r.Err = r.Step+" (none: "+r.Err.Error()+"; Bcc copies are used)", nil
		case r.Err != nil && required:
			r.Err = fmt.Errorf("%w; with sent_copy = \"server\" an interrupted send cannot be confirmed: set sent_copy = \"bcc\" or \"auto\"", r.Err)
		}
		total++
		if !r.print(out, "sent copy "+t.Address) {
			failed++
		}
	}
	return total, failed
}
