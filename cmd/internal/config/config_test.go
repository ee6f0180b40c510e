package config

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/workflow/recognize"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "k.toml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const minimal = `
[smtp]
host = "smtp.mcoo.nl"
username = "marco@mcoo.nl"
password_env = "KB_PW"
[[directors]]
name = "Marco"
address = "Marco@MCOO.nl"
  [directors.imap]
  host = "imap.mcoo.nl"
  username = "marco@mcoo.nl"
  password_env = "KB_PW"
`

func TestConfigDefaults(t *testing.T) {
	path := writeConfig(t, minimal)
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	d := cfg.Directors[0]
	if cfg.Timezone != "Europe/Amsterdam" || cfg.Loc.String() != "Europe/Amsterdam" ||
		cfg.Database != filepath.Join(filepath.Dir(path), "klachtbot.db") || cfg.ControlSocket != cfg.Database+".sock" ||
		cfg.Procedure.TargetDays != 14 || cfg.Procedure.FirstResponseDays != 3 || cfg.Procedure.WarnDaysBefore != 4 ||
		cfg.Schedule.Digest != "0 8 * * 1-5" || cfg.SMTP.Port != 587 || cfg.SMTP.Security != "starttls" ||
		d.Address != "marco@mcoo.nl" || d.IMAP.Port != 993 || d.IMAP.Security != "tls" || d.IMAP.Inbox != "INBOX" ||
		d.IMAP.Sent != "auto" || !*d.IMAP.CreateComplaints || cfg.Outbox.SentCopy != "auto" || len(cfg.OwnDomains) != 1 || cfg.OwnDomains[0] != "mcoo.nl" {
		t.Errorf("defaults: %+v", cfg)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"unknown key", minimal + "\nfoo = 1\n", "foo: unknown key"},
		{"password in file", strings.Replace(minimal, `password_env = "KB_PW"`, `password = "geheim"`, 1), "smtp.password: passwords may not be written in the config"},
		{"plaintext to remote", strings.Replace(minimal, `host = "smtp.mcoo.nl"`, "host = \"smtp.mcoo.nl\"\nsecurity = \"none\"", 1), `smtp.security: "none" (plaintext) is only allowed to a loopback host`},
		{"bad security", strings.Replace(minimal, `host = "smtp.mcoo.nl"`, "host = \"smtp.mcoo.nl\"\nsecurity = \"ssl\"", 1), `smtp.security: "ssl": must be`},
		{"bad cron", minimal + "[schedule]\ndigest = \"every morning\"\n", "schedule.digest"},
		{"bad zone", "timezone = \"Mars/Olympus\"\n" + minimal, "timezone"},
		{"no directors", "[smtp]\nhost = \"x\"\n", "directors: at least one"},
		{"no password", strings.Replace(minimal, "  password_env = \"KB_PW\"\n", "", 1), `directors[0].imap: username "marco@mcoo.nl" needs password_env or password_file`},
		{"bad address", strings.Replace(minimal, `address = "Marco@MCOO.nl"`, `address = "marco"`, 1), "directors[0].address"},
		{"staff outside the firm", minimal + "[[firm.staff]]\nname = \"Anna\"\naddress = \"anna@gmail.com\"\n", "firm.staff[0].address: anna@gmail.com is not in the firm's own domains (mcoo.nl)"},
		{"staff without a name", minimal + "[[firm.staff]]\naddress = \"anna@mcoo.nl\"\n", "firm.staff[0].name: missing"},
		{"staff twice", minimal + "[[firm.staff]]\nname = \"Anna\"\naddress = \"anna@mcoo.nl\"\n[[firm.staff]]\nname = \"Anna B\"\naddress = \"Anna@mcoo.nl\"\n", "firm.staff[1].address: anna@mcoo.nl is listed twice"},
	}
	for _, tt := range tests {
		_, err := Load(writeConfig(t, tt.body))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
}

func TestConfigSecrets(t *testing.T) {
	cfg, err := Load(writeConfig(t, minimal))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("KB_PW", "")
	if _, err := cfg.Server("smtp", &cfg.SMTP); err == nil || !strings.Contains(err.Error(), "KB_PW is not set") {
		t.Errorf("unset env: %v", err)
	}
	t.Setenv("KB_PW", "s3cret")
	if srv, err := cfg.Server("smtp", &cfg.SMTP); err != nil || srv.Password != "s3cret" {
		t.Errorf("env secret: %v", err)
	}
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("from-file\n"), 0o600)
	s := cfg.SMTP
	s.PasswordEnv, s.PasswordFile = "", pw
	if srv, err := cfg.Server("smtp", &s); err != nil || srv.Password != "from-file" {
		t.Errorf("file secret: %+v %v", srv, err)
	}
}

// TestExampleConfig: the shipped example loads, and documents every key.
func TestExampleConfig(t *testing.T) {
	t.Setenv("KLACHTBOT_SMTP_PASSWORD", "x")
	cfg, err := Load("../../../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	// The lists shown are the defaults, word for word.
	if !reflect.DeepEqual(cfg.Recognition, recognize.DefaultLexicon()) {
		t.Error("the [recognition] lists in config.example.toml differ from recognize.DefaultLexicon")
	}
	example, _ := os.ReadFile("../../../config.example.toml")
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			tag := f.Tag.Get("toml")
			if f.Anonymous {
				walk(f.Type)
				continue
			}
			if tag == "" {
				continue
			}
			if !strings.Contains(string(example), tag) {
				t.Errorf("config.example.toml does not document %q", tag)
			}
			ft := f.Type
			for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && ft.Name() != "duration" {
				walk(ft)
			}
		}
	}
	walk(reflect.TypeOf(Config{}))
}

// A [recognition] list replaces its default; the others stay. The
// directors' and staff's names count as the firm's.
func TestConfigRecognition(t *testing.T) {
	path := writeConfig(t, "confirm_commands = false\n[recognition]\nfirm = [\"jullie\", \"sandra\"]\n[recognition.weights]\ncomplaint_at = 5\n"+minimal+
		"[[firm.staff]]\nname = \"Anna de Boer\"\naddress = \"anna@mcoo.nl\"\n")
	t.Setenv("KB_PW", "x")
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	def := recognize.DefaultLexicon()
	wc := cfg.Workflow()
	if !slices.Equal(wc.Recognition.Firm, []string{"jullie", "sandra", "Anna de Boer", "Anna", "marco"}) || wc.Recognition.Weights.ComplaintAt != 5 ||
		!slices.Equal(wc.Recognition.ComplaintWords, def.ComplaintWords) || wc.Recognition.Weights.DoubtfulAt != def.Weights.DoubtfulAt {
		t.Errorf("recognition: firm %v, weights %+v", wc.Recognition.Firm, wc.Recognition.Weights)
	}
	if wc.ConfirmCommands {
		t.Error("confirm_commands = false ignored")
	}
}

// TestControlSocketDefault: under systemd the socket goes to the unit's
// RuntimeDirectory, not next to the (read-only) configuration.
func TestControlSocketDefault(t *testing.T) {
	t.Setenv("KB_PW", "x")
	run := t.TempDir()
	t.Setenv("RUNTIME_DIRECTORY", run)
	cfg, err := Load(writeConfig(t, minimal))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(run, "klachtbot.sock"); cfg.ControlSocket != want {
		t.Errorf("control socket %s, want %s", cfg.ControlSocket, want)
	}
	cfg, _ = Load(writeConfig(t, "control_socket = \"/srv/k.sock\"\n"+minimal))
	if cfg.ControlSocket != "/srv/k.sock" {
		t.Errorf("a configured socket was replaced: %s", cfg.ControlSocket)
	}
}

// TestStaffNames: the firm's people in [[firm.staff]] reach the procedure
// (#betrokkene) and, by name, recognition.
func TestStaffNames(t *testing.T) {
	t.Setenv("KLACHTBOT_SMTP_PASSWORD", "x")
	cfg, err := Load("../../../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.StaffNames(); !slices.Equal(got, []string{"Anna de Boer", "Anna"}) {
		t.Errorf("staff names %q", got)
	}
	if staff := cfg.Workflow().Firm.Staff; len(staff) != 1 || staff[0].Address != "anna@mcoo.nl" {
		t.Errorf("workflow's staff %+v", staff)
	}
}
