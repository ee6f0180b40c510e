// Package mailbox is klachtbot's mail edge: IMAP watchers (go-imap/v2) that
// follow a folder read-only and hand each new mail to a Handler, the SMTP
// sender (go-mail), and the connection checks of `klachtbot check`.
//
// It knows nothing of cases: it must not import workflow or storage. What a
// mail means is decided by whoever implements Handler; the mail itself is a
// message.Message (package mailbox/message).
package mailbox
