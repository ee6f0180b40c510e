// Package dsn reads delivery reports: whether a mail is a bounce or a delay
// warning about a mail that was sent, for which recipients and why, and which
// mail it was (its Message-ID, X-Klachtbot-Case, threading). It reads RFC 3464
// DSNs and the plain-text reports of mailer daemons with the parser's lenient
// rules (mailbox/message) and holds no rules about cases.
//
// It is a leaf like mailbox/message: it must not import go-imap, go-mail,
// bbolt or any package of klachtbot other than mailbox/message.
package dsn

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

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

// DSNs.

// parseDSN reads a message/delivery-status part: its per-message fields
// (lower-case names) and its recipients. Fields are unfolded; a recipient
// starts at each Final-Recipient and ends at a blank line, so that DSNs
// without blank lines between recipients are read too.
func parseDSN(data []byte, failed []string) (map[string]string, []bounceRecipient) {
	if len(data) > maxDSNPart {
		data = data[:maxDSNPart]
	}
	text := message.NormaliseNewlines(message.FixString(string(data)))
	perMessage := make(map[string]string)
	var recips []bounceRecipient
	cur := make(map[string]string)
	flush := func() {
		if cur["final-recipient"] != "" || cur["original-recipient"] != "" {
			r := bounceRecipient{
				Recipient: Recipient{
					Addr:       dsnAddress(cur["final-recipient"]),
					Status:     findStatus(cur["status"]),
					Diagnostic: cur["diagnostic-code"],
				},
				action: dsnAction(cur["action"]),
			}
			if r.Addr == "" {
				r.Addr = dsnAddress(cur["original-recipient"])
			}
			if r.Addr == "" && len(recips) < len(failed) {
				r.Addr = failed[len(recips)] // Exim names a mailbox file instead
			}
			if len(recips) < maxBounceRecipients {
				recips = append(recips, r)
			}
		}
		cur = make(map[string]string)
	}
	var key, val string
	emit := func() {
		if key == "" {
			return
		}
		switch key {
		case "reporting-mta", "x-original-message-id", "original-envelope-id":
			if perMessage[key] == "" {
				perMessage[key] = val
			}
		case "final-recipient":
			if cur["final-recipient"] != "" {
				flush()
			}
		}
		if _, ok := cur[key]; !ok {
			cur[key] = val
		}
		key, val = "", ""
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			emit()
			flush()
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && key != "" {
			val += " " + strings.TrimSpace(line)
			continue
		}
		emit()
		k, v, ok := strings.Cut(line, ":")
		if !ok || len(k) > 64 {
			continue
		}
		key, val = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
	}
	emit()
	flush()
	return perMessage, recips
}

// dsnAddress reads "rfc822; Jan@Example.nl" (also "<jan@example.nl>", or
// without the address type).
func dsnAddress(v string) string {
	if _, after, ok := strings.Cut(v, ";"); ok {
		v = after
	}
	v = strings.TrimSpace(v)
	v = strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
	return message.CleanAddr(v)
}

// dsnAction is the first word of an Action field, lower-case.
func dsnAction(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.IndexAny(v, " \t;("); i >= 0 {
		v = v[:i]
	}
	if len(v) > 32 {
		return ""
	}
	for _, r := range v {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return v
}

// actionOf guesses a missing Action from the status class.
func actionOf(status string, delayed bool) string {
	switch statusClass(status) {
	case '2':
		return "delivered"
	case '4':
		if delayed {
			return "delayed"
		}
	case 0:
		if delayed {
			return "delayed"
		}
	}
	return "failed"
}

// overallAction is the most serious action of the recipients.
func overallAction(recips []bounceRecipient, delayed bool) string {
	for _, want := range []string{"failed", "delayed", "delivered", "relayed", "expanded"} {
		for _, r := range recips {
			if r.action == want {
				return want
			}
		}
	}
	if len(recips) > 0 && recips[0].action != "" {
		return recips[0].action
	}
	if delayed {
		return "delayed"
	}
	return "failed"
}

func reporterOf(mta, from string) string {
	if _, after, ok := strings.Cut(mta, ";"); ok {
		mta = after
	}
	if f := strings.Fields(cleanLine(mta, maxBounceField)); len(f) > 0 {
		return strings.ToLower(f[0])
	}
	return strings.ToLower(cleanLine(from, maxBounceField))
}

// Status codes.

var (
	statusRE = regexp.MustCompile(`[245]\.[0-9]{1,3}\.[0-9]{1,3}`)
	// replyRE is a three-digit SMTP reply code, as in "550 5.1.1",
	// "550-5.1.1", "said: 550 Unknown user" or Yahoo's "550: : User unknown".
	replyRE = regexp.MustCompile(`(?:^|[\s;('"#\[])([245][0-9][0-9])(?:[\s:\-]|$)`)
)

// findStatus returns the first enhanced status code (RFC 3463) in s that is
// not part of a longer dotted number such as an IP address.
func findStatus(s string) string {
	for _, loc := range statusRE.FindAllStringIndex(s, 20) {
		i, j := loc[0], loc[1]
		if i > 0 && (isDigit(s[i-1]) || s[i-1] == '.') {
			continue
		}
		if j < len(s) && (isDigit(s[j]) || s[j] == '.' && j+1 < len(s) && isDigit(s[j+1])) {
			continue
		}
		return s[i:j]
	}
	return ""
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func findReply(s string) string {
	if m := replyRE.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// statusClass is '2', '4' or '5', or 0 for no status.
func statusClass(status string) byte {
	if status == "" {
		return 0
	}
	return status[0]
}

func replyClass(diag string) byte {
	if r := findReply(diag); r != "" {
		return r[0]
	}
	return 0
}

// refineStatus replaces a generic X.0.0 by the more specific code of the
// same class in the diagnostic ("Status: 5.0.0" with "550 5.7.1 ..."), and
// reads a missing one from the diagnostic.
func refineStatus(status, diag string) string {
	d := findStatus(diag)
	switch {
	case status == "":
		return d
	case d != "" && strings.HasSuffix(status, ".0.0") && d[0] == status[0] && !strings.HasSuffix(d, ".0.0"):
		return d
	}
	return status
}

// Plain-text bounces.

var (
	// angleRecipientRE: "<jan@x.nl>:" (qmail, Yahoo), "<jan@x.nl>: host ...
	// said: ..." and "<a@x.nl> (expanded from <b@x.nl>): ..." (Postfix).
	angleRecipientRE = regexp.MustCompile(`^\s*<([^<>\s]+@[^<>\s]+)>(?:\s*\([^()]*\))?\s*:\s*(.*)$`)
	// sendmailRecipientRE: "550 <jan@x.nl>... User unknown" (old Sendmail).
	sendmailRecipientRE = regexp.MustCompile(`^\s*[245][0-9][0-9]\s+<([^<>\s]+@[^<>\s]+)>\.\.\.\s*(.*)$`)
	// listRecipientRE: a line that starts with an address, in a list of them.
	listRecipientRE = regexp.MustCompile(`^\s*<?([^\s<>()"',;]+@[^\s<>()"',;]+?)>?(?:[\s<(,;:]|$)(.*)$`)
	// recipientsIntro introduces a list of failed addresses.
	recipientsIntro = regexp.MustCompile(`(?i)(following (?:recipient|address)(?:\(es\)|es|s|\(s\))?\b.{0,40}\b(?:failed|delayed|errors?)|did not reach the following recipient|delivery has failed to these recipients|(?:rejected your message|failed) to the following|bezorging is mislukt voor (?:deze|de volgende) (?:ontvangers|geadresseerden)|naar de volgende e-mailadressen geweigerd|could not be delivered to the following|to which the message has not yet been delivered)`)
	// sentenceRecipientRE: "Your message to jan@x.nl couldn't be delivered"
	// (Office 365), "Your message wasn't delivered to jan@x.nl because"
	// (Gmail), "Uw bericht aan jan@x.nl kan niet worden bezorgd".
	sentenceRecipientRE = regexp.MustCompile(`(?i)(?:your message (?:to|wasn't delivered to|was not delivered to|could not be delivered to|couldn't be delivered to)|uw bericht (?:aan|naar))\s+<?([^\s<>()"',;]+@[^\s<>()"',;]+?)>?[\s.,;:]`)
)

// textRecipients finds the recipients of a plain-text bounce, each with the
// lines that explain it.
func textRecipients(notice string, failed []string, action string) []bounceRecipient {
	var out []bounceRecipient
	add := func(addr, diag string) {
		addr = message.CleanAddr(strings.TrimRight(addr, "."))
		if addr == "" {
			return
		}
		for i := range out {
			if out[i].Addr == addr {
				if out[i].Diagnostic == "" {
					out[i].Diagnostic = diag
				}
				return
			}
		}
		if len(out) < maxBounceRecipients {
			out = append(out, bounceRecipient{Recipient{Addr: addr, Diagnostic: diag}, action})
		}
	}
	lines := strings.Split(notice, "\n")
	// continuation collects the lines below a recipient line up to a blank
	// line or the next recipient line.
	continuation := func(from int, stop func(string) bool) []string {
		var c []string
		for j := from; j < len(lines) && j < from+12; j++ {
			if strings.TrimSpace(lines[j]) == "" || stop(lines[j]) {
				break
			}
			c = append(c, strings.TrimSpace(lines[j]))
		}
		return c
	}
	isAngle := func(l string) bool { return angleRecipientRE.MatchString(l) }
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if m := angleRecipientRE.FindStringSubmatch(line); m != nil {
			add(m[1], strings.Join(append([]string{m[2]}, continuation(i+1, isAngle)...), " "))
			continue
		}
		if m := sendmailRecipientRE.FindStringSubmatch(line); m != nil {
			add(m[1], strings.TrimSpace(line))
			continue
		}
		if !recipientsIntro.MatchString(line) {
			continue
		}
		isListed := func(l string) bool { return listRecipientRE.MatchString(l) }
		blanks := 0
		for j := i + 1; j < len(lines) && j < i+200; j++ {
			l := lines[j]
			if strings.TrimSpace(l) == "" {
				if blanks++; blanks > 2 {
					break
				}
				continue
			}
			m := listRecipientRE.FindStringSubmatch(l)
			if m == nil {
				break
			}
			blanks = 0
			rest := strings.TrimSpace(m[2])
			if strings.HasPrefix(strings.ToLower(rest), "mailto:") || strings.HasPrefix(rest, "<mailto:") {
				rest = ""
			}
			c := continuation(j+1, isListed)
			add(m[1], strings.Join(append([]string{rest}, c...), " "))
			j += len(c)
			i = j
		}
	}
	for _, m := range sentenceRecipientRE.FindAllStringSubmatch(notice, maxBounceRecipients) {
		add(m[1], "")
	}
	for _, a := range failed {
		add(a, "")
	}
	return out
}

// diagnosticFor finds the line of a notice that gives the server's reason
// for addr: the first line with a status or reply code among the lines that
// mention addr and the three below each. Without one, and when anyLine is
// set, it falls back to the notice's first line with an enhanced status code.
func diagnosticFor(notice, addr string, anyLine bool) string {
	lines := strings.Split(notice, "\n")
	hasCode := func(l string) bool { return findStatus(l) != "" || findReply(l) != "" }
	if addr != "" {
		for i, l := range lines {
			if !strings.Contains(strings.ToLower(l), addr) {
				continue
			}
			for j := i; j < len(lines) && j <= i+3; j++ {
				if hasCode(lines[j]) {
					return lines[j]
				}
			}
		}
	}
	if !anyLine {
		return ""
	}
	for _, l := range lines {
		if findStatus(l) != "" {
			return l
		}
	}
	return ""
}

// failedRecipients reads X-Failed-Recipients (Exim, Gmail).
func failedRecipients(h mail.Header) []string {
	var out []string
	for _, v := range h.Values("X-Failed-Recipients") {
		for _, a := range message.ParseAddressList(v) {
			if addr := message.CleanAddr(a.Addr); addr != "" && len(out) < maxBounceRecipients {
				out = append(out, addr)
			}
		}
	}
	return out
}

// The returned mail.

// original is the header of a returned mail, as far as it was read.
type original struct {
	messageID, caseID, subject string
	inReplyTo, references      []string
}

// readOriginal fills the fields that identify the returned mail: from the
// first returned message or header part with a usable header, else from the
// copy quoted in the text; a Message-ID still missing comes from the DSN's
// X-Original-Message-ID or from a Message-ID line anywhere in the copy.
func (b *Bounce) readOriginal(atts []message.AttachmentData, notice, copied, dsnOriginalID string) {
	var o original
	found := false
	for _, a := range atts {
		if !returnedTypes[a.ContentType] {
			continue
		}
		if o, found = originalHeader(a.Data); found {
			break
		}
	}
	copied = clipString(copied, maxBounceHeader)
	if !found && copied != "" {
		o, found = originalHeader([]byte(unindent(copied)))
	}
	if o.messageID == "" && dsnOriginalID != "" {
		o.messageID = message.NormaliseID(dsnOriginalID)
	}
	if o.messageID == "" && copied != "" {
		if m := quotedIDRE.FindStringSubmatch(copied); m != nil {
			o.messageID = message.NormaliseID(m[1])
		}
	}
	if !found && o.subject == "" {
		// Exim's delay warning names the subject, not the Message-ID.
		if m := eximSubjectRE.FindStringSubmatch(notice); m != nil {
			o.subject = m[1]
		}
	}
	if o.caseID == "" && copied != "" {
		if m := quotedCaseRE.FindStringSubmatch(copied); m != nil {
			o.caseID = m[1]
		}
	}
	b.MessageID = cleanID(o.messageID)
	b.Case = cleanLine(o.caseID, maxBounceField)
	b.Subject = cleanLine(o.subject, maxBounceSubject)
	b.InReplyTo = cleanIDs(o.inReplyTo)
	b.References = cleanIDs(o.references)
}

var (
	quotedIDRE    = regexp.MustCompile(`(?im)^[ \t>]*message-id:[ \t]*(<[^<>\r\n]{1,250}>)`)
	eximSubjectRE = regexp.MustCompile(`(?m)^The subject of the message is:[ \t]*(.+)$`)
	quotedCaseRE  = regexp.MustCompile(`(?im)^[ \t>]*x-klachtbot-case:[ \t]*([^\s<>]{1,64})`)
)

// originalHeader reads the fields that identify a returned mail from the
// header at the start of data, read by message.Parse. Only those
// fields and their folded continuation lines are read: in returned headers
// other fields are often mangled beyond repair (DKIM signatures and Received
// lines with their folding lost), which would end the header early. ok
// reports a header that says anything about a mail.
func originalHeader(data []byte) (original, bool) {
	if len(data) > maxBounceHeader {
		data = data[:maxBounceHeader]
	}
	var kept bytes.Buffer
	keep, said := false, false
	for rest, first := data, true; len(rest) > 0; first = false {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		trimmed := bytes.TrimRight(line, "\r")
		switch {
		case len(bytes.TrimSpace(trimmed)) == 0:
			rest = nil // end of the header
		case trimmed[0] == ' ' || trimmed[0] == '\t':
			if keep {
				kept.Write(trimmed)
				kept.WriteString("\r\n")
			}
		case first && bytes.HasPrefix(trimmed, []byte("From ")):
		default:
			k, _, _ := bytes.Cut(trimmed, []byte(":"))
			key := strings.ToLower(string(bytes.TrimSpace(k)))
			keep = originalFields[key]
			if keep {
				said = said || key == "message-id" || key == "from" || key == "subject" || key == "x-klachtbot-case"
				kept.Write(trimmed)
				kept.WriteString("\r\n")
			}
		}
	}
	if !said {
		return original{}, false
	}
	kept.WriteString("\r\n")
	om := message.Parse(kept.Bytes())
	o := original{
		caseID:     om.Case,
		subject:    om.Subject,
		inReplyTo:  om.InReplyTo,
		references: om.References,
	}
	if !om.MessageIDSubstituted {
		o.messageID = om.MessageID
	}
	return o, true
}

var originalFields = map[string]bool{
	"message-id": true, "in-reply-to": true, "references": true, "subject": true,
	"x-klachtbot-case": true, "from": true, "to": true, "date": true,
}

// unindent drops the blank lines above a quoted header and the indentation
// its first line has from every line that has it.
func unindent(s string) string {
	s = strings.TrimLeft(s, "\n")
	first, _, _ := strings.Cut(s, "\n")
	indent := first[:len(first)-len(strings.TrimLeft(first, " \t"))]
	if indent == "" {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, indent)
	}
	return strings.Join(lines, "\n")
}

// Cleaning.

// cleanLine makes s one line of valid UTF-8 without control characters,
// blanks collapsed, at most max characters.
func cleanLine(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, message.FixString(s))
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > max {
		rs := []rune(s)
		s = strings.TrimSpace(string(rs[:max]))
	}
	return s
}

// cleanID returns a message ID as "<...>" without blanks or control
// characters, or "" when nothing usable is left.
func cleanID(id string) string {
	id = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, message.FixString(id))
	id = strings.Trim(id, "<>")
	if id == "" || len(id) > 250 || strings.ContainsAny(id, "<>") {
		return ""
	}
	return "<" + id + ">"
}

func cleanIDs(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id = cleanID(id); id != "" && len(out) < maxBounceIDs {
			out = append(out, id)
		}
	}
	return out
}

// clipString cuts s to at most n bytes at a rune boundary.
func clipString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
