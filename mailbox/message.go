// Package mailbox is klachtbot's mail edge: it watches IMAP folders, parses
// messages with go-message and sends mail over SMTP. It knows nothing of cases.
package mailbox

import (
	"time"

	"github.com/emersion/go-message/mail"
)

// Address is a mail address with its decoded display name.
type Address struct {
	Name string `json:"name,omitempty"`
	Addr string `json:"addr"` // lower-cased
}

// Attachment describes one attachment of a message; its bytes stay in the raw message.
type Attachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
}

// Message is a parsed mail as the rest of klachtbot sees it. Parse never
// fails: what could not be understood is listed in Problems and the raw bytes
// are kept by the caller.
type Message struct {
	// MessageID with angle brackets. When the header is missing or malformed
	// it is a stable substitute derived from the content (the same mail
	// delivered to two mailboxes gets the same substitute) and
	// MessageIDSubstituted is set.
	MessageID            string
	MessageIDSubstituted bool
	InReplyTo            []string // message IDs with angle brackets
	References           []string // message IDs with angle brackets, oldest first

	From    Address
	ReplyTo []Address
	To      []Address
	Cc      []Address
	Subject string    // RFC 2047 decoded
	Date    time.Time // Date header; zero when missing or unparsable

	Text        string // text/plain body, or the HTML body reduced to readable text
	HTML        bool   // Text was derived from HTML
	Attachments []Attachment

	// Auto is non-empty when the message must never get an automatic reply
	// (RFC 3834): an auto-reply, out-of-office, bounce or list mail. It says why,
	// e.g. "auto-submitted: auto-replied", "bounce: multipart/report", "list: List-Id".
	Auto string

	// Problems found while parsing; a message with problems is flagged malformed.
	Problems []string

	// Header is the top-level header, for rules that need more (Authentication-Results).
	Header mail.Header
}

// Malformed reports whether parsing met problems.
func (m *Message) Malformed() bool { return len(m.Problems) > 0 }
