// Package mailerr names the kind of a mail failure, so that whoever meets
// one decides by its kind and never by its text: a login refused, an OAuth2
// token refused, TLS failed, a server unreachable, a folder missing, one
// mail refused for good, or a server that asks to try again later.
//
// mailbox wraps what its libraries report in an *Error; the outbox and the
// rules read the kind with KindOf. A leaf: it imports only the standard
// library, so workflow may use it without reaching go-imap or go-mail.
package mailerr

import "errors"

// Kind is what failed.
type Kind uint8

// The kinds. Auth, OAuth, TLS and Unreachable are the account's or the
// connection's: every mail and every folder of the account meets them
// until someone fixes the account or the server comes back.
const (
	Other       Kind = iota // not classified: retried, never given up early
	Auth                    // the server refused the login (password, app password)
	OAuth                   // an OAuth2 token could not be had, or the server refused it
	TLS                     // TLS failed: certificate not trusted, expired or for another name, or the wrong security for the port
	Unreachable             // no session: connection refused, timed out, dropped, no greeting
	NoFolder                // the folder does not exist
	Refused                 // the server refused this one mail for good (5xx for its recipient or content)
	Temporary               // the server asked to try this mail again later (4xx)
)

var names = [...]string{Other: "other", Auth: "auth", OAuth: "oauth", TLS: "tls", Unreachable: "unreachable",
	NoFolder: "no-folder", Refused: "refused", Temporary: "temporary"}

func (k Kind) String() string {
	if int(k) < len(names) {
		return names[k]
	}
	return "other"
}

// Account reports whether the failure is the account's or the
// connection's rather than one mail's.
func (k Kind) Account() bool { return k == Auth || k == OAuth || k == TLS || k == Unreachable }

// Error is a failure of the mail edge with its kind.
type Error struct {
	Kind Kind
	// Account is the account as the server knows it: "user@host:port", or
	// "host:port" without a login. Failures of one Account and Kind share
	// a cause.
	Account string
	User    string // the login name, "" without one
	Host    string
	Port    int
	Code    int    // the SMTP reply code, when the server gave one
	Status  string // its enhanced status code ("5.1.1"), when it gave one
	Err     error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// As returns the outermost *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// KindOf is the kind of err: Other when nothing classified it.
func KindOf(err error) Kind {
	if e := As(err); e != nil {
		return e.Kind
	}
	return Other
}
