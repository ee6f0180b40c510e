// Package dsn reads delivery reports: whether a mail is a bounce or a delay
// warning about a mail that was sent, for which recipients and why, and which
// mail it was (its Message-ID, X-Klachtbot-Case, threading). It reads RFC 3464
// DSNs and the plain-text reports of mailer daemons with the parser's lenient
// rules (mailbox/message) and holds no rules about cases. dsn.go tells a
// report from other mail and sums it up, fields.go reads the DSN part and
// status codes, text.go the plain-text reports, original.go the returned mail.
//
// It is a leaf like mailbox/message: it must not import go-imap, go-mail,
// bbolt or any package of klachtbot other than mailbox/message.
package dsn

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/emersion/go-message/mail"

	"github.com/mcoo/klachtbot/mailbox/message"
)

// Bounce is what a delivery report says about a mail that was sent.
type Bounce struct {
	// Action is "failed" or "delayed"; "delivered", "relayed" or "expanded"
	// when a DSN reports success (rarely asked for). With several recipients
	// the most serious one counts: failed, then delayed.
	Action string
	// Permanent: failed for good. A DSN recipient that failed with a 5.x.x
	// status (or, without a status, a 5xx reply), or a plain-text bounce
	// with a 5.x.x status, a 5xx reply or "permanent" wording. A mail that a
	// server gave up on after temporary errors (Action failed, 4.x.x, e.g.
	// 4.4.7 expired) is not Permanent: sending it again may work.
	Permanent  bool
	Recipients []Recipient
	// Reporter is the reporting MTA (Reporting-MTA, or the From of the
	// report), lower-case.
	Reporter string

	// What identifies the mail that bounced, read from the returned message
	// (message/rfc822), its returned header (text/rfc822-headers) or the
	// original header quoted in a plain-text bounce. MessageID falls back to a
	// DSN's X-Original-Message-ID.
	MessageID  string   // with angle brackets; "" when not found
	Case       string   // X-Klachtbot-Case of the returned mail, e.g. "KL-2026-0007"; "" when absent
	InReplyTo  []string // of the returned mail
	References []string // of the returned mail
	Subject    string   // of the returned mail

	// The threading of the report itself, for the last-resort match: some
	// servers (Exchange Online, Gmail) answer the bounced mail as a reply.
	ReportInReplyTo, ReportReferences []string
}

// Recipient is one recipient a delivery report is about.
type Recipient struct {
	Addr   string // Final-Recipient (or Original-Recipient) address, lower-case, without "rfc822;"; "" when unusable
	Status string // enhanced status code, e.g. "5.1.1"; "" when unknown
	// Diagnostic is the server's reason, e.g. "smtp; 550 5.1.1 <x@y>:
	// Recipient address rejected: User unknown": one line, control
	// characters removed, at most 300 characters.
	Diagnostic string
}

// bounceRecipient is a recipient with its own action; Bounce.Action sums
// them up.
type bounceRecipient struct {
	Recipient
	action string
}

const (
	maxBounceText       = 256 << 10 // bytes of the report's text that are read
	maxBounceHeader     = 256 << 10 // bytes of a returned message read for its header
	maxDSNPart          = 64 << 10  // bytes of a message/delivery-status part
	maxBounceRecipients = 100
	maxBounceIDs        = 50
	maxDiagnostic       = 300 // characters
	maxBounceField      = 255 // characters of Reporter, Case
	maxBounceSubject    = 998 // characters
)

// ParseBounce reads a delivery report: an RFC 3464 DSN (multipart/report
// with message/delivery-status, also the Exchange, Office 365 and Gmail
// flavours that carry one), or a plain-text bounce from a mailer daemon
// (qmail, Exim, old Sendmail, Yahoo, old Gmail, Exchange 2003, an Office 365
// report without its DSN part). ok is false for anything else: an ordinary
// mail, an auto-reply or out-of-office, a read receipt
// (message/disposition-notification), a feedback report, a list mail, a
// mail that merely attaches another one. Then b is nil.
//
// m is message.Parse(raw); when m is nil, raw is parsed here. The returned mail is
// found in a message/rfc822 part, a text/rfc822-headers part, or the copy a
// plain-text bounce quotes below its "copy of the message" line (or
// Exchange's "Original message headers:"). ParseBounce never panics and
// reads a bounded part of huge input; no returned string holds control
// characters and addresses are lower-case.
func ParseBounce(m *message.Message, raw []byte) (b *Bounce, ok bool) {
	defer func() {
		// As in message.Parse: a bug must not take the mail loop down. The fuzz
		// test calls parseBounce directly, so that it does see panics.
		if r := recover(); r != nil {
			b, ok = nil, false
		}
	}()
	return parseBounce(m, raw)
}

// Media types a delivery report is made of.
var (
	dsnTypes = map[string]bool{
		"message/delivery-status":        true,
		"message/global-delivery-status": true, // RFC 6533
	}
	otherReportTypes = map[string]bool{
		"message/disposition-notification":        true, // read receipts
		"message/global-disposition-notification": true,
		"message/feedback-report":                 true, // abuse reports (ARF)
	}
	returnedTypes = map[string]bool{
		"message/rfc822":         true,
		"message/global":         true,
		"text/rfc822-headers":    true,
		"message/global-headers": true,
	}
)

func parseBounce(m *message.Message, raw []byte) (*Bounce, bool) {
	if m == nil {
		m = message.Parse(raw)
	}
	// The report's own header says what kind of report it is;
	// message.Parse keeps only the reason in m.Auto.
	top := message.ReadPart(raw)
	h, mt, params, body := top.Header, top.MediaType, top.Params, top.Body
	reportType := strings.ToLower(strings.TrimSpace(params["report-type"]))

	wanted := false
	for _, a := range m.Attachments {
		if dsnTypes[a.ContentType] || otherReportTypes[a.ContentType] || returnedTypes[a.ContentType] {
			wanted = true
			break
		}
	}
	var atts []message.AttachmentData
	if wanted {
		// A broken body still yields the parts that could be read.
		atts, _ = message.ExtractAttachments(raw)
	}
	if strings.HasPrefix(mt, "multipart/") && !hasReportParts(atts) {
		// go-message's multipart reader gives up on a part header with a
		// malformed line (an unfolded "boundary=..." line, as Office 365
		// reports have after some relays), and message.Parse keeps the
		// body as text.
		atts = append(atts, salvageParts(body, params["boundary"])...)
	}
	hasDSN, otherReport := false, mt == "multipart/report" && reportType != "" && reportType != "delivery-status"
	for _, a := range atts {
		hasDSN = hasDSN || dsnTypes[a.ContentType]
		otherReport = otherReport || otherReportTypes[a.ContentType]
	}
	if otherReport && !hasDSN {
		return nil, false // read receipt, abuse report
	}

	notice, copyText := splitReturnedCopy(clipString(m.Text, maxBounceText))
	noticeLower := strings.ToLower(notice)
	failed := failedRecipients(h)
	isDSN := hasDSN || mt == "multipart/report" && reportType == "delivery-status"
	if !isDSN && !(bounceSender(h, m) && (bounceMarked(noticeLower) || bounceSubject.MatchString(m.Subject) || len(failed) > 0)) {
		return nil, false
	}

	b := &Bounce{
		ReportInReplyTo:  cleanIDs(m.InReplyTo),
		ReportReferences: cleanIDs(m.References),
	}
	var perMessage map[string]string
	var recips []bounceRecipient
	for _, a := range atts {
		if !dsnTypes[a.ContentType] || len(recips) >= maxBounceRecipients {
			continue
		}
		fields, rs := parseDSN(a.Data, failed)
		if perMessage == nil {
			perMessage = fields
		}
		recips = append(recips, rs...)
	}
	recips = recips[:min(len(recips), maxBounceRecipients)]
	delayed := delayWording.MatchString(m.Subject) || delayWording.MatchString(noticeLower)
	fromText := len(recips) == 0
	if fromText {
		action := "failed"
		if delayed {
			action = "delayed"
		}
		recips = textRecipients(notice, failed, action)
	}
	var noticeRecips []bounceRecipient
	for i := range recips {
		r := &recips[i]
		if r.Diagnostic == "" && !fromText {
			// A DSN without Diagnostic-Code: the notice may explain it
			// (Postfix: "<jan@x.nl>: host ... said: 550 ...").
			if noticeRecips == nil {
				noticeRecips = textRecipients(notice, nil, "")
			}
			for _, t := range noticeRecips {
				if t.Addr == r.Addr {
					r.Diagnostic = t.Diagnostic
				}
			}
		}
		if fromText && findStatus(r.Diagnostic) == "" && findReply(r.Diagnostic) == "" || r.Diagnostic == "" {
			// The DSN gave no reason (or a plain-text bounce gave it on
			// another line): the line of the notice that names the code.
			if d := diagnosticFor(notice, r.Addr, fromText); d != "" {
				r.Diagnostic = d
			}
		}
		r.Diagnostic = cleanLine(r.Diagnostic, maxDiagnostic)
		r.Status = refineStatus(r.Status, r.Diagnostic)
		if r.action == "" {
			r.action = actionOf(r.Status, delayed)
		}
	}

	permanentText := permanentWording.MatchString(noticeLower)
	b.Action = overallAction(recips, delayed)
	for _, r := range recips {
		b.Recipients = append(b.Recipients, r.Recipient)
		if r.action != "failed" {
			continue
		}
		class, reply := statusClass(r.Status), replyClass(r.Diagnostic)
		switch {
		case class == '5', class == 0 && reply == '5':
			b.Permanent = true
		case fromText && (permanentText || class != '4' && permanentReason.MatchString(r.Diagnostic)):
			b.Permanent = true
		}
	}
	if len(recips) == 0 && b.Action == "failed" && !hasDSN {
		// A plain-text bounce whose recipients could not be told apart.
		b.Permanent = permanentText || statusClass(findStatus(notice)) == '5'
	}

	b.Reporter = reporterOf(perMessage["reporting-mta"], m.From.Addr)
	b.readOriginal(atts, notice, copyText, perMessage["x-original-message-id"])
	return b, true
}

func hasReportParts(atts []message.AttachmentData) bool {
	for _, a := range atts {
		if dsnTypes[a.ContentType] || returnedTypes[a.ContentType] || otherReportTypes[a.ContentType] {
			return true
		}
	}
	return false
}

var reportPartType = regexp.MustCompile(`(?i)content-type:\s*(?:message/(?:global-)?delivery-status|message/rfc822|message/global|text/rfc822-headers|message/(?:global-)?disposition-notification|message/feedback-report)`)

const maxSalvageParts = 50

// salvageParts splits a multipart body at its boundary lines, one level
// deep, and returns the report parts (DSN, returned message or header, other
// reports) it finds, each part's header read with message.ReadPart and
// its transfer encoding undone. It is the fallback for bodies the MIME walk
// could not read.
func salvageParts(body []byte, boundary string) []message.AttachmentData {
	if len(body) > maxBounceText*4 {
		body = body[:maxBounceText*4]
	}
	if !reportPartType.Match(body) {
		return nil
	}
	if boundary == "" || !bytes.Contains(body, []byte("--"+boundary)) {
		boundary = message.GuessBoundary(body)
	}
	if boundary == "" {
		return nil
	}
	delim, closing := []byte("--"+boundary), []byte("--"+boundary+"--")
	var out []message.AttachmentData
	start := -1 // offset of the current part, after its boundary line
	for off := 0; off < len(body); {
		line, _, found := bytes.Cut(body[off:], []byte("\n"))
		next := off + len(line)
		if found {
			next++
		}
		if bytes.HasPrefix(line, delim) {
			if start >= 0 {
				out = appendSalvaged(out, body[start:off])
			}
			start = next
			if bytes.HasPrefix(line, closing) || len(out) >= maxSalvageParts {
				start = -1
				break
			}
		}
		off = next
	}
	if start >= 0 {
		out = appendSalvaged(out, body[start:])
	}
	return out
}

func appendSalvaged(out []message.AttachmentData, part []byte) []message.AttachmentData {
	p := message.ReadPart(part)
	if !dsnTypes[p.MediaType] && !returnedTypes[p.MediaType] && !otherReportTypes[p.MediaType] {
		return out
	}
	return append(out, message.AttachmentData{ContentType: p.MediaType, Data: p.Decoded()})
}

// The sender of a bounce: a mailer daemon, the null return path, or a mail
// that says it was generated automatically. Combined with the wording of the
// text, so that an out-of-office (also sent from <>) does not pass.
var daemonLocals = map[string]bool{
	"mailer-daemon": true, "mailer_daemon": true, "mailerdaemon": true, "mail-daemon": true,
	"postmaster": true, "mdaemon": true,
}

func bounceSender(h mail.Header, m *message.Message) bool {
	local, _, _ := strings.Cut(m.From.Addr, "@")
	if daemonLocals[local] || strings.HasPrefix(m.Auto, "bounce") {
		return true
	}
	name := strings.ToLower(m.From.Name)
	if strings.Contains(name, "mail delivery") || strings.Contains(name, "mailer-daemon") {
		return true
	}
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && !strings.HasPrefix(v, "no") {
		return true
	}
	return h.Has("X-Failed-Recipients") || h.Has("X-MS-Embedded-Report")
}

// bounceSubject matches the subjects mail servers give their bounces, at the
// start only: "Automatic reply: Undeliverable ..." is an auto-reply.
var bounceSubject = regexp.MustCompile(`(?i)^\s*(?:\[[^\]]{0,40}\]\s*)?(?:undeliver|undelivered mail|returned mail|failure notice|delivery status notification|delivery failure|delivery notification|mail delivery failed|mail delivery failure|delivery has failed|non ?deliverable|non remis|onbestelbaar|niet bezorgd|kan niet worden bezorgd|unzustellbar|nicht zustellbar|delayed mail|warning: could not send|warning: message \S+ delayed|mail system error|returned to sender)`)

// bounceMarkers are phrases only delivery reports use (lower case).
var bounceMarkers = []string{
	"this is the qmail-send program",
	"created automatically by mail delivery software",
	"transcript of session follows",
	"had permanent fatal errors",
	"had transient non-fatal errors",
	"delivery to the following recipient",
	"could not be delivered to",
	"couldn't be delivered",
	"could not be delivered",
	"wasn't delivered to",
	"was not delivered to",
	"unable to deliver your message",
	"wasn't able to deliver your message",
	"did not reach the following recipient",
	"delivery has failed to these recipients",
	"rejected your message to the following",
	"has not yet been delivered",
	"below this line is a copy of the message",
	"this is a copy of the message",
	"unsent message follows",
	"kan niet worden bezorgd",
	"bezorging is mislukt",
	"heeft uw bericht naar de volgende",
}

func bounceMarked(lower string) bool {
	for _, s := range bounceMarkers {
		if strings.Contains(lower, s) {
			return true
		}
	}
	return false
}

var (
	// delayWording says a report is a warning: the server goes on trying.
	delayWording = regexp.MustCompile(`(?i)(been delayed|delivery (?:is |was )?delayed|delayed mail|\(delay\)|not yet been delivered|delivery attempts will continue|will be retried|will retry|still being retried|warning message only|this is a warning|warning only|warning: could not send|vertraagd|nog niet bezorgd|verzögert)`)
	// permanentWording says a plain-text bounce failed for good.
	// Sendmail's "transient non-fatal errors" is not fatal.
	permanentWording = regexp.MustCompile(`(?i)(?:^|[^\w-])(?:permanent(?:ly)?|permanente fout|fatal errors?|definitie(?:f|ve fout))\b`)
	// permanentReason names a reason that does not go away by waiting.
	permanentReason = regexp.MustCompile(`(?i)(user unknown|unknown user|unknown recipient|recipient unknown|not recognized|no such user|no such (?:domain|mailbox)|does not exist|doesn't exist|host unknown|address rejected|not found)`)
)

// Copy markers: the line above the returned mail in a plain-text bounce,
// lower-cased and stripped of the dashes around it.
var (
	copyMarkersExact = map[string]bool{
		"original message":              true, // old Gmail
		"original message headers":      true, // Exchange, Office 365
		"oorspronkelijke berichtkoppen": true,
		"unsent message follows":        true, // old Sendmail
		"original message follows":      true,
		"message header follows":        true,
		"message headers follow":        true,
		"returned message follows":      true,
		"undelivered message follows":   true,
	}
	copyMarkersPrefix = []string{
		"below this line is a copy of the message", // qmail, Yahoo
		"this is a copy of the message",            // Exim, also "...message's headers"
		"this is a copy of the headers",
	}
)

func isCopyMarker(line string) bool {
	if len(line) > 120 {
		return false
	}
	s := strings.ToLower(strings.Trim(line, " \t-=_*:.>#"))
	if copyMarkersExact[s] {
		return true
	}
	for _, p := range copyMarkersPrefix {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// splitReturnedCopy cuts a bounce's text at its copy marker: the notice
// above it, the returned mail below it ("" when there is none).
func splitReturnedCopy(text string) (notice, copied string) {
	for off := 0; off < len(text); {
		line, next, _ := strings.Cut(text[off:], "\n")
		if isCopyMarker(line) {
			return text[:off], next
		}
		off += len(line) + 1
	}
	return text, ""
}
