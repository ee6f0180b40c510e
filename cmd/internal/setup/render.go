package setup

import (
	"bytes"
	"cmp"
	_ "embed"
	"fmt"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"text/template"
	"unicode"

	"github.com/mcoo/klachtbot/mailbox"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

// DefaultDir is --dir's default; DefaultConfig the configuration init writes
// there, which every command reads when it is given no --config.
const (
	DefaultDir    = "/etc/klachtbot"
	DefaultConfig = DefaultDir + "/" + configFile
)

// Files init writes, relative to --dir.
const (
	configFile     = "klachtbot.toml"
	m365SecretFile = "secrets/m365-client-secret"
	googleKeyFile  = "secrets/google-service-account.json"
	caFile         = "ca.pem" // --ca-file's copy
	unitFile       = "klachtbot.service"
)

// passwordFile is where a director's password goes, relative to --dir.
func passwordFile(addr string) string { return "passwords/" + addr }

var (
	//go:embed config.toml.tmpl
	configText string
	//go:embed unit.tmpl
	unitText string
	//go:embed steps.tmpl
	stepsText string

	configTmpl = template.Must(template.New("config").Funcs(template.FuncMap{"q": tomlString}).Parse(configText))
	unitTmpl   = template.Must(template.New("unit").Parse(unitText))
)

// Provider defaults: hosts, and the token endpoint and scopes for the
// commented overrides.
var providers = map[string]struct {
	title, imapHost, smtpHost, tokenURL string
	scopes                              []string
}{
	Microsoft: {"Microsoft 365", "outlook.office365.com", "smtp.office365.com", "https://login.microsoftonline.com/%s/oauth2/v2.0/token", []string{"https://outlook.office365.com/.default"}},
	Google:    {"Google Workspace", "imap.gmail.com", "smtp.gmail.com", "https://oauth2.googleapis.com/token", []string{"https://mail.google.com/"}},
	Plain:     {title: "an IMAP host with passwords"},
}

type accountData struct {
	Host                              string
	Port                              int
	Security, Username, Auth, OAuth2  string
	PasswordEnv, PasswordFile, CAFile string
	UseCA                             bool // ca_file is set, not only shown
}

type directorData struct {
	Name, Address string
	IMAP, SMTP    accountData
}

type oauth2Data struct {
	Name, Provider, TenantID, ClientID   string
	ClientSecretFile, ServiceAccountFile string
	TokenURL                             string
	Scopes                               []string
}

// layout is where everything goes.
type layout struct {
	Dir, StateDir, RuntimeDir, UnitDir string
	ConfigPath, UnitPath               string
	Database, ControlSocket            string
}

func newLayout(o *options) layout {
	return layout{
		Dir: o.dir, StateDir: o.stateDir, RuntimeDir: o.runtime, UnitDir: o.unitDir,
		ConfigPath: filepath.Join(o.dir, configFile), UnitPath: filepath.Join(o.unitDir, unitFile),
		Database: filepath.Join(o.stateDir, "klachtbot.db"), ControlSocket: filepath.Join(o.runtime, "klachtbot.sock"),
	}
}

// renderConfig is the configuration file init writes.
func renderConfig(o *options) ([]byte, error) {
	l := newLayout(o)
	p := providers[o.provider]
	ca := filepath.Join(o.dir, caFile)
	account := func(host string, port int, security, user string) accountData {
		a := accountData{Host: host, Port: port, Security: security, Username: user, CAFile: ca, UseCA: o.caFile != "",
			PasswordEnv: envName(user), PasswordFile: filepath.Join(o.dir, passwordFile(user))}
		switch o.provider {
		case Microsoft:
			a.Auth, a.OAuth2 = "oauth2", "m365"
		case Google:
			a.Auth, a.OAuth2 = "oauth2", "google"
		default:
			a.Auth = "password"
		}
		return a
	}
	imapHost, imapPort, imapSec := p.imapHost, 993, "tls"
	smtpHost, smtpPort, smtpSec := p.smtpHost, 587, "starttls"
	if o.provider == Plain {
		imapHost, imapPort, _ = hostPort(o.imapHost, 993)
		smtpHost, smtpPort, _ = hostPort(o.smtpHost, 587)
		if imapPort == 143 {
			imapSec = "starttls"
		}
		if smtpPort == 465 {
			smtpSec = "tls"
		}
		imapSec, smtpSec = cmp.Or(o.imapSecurity, imapSec), cmp.Or(o.smtpSecurity, smtpSec)
	}
	data := struct {
		layout
		Provider, ProviderTitle, Domain, BotAddress, CAFile string
		DefaultSMTP                                         accountData
		Directors                                           []directorData
		OAuth2                                              *oauth2Data
		Recognition                                         string
	}{
		layout: l, Provider: o.provider, ProviderTitle: p.title, Domain: o.domain, BotAddress: o.botAddress, CAFile: ca,
		DefaultSMTP: account(smtpHost, smtpPort, smtpSec, o.botAddress),
		Recognition: commentedLexicon(),
	}
	for _, d := range o.directors {
		data.Directors = append(data.Directors, directorData{Name: d.Name, Address: d.Address,
			IMAP: account(imapHost, imapPort, imapSec, d.Address), SMTP: account(smtpHost, smtpPort, smtpSec, d.Address)})
	}
	switch o.provider {
	case Microsoft:
		data.OAuth2 = &oauth2Data{Name: "m365", Provider: Microsoft, TenantID: o.tenantID, ClientID: o.clientID,
			ClientSecretFile: filepath.Join(o.dir, m365SecretFile), TokenURL: fmt.Sprintf(p.tokenURL, o.tenantID), Scopes: p.scopes}
	case Google:
		data.OAuth2 = &oauth2Data{Name: "google", Provider: Google,
			ServiceAccountFile: filepath.Join(o.dir, googleKeyFile), TokenURL: p.tokenURL, Scopes: p.scopes}
	}
	var b bytes.Buffer
	if err := configTmpl.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("render the configuration: %w", err)
	}
	return b.Bytes(), nil
}

// renderUnit is the systemd unit. The database and socket directories are
// the unit's StateDirectory and RuntimeDirectory when they lie under
// /var/lib and /run, which systemd then creates for the service's user;
// elsewhere they are ReadWritePaths.
func renderUnit(o *options) ([]byte, error) {
	l := newLayout(o)
	data := struct {
		layout
		User, Binary                                     string
		StateDirectory, RuntimeDirectory, ReadWritePaths string
		InTmp                                            string // a path PrivateTmp=yes would hide
	}{layout: l, User: o.user, Binary: o.binary}
	// PrivateTmp=yes gives the service a /tmp of its own: a trial set up
	// under /tmp would find neither its configuration nor its database.
	// Kept for every other layout (the defaults), left out with a comment
	// for such a trial rather than refusing it.
	for _, p := range []string{o.dir, o.stateDir, o.runtime, o.binary} {
		_, tmp := under("/tmp", p)
		_, varTmp := under("/var/tmp", p)
		if tmp || varTmp {
			data.InTmp = p
			break
		}
	}
	var rw []string
	if rel, ok := under("/var/lib", o.stateDir); ok {
		data.StateDirectory = rel
	} else {
		rw = append(rw, o.stateDir)
	}
	if rel, ok := under("/run", o.runtime); ok {
		data.RuntimeDirectory = rel
	} else {
		rw = append(rw, o.runtime)
	}
	data.ReadWritePaths = strings.Join(rw, " ")
	var b bytes.Buffer
	if err := unitTmpl.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("render the unit: %w", err)
	}
	return b.Bytes(), nil
}

// stepsData is what the remaining steps name.
type stepsData struct {
	layout
	Provider, User, Binary, TenantID, ClientID string
	SecretFile, PasswordsDir                   string
	GoogleClientID, GoogleClientEmail          string
	Directors                                  []Director
	Written, Chown                             []string
	UserMissing                                bool
}

func renderSteps(d stepsData) (string, error) {
	n := 0
	t, err := template.New("steps").Funcs(template.FuncMap{"inc": func() int { n++; return n }}).Parse(stepsText)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return "", fmt.Errorf("render the remaining steps: %w", err)
	}
	return b.String(), nil
}

// googleKeyID is the service account's client ID and address, for the
// delegation step; the key itself is never printed.
func googleKeyID(key []byte) (id, email string) {
	k, err := mailbox.ParseServiceAccount(key)
	if err != nil {
		return "", "" // validated when read
	}
	return k.ClientID, k.ClientEmail
}

// under returns p relative to base when it lies strictly below it.
func under(base, p string) (string, bool) {
	rel, err := filepath.Rel(base, p)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return "", false
	}
	return rel, true
}

// envName is the environment variable a password_env example names.
func envName(addr string) string {
	local, _, _ := strings.Cut(addr, "@")
	return "KLACHTBOT_" + strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return unicode.ToUpper(r)
		}
		return '_'
	}, local) + "_PASSWORD"
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// commentedLexicon is the default recognition lexicon as commented-out TOML:
// every list and weight, so the file shows what a change would replace.
func commentedLexicon() string {
	var b strings.Builder
	lex := recognize.DefaultLexicon()
	v, t := reflect.ValueOf(lex), reflect.TypeOf(lex)
	var weights reflect.Value
	for i := range t.NumField() {
		key := t.Field(i).Tag.Get("toml")
		switch f := v.Field(i); {
		case key == "weights":
			weights = f
		case f.Kind() == reflect.Slice:
			writeList(&b, key, f.Interface().([]string))
		}
	}
	b.WriteString("\n# Points per signal, caps and thresholds: a mail scoring complaint_at or\n# more is a complaint, doubtful_at or more is held for the director.\n[recognition.weights]\n")
	wt := weights.Type()
	for i := range wt.NumField() {
		f := weights.Field(i)
		var s string
		switch f.Kind() {
		case reflect.Float64:
			s = strconv.FormatFloat(f.Float(), 'g', -1, 64)
		default:
			s = strconv.FormatInt(f.Int(), 10)
		}
		fmt.Fprintf(&b, "#%s = %s\n", wt.Field(i).Tag.Get("toml"), s)
	}
	return b.String()
}

// writeList writes `#key = ["a", "b", ...]` wrapped near 100 columns; the
// continuation lines start with "#  ".
func writeList(b *strings.Builder, key string, list []string) {
	line := "#" + key + " = ["
	for i, s := range list {
		item := tomlString(s)
		if i < len(list)-1 {
			item += ","
		}
		if len(line)+1+len(item) > 100 {
			b.WriteString(line + "\n")
			line = "#  " + item
			continue
		}
		if !strings.HasSuffix(line, "[") {
			line += " "
		}
		line += item
	}
	b.WriteString(line + "]\n")
}
