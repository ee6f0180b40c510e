package setup

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/big"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/mcoo/klachtbot/workflow/recognize"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	m365Secret = "Zq8~m365-client-SECRET-value"
	fakeKey    = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCfake\n-----END PRIVATE KEY-----\n"
	marcoPass  = "marco-APP-pass-1"
	hansPass   = "hans-APP-pass-2"
)

// dirs are the temporary directories of one init run.
type dirs struct{ conf, state, unit, runtime string }

func newDirs(t *testing.T) dirs {
	base := t.TempDir()
	return dirs{conf: filepath.Join(base, "etc", "klachtbot"), state: filepath.Join(base, "var", "lib", "klachtbot"),
		unit: filepath.Join(base, "systemd"), runtime: filepath.Join(base, "run", "klachtbot")}
}

func (d dirs) flags(t *testing.T) []string {
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	return []string{"--dir", d.conf, "--state-dir", d.state, "--unit-dir", d.unit, "--runtime-dir", d.runtime,
		"--user", u.Username, "--binary", testBinary(t)}
}

// testBinary is an executable that exists, for the unit's ExecStart.
func testBinary(t *testing.T) string {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

func writeTemp(t *testing.T, name, content string) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func googleKeyJSON() string {
	return fmt.Sprintf(`{"type": "service_account", "project_id": "mcoo-klachtbot", "client_id": "104857600123456789012",
"client_email": "klachtbot@mcoo-klachtbot.iam.gserviceaccount.com", "private_key": %q}`, fakeKey)
}

// parsed is the part of the written configuration the structural check reads.
type parsed struct {
	Database      string `toml:"database"`
	ControlSocket string `toml:"control_socket"`
	BotAddress    string `toml:"bot_address"`
	OwnDomains    []string
	Outbox        struct {
		SentCopy string `toml:"sent_copy"`
	} `toml:"outbox"`
	Directors []struct {
		Name, Address string
		IMAP          parsedAccount `toml:"imap"`
		SMTP          parsedAccount `toml:"smtp"`
	} `toml:"directors"`
	OAuth2 map[string]map[string]any `toml:"oauth2"`
}

type parsedAccount struct {
	Host                   string
	Port                   int
	Security, Username     string
	Auth                   string `toml:"auth"`
	OAuth2                 string `toml:"oauth2"`
	PasswordFile           string `toml:"password_file"`
	CAFile                 string `toml:"ca_file"`
	Sent                   string `toml:"sent"`
	CreateComplaintsFolder *bool  `toml:"create_complaints_folder"`
}

// structuralCheck stands in for `klachtbot check` until the loader knows
// the new keys: it asserts what check would need of the configuration.
func structuralCheck(provider string, d dirs, calls *int) func(string, io.Writer) error {
	return func(path string, out io.Writer) error {
		*calls++
		var c parsed
		if _, err := toml.DecodeFile(path, &c); err != nil {
			return err
		}
		var errs []error
		bad := func(f string, a ...any) { errs = append(errs, fmt.Errorf(f, a...)) }
		if c.Database != filepath.Join(d.state, "klachtbot.db") {
			bad("database %q not in the state directory", c.Database)
		}
		if fi, err := os.Stat(filepath.Dir(c.Database)); err != nil || !fi.IsDir() {
			bad("the database's directory: %v", err)
		}
		if c.ControlSocket != filepath.Join(d.runtime, "klachtbot.sock") {
			bad("control_socket %q not in the runtime directory", c.ControlSocket)
		}
		if c.Outbox.SentCopy != "auto" {
			bad("outbox.sent_copy = %q", c.Outbox.SentCopy)
		}
		if len(c.Directors) != 2 {
			bad("%d directors", len(c.Directors))
		}
		for _, dir := range c.Directors {
			if dir.IMAP.Sent != "auto" || dir.IMAP.CreateComplaintsFolder == nil || !*dir.IMAP.CreateComplaintsFolder {
				bad("%s: sent %q, create_complaints_folder %v", dir.Address, dir.IMAP.Sent, dir.IMAP.CreateComplaintsFolder)
			}
			for kind, a := range map[string]parsedAccount{"imap": dir.IMAP, "smtp": dir.SMTP} {
				if a.Host == "" || a.Port == 0 || a.Username != dir.Address {
					bad("%s %s: host %q port %d username %q", dir.Address, kind, a.Host, a.Port, a.Username)
				}
				switch provider {
				case Plain:
					if a.Auth != "password" || a.OAuth2 != "" {
						bad("%s %s: auth %q oauth2 %q", dir.Address, kind, a.Auth, a.OAuth2)
					}
					if fi, err := os.Stat(a.PasswordFile); err != nil || fi.Mode().Perm() != 0o600 {
						bad("%s %s: password_file %s: %v", dir.Address, kind, a.PasswordFile, err)
					}
				default:
					table, ok := c.OAuth2[a.OAuth2]
					if a.Auth != "oauth2" || !ok || table["provider"] != provider {
						bad("%s %s: auth %q, oauth2 %q, table %v", dir.Address, kind, a.Auth, a.OAuth2, table)
					}
				}
			}
		}
		for name, table := range c.OAuth2 {
			for _, key := range []string{"client_secret_file", "service_account_file"} {
				if p, ok := table[key].(string); ok {
					if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
						bad("oauth2.%s.%s %s: %v", name, key, p, err)
					}
				}
			}
		}
		if len(errs) == 0 {
			fmt.Fprintln(out, "structural check passed")
		}
		return errors.Join(errs...)
	}
}

func TestInitProviders(t *testing.T) {
	directors := []string{"--director", "Marco de Vries <Marco@mcoo.nl>", "--director", "Hans <hans@mcoo.nl>"}
	tests := []struct {
		provider string
		args     func(t *testing.T) []string
		secrets  map[string]string // file under --dir -> content
		imapHost string
		want     []string // in the config
	}{
		{
			provider: Microsoft,
			args: func(t *testing.T) []string {
				return []string{"--tenant-id", "6f1d2c3b-0000-4000-8000-00000000aaaa", "--client-id", "0c9e8d7f-0000-4000-8000-00000000bbbb",
					"--client-secret-file", writeTemp(t, "secret", m365Secret+"\n")}
			},
			secrets:  map[string]string{m365SecretFile: m365Secret + "\n"},
			imapHost: "outlook.office365.com",
			want:     []string{`[oauth2.m365]`, `provider = "microsoft"`, `tenant_id = "6f1d2c3b-0000-4000-8000-00000000aaaa"`, `mechanism = "xoauth2"`, `host = "smtp.office365.com"`},
		},
		{
			provider: Google,
			args: func(t *testing.T) []string {
				return []string{"--service-account-file", writeTemp(t, "sa.json", googleKeyJSON())}
			},
			secrets:  map[string]string{googleKeyFile: googleKeyJSON()},
			imapHost: "imap.gmail.com",
			want:     []string{`[oauth2.google]`, `provider = "google"`, `service_account_file = `, `host = "smtp.gmail.com"`},
		},
		{
			provider: Plain,
			args: func(t *testing.T) []string {
				return []string{"--imap-host", "imap.transip.email", "--smtp-host", "smtp.transip.email:465",
					"--password-file", "marco@mcoo.nl=" + writeTemp(t, "m", marcoPass+"\n"), "--password-file", "HANS@mcoo.nl=" + writeTemp(t, "h", hansPass)}
			},
			secrets:  map[string]string{passwordFile("marco@mcoo.nl"): marcoPass + "\n", passwordFile("hans@mcoo.nl"): hansPass + "\n"},
			imapHost: "imap.transip.email",
			want:     []string{`auth = "password"`, `port = 465`, `security = "tls"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			d := newDirs(t)
			args := append(append(append([]string{"--provider", tt.provider, "--domain", "mcoo.nl", "--yes"}, directors...), d.flags(t)...), tt.args(t)...)
			var out bytes.Buffer
			calls := 0
			if err := Run(args, strings.NewReader(""), &out, structuralCheck(tt.provider, d, &calls)); err != nil {
				t.Fatalf("init: %v\n%s", err, out.String())
			}
			if calls != 1 {
				t.Errorf("check ran %d times, want once", calls)
			}
			config := filepath.Join(d.conf, configFile)
			unit := filepath.Join(d.unit, unitFile)
			// The runtime directory lies outside /run here, so the unit's
			// ReadWritePaths names it and init makes it.
			wantModes := map[string]fs.FileMode{config: 0o640, unit: 0o644, d.conf: fs.ModeDir | 0o750, d.state: fs.ModeDir | 0o750, d.runtime: fs.ModeDir | 0o750}
			for name, content := range tt.secrets {
				p := filepath.Join(d.conf, name)
				wantModes[p] = 0o600
				wantModes[filepath.Dir(p)] = fs.ModeDir | 0o750
				if got, err := os.ReadFile(p); err != nil || string(got) != content {
					t.Errorf("%s = %q, %v; want %q", p, got, err, content)
				}
			}
			for p, want := range wantModes {
				if fi, err := os.Stat(p); err != nil || fi.Mode() != want {
					t.Errorf("%s: mode %v (%v), want %v", p, fi.Mode(), err, want)
				}
			}
			text, _ := os.ReadFile(config)
			for _, w := range append(tt.want, `host = "`+tt.imapHost+`"`, `bot_address = "klachten@mcoo.nl"`, `own_domains = ["mcoo.nl"]`, `address = "marco@mcoo.nl"`) {
				if !strings.Contains(string(text), w) {
					t.Errorf("config lacks %s", w)
				}
			}
			for _, secret := range []string{m365Secret, "MIIEvQ", marcoPass, hansPass} {
				if strings.Contains(string(text), secret) || strings.Contains(out.String(), secret) {
					t.Errorf("the secret %q is in the config or the output", secret)
				}
			}
			for _, w := range []string{"structural check passed", "What is left to do by hand", "systemctl enable --now klachtbot", config} {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			verifyUnit(t, unit)
		})
	}
}

// verifyUnit runs systemd-analyze verify on the unit: it must start as written.
func verifyUnit(t *testing.T, unit string) {
	t.Helper()
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		if os.Getenv("KLACHTBOT_REQUIRE_SYSTEMD") == "1" {
			t.Fatal("systemd-analyze not found and KLACHTBOT_REQUIRE_SYSTEMD=1")
		}
		t.Skip("systemd-analyze not installed")
	}
	out, err := exec.Command(sa, "verify", unit).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify %s: %v\n%s", unit, err, out)
	}
}

func TestStepsPerProvider(t *testing.T) {
	tests := []struct {
		provider string
		args     func(t *testing.T) []string
		want     []string
	}{
		{Microsoft, func(t *testing.T) []string {
			return []string{"--tenant-id", "t-1", "--client-id", "c-2", "--client-secret-file", writeTemp(t, "s", m365Secret)}
		}, []string{"IMAP.AccessAsApp", "SMTP.SendAsApp", "Grant admin consent", "New-ServicePrincipal -AppId c-2",
			"Add-MailboxPermission -Identity marco@mcoo.nl", "Set-CASMailbox -Identity marco@mcoo.nl -SmtpClientAuthenticationDisabled $false"}},
		{Google, func(t *testing.T) []string {
			return []string{"--service-account-file", writeTemp(t, "sa.json", googleKeyJSON())}
		}, []string{"domain-wide delegation", "client ID 104857600123456789012", "https://mail.google.com/", "IMAP access"}},
		{Plain, func(t *testing.T) []string {
			return []string{"--imap-host", "mail.example.nl", "--smtp-host", "mail.example.nl", "--password-file", "marco@mcoo.nl=" + writeTemp(t, "p", marcoPass)}
		}, []string{"app password"}},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			d := newDirs(t)
			args := append(append([]string{"--provider", tt.provider, "--domain", "mcoo.nl", "--director", "Marco <marco@mcoo.nl>", "--yes", "--no-check"}, d.flags(t)...), tt.args(t)...)
			var out bytes.Buffer
			if err := Run(args, strings.NewReader(""), &out, nil); err != nil {
				t.Fatal(err)
			}
			for _, w := range append(tt.want, "systemctl enable --now klachtbot", "check --config "+filepath.Join(d.conf, configFile)) {
				if !strings.Contains(out.String(), w) {
					t.Errorf("steps lack %q:\n%s", w, out.String())
				}
			}
		})
	}
}

// TestUserMissing: without the service's user, the steps say how to make it
// and give it its files.
func TestUserMissing(t *testing.T) {
	d := newDirs(t)
	args := append(d.flags(t), "--user", "klachtbot-no-such-user", "--provider", Plain, "--domain", "mcoo.nl", "--director", "M <m@mcoo.nl>", "--yes",
		"--no-check", "--imap-host", "imap.mcoo.nl", "--smtp-host", "smtp.mcoo.nl", "--password-file", "m@mcoo.nl=-")
	var out bytes.Buffer
	if err := Run(args, strings.NewReader("pw\n"), &out, nil); err != nil {
		t.Fatal(err)
	}
	pw := filepath.Join(d.conf, passwordFile("m@mcoo.nl"))
	for _, w := range []string{
		"useradd --system --user-group --home-dir " + d.state + " --shell /usr/sbin/nologin klachtbot-no-such-user",
		"chgrp klachtbot-no-such-user " + d.conf + " " + filepath.Dir(pw) + " " + filepath.Join(d.conf, configFile),
		"chown klachtbot-no-such-user: " + d.state + " " + d.runtime + " " + pw,
		"User=klachtbot-no-such-user",
	} {
		unit, _ := os.ReadFile(filepath.Join(d.unit, unitFile))
		if !strings.Contains(out.String(), w) && !strings.Contains(string(unit), w) {
			t.Errorf("steps lack %q:\n%s", w, out.String())
		}
	}
}

func TestRefusesToOverwrite(t *testing.T) {
	for _, existing := range []string{"config", "secret", "unit"} {
		t.Run(existing, func(t *testing.T) {
			d := newDirs(t)
			paths := map[string]string{"config": filepath.Join(d.conf, configFile), "secret": filepath.Join(d.conf, m365SecretFile), "unit": filepath.Join(d.unit, unitFile)}
			old := paths[existing]
			if err := os.MkdirAll(filepath.Dir(old), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(old, []byte("old\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"--provider", Microsoft, "--domain", "mcoo.nl", "--director", "Marco <marco@mcoo.nl>", "--yes",
				"--tenant-id", "t", "--client-id", "c", "--client-secret-file", "-"}, d.flags(t)...)
			var out bytes.Buffer
			calls := 0
			err := Run(args, strings.NewReader(m365Secret+"\n"), &out, structuralCheck(Microsoft, d, &calls))
			if err == nil || !strings.Contains(err.Error(), old) {
				t.Fatalf("init over an existing %s: %v, want an error naming %s", existing, err, old)
			}
			if b, _ := os.ReadFile(old); string(b) != "old\n" {
				t.Errorf("%s changed to %q", old, b)
			}
			for name, p := range paths {
				if _, err := os.Stat(p); name != existing && err == nil {
					t.Errorf("%s written although %s exists", p, old)
				}
			}
			if calls != 0 {
				t.Error("check ran")
			}
		})
	}
}

func TestMissingValuesNameTheFlag(t *testing.T) {
	d := newDirs(t)
	base := append([]string{"--yes", "--no-check"}, d.flags(t)...)
	tests := []struct {
		args []string
		want string
	}{
		{nil, "--provider is needed"},
		{[]string{"--provider", "exchange"}, "--provider"},
		{[]string{"--provider", Microsoft}, "--domain is needed"},
		{[]string{"--provider", Microsoft, "--domain", "mcoo.nl"}, "--director"},
		{[]string{"--provider", Microsoft, "--domain", "mcoo.nl", "--director", "marco@mcoo.nl"}, `want "Name <address>"`},
		{[]string{"--provider", Microsoft, "--domain", "mcoo.nl", "--director", "M <m@mcoo.nl>"}, "--tenant-id is needed"},
		{[]string{"--provider", Microsoft, "--domain", "mcoo.nl", "--director", "M <m@mcoo.nl>", "--tenant-id", "t", "--client-id", "c"}, "--client-secret-file is needed"},
		{[]string{"--provider", Google, "--domain", "mcoo.nl", "--director", "M <m@mcoo.nl>"}, "--service-account-file is needed"},
		{[]string{"--provider", Google, "--domain", "mcoo.nl", "--director", "M <m@mcoo.nl>", "--service-account-file", writeTemp(t, "x.json", `{"type": "authorized_user"}`)}, "not a service account"},
		{[]string{"--provider", Plain, "--domain", "mcoo.nl", "--director", "M <m@mcoo.nl>"}, "--imap-host is needed"},
		{[]string{"--provider", Plain, "--domain", "mcoo.nl", "--director", "M <m@mcoo.nl>", "--imap-host", "i", "--smtp-host", "s"}, "--password-file m@mcoo.nl=FILE is needed"},
		{[]string{"--provider", Plain, "--domain", "mcoo.nl", "--director", "M <m@mcoo.nl>", "--director", "N <m@mcoo.nl>"}, "given twice"},
		{[]string{"--provider", Plain, "--domain", "mcoo.nl", "--director", "M <m@mcoo.nl>", "--dir", "etc/klachtbot"}, "--dir"},
		{[]string{"--provider", Plain, "--domain", "mcoo.nl", "--director", "M <m@mcoo.nl>", "--binary", "/opt/my bin/klachtbot"}, "--binary"},
		{[]string{"--provider", Plain, "--domain", "mcoo.nl", "--director", "M <m@mcoo.nl>", "--user", "klachtbot\nExecStartPre=/bin/sh"}, "--user"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		err := Run(append(slices.Clone(base), tt.args...), strings.NewReader(""), &out, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("init %v: %v, want an error with %q", tt.args, err, tt.want)
		}
		if _, err := os.Stat(d.conf); err == nil {
			t.Fatalf("init %v wrote %s", tt.args, d.conf)
		}
	}
}

func TestInteractive(t *testing.T) {
	d := newDirs(t)
	answers := strings.Join([]string{
		"exchange",              // provider: not one of the three, asked again
		"microsoft",             //
		"mcoo.nl",               // domain
		"Marco <marco@mcoo.nl>", // director 1
		"not an address",        // asked again
		"Hans <hans@mcoo.nl>",   // director 2
		"",                      // done (the default)
		"",                      // bot address: the default klachten@mcoo.nl
		"tenant-1",              // tenant
		"client-2",              // client
		m365Secret,              // the secret
	}, "\n") + "\n"
	var out bytes.Buffer
	calls := 0
	if err := Run(append([]string{"--interactive"}, d.flags(t)...), strings.NewReader(answers), &out, structuralCheck(Microsoft, d, &calls)); err != nil {
		t.Fatalf("init: %v\n%s", err, out.String())
	}
	for _, w := range []string{"Mail provider", `"exchange": want microsoft, google, plain`, "Director 3", "[done]", "[klachten@mcoo.nl]", "Client secret"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("dialogue lacks %q:\n%s", w, out.String())
		}
	}
	if strings.Contains(out.String(), m365Secret) {
		t.Error("the secret was echoed")
	}
	b, err := os.ReadFile(filepath.Join(d.conf, m365SecretFile))
	if err != nil || string(b) != m365Secret+"\n" {
		t.Errorf("secret file %q, %v", b, err)
	}
	if calls != 1 {
		t.Errorf("check ran %d times", calls)
	}
}

func TestCheckFailureIsReported(t *testing.T) {
	d := newDirs(t)
	args := append([]string{"--provider", Plain, "--domain", "mcoo.nl", "--director", "M <m@mcoo.nl>", "--yes",
		"--imap-host", "imap.mcoo.nl", "--smtp-host", "smtp.mcoo.nl", "--password-file", "m@mcoo.nl=-"}, d.flags(t)...)
	var out bytes.Buffer
	err := Run(args, strings.NewReader("pw\n"), &out, func(string, io.Writer) error { return errors.New("imap m@mcoo.nl: login: FAIL") })
	if err == nil || !strings.Contains(err.Error(), "login: FAIL") {
		t.Fatalf("init with a failing check: %v", err)
	}
	if !strings.Contains(out.String(), "What is left to do by hand") {
		t.Errorf("no steps after a failed check:\n%s", out.String())
	}
}

// defaultOptions are the options of a production run, for the golden files.
func defaultOptions(provider string) *options {
	o := &options{provider: provider, domain: "mcoo.nl", botAddress: "klachten@mcoo.nl",
		directors: []Director{{"Marco", "marco@mcoo.nl"}, {"Hans", "hans@mcoo.nl"}},
		tenantID:  "6f1d2c3b-0000-4000-8000-00000000aaaa", clientID: "0c9e8d7f-0000-4000-8000-00000000bbbb",
		imapHost: "imap.mcoo.nl", smtpHost: "smtp.mcoo.nl",
		dir: "/etc/klachtbot", stateDir: "/var/lib/klachtbot", runtime: "/run/klachtbot", unitDir: "/etc/systemd/system",
		user: "klachtbot", binary: "/usr/local/bin/klachtbot"}
	return o
}

func TestGolden(t *testing.T) {
	unit, err := renderUnit(defaultOptions(Microsoft))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "klachtbot.service", unit)
	for _, p := range []string{Microsoft, Google, Plain} {
		config, err := renderConfig(defaultOptions(p))
		if err != nil {
			t.Fatal(err)
		}
		golden(t, p+".toml", config)
	}
	// The README shows the unit as init writes it.
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(readme, unit) {
		t.Error("README.md does not show the unit init writes (testdata/klachtbot.service)")
	}
}

// TestProductionUnitVerifies: the unit with the default directories
// (StateDirectory, RuntimeDirectory) passes systemd-analyze verify too.
func TestProductionUnitVerifies(t *testing.T) {
	o := defaultOptions(Microsoft)
	o.binary = testBinary(t)
	unit, err := renderUnit(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"StateDirectory=klachtbot\n", "RuntimeDirectory=klachtbot\n", "ProtectSystem=strict\n"} {
		if !bytes.Contains(unit, []byte(w)) {
			t.Errorf("unit lacks %s", w)
		}
	}
	p := filepath.Join(t.TempDir(), unitFile)
	if err := os.WriteFile(p, unit, 0o644); err != nil {
		t.Fatal(err)
	}
	verifyUnit(t, p)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update to rewrite):\n%s", name, got)
	}
}

// uncomment turns the "#key = value" lines (and their "#  " continuations and
// "#[table]" headers) into TOML, leaving prose ("# text") a comment.
func uncomment(text []byte) []byte {
	var b bytes.Buffer
	for _, line := range strings.Split(string(text), "\n") {
		trimmed := strings.TrimLeft(line, " ")
		if rest, ok := strings.CutPrefix(trimmed, "#"); ok && rest != "" && (rest[0] != ' ' || strings.HasPrefix(rest, "  ")) {
			line = rest
		}
		b.WriteString(line + "\n")
	}
	return b.Bytes()
}

// keys lists a TOML document's keys, arrays of tables without index.
func keys(t *testing.T, name string, text []byte) map[string]bool {
	t.Helper()
	var v map[string]any
	md, err := toml.Decode(string(text), &v)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out := map[string]bool{}
	for _, k := range md.Keys() {
		out[k.String()] = true
	}
	return out
}

// newKeys are the keys issue 12 adds to the configuration (oauth2.NAME as oauth2.*).
var newKeys = []string{"directors.imap.auth", "directors.imap.oauth2", "directors.smtp.auth", "directors.smtp.oauth2", "smtp.auth", "smtp.oauth2",
	"directors.imap.create_complaints_folder", "outbox.sent_copy", "oauth2", "oauth2.*", "oauth2.*.provider", "oauth2.*.tenant_id", "oauth2.*.client_id",
	"oauth2.*.client_secret_env", "oauth2.*.client_secret_file", "oauth2.*.service_account_file", "oauth2.*.token_url", "oauth2.*.scopes", "oauth2.*.mechanism"}

// TestEveryExampleKey: what init writes documents every key of
// config.example.toml, and names no key beyond those and the new ones.
func TestEveryExampleKey(t *testing.T) {
	example, err := os.ReadFile("../../../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := keys(t, "config.example.toml", example)
	allowed := maps.Clone(want)
	for _, k := range newKeys {
		allowed[k] = true
	}
	// Keys the loader knows that the example leaves commented out.
	for _, table := range []string{"smtp", "directors.imap", "directors.smtp"} {
		for _, k := range []string{"password_env", "password_file", "ca_file"} {
			allowed[table+"."+k] = true
		}
	}
	lex := reflect.TypeFor[recognize.Lexicon]()
	for i := range lex.NumField() {
		allowed["recognition."+lex.Field(i).Tag.Get("toml")] = true
	}
	weights := reflect.TypeFor[recognize.Weights]()
	for i := range weights.NumField() {
		allowed["recognition.weights."+weights.Field(i).Tag.Get("toml")] = true
	}
	for _, p := range []string{Microsoft, Google, Plain} {
		config, err := renderConfig(defaultOptions(p))
		if err != nil {
			t.Fatal(err)
		}
		active := keys(t, p, config)
		documented := keys(t, p+" uncommented", uncomment(config))
		for k := range want {
			// The example shows a Microsoft 365 app; a plain or Google
			// install has no use for its keys.
			if oauthOnly(k) && p != Microsoft {
				continue
			}
			if !documented[k] {
				t.Errorf("%s: the config init writes lacks %s", p, k)
			}
		}
		for k := range documented {
			if g := generic(k); !allowed[g] {
				t.Errorf("%s: the config init writes has %s, a key the loader does not know", p, k)
			}
		}
		for k := range active {
			if !documented[k] {
				t.Errorf("%s: %s lost by uncommenting", p, k)
			}
		}
	}
}

// oauthOnly: a key of the example's OAuth2 login.
func oauthOnly(k string) bool {
	return strings.HasPrefix(k, "oauth2") || strings.HasSuffix(k, ".oauth2")
}

// generic names an [oauth2.NAME] key as oauth2.*.
func generic(k string) string {
	parts := strings.Split(k, ".")
	if parts[0] == "oauth2" && len(parts) > 1 {
		parts[1] = "*"
	}
	return strings.Join(parts, ".")
}

// testCA is a self-signed CA certificate in PEM, as --ca-file takes it.
func testCA(t *testing.T) string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"}, IsCA: true, BasicConstraintsValid: true,
		NotBefore: time.Unix(0, 0), NotAfter: time.Unix(0, 0).AddDate(100, 0, 0), KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// TestInitPlainSecurity: --security and --ca-file set every plain account's
// security and CA file, so a server on other ports or with its own CA needs
// no hand edits before check passes.
func TestInitPlainSecurity(t *testing.T) {
	ca := testCA(t)
	tests := []struct {
		name               string
		imap, smtp         string
		flags              []string
		wantIMAP, wantSMTP string
		wantCA             bool
		wantErr            string
	}{
		{"from the ports", "mail.example.nl:993", "mail.example.nl:587", nil, "tls", "starttls", false, ""},
		{"from the ports, 143 and 465", "mail.example.nl:143", "mail.example.nl:465", nil, "starttls", "tls", false, ""},
		{"one mode for both", "mail.example.nl:6143", "mail.example.nl:6587", []string{"--security", "starttls"}, "starttls", "starttls", false, ""},
		{"per protocol", "mail.example.nl:6993", "mail.example.nl:6465", []string{"--security", "imap=tls,smtp=tls"}, "tls", "tls", false, ""},
		{"one protocol, the other from its port", "127.0.0.1:6143", "127.0.0.1:587", []string{"--security", "imap=none"}, "none", "starttls", false, ""},
		{"own CA", "mail.example.nl:6993", "mail.example.nl:6587", []string{"--ca-file", writeTemp(t, "ca.pem", ca)}, "tls", "starttls", true, ""},
		{"unknown mode", "mail.example.nl", "mail.example.nl", []string{"--security", "ssl"}, "", "", false, `--security "ssl": want tls, starttls, none`},
		{"not a certificate", "mail.example.nl", "mail.example.nl", []string{"--ca-file", writeTemp(t, "x.pem", "not a pem")}, "", "", false, "not a PEM file of certificates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDirs(t)
			args := append([]string{"--provider", Plain, "--domain", "mcoo.nl", "--yes", "--no-check", "--director", "Marco <marco@mcoo.nl>",
				"--imap-host", tt.imap, "--smtp-host", tt.smtp, "--password-file", "marco@mcoo.nl=" + writeTemp(t, "m", marcoPass)}, d.flags(t)...)
			var out bytes.Buffer
			err := Run(append(args, tt.flags...), strings.NewReader(""), &out, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("init: %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("init: %v\n%s", err, out.String())
			}
			var cfg parsed
			if _, err := toml.DecodeFile(filepath.Join(d.conf, configFile), &cfg); err != nil {
				t.Fatal(err)
			}
			wantCA := ""
			if tt.wantCA {
				wantCA = filepath.Join(d.conf, caFile)
				if got, err := os.ReadFile(wantCA); err != nil || string(got) != ca {
					t.Errorf("%s: %v, want the CA given", wantCA, err)
				}
			}
			acc := cfg.Directors[0]
			if acc.IMAP.Security != tt.wantIMAP || acc.SMTP.Security != tt.wantSMTP || acc.IMAP.CAFile != wantCA || acc.SMTP.CAFile != wantCA {
				t.Errorf("imap %q (ca %q), smtp %q (ca %q); want %q, %q, ca %q", acc.IMAP.Security, acc.IMAP.CAFile, acc.SMTP.Security, acc.SMTP.CAFile, tt.wantIMAP, tt.wantSMTP, wantCA)
			}
		})
	}
}

// TestUnitPrivateTmp: the unit gives the service a /tmp of its own, except
// when init's files lie under /tmp or /var/tmp, which that would hide from it.
func TestUnitPrivateTmp(t *testing.T) {
	tests := []struct {
		name    string
		set     func(o *options)
		private bool
	}{
		{"the defaults", func(*options) {}, true},
		{"everything under /tmp", func(o *options) {
			o.dir, o.stateDir, o.runtime = "/tmp/kb/etc", "/tmp/kb/state", "/tmp/kb/run"
		}, false},
		{"the state under /var/tmp", func(o *options) { o.stateDir = "/var/tmp/klachtbot" }, false},
		{"the binary under /tmp", func(o *options) { o.binary = "/tmp/go-build/klachtbot" }, false},
		{"a directory named like it", func(o *options) { o.dir = "/srv/tmp/klachtbot" }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := defaultOptions(Plain)
			tt.set(o)
			unit, err := renderUnit(o)
			if err != nil {
				t.Fatal(err)
			}
			has := regexp.MustCompile(`(?m)^PrivateTmp=yes$`).Match(unit)
			if has != tt.private {
				t.Errorf("PrivateTmp=yes: %v, want %v:\n%s", has, tt.private, unit)
			}
			if !has && !strings.Contains(string(unit), "# PrivateTmp=yes is left out: it would hide /") {
				t.Errorf("the unit does not say why PrivateTmp is left out:\n%s", unit)
			}
		})
	}
}
