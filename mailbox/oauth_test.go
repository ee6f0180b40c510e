package mailbox

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// tokenServer is a token endpoint in the manner of Entra ID and Google:
// it answers with a new token each time, or with an error while refusing.
type tokenServer struct {
	*httptest.Server
	mu       sync.Mutex
	forms    []map[string]string
	refusing bool
	ttl      int
}

func newTokenServer(t *testing.T) *tokenServer {
	ts := &tokenServer{ttl: 3600}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		f := map[string]string{}
		for k, v := range r.PostForm {
			f[k] = v[0]
		}
		ts.mu.Lock()
		ts.forms = append(ts.forms, f)
		n, refusing, ttl := len(ts.forms), ts.refusing, ts.ttl
		ts.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if refusing {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"unauthorized_client","error_description":"AADSTS7000112: Application 'x' is disabled. Trace ID: 1 Correlation ID: 2 Timestamp: 2026-11-29","error_codes":[7000112]}`)
			return
		}
		fmt.Fprintf(w, `{"token_type":"Bearer","expires_in":%d,"access_token":"token-%d"}`, ttl, n)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tokenServer) requests() []map[string]string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]map[string]string(nil), ts.forms...)
}

// TestTokensMicrosoft: client credentials with the Exchange Online scope; a
// token is reused until shortly before it expires, fetched anew after
// Invalidate, and a refusal says what Entra said without its trace IDs or
// the secret.
func TestTokensMicrosoft(t *testing.T) {
	ts := newTokenServer(t)
	t.Setenv("KB_TEST_SECRET", "s3cret~value")
	o := &OAuth2{Provider: "microsoft", TenantID: "tenant", ClientID: "app", ClientSecretEnv: "KB_TEST_SECRET", TokenURL: ts.URL + "/tenant/oauth2/v2.0/token"}
	if p := o.Problems(); len(p) > 0 {
		t.Fatalf("problems: %v", p)
	}
	tokens, err := o.Tokens(t.TempDir(), "marco@mcoo.nl")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tokens.now = func() time.Time { return now }
	ctx := context.Background()

	first, err := tokens.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := tokens.Token(ctx); again != first {
		t.Errorf("second call fetched a new token (%s, %s): the first is valid for an hour", first, again)
	}
	req := ts.requests()[0]
	if req["grant_type"] != "client_credentials" || req["scope"] != "https://outlook.office365.com/.default" ||
		req["client_id"] != "app" || req["client_secret"] != "s3cret~value" {
		t.Errorf("token request: %v", req)
	}

	now = now.Add(56 * time.Minute) // within five minutes of expiry
	if renewed, _ := tokens.Token(ctx); renewed == first {
		t.Error("a token about to expire was not renewed")
	}
	tokens.Invalidate()
	if _, err := tokens.Token(ctx); err != nil || len(ts.requests()) != 3 {
		t.Errorf("after Invalidate: %v, %d requests, want 3", err, len(ts.requests()))
	}

	ts.mu.Lock()
	ts.refusing = true
	ts.mu.Unlock()
	tokens.Invalidate()
	_, err = tokens.Token(ctx)
	if err == nil {
		t.Fatal("a refused token request gave no error")
	}
	msg := err.Error()
	if !strings.Contains(msg, "unauthorized_client") || !strings.Contains(msg, "AADSTS7000112") ||
		strings.Contains(msg, "Trace ID") || strings.Contains(msg, "s3cret") {
		t.Errorf("error: %s", msg)
	}
	if te := err.(*TokenError); te.Temporary() {
		t.Error("a refusal counted as temporary")
	}
}

// TestTokensShortLived: a token that lives less than Early is renewed
// halfway through its life, not on every use.
func TestTokensShortLived(t *testing.T) {
	ts := newTokenServer(t)
	ts.ttl = 60
	t.Setenv("KB_TEST_SECRET", "x")
	o := &OAuth2{Provider: "generic", ClientID: "app", ClientSecretEnv: "KB_TEST_SECRET", TokenURL: ts.URL + "/token"}
	tokens, err := o.Tokens(t.TempDir(), "marco@mcoo.nl")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tokens.now = func() time.Time { return now }
	a, _ := tokens.Token(context.Background())
	now = now.Add(20 * time.Second)
	b, _ := tokens.Token(context.Background())
	now = now.Add(15 * time.Second)
	c, _ := tokens.Token(context.Background())
	if a != b || b == c {
		t.Errorf("tokens %s %s %s: want the first reused at 20 s and renewed at 35 s of 60", a, b, c)
	}
}

// TestTokensGoogle: the JWT-bearer grant signed with the service account's
// key, the mailbox as subject and the Gmail scope.
func TestTokensGoogle(t *testing.T) {
	ts := newTokenServer(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	sa, _ := json.Marshal(map[string]string{
		"type": "service_account", "client_email": "bot@firm.iam.gserviceaccount.com", "private_key_id": "k1",
		"private_key": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), "token_uri": ts.URL + "/token",
	})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sa.json"), sa, 0o600); err != nil {
		t.Fatal(err)
	}
	o := &OAuth2{Provider: "google", ServiceAccountFile: "sa.json"}
	if p := o.Problems(); len(p) > 0 {
		t.Fatalf("problems: %v", p)
	}
	tokens, err := o.Tokens(dir, "hans@mcoo.nl")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	req := ts.requests()[0]
	if req["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		t.Fatalf("grant: %v", req)
	}
	parts := strings.Split(req["assertion"], ".")
	claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var c map[string]any
	json.Unmarshal(claims, &c)
	if c["sub"] != "hans@mcoo.nl" || c["iss"] != "bot@firm.iam.gserviceaccount.com" || c["scope"] != "https://mail.google.com/" || c["aud"] != ts.URL+"/token" {
		t.Errorf("claims: %v", c)
	}
}

func TestOAuth2Problems(t *testing.T) {
	for _, tc := range []struct {
		o    OAuth2
		want string
	}{
		{OAuth2{Provider: "azure"}, `provider: "azure"`},
		{OAuth2{Provider: "microsoft", ClientID: "a", ClientSecretEnv: "X"}, "tenant_id: missing"},
		{OAuth2{Provider: "microsoft", TenantID: "t", ClientID: "a"}, "client_secret_env or client_secret_file is needed"},
		{OAuth2{Provider: "google"}, "service_account_file: missing"},
		{OAuth2{Provider: "generic", ClientID: "a", ClientSecretEnv: "X", TokenURL: "http://idp.example.com/token"}, "must be https"},
		{OAuth2{Provider: "generic", ClientID: "a", ClientSecretEnv: "X", TokenURL: "https://idp/token", Mechanism: "plain"}, `mechanism: "plain"`},
	} {
		if got := strings.Join(tc.o.Problems(), "; "); !strings.Contains(got, tc.want) {
			t.Errorf("%+v: problems %q, want %q", tc.o, got, tc.want)
		}
	}
	ok := OAuth2{Provider: "generic", ClientID: "a", ClientSecretFile: "f", TokenURL: "http://127.0.0.1:1880/token"}
	if p := ok.Problems(); len(p) > 0 {
		t.Errorf("loopback http token_url refused: %v", p)
	}
}

// TestOAuth2SecretFileMode: a client secret or service account key that
// others may read is refused, as a password file is.
func TestOAuth2SecretFileMode(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "secret"), []byte("s\n"), 0o644)
	o := &OAuth2{Provider: "microsoft", TenantID: "t", ClientID: "c", ClientSecretFile: "secret"}
	if _, err := o.Tokens(dir, "marco@mcoo.nl"); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a 0644 client secret: %v", err)
	}
	os.Chmod(filepath.Join(dir, "secret"), 0o600)
	if _, err := o.Tokens(dir, "marco@mcoo.nl"); err != nil {
		t.Errorf("a 0600 client secret: %v", err)
	}
}
