package message

import (
	"regexp"
	"strings"

	"github.com/emersion/go-message/mail"
)

// autoReason says why a message must not get an automatic reply (RFC 3834
// and common helpdesk practice), or "" when a reply is fine. mediaType is the
// top-level media type. Bounces are checked first so that their reason says
// "bounce", even though most also carry Auto-Submitted.
func autoReason(h mail.Header, from Address, mediaType string) string {
	if mediaType == "multipart/report" {
		return "bounce: multipart/report"
	}
	// Return-Path is set by the final delivery; "<>" is the null sender of
	// bounces and other notifications. The first one is the outermost.
	if h.Has("Return-Path") {
		if rp := strings.Join(strings.Fields(h.Get("Return-Path")), ""); rp == "" || rp == "<>" {
			return "bounce: return-path <>"
		}
	}
	if local, _, _ := strings.Cut(from.Addr, "@"); local == "mailer-daemon" || local == "postmaster" {
		return "bounce: " + local
	}
	if h.Has("Auto-Submitted") {
		// "auto-generated (failure)", "auto-replied; owner-email=..."
		v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted")))
		if i := strings.IndexAny(v, " \t;("); i >= 0 {
			v = v[:i]
		}
		switch v {
		case "no":
		case "":
			return "auto-submitted"
		default:
			return "auto-submitted: " + v
		}
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "X-MS-Exchange-Inbox-Rules-Loop"} {
		if h.Has(k) {
			return strings.ToLower(k)
		}
	}
	if strings.EqualFold(strings.TrimSpace(h.Get("X-Apple-Action")), "VACATION") {
		return "x-apple-action: vacation"
	}
	if local, _, _ := strings.Cut(from.Addr, "@"); listRobot.MatchString(local) {
		return "list robot: " + local
	}
	if subject, err := h.Subject(); err == nil && vacationSubject.MatchString(strings.TrimSpace(subject)) {
		return "vacation subject"
	}
	for _, k := range []string{"List-Id", "List-Unsubscribe"} {
		if h.Has(k) {
			return "list: " + k
		}
	}
	switch v := strings.ToLower(strings.TrimSpace(h.Get("Precedence"))); v {
	case "bulk", "junk", "list", "auto_reply":
		return "precedence: " + v
	}
	// Last: a list's return path names its bounce handler even when From is a person
	// (a moderation notice, a digest).
	if rp := strings.Trim(strings.TrimSpace(h.Get("Return-Path")), "<>"); rp != "" {
		if local, _, _ := strings.Cut(strings.ToLower(rp), "@"); listRobot.MatchString(local) {
			return "list robot (return path): " + local
		}
	}
	return ""
}

// listRobot: the owners and robots of mailing lists: Mailman (list-owner,
// list-request, list-bounces+...), Sympa and ezmlm (owner-list), mlmmj
// (list+owner, list+bounces-...).
var listRobot = regexp.MustCompile(`^(owner-.+|.+-owner|.+-request|.+-bounces(\+.*)?|.+\+owner|.+\+bounces-.*)$`)

// vacationSubject: the subjects of out-of-office replies that carry none of
// the headers, in Dutch, English, German and French (iCloud, older Exchange,
// many web mailers).
var vacationSubject = regexp.MustCompile(`(?i)^(auto(matic|matisch|matische)?[ -]?(reply|antwoord|response|antwort)|autoreply|out of (the )?office|afwezig(heidsbericht)?|niet aanwezig|abwesenheit(snotiz)?|abwesend|r[ée]ponse automatique|absence|message d'absence)\s*(:|$|\()`)
