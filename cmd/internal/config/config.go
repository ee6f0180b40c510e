// Package config reads klachtbot's TOML configuration: defaults, checks
// that name the key at fault, and the pieces the service is built from
// (the procedure's settings for workflow, the accounts for mailbox). It
// reads files and the environment only; it connects to nothing.
package config

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/robfig/cron/v3"

	"github.com/mcoo/klachtbot/mailbox"
	"github.com/mcoo/klachtbot/workflow"
	"github.com/mcoo/klachtbot/workflow/calendar"
	"github.com/mcoo/klachtbot/workflow/outbox"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

// Config is the TOML configuration; config.example.toml documents every key.
type Config struct {
	Timezone      string   `toml:"timezone"`
	Database      string   `toml:"database"`
	BotAddress    string   `toml:"bot_address"`
	ControlSocket string   `toml:"control_socket"`
	LogLevel      string   `toml:"log_level"`
	LogFormat     string   `toml:"log_format"`
	OwnDomains    []string `toml:"own_domains"`
	AuthServID    string   `toml:"authserv_id"`
	TrustedHops   int      `toml:"trusted_hops"`
	MetricsListen string   `toml:"metrics_listen"` // /metrics and /healthz on a loopback address; "" off

	workflow.Voice // templates_dir, digest_limit, [firm]
	Procedure      struct {
		TargetDays        int      `toml:"target_days"`
		FirstResponseDays int      `toml:"first_response_days"`
		WarnDaysBefore    int      `toml:"warn_days_before"`
		LookBack          duration `toml:"look_back"`
		MaxAcksPerDay     int      `toml:"max_acks_per_day"`
		MaxAcksPerHour    *int     `toml:"max_acks_per_hour"`
		LiberationDay     string   `toml:"liberation_day"`
		calendar.DaysOff           // good_friday, target_on_working_day
	} `toml:"procedure"`
	Schedule struct {
		Digest    string `toml:"digest"`
		Deadlines string `toml:"deadlines"`
	} `toml:"schedule"`
	// Recognition starts from recognize.DefaultLexicon; a list given here
	// replaces that list.
	Recognition recognize.Lexicon `toml:"recognition"`
	// ConfirmCommands: a director's applied commands are confirmed in one line.
	ConfirmCommands *bool `toml:"confirm_commands"`
	IMAP            struct {
		PollInterval   duration `toml:"poll_interval"`
		IdleRefresh    duration `toml:"idle_refresh"`
		CommandTimeout duration `toml:"command_timeout"`
	} `toml:"imap"`
	Outbox struct {
		RetryBase   duration        `toml:"retry_base"`
		RetryMax    duration        `toml:"retry_max"`
		GiveUpAfter duration        `toml:"give_up_after"`
		ConfirmWait duration        `toml:"confirm_wait"`
		SentCopy    outbox.SentCopy `toml:"sent_copy"` // "auto", "server" or "bcc"
	} `toml:"outbox"`
	Retention struct {
		Years int `toml:"years"`
	} `toml:"retention"`
	Alerts struct {
		To     []string `toml:"to"`
		After  duration `toml:"after"`
		Repeat duration `toml:"repeat"`
	} `toml:"alerts"`
	SMTP      mailbox.Account            `toml:"smtp"`
	Directors []DirectorConfig           `toml:"directors"`
	OAuth2    map[string]*mailbox.OAuth2 `toml:"oauth2"`

	File   string         `toml:"-"` // the config file
	Dir    string         `toml:"-"` // of the config file: relative paths are resolved against it
	Loc    *time.Location `toml:"-"`
	tokens mailbox.TokenCache
}

// duration decodes "5m"-style strings.
type duration struct{ time.Duration }

func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	d.Duration = v
	return err
}

// IMAPConfig is a director's mailbox.
type IMAPConfig struct {
	mailbox.Account
	Inbox            string `toml:"inbox"`
	Sent             string `toml:"sent"` // "auto": found by its SPECIAL-USE attribute or usual name
	ComplaintsFolder string `toml:"complaints_folder"`
	CreateComplaints *bool  `toml:"create_complaints_folder"`
}

// DirectorConfig is one director.
type DirectorConfig struct {
	Name    string           `toml:"name"`
	Address string           `toml:"address"`
	IMAP    IMAPConfig       `toml:"imap"`
	SMTP    *mailbox.Account `toml:"smtp"`
}

// Load reads, defaults and validates a configuration file.
func Load(path string) (*Config, error) {
	cfg := &Config{Recognition: recognize.DefaultLexicon()}
	md, err := toml.DecodeFile(path, cfg)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if keys := md.Undecoded(); len(keys) > 0 {
		var msgs []string
		for _, k := range keys {
			if strings.HasSuffix(k.String(), "password") {
				msgs = append(msgs, fmt.Sprintf("%s: passwords may not be written in the config; use password_env or password_file", k))
			} else {
				msgs = append(msgs, fmt.Sprintf("%s: unknown key", k))
			}
		}
		return nil, fmt.Errorf("config %s:\n  %s", path, strings.Join(msgs, "\n  "))
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	cfg.File, cfg.Dir = abs, filepath.Dir(abs)
	if err := cfg.setDefaults(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

func (c *Config) setDefaults() error {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	defInt := func(n *int, v int) {
		if *n == 0 {
			*n = v
		}
	}
	def(&c.Timezone, "Europe/Amsterdam")
	def(&c.Database, "klachtbot.db")
	c.Database = c.path(c.Database)
	def(&c.ControlSocket, defaultSocket(c.Database))
	c.ControlSocket = c.path(c.ControlSocket)
	def(&c.LogLevel, "info")
	def(&c.LogFormat, "text")
	// The procedure's defaults are workflow's, the outbox's the outbox's.
	wd, od := workflow.Defaults(), outbox.Defaults
	def(&c.Schedule.Digest, wd.Digest)
	if c.Outbox.SentCopy == "" {
		c.Outbox.SentCopy = wd.SentCopy
	}
	def(&c.Schedule.Deadlines, "*/10 * * * *")
	def(&c.Procedure.LiberationDay, wd.LiberationDay)
	defInt(&c.Procedure.TargetDays, wd.TargetDays)
	defInt(&c.Procedure.FirstResponseDays, wd.FirstResponseDays)
	defInt(&c.Procedure.WarnDaysBefore, wd.WarnDaysBefore)
	defInt(&c.Procedure.MaxAcksPerDay, wd.MaxAcksPerDay)
	defInt(&c.TrustedHops, wd.TrustedHops)
	c.Procedure.MaxAcksPerHour = cmp.Or(c.Procedure.MaxAcksPerHour, &wd.MaxAcksPerHour)
	defInt(&c.Retention.Years, wd.RetentionYears)
	if c.ConfirmCommands == nil {
		c.ConfirmCommands = &wd.ConfirmCommands
	}
	defDur := func(d *duration, v time.Duration) {
		if d.Duration <= 0 {
			d.Duration = v
		}
	}
	defDur(&c.Outbox.RetryBase, od.RetryBase)
	defDur(&c.Outbox.RetryMax, od.RetryMax)
	defDur(&c.Outbox.GiveUpAfter, od.GiveUpAfter)
	defDur(&c.Outbox.ConfirmWait, od.ConfirmWait)
	defDur(&c.Alerts.After, wd.AlertsAfter)
	defDur(&c.Alerts.Repeat, wd.AlertsRepeat)
	c.SMTP.SetDefaults(587, mailbox.SecurityStartTLS)
	for i := range c.Directors {
		d := &c.Directors[i]
		d.Address = strings.ToLower(strings.TrimSpace(d.Address))
		d.IMAP.SetDefaults(993, mailbox.SecurityTLS)
		def(&d.IMAP.Inbox, "INBOX")
		def(&d.IMAP.Sent, "auto")
		if d.IMAP.CreateComplaints == nil {
			d.IMAP.CreateComplaints = new(true)
		}
		if d.SMTP != nil {
			d.SMTP.SetDefaults(587, mailbox.SecurityStartTLS)
		}
	}
	if len(c.OwnDomains) == 0 {
		seen := map[string]bool{}
		for _, d := range c.Directors {
			if _, dom, ok := strings.Cut(d.Address, "@"); ok && !seen[dom] {
				seen[dom] = true
				c.OwnDomains = append(c.OwnDomains, dom)
			}
		}
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return fmt.Errorf("timezone: %w", err)
	}
	c.Loc = loc
	return nil
}

// defaultSocket is the control socket when none is configured: in the
// service's runtime directory under systemd (RuntimeDirectory=klachtbot; a
// command run beside the service finds it there too, and once the service
// stops systemd removes it), else beside the database, where the service
// writes anyway; never next to a read-only configuration.
func defaultSocket(database string) string {
	if rd, _, _ := strings.Cut(os.Getenv("RUNTIME_DIRECTORY"), ":"); rd != "" {
		return filepath.Join(rd, "klachtbot.sock")
	}
	if fi, err := os.Stat("/run/klachtbot"); err == nil && fi.IsDir() {
		return "/run/klachtbot/klachtbot.sock"
	}
	return database + ".sock"
}

func (c *Config) path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

func (c *Config) validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{key}, args...)...))
	}
	if c.Procedure.TargetDays < 1 {
		bad("procedure.target_days", "must be at least 1, not %d", c.Procedure.TargetDays)
	}
	if c.Retention.Years < 1 {
		bad("retention.years", "must be at least 1, not %d", c.Retention.Years)
	}
	if c.Procedure.WarnDaysBefore >= c.Procedure.TargetDays {
		bad("procedure.warn_days_before", "must be less than target_days")
	}
	if _, err := cron.ParseStandard(c.Schedule.Digest); err != nil {
		bad("schedule.digest", "%v", err)
	}
	if _, err := cron.ParseStandard(c.Schedule.Deadlines); err != nil {
		bad("schedule.deadlines", "%v", err)
	}
	switch c.Procedure.LiberationDay {
	case calendar.LiberationLustrum, calendar.LiberationAlways, calendar.LiberationNever:
	default:
		bad("procedure.liberation_day", "must be lustrum, always or never")
	}
	if c.BotAddress != "" {
		if _, err := mail.ParseAddress(c.BotAddress); err != nil {
			bad("bot_address", "%v", err)
		}
	}
	if host, _, err := net.SplitHostPort(c.MetricsListen); c.MetricsListen != "" && (err != nil || !mailbox.IsLoopback(host)) {
		bad("metrics_listen", "%q must be a loopback address with a port, e.g. 127.0.0.1:9310", c.MetricsListen)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("log_level", "must be debug, info, warn or error")
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		bad("log_format", "must be text or json")
	}
	if !c.Outbox.SentCopy.Valid() {
		bad("outbox.sent_copy", "must be auto, server or bcc")
	}
	if len(c.Directors) == 0 {
		bad("directors", "at least one [[directors]] is needed")
	}
	problems := func(key string, list []string) {
		for _, p := range list {
			if !strings.HasPrefix(p, ":") {
				p = "." + p
			}
			errs = append(errs, errors.New(key+p))
		}
	}
	checkServer := func(key string, a *mailbox.Account) {
		problems(key, a.Problems())
		if a.UsesOAuth2() && a.OAuth2 != "" && c.OAuth2[a.OAuth2] == nil {
			bad(key+".oauth2", "no [oauth2.%s] table", a.OAuth2)
		}
	}
	for name, o := range c.OAuth2 {
		problems("oauth2."+name, o.Problems())
	}
	seen := map[string]bool{}
	for i, d := range c.Directors {
		key := fmt.Sprintf("directors[%d]", i)
		if _, err := mail.ParseAddress(d.Address); err != nil || !strings.Contains(d.Address, "@") {
			bad(key+".address", "%q is not a mail address", d.Address)
		}
		if seen[d.Address] {
			bad(key+".address", "%s is listed twice", d.Address)
		}
		seen[d.Address] = true
		if d.Name == "" {
			bad(key+".name", "missing")
		}
		checkServer(key+".imap", &d.IMAP.Account)
		if d.IMAP.Username == "" {
			bad(key+".imap.username", "missing")
		}
		if d.SMTP != nil {
			checkServer(key+".smtp", d.SMTP)
		}
	}
	if needsDefaultSMTP(c) {
		checkServer("smtp", &c.SMTP)
	}
	c.checkStaff(bad)
	return errors.Join(errs...)
}

// checkStaff refuses a [[firm.staff]] entry without a name, or with an
// address that is not one of the firm's own: a question about a client's
// complaint must not leave the firm.
func (c *Config) checkStaff(bad func(key, format string, args ...any)) {
	seen := map[string]bool{}
	for i := range c.Firm.Staff {
		p := &c.Firm.Staff[i]
		key := fmt.Sprintf("firm.staff[%d]", i)
		p.Name, p.Address = strings.TrimSpace(p.Name), strings.ToLower(strings.TrimSpace(p.Address))
		if p.Name == "" {
			bad(key+".name", "missing")
		}
		a, err := mail.ParseAddress(p.Address)
		if err != nil || a.Address != p.Address {
			bad(key+".address", "%q is not a mail address", p.Address)
			continue
		}
		_, domain, _ := strings.Cut(p.Address, "@")
		own := false
		for _, d := range c.OwnDomains {
			own = own || strings.EqualFold(d, domain)
		}
		if !own {
			bad(key+".address", "%s is not in the firm's own domains (%s): only the firm's own people can be asked about a complaint", p.Address, strings.Join(c.OwnDomains, ", "))
		}
		if seen[p.Address] {
			bad(key+".address", "%s is listed twice", p.Address)
		}
		seen[p.Address] = true
	}
}

// StaffNames are the names of the firm's people ([[firm.staff]]), full and
// first, for recognition to know them as the firm's.
func (c *Config) StaffNames() []string { return c.Firm.StaffNames() }

// Workflow is the procedure's part of the configuration.
func (c *Config) Workflow() workflow.Config {
	wc := workflow.Config{
		Settings: calendar.Settings{
			Location:          c.Loc,
			TargetDays:        c.Procedure.TargetDays,
			FirstResponseDays: c.Procedure.FirstResponseDays,
			WarnDaysBefore:    c.Procedure.WarnDaysBefore,
			LiberationDay:     c.Procedure.LiberationDay,
			DaysOff:           c.Procedure.DaysOff,
		},
		BotAddress:      strings.ToLower(c.BotAddress),
		OwnDomains:      c.OwnDomains,
		Recognition:     c.Recognition,
		ConfirmCommands: *c.ConfirmCommands,
		AlertsTo:        c.Alerts.To,
		AlertsAfter:     c.Alerts.After.Duration,
		AlertsRepeat:    c.Alerts.Repeat.Duration,
		MaxAcksPerDay:   c.Procedure.MaxAcksPerDay,
		MaxAcksPerHour:  *c.Procedure.MaxAcksPerHour,
		LookBack:        c.Procedure.LookBack.Duration,
		AuthServID:      c.AuthServID,
		TrustedHops:     c.TrustedHops,
		Digest:          c.Schedule.Digest,
		RetentionYears:  c.Retention.Years,
		SentCopy:        c.Outbox.SentCopy,
	}
	wc.Voice = c.Voice.In(c.Dir)
	for _, d := range c.Directors {
		wc.Directors = append(wc.Directors, workflow.Director{Name: d.Name, Address: d.Address})
	}
	// a grievance about a director or staff member by name is about the firm
	wc.Recognition.Firm = slices.Concat(wc.Recognition.Firm, c.StaffNames())
	for _, d := range c.Directors {
		if first, _, _ := strings.Cut(strings.TrimSpace(d.Name), " "); first != "" {
			wc.Recognition.Firm = append(wc.Recognition.Firm, strings.ToLower(first))
		}
	}
	return wc
}

// Server resolves an account's secret and TLS settings; errors name the key.
func (c *Config) Server(key string, a *mailbox.Account) (*mailbox.Server, error) {
	srv, err := a.Resolve(c.Dir)
	if err != nil {
		return nil, fmt.Errorf("%s.%w", key, err)
	}
	if a.UsesOAuth2() {
		if srv.OAuth, err = c.tokens.For(a.OAuth2, c.OAuth2[a.OAuth2], c.Dir, a.Username); err != nil {
			return nil, err
		}
	}
	return srv, nil
}

// Account is one mail account the service uses; check and the service list
// them the same way.
type Account struct {
	Key, Label string // "directors[0].imap", "imap marco@mcoo.nl"
	IMAP       bool   // else SMTP
	Conf       *mailbox.Account
	Director   string            // whose account; "" for the default SMTP account
	Folders    []workflow.Source // an IMAP account's watched folders; none for SMTP
	Create     []string          // of those, the ones created when missing
}

// Accounts lists every IMAP account, then the default SMTP account when a
// director has none of their own, then the directors' SMTP accounts.
func (c *Config) Accounts() []*Account {
	var list []*Account
	for i := range c.Directors {
		d := &c.Directors[i]
		a := &Account{Key: fmt.Sprintf("directors[%d].imap", i), Label: "imap " + d.Address, IMAP: true, Conf: &d.IMAP.Account, Director: d.Address}
		for _, f := range []struct {
			name string
			kind workflow.FolderKind
		}{{d.IMAP.Inbox, workflow.FolderInbox}, {sentFolder(d.IMAP.Sent), workflow.FolderSent}, {d.IMAP.ComplaintsFolder, workflow.FolderComplaints}} {
			if f.name != "" {
				a.Folders = append(a.Folders, workflow.Source{Director: d.Address, Folder: f.name, Kind: f.kind, Secret: c.secretName(&d.IMAP.Account)})
			}
		}
		if d.IMAP.ComplaintsFolder != "" && *d.IMAP.CreateComplaints {
			a.Create = []string{d.IMAP.ComplaintsFolder}
		}
		list = append(list, a)
	}
	if needsDefaultSMTP(c) {
		list = append(list, &Account{Key: "smtp", Label: "smtp default", Conf: &c.SMTP})
	}
	for i := range c.Directors {
		if d := &c.Directors[i]; d.SMTP != nil {
			list = append(list, &Account{Key: fmt.Sprintf("directors[%d].smtp", i), Label: "smtp " + d.Address, Conf: d.SMTP, Director: d.Address})
		}
	}
	return list
}

// sentFolder is the watcher's name for a configured Sent folder.
func sentFolder(name string) string {
	if name == "auto" {
		return mailbox.SentFolder
	}
	return name
}

// secretName is where an account's secret comes from, for alerts.
func (c *Config) secretName(a *mailbox.Account) string {
	if o := c.OAuth2[a.OAuth2]; a.UsesOAuth2() && o != nil {
		return o.SecretName()
	}
	return a.SecretName()
}

// needsDefaultSMTP: a director without an SMTP account of their own sends through [smtp].
func needsDefaultSMTP(cfg *Config) bool {
	for _, d := range cfg.Directors {
		if d.SMTP == nil {
			return true
		}
	}
	return false
}

// OutboxSettings are the retry settings of the outbox.
func (c *Config) OutboxSettings() outbox.Settings {
	return outbox.Settings{RetryBase: c.Outbox.RetryBase.Duration, RetryMax: c.Outbox.RetryMax.Duration,
		GiveUpAfter: c.Outbox.GiveUpAfter.Duration, ConfirmWait: c.Outbox.ConfirmWait.Duration}
}
