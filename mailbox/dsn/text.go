package dsn

import (
	"regexp"
	"strings"

	"github.com/emersion/go-message/mail"

	"github.com/mcoo/klachtbot/mailbox/message"
)

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
