package main

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/mailbox"
)

// oauthStack is the Dovecot stack in OAuth2 mode (MAILSTACK_OAUTH=1), or
// skips (fails in CI) without it: the embedded servers have no OAuth2.
func oauthStack(t *testing.T) *mailStack {
	st, why := dovecotStack(t)
	if st != nil && st.env["MAILSTACK_OAUTH"] != "1" {
		st, why = nil, "the Dovecot stack runs without MAILSTACK_OAUTH=1"
	}
	if st == nil {
		if os.Getenv("KLACHTBOT_REQUIRE_MAILSTACK") != "" {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	return st
}

// oauthConfig turns the stack's password configuration into the OAuth2 one
// of the issue, every IMAP and SMTP account with auth = "oauth2": Marco's
// mailbox and the default SMTP account through a Microsoft-style app (client
// credentials, XOAUTH2), Hans's mailbox and his own SMTP account through a
// Google-style service account (JWT bearer, OAUTHBEARER). msTTL, when set,
// asks the identity provider for the app's tokens of that lifetime. (The
// other end-to-end tests run on the same stack with passwords.)
func oauthConfig(t *testing.T, st *mailStack, extra, msTTL string) string {
	config := st.config(t, t.TempDir(), extra)
	raw, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(raw)
	tokenURL := st.env["MAILSTACK_OAUTH_TOKEN_URL"]
	if msTTL != "" {
		tokenURL += "?mailstack_ttl=" + msTTL // the stack's test hook
	}
	// [smtp]: Marco's submission with the app's token.
	cfg = strings.Replace(cfg, "username = \"marco@mcoo.nl\"\npassword_env = \"KB_TEST_PASSWORD\"",
		"username = \"marco@mcoo.nl\"\nauth = \"oauth2\"\noauth2 = \"m365\"", 1)
	marco := "  username = \"marco@mcoo.nl\"\n  password_env = \"KB_TEST_PASSWORD\""
	hans := "  username = \"hans@mcoo.nl\"\n  password_env = \"KB_TEST_PASSWORD\""
	if !strings.Contains(cfg, marco) || !strings.Contains(cfg, hans) {
		t.Fatalf("unexpected test config:\n%s", cfg)
	}
	cfg = strings.Replace(cfg, marco, "  username = \"marco@mcoo.nl\"\n  auth = \"oauth2\"\n  oauth2 = \"m365\"", 1)
	smtpHost, smtpPort := "127.0.0.1", st.env["MAILSTACK_SUBMISSION_PORT"]
	cfg = strings.Replace(cfg, hans, "  username = \"hans@mcoo.nl\"\n  auth = \"oauth2\"\n  oauth2 = \"google\"", 1)
	// Hans is the last director: his [directors.smtp] closes the file.
	cfg += fmt.Sprintf(`
  [directors.smtp]
  host = %q
  port = %s
  security = "starttls"
  ca_file = %q
  username = "hans@mcoo.nl"
  auth = "oauth2"
  oauth2 = "google"
`, smtpHost, smtpPort, st.env["MAILSTACK_CA_CERT"])
	cfg += fmt.Sprintf(`
[oauth2.m365]
provider = "microsoft"
tenant_id = %q
client_id = %q
client_secret_env = "KB_M365_SECRET"
token_url = %q

[oauth2.google]
provider = "google"
service_account_file = "sa.json"
mechanism = "oauthbearer"
`, st.env["MAILSTACK_OAUTH_TENANT"], st.env["MAILSTACK_OAUTH_CLIENT_ID"], tokenURL)
	if err := os.WriteFile(config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	// The service account's key, readable by its owner only as klachtbot
	// demands (the stack leaves its copy readable for other clients).
	key, err := os.ReadFile(st.env["MAILSTACK_OAUTH_SERVICE_ACCOUNT"])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(config), "sa.json"), key, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KB_M365_SECRET", st.env["MAILSTACK_OAUTH_CLIENT_SECRET"])
	return config
}

// tokenRequests counts the identity provider's token answers for a client.
func tokenRequests(t *testing.T, st *mailStack, clientID string) int {
	data, err := os.ReadFile(st.env["MAILSTACK_OAUTH_REQUEST_LOG"])
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, `"kind": "token"`) || strings.Contains(line, `"kind":"token"`) {
			if strings.Contains(line, clientID) && (strings.Contains(line, `"status": 200`) || strings.Contains(line, `"status":200`)) {
				n++
			}
		}
	}
	return n
}

// TestE2EOAuth2: every mailbox and SMTP account logs in with OAuth2 tokens
// (Microsoft-style XOAUTH2 and Google-style OAUTHBEARER), complaints are
// acknowledged, and tokens that expire while the service runs are replaced
// without a mail being missed.
func TestE2EOAuth2(t *testing.T) {
	st := oauthStack(t)
	config := oauthConfig(t, st, "", "4")
	clientID := st.env["MAILSTACK_OAUTH_CLIENT_ID"]
	before := tokenRequests(t, st, clientID)
	b := startBot(t, config)
	if out := string(b.cli("check")); !strings.Contains(out, "login as marco@mcoo.nl (oauth2 xoauth2) ok") ||
		!strings.Contains(out, "imap hans@mcoo.nl: login as hans@mcoo.nl (oauth2 oauthbearer) ok") ||
		!strings.Contains(out, "smtp hans@mcoo.nl: login as hans@mcoo.nl (oauth2 oauthbearer) ok") ||
		!strings.Contains(out, "smtp default: login as marco@mcoo.nl (oauth2 xoauth2) ok") {
		t.Errorf("check:\n%s", out)
	}

	// Each complaint's acknowledgement goes out over Marco's SMTP account
	// with a token; the identity provider gives 4-second tokens, so the
	// later ones need new tokens while the IMAP sessions stay.
	for i, to := range []string{"marco@mcoo.nl", "hans@mcoo.nl", "marco@mcoo.nl"} {
		raw, id := compose("klant1@klant.test", to, fmt.Sprintf("Klacht %d over de factuur", i),
			"Ik ben niet tevreden over de afhandeling van mijn aangifte. Ik wil hierover een klacht indienen.")
		fetched := tokenRequests(t, st, clientID)
		st.send(t, "klant1@klant.test", []string{to}, raw)
		acks := st.waitFor(t, catchall, "INBOX", hangGuard, "the acknowledgement", func(l []*parsedMail) bool { return len(acksFor(l, id)) == 1 })
		if got := acksFor(acks, id)[0].get("From"); !strings.Contains(got, to) {
			t.Errorf("acknowledgement %d from %q, want %s", i, got, to)
		}
		if i > 0 && tokenRequests(t, st, clientID) == fetched && to == "marco@mcoo.nl" {
			// Three seconds between mails are not guaranteed on a busy
			// machine; what must hold is that a refresh never loses a mail.
			t.Logf("mail %d went out on a token still valid", i)
		}
	}
	if n := tokenRequests(t, st, clientID) - before; n < 2 {
		t.Errorf("%d token requests for the app; want the first and at least one refresh", n)
	}
	if len(b.cases()) != 3 {
		t.Errorf("cases: %+v", b.cases())
	}
	if strings.Contains(b.log.String(), st.env["MAILSTACK_OAUTH_CLIENT_SECRET"]) {
		t.Error("the client secret is in the log")
	}
}

// TestE2EOAuth2Revoked: a Google-style service account that is revoked stops
// Hans's mailbox; the service fetches a new token once, is refused, and the
// directors get the alert of a login that no longer works.
func TestE2EOAuth2Revoked(t *testing.T) {
	st := oauthStack(t)
	config := oauthConfig(t, st, "[alerts]\nafter = \"1s\"\n", "")
	sa, err := os.ReadFile(st.env["MAILSTACK_OAUTH_SERVICE_ACCOUNT"])
	if err != nil {
		t.Fatal(err)
	}
	email := strings.Split(strings.Split(string(sa), `"client_email": "`)[1], `"`)[0]
	revoked := st.env["MAILSTACK_OAUTH_REVOKED_FILE"]
	old, err := os.ReadFile(revoked)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.WriteFile(revoked, old, 0o644) })
	resp, err := http.PostForm(st.env["MAILSTACK_OAUTH_REVOKE_URL"], url.Values{"client_id": {email}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	startBotWhen(t, config, func([]mailbox.WatcherStatus) bool { return true })
	alerts := st.waitFor(t, "marco@mcoo.nl", "INBOX", hangGuard, "the alert", func(l []*parsedMail) bool {
		return len(mailsWith(l, "aanmelding van Hans")) > 0
	})
	a := mailsWith(alerts, "aanmelding van Hans")[0]
	subject, _ := a.header.Subject()
	if !strings.Contains(subject, "aanmelding") || !strings.Contains(a.body, "oauth2") || !strings.Contains(a.body, "refused by the identity provider") {
		t.Errorf("alert %q:\n%s", subject, a.body)
	}
}
