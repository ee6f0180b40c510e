package policy

import (
	"fmt"
	"strings"

	"github.com/mcoo/klachtbot/mailbox/message"
)

// Who a mail speaks for: a director by their Sent folder or by the firm's
// own server's Authentication-Results, never by a bare From: header; and
// whether it goes outside the firm.

// Authority says which director a mail speaks for. A mail found in a
// director's Sent folder is theirs; a mail in an INBOX that claims a
// director's From: counts only when the trusted server's
// Authentication-Results show DKIM or SPF passing for the director's domain.
// A bare From: header proves nothing.
func (c *Config) Authority(src Source, m *message.Message) (director, why string) {
	if src.Kind == FolderSent {
		return src.Director, ""
	}
	d := c.Director(m.From.Addr)
	if d == nil {
		return "", "not a director"
	}
	if c.AuthServID != "" && c.Authenticated(m, message.Domain(d.Address)) {
		return d.Address, ""
	}
	return "", fmt.Sprintf("From: claims %s, but the mail was not found in their Sent folder and %s did not authenticate it", d.Address, orNone(c.AuthServID)) + c.ForgedResults(m)
}

func orNone(s string) string {
	if s == "" {
		return "no trusted authserv_id is configured that could have"
	}
	return s
}

// Authenticated reports whether the firm's own server (its authserv-id, in
// an Authentication-Results header it added itself: above the Received
// headers of its last TrustedHops hops, RFC 8601 section 5) saw DKIM or SPF
// pass for domain. A look-alike further down came with the message.
func (c *Config) Authenticated(m *message.Message, domain string) bool {
	for _, r := range m.AuthResults {
		if r.Pass && strings.EqualFold(r.ServID, c.AuthServID) && r.Domain == domain && r.ReceivedAbove < max(c.TrustedHops, 1) {
			return true
		}
	}
	return false
}

// AddressedTo reports whether any of To, Cc or Bcc is one of addrs.
func AddressedTo(m *message.Message, addrs ...string) bool {
	for _, list := range [][]message.Address{m.To, m.Cc, m.Bcc} {
		for _, a := range list {
			for _, x := range addrs {
				if x != "" && strings.EqualFold(a.Addr, x) {
					return true
				}
			}
		}
	}
	return false
}

// AddressedOutside reports whether a mail goes to anyone outside the firm:
// then a director's mail is a response, not a note to the bot.
func (c *Config) AddressedOutside(m *message.Message) bool {
	for _, list := range [][]message.Address{m.To, m.Cc} {
		for _, a := range list {
			if !c.Own(a.Addr) {
				return true
			}
		}
	}
	return false
}

// ForgedResults notes, for the record, Authentication-Results that name the
// firm's server but came with the message (below its Received headers).
func (c *Config) ForgedResults(m *message.Message) string {
	for _, r := range m.AuthResults {
		if c.AuthServID != "" && strings.EqualFold(r.ServID, c.AuthServID) && r.ReceivedAbove >= max(c.TrustedHops, 1) {
			return "; an Authentication-Results header naming " + c.AuthServID + " came with the message (below the firm's Received headers) and was ignored"
		}
	}
	return ""
}
