// Package setup is `klachtbot init`: it asks for (or takes as flags) the
// mail provider, the firm's domain, the directors, the bot's address and the
// credentials, and writes a configuration with every key documented, the
// secret files (0600) and a systemd unit that starts as written (database in
// the StateDirectory, control socket in the RuntimeDirectory, hardening
// kept). It never overwrites a file: when any of them exists, nothing is
// written. Then it runs the caller's check on the new configuration and
// prints what is left to do by hand.
//
// Secrets never come from a flag's value (shell history, ps): they are read
// from a file, from standard input ("-") or typed at a prompt without echo.
package setup

import (
	"bufio"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/mcoo/klachtbot/mailbox"
)

// Provider names the kind of mail host.
const (
	Microsoft = "microsoft" // Microsoft 365: OAuth2 client credentials
	Google    = "google"    // Google Workspace: service account, domain-wide delegation
	Plain     = "plain"     // any IMAP/SMTP host, one (app) password per mailbox
)

// Director is one director's name and address.
type Director struct{ Name, Address string }

// options are the answers, from flags or from questions.
type options struct {
	provider, domain, botAddress    string
	directors                       []Director
	tenantID, clientID, secretFile  string
	serviceAccountFile              string
	imapHost, smtpHost              string
	security                        string            // plain: MODE, or imap=MODE,smtp=MODE
	imapSecurity, smtpSecurity      string            // from security; "" follows the port
	caFile                          string            // plain: a CA bundle, copied to DIR/ca.pem
	passwordFiles                   map[string]string // director address -> file with the password ("-": stdin)
	dir, stateDir, unitDir, runtime string
	user, binary                    string
	noCheck, yes, interactive       bool
}

// directorsFlag collects repeated --director "Name <addr>".
type directorsFlag struct{ list *[]Director }

func (f directorsFlag) String() string { return "" }
func (f directorsFlag) Set(v string) error {
	d, err := parseDirector(v)
	if err != nil {
		return err
	}
	*f.list = append(*f.list, d)
	return nil
}

// passwordsFlag collects repeated --password-file ADDRESS=FILE.
type passwordsFlag map[string]string

func (f passwordsFlag) String() string { return "" }
func (f passwordsFlag) Set(v string) error {
	addr, file, ok := strings.Cut(v, "=")
	if !ok || addr == "" || file == "" {
		return fmt.Errorf("%q: want ADDRESS=FILE", v)
	}
	f[strings.ToLower(strings.TrimSpace(addr))] = file
	return nil
}

func parseDirector(v string) (Director, error) {
	a, err := mail.ParseAddress(v)
	if err != nil || a.Name == "" || !strings.Contains(a.Address, "@") {
		return Director{}, fmt.Errorf("%q: want \"Name <address>\"", v)
	}
	return Director{Name: a.Name, Address: strings.ToLower(a.Address)}, nil
}

// Run is `klachtbot init ARGS`. Questions are asked on out and answered on in
// when a needed flag is missing and in is a terminal, or with --interactive;
// with --yes, or when in is not a terminal, a missing value is an error that
// names its flag. check is run on the written configuration unless
// --no-check; its error is returned after the remaining steps are printed.
func Run(args []string, in io.Reader, out io.Writer, check func(configPath string, out io.Writer) error) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprint(out, "usage: klachtbot init [flags]\n\nWrites the configuration, the secrets and the systemd unit, runs check and\nprints what is left to do. Asks for what the flags leave out (on a terminal).\n\n")
		fs.PrintDefaults()
	}
	run := Declare(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	return run(fs.Args(), in, out, check)
}

// Declare declares init's flags on fs and returns the function that runs
// init once they are parsed, with the arguments left over.
func Declare(fs *flag.FlagSet) func(args []string, in io.Reader, out io.Writer, check func(configPath string, out io.Writer) error) error {
	o := options{passwordFiles: passwordsFlag{}}
	fs.StringVar(&o.provider, "provider", "", "mail host: microsoft (365), google (Workspace) or plain (IMAP/SMTP with passwords)")
	fs.StringVar(&o.domain, "domain", "", "the firm's mail domain, e.g. mcoo.nl")
	fs.Var(directorsFlag{&o.directors}, "director", `a director, "Name <address>" (repeat for each)`)
	fs.StringVar(&o.botAddress, "bot-address", "", "the bot's own address (default klachten@DOMAIN)")
	fs.StringVar(&o.tenantID, "tenant-id", "", "microsoft: the directory (tenant) ID")
	fs.StringVar(&o.clientID, "client-id", "", "microsoft: the application (client) ID")
	fs.StringVar(&o.secretFile, "client-secret-file", "", "microsoft: a file holding the client secret (- for standard input); it is copied into DIR/secrets")
	fs.StringVar(&o.serviceAccountFile, "service-account-file", "", "google: the service account's JSON key; it is copied into DIR/secrets")
	fs.StringVar(&o.imapHost, "imap-host", "", "plain: the IMAP host, HOST or HOST:PORT (993: TLS, 143: STARTTLS)")
	fs.StringVar(&o.smtpHost, "smtp-host", "", "plain: the SMTP host, HOST or HOST:PORT (587: STARTTLS, 465: TLS)")
	fs.StringVar(&o.security, "security", "", `plain: "tls", "starttls" or "none" (loopback only) for IMAP and SMTP alike, or "imap=MODE,smtp=MODE"; default from the port (IMAP 143: starttls, else tls; SMTP 465: tls, else starttls)`)
	fs.StringVar(&o.caFile, "ca-file", "", "plain: a PEM file of the CA certificates that signed the servers' certificates (trusted instead of the system's); it is copied to DIR/ca.pem")
	fs.Var(passwordsFlag(o.passwordFiles), "password-file", "plain: ADDRESS=FILE, a file holding a director's (app) password (repeat for each; FILE - for standard input, once)")
	fs.StringVar(&o.dir, "dir", DefaultDir, "where the configuration and the secrets go")
	fs.StringVar(&o.stateDir, "state-dir", "/var/lib/klachtbot", "where the database goes")
	fs.StringVar(&o.runtime, "runtime-dir", "/run/klachtbot", "where the control socket goes")
	fs.StringVar(&o.unitDir, "unit-dir", "/etc/systemd/system", "where the systemd unit goes")
	fs.StringVar(&o.user, "user", "klachtbot", "the system user the service runs as")
	fs.StringVar(&o.binary, "binary", "", "the klachtbot executable the unit starts (default: this one)")
	fs.BoolVar(&o.noCheck, "no-check", false, "do not run check on the written configuration")
	fs.BoolVar(&o.yes, "yes", false, "ask nothing: a missing value is an error")
	fs.BoolVar(&o.interactive, "interactive", false, "ask for missing values even when standard input is not a terminal")
	return func(args []string, in io.Reader, out io.Writer, check func(configPath string, out io.Writer) error) error {
		return o.run(args, in, out, check)
	}
}

func (o options) run(args []string, in io.Reader, out io.Writer, check func(configPath string, out io.Writer) error) error {
	if len(args) > 0 {
		return fmt.Errorf("init: unexpected argument %q", args[0])
	}
	if o.yes && o.interactive {
		return errors.New("init: --yes and --interactive exclude each other")
	}
	if o.binary == "" {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("init: find this executable (give --binary): %w", err)
		}
		o.binary = exe
	}
	// Paths go into the unit unquoted: no spaces, quotes or specifiers.
	for _, d := range []struct{ flag, path string }{{"dir", o.dir}, {"state-dir", o.stateDir}, {"runtime-dir", o.runtime}, {"unit-dir", o.unitDir}, {"binary", o.binary}} {
		if !filepath.IsAbs(d.path) || strings.ContainsAny(d.path, " \t\n\"'\\%$") {
			return fmt.Errorf("init: --%s %q: want an absolute path without spaces, quotes, %%, $ or backslashes", d.flag, d.path)
		}
	}
	if !validUser.MatchString(o.user) {
		return fmt.Errorf("init: --user %q is not a user name", o.user)
	}
	a := &asker{in: in, r: bufio.NewReader(in), out: out, interactive: o.interactive || (!o.yes && isTerminal(in))}
	if err := o.complete(a); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	secrets, err := o.readSecrets(a)
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	return install(&o, secrets, out, check)
}

// complete fills in what the flags left out, by asking or failing.
func (o *options) complete(a *asker) error {
	var err error
	need := func(v *string, flag, question, def string, valid func(string) error) {
		if err != nil {
			return
		}
		*v, err = a.value(*v, flag, question, def, valid)
	}
	need(&o.provider, "provider", "Mail provider: microsoft (365), google (Workspace) or plain (any IMAP host)", "", oneOf(Microsoft, Google, Plain))
	need(&o.domain, "domain", "The firm's mail domain (e.g. mcoo.nl)", "", validDomain)
	if err != nil {
		return err
	}
	o.domain = strings.ToLower(o.domain)
	if len(o.directors) == 0 {
		if !a.interactive {
			return errors.New(`--director "Name <address>" is needed (once per director)`)
		}
		for {
			def := ""
			if len(o.directors) > 0 {
				def = "done"
			}
			v, err := a.value("", "director", fmt.Sprintf("Director %d as \"Name <address@%s>\"", len(o.directors)+1, o.domain), def, func(s string) error {
				if s == "done" {
					return nil
				}
				_, err := parseDirector(s)
				return err
			})
			if err != nil {
				return err
			}
			if v == "done" {
				break
			}
			d, _ := parseDirector(v)
			o.directors = append(o.directors, d)
		}
	}
	seen := map[string]bool{}
	for _, d := range o.directors {
		if seen[d.Address] {
			return fmt.Errorf("--director: %s is given twice", d.Address)
		}
		seen[d.Address] = true
		if strings.ContainsAny(d.Address, "/\\\x00") || strings.HasPrefix(d.Address, ".") {
			return fmt.Errorf("--director: %q cannot name a file", d.Address)
		}
	}
	need(&o.botAddress, "bot-address", "The bot's own address", "klachten@"+o.domain, validAddress)
	switch o.provider {
	case Microsoft:
		need(&o.tenantID, "tenant-id", "Directory (tenant) ID of the app registration", "", validID)
		need(&o.clientID, "client-id", "Application (client) ID of the app registration", "", validID)
	case Google:
		need(&o.serviceAccountFile, "service-account-file", "The service account's JSON key file", "", nil)
	case Plain:
		// A guessed host is offered, never taken silently.
		guess := func(h string) string {
			if a.interactive {
				return h + "." + o.domain
			}
			return ""
		}
		need(&o.imapHost, "imap-host", "IMAP host (HOST or HOST:PORT)", guess("imap"), validHost)
		need(&o.smtpHost, "smtp-host", "SMTP host (HOST or HOST:PORT)", guess("smtp"), validHost)
		if err == nil {
			o.imapSecurity, o.smtpSecurity, err = parseSecurity(o.security)
		}
	default:
		if err == nil && (o.security != "" || o.caFile != "") {
			err = fmt.Errorf("--security and --ca-file are for --provider plain; %s has its own", o.provider)
		}
	}
	return err
}

// parseSecurity reads --security: one mode for both, or imap=MODE,smtp=MODE
// (either may be left out, to follow the port).
func parseSecurity(v string) (imapSec, smtpSec string, err error) {
	valid := oneOf("tls", "starttls", "none")
	if v == "" {
		return "", "", nil
	}
	if !strings.Contains(v, "=") {
		if err := valid(v); err != nil {
			return "", "", fmt.Errorf("--security %w", err)
		}
		return v, v, nil
	}
	for _, part := range strings.Split(v, ",") {
		proto, mode, _ := strings.Cut(strings.TrimSpace(part), "=")
		if err := valid(mode); err != nil {
			return "", "", fmt.Errorf("--security %s: %w", proto, err)
		}
		switch proto {
		case "imap":
			imapSec = mode
		case "smtp":
			smtpSec = mode
		default:
			return "", "", fmt.Errorf("--security %q: want imap=MODE,smtp=MODE", v)
		}
	}
	return imapSec, smtpSec, nil
}

// readSecrets reads every secret the provider needs: file name in DIR ->
// content. Nothing of them is ever printed.
func (o *options) readSecrets(a *asker) (map[string][]byte, error) {
	stdinUsed := false
	readFile := func(flag, path string) ([]byte, error) {
		if path == "-" {
			if stdinUsed {
				return nil, fmt.Errorf("--%s -: standard input is already read for another secret", flag)
			}
			stdinUsed = true
			b, err := io.ReadAll(a.r)
			if err != nil {
				return nil, fmt.Errorf("--%s: read standard input: %w", flag, err)
			}
			return b, nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--%s: %w", flag, err)
		}
		return b, nil
	}
	secret := func(flag, path, question string) ([]byte, error) {
		var b []byte
		var err error
		switch {
		case path != "":
			b, err = readFile(flag, path)
		case a.interactive:
			b, err = a.secret(question, flag)
		default:
			return nil, fmt.Errorf("--%s is needed (a file holding it, or - to read it from standard input)", flag)
		}
		if err != nil {
			return nil, err
		}
		s := strings.TrimRight(string(b), "\r\n")
		if s == "" || strings.ContainsAny(s, "\r\n") {
			return nil, fmt.Errorf("--%s: want the secret on one line, found %s", flag, map[bool]string{true: "nothing", false: "several lines"}[s == ""])
		}
		return []byte(s + "\n"), nil
	}
	out := map[string][]byte{}
	switch o.provider {
	case Microsoft:
		b, err := secret("client-secret-file", o.secretFile, "Client secret (the Value, not the Secret ID; not shown)")
		if err != nil {
			return nil, err
		}
		out[m365SecretFile] = b
	case Google:
		b, err := readFile("service-account-file", o.serviceAccountFile)
		if err != nil {
			return nil, err
		}
		if _, err := mailbox.ParseServiceAccount(b); err != nil {
			return nil, fmt.Errorf("--service-account-file %s: %w", o.serviceAccountFile, err)
		}
		out[googleKeyFile] = b
	case Plain:
		for addr := range o.passwordFiles {
			if !o.isDirector(addr) {
				return nil, fmt.Errorf("--password-file %s=...: %s is not a director", addr, addr)
			}
		}
		for _, d := range o.directors {
			b, err := secret("password-file", o.passwordFiles[d.Address], fmt.Sprintf("Password (an app password) of %s (not shown)", d.Address))
			if err != nil {
				if o.passwordFiles[d.Address] == "" && !a.interactive {
					err = fmt.Errorf("--password-file %s=FILE is needed (a file holding the password, or - to read it from standard input)", d.Address)
				}
				return nil, err
			}
			out[passwordFile(d.Address)] = b
		}
		if o.caFile != "" {
			b, err := readFile("ca-file", o.caFile)
			if err != nil {
				return nil, err
			}
			if block, _ := pem.Decode(b); block == nil || block.Type != "CERTIFICATE" {
				return nil, fmt.Errorf("--ca-file %s: not a PEM file of certificates", o.caFile)
			}
			out[caFile] = b
		}
	}
	return out, nil
}

func (o *options) isDirector(addr string) bool {
	for _, d := range o.directors {
		if d.Address == addr {
			return true
		}
	}
	return false
}

// asker asks questions on out and reads the answers from in.
type asker struct {
	in          io.Reader
	r           *bufio.Reader
	out         io.Writer
	interactive bool
}

// value returns v when given, else asks (or fails naming the flag).
func (a *asker) value(v, flag, question, def string, valid func(string) error) (string, error) {
	v = strings.TrimSpace(v)
	if v != "" {
		if valid != nil {
			if err := valid(v); err != nil {
				return "", fmt.Errorf("--%s: %w", flag, err)
			}
		}
		return v, nil
	}
	if !a.interactive {
		if def != "" {
			return def, nil
		}
		return "", fmt.Errorf("--%s is needed", flag)
	}
	for {
		if def != "" {
			fmt.Fprintf(a.out, "%s [%s]: ", question, def)
		} else {
			fmt.Fprintf(a.out, "%s: ", question)
		}
		line, err := a.r.ReadString('\n')
		if err != nil && (err != io.EOF || line == "") {
			return "", fmt.Errorf("no answer for --%s: %w", flag, err)
		}
		line = strings.TrimSpace(line)
		if line == "" {
			line = def
		}
		if line == "" {
			continue
		}
		if valid != nil {
			if err := valid(line); err != nil {
				fmt.Fprintf(a.out, "  %v\n", err)
				continue
			}
		}
		return line, nil
	}
}

// secret asks for a secret; on a terminal it is not echoed.
func (a *asker) secret(question, flag string) ([]byte, error) {
	fmt.Fprintf(a.out, "%s: ", question)
	if f, ok := a.in.(*os.File); ok && term.IsTerminal(int(f.Fd())) && a.r.Buffered() == 0 {
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.out)
		if err != nil {
			return nil, fmt.Errorf("no answer for --%s: %w", flag, err)
		}
		return b, nil
	}
	line, err := a.r.ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		return nil, fmt.Errorf("no answer for --%s: %w", flag, err)
	}
	fmt.Fprintln(a.out)
	return []byte(line), nil
}

// validUser is a portable user name (it goes into the unit as it is).
var validUser = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func oneOf(values ...string) func(string) error {
	return func(s string) error {
		for _, v := range values {
			if s == v {
				return nil
			}
		}
		return fmt.Errorf("%q: want %s", s, strings.Join(values, ", "))
	}
}

func validDomain(s string) error {
	if strings.ContainsAny(s, "@ /\\\"") || !strings.Contains(strings.Trim(s, "."), ".") {
		return fmt.Errorf("%q is not a domain like mcoo.nl", s)
	}
	return nil
}

func validAddress(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return fmt.Errorf("%q is not a bare mail address", s)
	}
	return nil
}

// validID accepts a GUID or a tenant's domain name: no spaces or quotes.
func validID(s string) error {
	if strings.ContainsAny(s, " \t\"'\\/") {
		return fmt.Errorf("%q is not an ID", s)
	}
	return nil
}

func validHost(s string) error {
	_, _, err := hostPort(s, 0)
	return err
}

// hostPort splits HOST[:PORT]; port 0 means the caller's default.
func hostPort(s string, def int) (string, int, error) {
	host, port := s, def
	if h, p, err := net.SplitHostPort(s); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return "", 0, fmt.Errorf("%q: bad port", s)
		}
		host, port = h, n
	}
	if host == "" || strings.ContainsAny(host, " /\"\\@") {
		return "", 0, fmt.Errorf("%q is not a host name", s)
	}
	return host, port, nil
}
