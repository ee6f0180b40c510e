package mailbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/oauth2/jwt"
)

// OAuth2 is one [oauth2.NAME] table: how to get access tokens for IMAP and
// SMTP from Microsoft Entra ID (client credentials, app-only access), Google
// (a service account with domain-wide delegation: the mailbox is the
// subject) or any token endpoint that does client credentials.
type OAuth2 struct {
	Provider           string   `toml:"provider"` // "microsoft", "google" or "generic"
	TenantID           string   `toml:"tenant_id"`
	ClientID           string   `toml:"client_id"`
	ClientSecretEnv    string   `toml:"client_secret_env"`
	ClientSecretFile   string   `toml:"client_secret_file"`
	ServiceAccountFile string   `toml:"service_account_file"`
	TokenURL           string   `toml:"token_url"`
	Scopes             []string `toml:"scopes"`
	Mechanism          string   `toml:"mechanism"` // "xoauth2" (default) or "oauthbearer"
}

const (
	microsoftScope = "https://outlook.office365.com/.default"
	googleScope    = "https://mail.google.com/"
	googleTokenURL = "https://oauth2.googleapis.com/token"
)

// Problems lists what is wrong with the table, each as "key: reason".
func (o *OAuth2) Problems() []string {
	var p []string
	switch o.Provider {
	case "microsoft":
		if o.TenantID == "" && o.TokenURL == "" {
			p = append(p, "tenant_id: missing")
		}
	case "google":
		if o.ServiceAccountFile == "" {
			p = append(p, "service_account_file: missing (the service account's JSON key)")
		}
	case "generic":
		if o.TokenURL == "" {
			p = append(p, "token_url: missing")
		}
	default:
		p = append(p, fmt.Sprintf("provider: %q: must be \"microsoft\", \"google\" or \"generic\"", o.Provider))
	}
	if o.Provider != "google" {
		if o.ClientID == "" {
			p = append(p, "client_id: missing")
		}
		switch {
		case o.ClientSecretEnv != "" && o.ClientSecretFile != "":
			p = append(p, ": set client_secret_env or client_secret_file, not both")
		case o.ClientSecretEnv == "" && o.ClientSecretFile == "":
			p = append(p, ": client_secret_env or client_secret_file is needed")
		}
	}
	switch o.Mechanism {
	case "", "xoauth2", "oauthbearer":
	default:
		p = append(p, fmt.Sprintf("mechanism: %q: must be \"xoauth2\" or \"oauthbearer\"", o.Mechanism))
	}
	if o.TokenURL != "" {
		if err := checkTokenURL(o.TokenURL); err != nil {
			p = append(p, "token_url: "+err.Error())
		}
	}
	return p
}

// checkTokenURL allows https, and http only to loopback (a test identity provider).
func checkTokenURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return err
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && IsLoopback(u.Hostname()):
		return nil
	default:
		return fmt.Errorf("%q: must be https (http only to a loopback host)", raw)
	}
}

// SecretName is where the table's secret comes from, for messages.
func (o *OAuth2) SecretName() string {
	switch {
	case o.ClientSecretEnv != "":
		return o.ClientSecretEnv
	case o.ClientSecretFile != "":
		return o.ClientSecretFile
	}
	return o.ServiceAccountFile
}

// Tokens builds the token source for a mailbox. Microsoft and generic app
// tokens serve every mailbox (share one Tokens); Google's serve the subject
// only. Files are read now, relative ones from dir.
func (o *OAuth2) Tokens(dir, subject string) (*Tokens, error) {
	hc := &http.Client{Timeout: 30 * time.Second}
	t := &Tokens{Mechanism: o.Mechanism, Early: 5 * time.Minute, now: time.Now}
	if t.Mechanism == "" {
		t.Mechanism = "xoauth2"
	}
	if o.Provider == "google" {
		data, err := readSecretFile("service_account_file", inDir(dir, o.ServiceAccountFile))
		if err != nil {
			return nil, err
		}
		key, err := ParseServiceAccount(data)
		if err != nil {
			return nil, fmt.Errorf("service_account_file %s: %w", o.ServiceAccountFile, err)
		}
		cfg := &jwt.Config{Email: key.ClientEmail, PrivateKey: []byte(key.PrivateKey), PrivateKeyID: key.PrivateKeyID,
			Subject: subject, Scopes: scopesOr(o.Scopes, googleScope), TokenURL: firstNonEmpty(o.TokenURL, key.TokenURI, googleTokenURL)}
		if err := checkTokenURL(cfg.TokenURL); err != nil {
			return nil, fmt.Errorf("service_account_file %s: token_uri %w", o.ServiceAccountFile, err)
		}
		// A new source each time: its own cache would hide a revoked token.
		t.fetch = func(fctx context.Context) (*oauth2.Token, error) {
			return cfg.TokenSource(withClient(fctx, hc)).Token()
		}
		return t, nil
	}
	secret, err := o.clientSecret(dir)
	if err != nil {
		return nil, err
	}
	tokenURL := o.TokenURL
	if tokenURL == "" && o.Provider == "microsoft" {
		tokenURL = "https://login.microsoftonline.com/" + url.PathEscape(o.TenantID) + "/oauth2/v2.0/token"
	}
	scopes := o.Scopes
	if len(scopes) == 0 && o.Provider == "microsoft" {
		scopes = []string{microsoftScope}
	}
	cfg := &clientcredentials.Config{ClientID: o.ClientID, ClientSecret: secret, TokenURL: tokenURL, Scopes: scopes,
		AuthStyle: oauth2.AuthStyleInParams}
	t.fetch = func(fctx context.Context) (*oauth2.Token, error) { return cfg.Token(withClient(fctx, hc)) }
	return t, nil
}

// ServiceAccount is what klachtbot uses of a Google service account's JSON key.
type ServiceAccount struct {
	Type         string `json:"type"`
	ClientEmail  string `json:"client_email"`
	ClientID     string `json:"client_id"` // for the domain-wide delegation
	PrivateKey   string `json:"private_key"`
	PrivateKeyID string `json:"private_key_id"`
	TokenURI     string `json:"token_uri"`
}

// ParseServiceAccount reads a service account's JSON key as the Google
// Cloud console gives it.
func ParseServiceAccount(data []byte) (*ServiceAccount, error) {
	var key ServiceAccount
	if err := json.Unmarshal(data, &key); err != nil || key.Type != "service_account" || key.ClientEmail == "" || key.PrivateKey == "" {
		return nil, errors.New("not a service account's JSON key (want type service_account, client_email and private_key)")
	}
	return &key, nil
}

// inDir resolves a file named in the configuration against its directory.
func inDir(dir, p string) string {
	if !filepath.IsAbs(p) {
		return filepath.Join(dir, p)
	}
	return p
}

func withClient(ctx context.Context, hc *http.Client) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, hc)
}

func (o *OAuth2) clientSecret(dir string) (string, error) {
	if o.ClientSecretEnv != "" {
		s := os.Getenv(o.ClientSecretEnv)
		if s == "" {
			return "", fmt.Errorf("client_secret_env: environment variable %s is not set", o.ClientSecretEnv)
		}
		return s, nil
	}
	data, err := readSecretFile("client_secret_file", inDir(dir, o.ClientSecretFile))
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(data), "\r\n"), nil
}

func scopesOr(s []string, def string) []string {
	if len(s) > 0 {
		return s
	}
	return []string{def}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// Tokens hands out access tokens for one identity: kept in memory only,
// fetched anew Early before they expire, and at once after Invalidate (the
// server refused one). Safe for concurrent use.
type Tokens struct {
	Mechanism string        // "xoauth2" or "oauthbearer"
	Early     time.Duration // fetch a new token this long before the old one expires

	fetch     func(context.Context) (*oauth2.Token, error)
	now       func() time.Time
	mu        sync.Mutex
	current   *oauth2.Token
	refreshAt time.Time // Early before expiry, or halfway for short-lived tokens
}

// Token returns a valid access token.
func (t *Tokens) Token(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if c := t.current; c != nil && (t.refreshAt.IsZero() || now.Before(t.refreshAt)) {
		return c.AccessToken, nil
	}
	tok, err := t.fetch(ctx)
	if err != nil {
		return "", &TokenError{Err: err}
	}
	if tok.AccessToken == "" {
		return "", &TokenError{Err: errors.New("the identity provider answered without an access token")}
	}
	t.current, t.refreshAt = tok, time.Time{}
	if !tok.Expiry.IsZero() {
		t.refreshAt = tok.Expiry.Add(-min(t.Early, tok.Expiry.Sub(now)/2))
	}
	return tok.AccessToken, nil
}

// Invalidate drops the cached token: the next Token fetches a new one.
func (t *Tokens) Invalidate() {
	t.mu.Lock()
	t.current = nil
	t.mu.Unlock()
}

// TokenError is a token the identity provider would not give: a wrong or
// expired client secret, a revoked app, a missing permission. It says what
// the provider said (error code and description), never a secret.
type TokenError struct{ Err error }

func (e *TokenError) Error() string {
	var re *oauth2.RetrieveError
	if errors.As(e.Err, &re) {
		if re.ErrorCode == "" { // golang.org/x/oauth2/jwt leaves the body unparsed
			var body struct {
				Code string `json:"error"`
				Desc string `json:"error_description"`
			}
			if json.Unmarshal(re.Body, &body) == nil {
				re.ErrorCode, re.ErrorDescription = body.Code, body.Desc
			}
		}
		desc := re.ErrorDescription
		if i := strings.Index(desc, " Trace ID"); i > 0 {
			desc = desc[:i] // Entra's trailing IDs say nothing to the operator
		}
		return fmt.Sprintf("oauth2 token refused by the identity provider (HTTP %d %s): %s", re.Response.StatusCode, re.ErrorCode, strings.TrimSpace(desc))
	}
	return "oauth2 token: " + e.Err.Error()
}

func (e *TokenError) Unwrap() error { return e.Err }

// Temporary reports whether the identity provider could not be reached or
// failed itself (5xx), rather than refusing.
func (e *TokenError) Temporary() bool {
	var re *oauth2.RetrieveError
	if errors.As(e.Err, &re) {
		return re.Response != nil && re.Response.StatusCode >= 500
	}
	return true
}

// saslClient is the SASL client for IMAP AUTHENTICATE with token tok.
func (t *Tokens) saslClient(user, tok string) sasl.Client {
	if t.Mechanism == "oauthbearer" {
		return &bearerClient{mech: sasl.OAuthBearer, ir: []byte("n,a=" + user + ",\x01auth=Bearer " + tok + "\x01\x01")}
	}
	return &bearerClient{mech: "XOAUTH2", ir: []byte("user=" + user + "\x01auth=Bearer " + tok + "\x01\x01")}
}

// bearerClient is XOAUTH2 (go-sasl has none) and OAUTHBEARER. On failure the
// server sends a JSON challenge that must be answered before its NO (an empty
// response for XOAUTH2, ^A for OAUTHBEARER); go-sasl's OAUTHBEARER client
// returns an error instead, which leaves the IMAP command hanging.
type bearerClient struct {
	mech string
	ir   []byte
}

func (c *bearerClient) Start() (string, []byte, error) { return c.mech, c.ir, nil }

func (c *bearerClient) Next(challenge []byte) ([]byte, error) {
	if c.mech == sasl.OAuthBearer {
		return []byte{0x01}, nil
	}
	return []byte{}, nil
}

// TokenCache shares token sources between accounts: one per [oauth2.NAME]
// table (an app token serves every mailbox), one per mailbox for Google.
type TokenCache struct{ m map[string]*Tokens }

// For returns the token source for user's mailbox from table name.
func (tc *TokenCache) For(name string, o *OAuth2, dir, user string) (*Tokens, error) {
	id := name
	if o.Provider == "google" {
		id += "/" + strings.ToLower(user)
	}
	if t := tc.m[id]; t != nil {
		return t, nil
	}
	t, err := o.Tokens(dir, user)
	if err != nil {
		return nil, fmt.Errorf("oauth2.%s.%w", name, err)
	}
	if tc.m == nil {
		tc.m = map[string]*Tokens{}
	}
	tc.m[id] = t
	return t, nil
}
