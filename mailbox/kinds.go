package mailbox

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/textproto"

	gomail "github.com/wneessen/go-mail"

	"github.com/mcoo/klachtbot/mailbox/mailerr"
)

// fail wraps err with its kind and the account it concerns (nil stays nil).
func (s *Server) fail(kind mailerr.Kind, err error) error {
	if err == nil {
		return nil
	}
	account := s.Addr()
	if s.Username != "" {
		account = s.Username + "@" + account
	}
	e := &mailerr.Error{Kind: kind, Account: account, User: s.Username, Host: s.Host, Port: s.Port, Err: err}
	var tp *textproto.Error
	var se *gomail.SendError
	switch {
	case errors.As(err, &se):
		e.Code, e.Status = se.ErrorCode(), se.EnhancedStatusCode()
	case errors.As(err, &tp):
		e.Code = tp.Code
	}
	return e
}

// connKind is what a failure to get a session means: TLS when the
// handshake or the certificate failed (or the port speaks another
// security), else the server is unreachable.
func connKind(err error) mailerr.Kind {
	var (
		verify  *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		invalid x509.CertificateInvalidError
		name    x509.HostnameError
		record  tls.RecordHeaderError
		alert   tls.AlertError
	)
	if errors.As(err, &verify) || errors.As(err, &unknown) || errors.As(err, &invalid) ||
		errors.As(err, &name) || errors.As(err, &record) || errors.As(err, &alert) {
		return mailerr.TLS
	}
	return mailerr.Unreachable
}

// dialKind classifies a failed SMTP dial (connect, greeting, STARTTLS,
// AUTH): whatever it is, it concerns the account, not a mail.
func (s *Server) dialKind(err error) mailerr.Kind {
	var te *TokenError
	switch {
	case errors.As(err, &te):
		return mailerr.OAuth
	case isSMTPAuthError(err) && s.OAuth != nil:
		return mailerr.OAuth
	case isSMTPAuthError(err):
		return mailerr.Auth
	}
	return connKind(err)
}

// sendKind classifies a failed SMTP transaction of one mail: a 5xx refuses
// that mail, a 4xx asks to try it later, a broken connection is the
// connection's.
func sendKind(err error) mailerr.Kind {
	var se *gomail.SendError
	var ne net.Error
	switch {
	case errors.As(err, &se) && se.IsTemp():
		return mailerr.Temporary
	case errors.As(err, &se) && se.ErrorCode() >= 500:
		return mailerr.Refused
	case errors.As(err, &ne), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return mailerr.Unreachable
	}
	return mailerr.Temporary // whatever else: try again later
}

// imapLoginKind classifies a failed IMAP login.
func (s *Server) imapLoginKind(err error) mailerr.Kind {
	var te *TokenError
	switch {
	case errors.As(err, &te), s.OAuth != nil && isIMAPAuthRefusal(err):
		return mailerr.OAuth
	case isIMAPAuthRefusal(err):
		return mailerr.Auth
	}
	return connKind(err)
}
