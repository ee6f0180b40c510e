package config

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

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

// TestConfigReachesRules: the keys the rules read arrive in their
// configuration as written, the default when not written, and a 0 limit
// stays 0 (no limit).
func TestConfigReachesRules(t *testing.T) {
	tests := []struct {
		name, body    string
		hops, perHour int
		authserv      string
	}{
		{"defaults", minimal, 1, 20, ""},
		{"Postfix delivering to Dovecot over LMTP", "authserv_id = \"mx.mcoo.nl\"\ntrusted_hops = 2\n[procedure]\nmax_acks_per_hour = 2\n" + minimal, 2, 2, "mx.mcoo.nl"},
		{"no hourly limit", "[procedure]\nmax_acks_per_hour = 0\n" + minimal, 1, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load(writeConfig(t, tt.body))
			if err != nil {
				t.Fatal(err)
			}
			wc := cfg.Workflow()
			if wc.TrustedHops != tt.hops || wc.MaxAcksPerHour != tt.perHour || wc.AuthServID != tt.authserv {
				t.Errorf("rules get trusted_hops %d, max_acks_per_hour %d, authserv_id %q; want %d, %d, %q",
					wc.TrustedHops, wc.MaxAcksPerHour, wc.AuthServID, tt.hops, tt.perHour, tt.authserv)
			}
		})
	}
}

// used is everything of a configuration the service hands on: the rules'
// settings, the outbox's, and what it reads itself (service.go, main.go).
func used(c *Config) any {
	return struct {
		Workflow                                 any
		Outbox                                   any
		Zone, Database, Socket, LogLevel, LogFmt string
		Metrics, Deadlines                       string
		Poll, Idle, Timeout                      any
	}{c.Workflow(), c.OutboxSettings(), c.Loc.String(), c.Database, c.ControlSocket, c.LogLevel, c.LogFormat,
		c.MetricsListen, c.Schedule.Deadlines, c.IMAP.PollInterval, c.IMAP.IdleRefresh, c.IMAP.CommandTimeout}
}

// TestEveryKeyReachesItsUser: a key of config.example.toml changed from its
// default changes what the service hands to the rules, the outbox or its own
// loops, so no key is read and then dropped. (The behaviour each one names is
// tested where it lives: workflow's TestSettings and the packages' own tests.
// The account keys are tested by check; max_acks_per_hour and trusted_hops
// by their own tests.)
func TestEveryKeyReachesItsUser(t *testing.T) {
	// All in one directory: relative paths resolve alike.
	dir := t.TempDir()
	load := func(name, body string) *Config {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	def := load("default.toml", minimal)
	if again := load("again.toml", minimal); !reflect.DeepEqual(used(again), used(def)) {
		t.Fatal("two loads of the same configuration differ")
	}
	tests := []struct{ key, top, section string }{
		{key: "timezone", top: `timezone = "Europe/London"`},
		{key: "database", top: `database = "elders.db"`},
		{key: "bot_address", top: `bot_address = "klachtbot@mcoo.nl"`},
		{key: "control_socket", top: `control_socket = "/run/elders.sock"`},
		{key: "log_level", top: `log_level = "warn"`},
		{key: "log_format", top: `log_format = "json"`},
		{key: "own_domains", top: `own_domains = ["mcoo.nl", "mcoo.be"]`},
		{key: "authserv_id", top: `authserv_id = "mx.mcoo.nl"`},
		{key: "metrics_listen", top: `metrics_listen = "127.0.0.1:9310"`},
		{key: "confirm_commands", top: `confirm_commands = false`},
		{key: "digest_limit", top: `digest_limit = 5`},
		{key: "firm.name", section: "[firm]\nname = \"MCOO\""},
		{key: "firm.phone", section: "[firm]\nphone = \"030 000 00 00\""},
		{key: "firm.klachtenregeling_url", section: "[firm]\nklachtenregeling_url = \"https://mcoo.nl/k\""},
		{key: "firm.reply_to", section: "[firm]\nreply_to = \"secretariaat@mcoo.nl\""},
		{key: "firm.staff", section: "[[firm.staff]]\nname = \"Piet\"\naddress = \"piet@mcoo.nl\""},
		{key: "firm.signatures", section: "[firm.signatures]\n\"marco@mcoo.nl\" = [\"M. de Vries\"]"},
		{key: "procedure.target_days", section: "[procedure]\ntarget_days = 10"},
		{key: "procedure.first_response_days", section: "[procedure]\nfirst_response_days = 2"},
		{key: "procedure.warn_days_before", section: "[procedure]\nwarn_days_before = 2"},
		{key: "procedure.look_back", section: "[procedure]\nlook_back = \"24h\""},
		{key: "procedure.max_acks_per_day", section: "[procedure]\nmax_acks_per_day = 1"},
		{key: "procedure.liberation_day", section: "[procedure]\nliberation_day = \"always\""},
		{key: "procedure.good_friday", section: "[procedure]\ngood_friday = true"},
		{key: "procedure.target_on_working_day", section: "[procedure]\ntarget_on_working_day = false"},
		{key: "schedule.digest", section: "[schedule]\ndigest = \"0 9 * * 1-5\""},
		{key: "schedule.deadlines", section: "[schedule]\ndeadlines = \"*/5 * * * *\""},
		{key: "retention.years", section: "[retention]\nyears = 10"},
		{key: "alerts.to", section: "[alerts]\nto = [\"beheer@mcoo.nl\"]"},
		{key: "alerts.after", section: "[alerts]\nafter = \"5m\""},
		{key: "alerts.repeat", section: "[alerts]\nrepeat = \"1h\""},
		{key: "imap.poll_interval", section: "[imap]\npoll_interval = \"5m\""},
		{key: "imap.idle_refresh", section: "[imap]\nidle_refresh = \"10m\""},
		{key: "imap.command_timeout", section: "[imap]\ncommand_timeout = \"2m\""},
		{key: "outbox.retry_base", section: "[outbox]\nretry_base = \"2m\""},
		{key: "outbox.retry_max", section: "[outbox]\nretry_max = \"2h\""},
		{key: "outbox.give_up_after", section: "[outbox]\ngive_up_after = \"24h\""},
		{key: "outbox.confirm_wait", section: "[outbox]\nconfirm_wait = \"5m\""},
		{key: "outbox.sent_copy", section: "[outbox]\nsent_copy = \"bcc\""},
		{key: "recognition.complaint_words", section: "[recognition]\ncomplaint_words = [\"klacht\"]"},
		{key: "recognition.weights.complaint_at", section: "[recognition.weights]\ncomplaint_at = 5"},
	}
	// Every setting of config.example.toml is in the table, or tested elsewhere.
	elsewhere := map[string]bool{
		"trusted_hops": true, "procedure.max_acks_per_hour": true, // their own tests
		"templates_dir": true, // needs a directory of overrides: workflow/intake_test.go
	}
	var meta map[string]any
	md, err := toml.DecodeFile("../../../config.example.toml", &meta)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, tt := range tests {
		listed[tt.key] = true
	}
	for _, k := range md.Keys() {
		key := k.String()
		if top := k[0]; top == "directors" || top == "smtp" || top == "oauth2" || top == "recognition" ||
			top == "firm" && len(k) > 2 && (k[1] == "signatures" || k[1] == "staff") {
			continue // accounts (check's tests), lexicon lists (recognize's), an entry's own keys (one row for the table)
		}
		if md.Type(k...) == "Hash" || listed[key] || elsewhere[key] {
			continue
		}
		t.Errorf("%s is in config.example.toml but not in this table", key)
	}

	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			cfg := load(strings.ReplaceAll(tt.key, ".", "-")+".toml", tt.top+"\n"+minimal+"\n"+tt.section+"\n")
			if reflect.DeepEqual(used(cfg), used(def)) {
				t.Errorf("%s changes nothing the service uses", tt.key)
			}
		})
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
