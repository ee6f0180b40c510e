package main

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/cmd/internal/config"
)

// TestInitConfigLoads: what `klachtbot init` writes for each provider is a
// configuration the service accepts as it is: every key known and valid,
// every secret found where the config says (read as the service reads it),
// the database and control socket in the unit's directories, OAuth2 for
// Microsoft 365 and Google Workspace. (The unit itself is verified with
// systemd-analyze in cmd/internal/setup; a login needs the real provider.)
func TestInitConfigLoads(t *testing.T) {
	t.Parallel()
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	sa, _ := json.Marshal(map[string]string{"type": "service_account", "client_email": "klachtbot@mcoo-mail.iam.gserviceaccount.com",
		"client_id": "1234567890", "private_key_id": "k1", "private_key": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"token_uri": "https://oauth2.googleapis.com/token"})
	write := func(t *testing.T, name, data string) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for provider, extra := range map[string]func(t *testing.T) []string{
		"microsoft": func(t *testing.T) []string {
			return []string{"--tenant-id", "6f1d2c3b-0000-4000-8000-00000000aaaa", "--client-id", "0c9e8d7f-0000-4000-8000-00000000bbbb",
				"--client-secret-file", write(t, "secret", "Abc8Q~secret\n")}
		},
		"google": func(t *testing.T) []string {
			return []string{"--service-account-file", write(t, "sa.json", string(sa))}
		},
		"plain": func(t *testing.T) []string {
			return []string{"--imap-host", "imap.transip.email", "--smtp-host", "smtp.transip.email:465",
				"--password-file", "marco@mcoo.nl=" + write(t, "m", "app-password-1\n"), "--password-file", "hans@mcoo.nl=" + write(t, "h", "app-password-2\n")}
		},
	} {
		t.Run(provider, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			dir := filepath.Join(root, "etc")
			args := append([]string{"init", "--provider", provider, "--domain", "mcoo.nl", "--director", "Marco de Vries <marco@mcoo.nl>",
				"--director", "Hans Jansen <hans@mcoo.nl>", "--yes", "--no-check", "--dir", dir, "--state-dir", filepath.Join(root, "state"),
				"--runtime-dir", filepath.Join(root, "run"), "--unit-dir", filepath.Join(root, "unit"), "--user", u.Username, "--binary", "/bin/true"},
				extra(t)...)
			var out bytes.Buffer
			if err := run(args, &out); err != nil {
				t.Fatalf("init: %v\n%s", err, out.String())
			}
			cfg, err := config.Load(filepath.Join(dir, "klachtbot.toml"))
			if err != nil {
				t.Fatalf("the config init wrote does not load: %v", err)
			}
			for _, a := range cfg.Accounts() {
				srv, err := cfg.Server(a.Key, a.Conf)
				if err != nil {
					t.Errorf("%s: %v", a.Key, err)
					continue
				}
				if oauth := provider != "plain"; (srv.OAuth != nil) != oauth || srv.Username == "" {
					t.Errorf("%s: oauth2 %v, username %q", a.Key, srv.OAuth != nil, srv.Username)
				}
			}
			if !strings.HasPrefix(cfg.Database, filepath.Join(root, "state")) || !strings.HasPrefix(cfg.ControlSocket, filepath.Join(root, "run")) ||
				cfg.Directors[0].IMAP.Sent != "auto" || cfg.Outbox.SentCopy != "auto" {
				t.Errorf("database %s, control socket %s, sent %s, sent_copy %s", cfg.Database, cfg.ControlSocket, cfg.Directors[0].IMAP.Sent, cfg.Outbox.SentCopy)
			}
		})
	}
}
