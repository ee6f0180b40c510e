package message

import (
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
	for _, k := range []string{"List-Id", "List-Unsubscribe"} {
		if h.Has(k) {
			return "list: " + k
		}
	}
	switch v := strings.ToLower(strings.TrimSpace(h.Get("Precedence"))); v {
	case "bulk", "junk", "list", "auto_reply":
		return "precedence: " + v
	}
	return ""
}
