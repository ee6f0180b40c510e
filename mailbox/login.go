package mailbox

import (
	"context"
	"errors"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/wneessen/go-mail/smtp"
)

// imapLogin logs in with the password, or with an OAuth2 token. A refused
// token is fetched anew and tried once more: it may have been revoked or
// have expired early; a second refusal is the caller's to report.
func (s *Server) imapLogin(ctx context.Context, c *imapclient.Client) error {
	if s.OAuth == nil {
		return c.Login(s.Username, s.Password).Wait()
	}
	for attempt := 0; ; attempt++ {
		tok, err := s.OAuth.Token(ctx)
		if err != nil {
			return err
		}
		err = c.Authenticate(s.OAuth.saslClient(s.Username, tok))
		if err == nil || attempt > 0 || !isIMAPAuthRefusal(err) {
			return err
		}
		s.OAuth.Invalidate()
	}
}

func isIMAPAuthRefusal(err error) bool {
	var ie *imap.Error
	return errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeNo &&
		(ie.Code == imap.ResponseCodeAuthenticationFailed || ie.Code == imap.ResponseCodeAuthorizationFailed || ie.Code == "")
}

// tokenAuth is SMTP AUTH XOAUTH2 or OAUTHBEARER with a token fetched when
// go-mail starts the exchange, so every connection gets a current token. It
// speaks the same SASL client as IMAP.
type tokenAuth struct {
	srv *Server
	c   sasl.Client
}

func (a *tokenAuth) Start(_ *smtp.ServerInfo) (string, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tok, err := a.srv.OAuth.Token(ctx)
	if err != nil {
		return "", nil, err
	}
	a.c = a.srv.OAuth.saslClient(a.srv.Username, tok)
	return a.c.Start()
}

// Next answers the server's error challenge so that its 535 follows.
func (a *tokenAuth) Next(challenge []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	return a.c.Next(challenge)
}
