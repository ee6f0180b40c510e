package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
)

// hint adds what to try to a connection error that comes from the wrong
// security for the port: TLS spoken to a port that answers in plaintext, or
// STARTTLS (which waits for a plaintext greeting) on a port that expects TLS
// from the first byte. Any other error is returned as it is.
func hint(err error, srv *Server) error {
	if err == nil {
		return nil
	}
	var rh tls.RecordHeaderError
	var op *net.OpError
	switch {
	case srv.Security == SecurityTLS && errors.As(err, &rh):
		try := `try security = "starttls"`
		if IsLoopback(srv.Host) {
			try += ` (or "none" on loopback)`
		}
		return fmt.Errorf("%w (the server at %s answers in plaintext, not TLS: %s)", err, srv.Addr(), try)
	case srv.Security != SecurityStartTLS, errors.As(err, &op) && op.Op == "dial":
		return err // nothing reached the server's protocol
	case srv.Port == 465 || srv.Port == 993:
		return fmt.Errorf("%w (port %d expects TLS from the first byte: try security = \"tls\")", err, srv.Port)
	case noGreeting(err):
		return fmt.Errorf("%w (no plaintext greeting came: if the port expects TLS from the first byte, try security = \"tls\")", err)
	}
	return err
}

// noGreeting reports an error of a connection that stood but ended or fell
// silent before the server's greeting: what a TLS port does to a client that
// waits for one (or sends a plaintext command).
func noGreeting(err error) bool {
	var op *net.OpError
	stood := errors.As(err, &op) && op.Op != "dial" // a read or write failed
	if !stood && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
		return false // the caller's time ran out, maybe before the connection stood
	}
	var ne net.Error
	msg := err.Error()
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.As(err, &ne) && ne.Timeout() ||
		strings.Contains(msg, "before greeting") || strings.Contains(msg, "connection reset")
}
