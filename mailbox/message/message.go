// Package message is a mail as klachtbot's rules see it: Parse turns raw
// RFC 5322 bytes into a Message (header.go: header repair, Message-IDs and
// addresses; mime.go: the MIME walk with every charset go-message knows;
// text.go: text repair), Outgoing is a mail the bot sends, from the queue to
// SMTP, and Fetched is a mail as a watcher read it from a folder.
//
// It is a leaf: it must not import go-imap, go-mail, bbolt or any other
// package of klachtbot, so that the rules can use it without the mail edge.
package message

import (
	"time"
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

	// Bcc is the Bcc header as the sender's own copy has it (a mail in Sent).
	Bcc []Address
	// Case is the X-Klachtbot-Case header: the case a mail the bot sent belongs to.
	Case string
	// AuthResults are the Authentication-Results headers, top (newest) first.
	AuthResults []AuthResult
}

// AuthResult is one DKIM or SPF result of an Authentication-Results header.
type AuthResult struct {
	ServID string // the authserv-id of the server that added the header
	Method string // "dkim" or "spf"
	Pass   bool
	Domain string // dkim: header.d; spf: the domain of smtp.mailfrom
	// ReceivedAbove is how many Received headers stand above the header:
	// one added by the receiving servers themselves stands above theirs.
	ReceivedAbove int
}

// Malformed reports whether parsing met problems.
func (m *Message) Malformed() bool { return len(m.Problems) > 0 }

// Outgoing is a mail the bot sends. It is queued as it is and rendered the
// same way on every attempt.
type Outgoing struct {
	From       string            `json:"from"`
	FromName   string            `json:"from_name,omitempty"`
	To         []string          `json:"to"`
	Bcc        []string          `json:"bcc,omitempty"` // envelope only: never written into the message
	Subject    string            `json:"subject"`
	MessageID  string            `json:"message_id"` // with angle brackets
	InReplyTo  string            `json:"in_reply_to,omitempty"`
	References []string          `json:"references,omitempty"`
	Date       time.Time         `json:"date"`
	Headers    map[string]string `json:"headers,omitempty"`
	Text       string            `json:"text"`
	HTML       string            `json:"html,omitempty"`
}

// Checkpoint is how far a folder has been read.
type Checkpoint struct {
	UIDValidity uint32 `json:"uid_validity"`
	LastUID     uint32 `json:"last_uid"`
}

// Fetched is one message as a watcher read it from a folder.
type Fetched struct {
	Folder       string // its name on the server: the Sent folder as found, not `\Sent`
	UIDValidity  uint32
	UID          uint32
	InternalDate time.Time
	Raw          []byte
	Msg          *Message
}
