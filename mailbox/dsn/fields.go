package dsn

import (
	"regexp"
	"strings"

	"github.com/mcoo/klachtbot/mailbox/message"
)

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
