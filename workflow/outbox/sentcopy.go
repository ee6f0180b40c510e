package outbox

// SentCopy is what proves that a mail went out (sent_copy), which matters
// when an attempt was interrupted and its result is unknown (Worker): a
// copy of the mail in a watched folder of the director it is sent for.
type SentCopy string

// What proves a send.
const (
	// SentCopyBcc: a Bcc to the director, which arrives in their INBOX.
	SentCopyBcc SentCopy = "bcc"
	// SentCopyServer: the copy the mail server files in the sending
	// account's Sent folder itself (Microsoft 365, Gmail); no Bcc.
	SentCopyServer SentCopy = "server"
	// SentCopyAuto: a Bcc until such a server copy of the bot's mail has
	// been seen for the account, then the server's.
	SentCopyAuto SentCopy = "auto"
)

// SentCopies lists every mode, as sent_copy accepts them.
var SentCopies = []SentCopy{SentCopyAuto, SentCopyServer, SentCopyBcc}

// Valid reports whether s is one of the modes.
func (s SentCopy) Valid() bool {
	return s == SentCopyBcc || s == SentCopyServer || s == SentCopyAuto
}

// ServerProves reports whether the server's own copy proves a send of an
// account, so that its director needs no Bcc; seen tells whether a server
// copy of the bot's mail has been seen for the account.
func (s SentCopy) ServerProves(seen bool) bool {
	return s == SentCopyServer || s == SentCopyAuto && seen
}

// Learns reports whether a server copy seen for an account is to be
// remembered: under "auto" it ends the account's Bcc copies.
func (s SentCopy) Learns() bool { return s == SentCopyAuto }
