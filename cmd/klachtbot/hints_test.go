package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestCheckWrongSecurity: `check` with the wrong security for a port says
// what to try. The embedded servers speak plaintext, so TLS to them gets
// "starttls"; Dovecot and Postfix also show STARTTLS to the IMAPS port.
func TestCheckWrongSecurity(t *testing.T) {
	stacks(t, func(t *testing.T, st *mailStack) {
		imapSecurity, smtpSecurity, imapHint, smtpHint := "tls", "tls", `try security = "starttls" (or "none" on loopback)`, `try security = "starttls" (or "none" on loopback)`
		if st.name == "dovecot" {
			// IMAPS (993's twin) with STARTTLS; submission (STARTTLS) with TLS.
			imapSecurity, imapHint = "starttls", `try security = "tls"`
		}
		path := checkConfig(t, st, func(cfg string) string {
			smtp, rest, _ := strings.Cut(cfg, "[[directors]]")
			security := regexp.MustCompile(`security = ".*"`)
			return security.ReplaceAllString(smtp, `security = "`+smtpSecurity+`"`) + "[[directors]]" +
				security.ReplaceAllString(rest, `security = "`+imapSecurity+`"`)
		})
		out, _, err := checkRun(t, path, password)
		if err == nil {
			t.Fatal("check passed with the wrong security")
		}
		for _, want := range [][]string{
			{"imap marco@mcoo.nl: connect 127.0.0.1:", "(" + imapSecurity + "): FAIL ", imapHint},
			{"imap hans@mcoo.nl: connect 127.0.0.1:", "(" + imapSecurity + "): FAIL ", imapHint},
			{"smtp default: connect 127.0.0.1:", "(" + smtpSecurity + "): FAIL ", smtpHint},
		} {
			if len(checkLines(out, want...)) != 1 {
				t.Errorf("no line with %q", want)
			}
		}
	})
}
