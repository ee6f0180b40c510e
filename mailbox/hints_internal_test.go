package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
)

// TestHint: which errors get which hint, by the security and port
// configured. The listeners in hints_test.go produce the errors for real;
// here the ports real servers use (465, 993), which a test cannot bind.
func TestHint(t *testing.T) {
	plaintext := fmt.Errorf("dial failed: %w", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"})
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	readTimeout := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	readCancelled := &net.OpError{Op: "read", Net: "tcp", Err: context.DeadlineExceeded}
	const (
		none     = ""
		starttls = ` (the server at mail.mcoo.nl:%d answers in plaintext, not TLS: try security = "starttls")`
		loopback = ` (the server at 127.0.0.1:%d answers in plaintext, not TLS: try security = "starttls" (or "none" on loopback))`
		port     = ` (port %[1]d expects TLS from the first byte: try security = "tls")`
		greeting = ` (no plaintext greeting came: if the port expects TLS from the first byte, try security = "tls")`
	)
	tests := []struct {
		host     string
		port     int
		security Security
		err      error
		hint     string
	}{
		{"mail.mcoo.nl", 143, "tls", plaintext, starttls},
		{"mail.mcoo.nl", 587, "tls", plaintext, starttls},
		{"127.0.0.1", 2525, "tls", plaintext, loopback},
		{"mail.mcoo.nl", 993, "tls", refused, none},
		{"mail.mcoo.nl", 993, "starttls", io.ErrUnexpectedEOF, port},
		{"mail.mcoo.nl", 465, "starttls", readTimeout, port},
		{"mail.mcoo.nl", 465, "starttls", context.DeadlineExceeded, port},
		{"mail.mcoo.nl", 465, "starttls", refused, none}, // nothing listens: no protocol to blame
		{"mail.mcoo.nl", 2465, "starttls", readTimeout, greeting},
		{"mail.mcoo.nl", 2465, "starttls", errors.New("connection closed before greeting"), greeting},
		{"mail.mcoo.nl", 2465, "starttls", readCancelled, greeting},
		{"mail.mcoo.nl", 2465, "starttls", context.DeadlineExceeded, none}, // maybe still dialling
		{"mail.mcoo.nl", 2465, "starttls", &net.OpError{Op: "dial", Net: "tcp", Err: os.ErrDeadlineExceeded}, none},
		{"mail.mcoo.nl", 587, "starttls", errors.New("STARTTLS mode set to: \"TLSMandatory\", but target host does not support STARTTLS"), none},
		{"mail.mcoo.nl", 143, "none", io.EOF, none},
	}
	for _, tt := range tests {
		srv := &Server{Host: tt.host, Port: tt.port, Security: tt.security}
		got := hint(tt.err, srv)
		want := tt.err.Error()
		if strings.Contains(tt.hint, "%") {
			want += fmt.Sprintf(tt.hint, tt.port)
		} else {
			want += tt.hint
		}
		if got.Error() != want || !errors.Is(got, tt.err) {
			t.Errorf("%s %s:%d: %v\ngot  %q\nwant %q", tt.security, tt.host, tt.port, tt.err, got, want)
		}
	}
	if hint(nil, &Server{Security: "tls"}) != nil {
		t.Error("hint(nil) is not nil")
	}
}
