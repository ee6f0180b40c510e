package mailbox

import (
	"cmp"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Account is one mail server account as configured. Passwords never stand
// in the configuration: they come from an environment variable or a file.
type Account struct {
	Host         string   `toml:"host"`
	Port         int      `toml:"port"`
	Security     Security `toml:"security"` // "tls", "starttls" or "none" (loopback only)
	Username     string   `toml:"username"`
	PasswordEnv  string   `toml:"password_env"`
	PasswordFile string   `toml:"password_file"`
	CAFile       string   `toml:"ca_file"` // a private CA, added to the system's
	Auth         string   `toml:"auth"`    // "password" (default) or "oauth2"
	OAuth2       string   `toml:"oauth2"`  // with auth = "oauth2": the name of an [oauth2.NAME] table
}

// UsesOAuth2 reports whether the account logs in with tokens.
func (a *Account) UsesOAuth2() bool { return a.Auth == "oauth2" }

// SetDefaults fills in the security and port of an IMAP (993, tls) or SMTP
// (587, starttls) account; the port follows the security chosen.
func (a *Account) SetDefaults(port int, security Security) {
	if a.Security == "" {
		a.Security = security
	}
	if a.Port == 0 {
		switch {
		case a.Security == SecurityTLS && port == 587:
			a.Port = 465
		case a.Security == SecurityNone && port == 993:
			a.Port = 143
		default:
			a.Port = port
		}
	}
}

// Problems lists what is wrong with the account, each as "key: reason" with
// key relative to the account.
func (a *Account) Problems() []string {
	if a.Host == "" {
		return []string{"host: missing"}
	}
	var p []string
	if err := (&Server{Host: a.Host, Security: a.Security}).CheckSecurity(); err != nil {
		p = append(p, "security: "+err.Error())
	}
	switch a.Auth {
	case "", "password":
		if a.OAuth2 != "" {
			p = append(p, `oauth2: set only with auth = "oauth2"`)
		}
	case "oauth2":
		if a.OAuth2 == "" {
			p = append(p, "oauth2: missing: the name of an [oauth2.NAME] table")
		}
		if a.Username == "" {
			p = append(p, "username: missing: the mailbox to log in to")
		}
		if a.PasswordEnv != "" || a.PasswordFile != "" {
			p = append(p, `: auth = "oauth2" takes no password`)
		}
		return p
	default:
		p = append(p, fmt.Sprintf("auth: %q: must be \"password\" or \"oauth2\"", a.Auth))
	}
	if a.PasswordEnv != "" && a.PasswordFile != "" {
		p = append(p, ": set password_env or password_file, not both")
	}
	if a.Username != "" && a.PasswordEnv == "" && a.PasswordFile == "" {
		p = append(p, fmt.Sprintf(": username %q needs password_env or password_file", a.Username))
	}
	return p
}

// Resolve reads the account's secret and CA into a Server; relative files
// are taken from dir (the configuration's directory).
func (a *Account) Resolve(dir string) (*Server, error) {
	path := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	srv := &Server{Host: a.Host, Port: a.Port, Security: a.Security, Username: a.Username}
	switch {
	case a.PasswordEnv != "":
		srv.Password = os.Getenv(a.PasswordEnv)
		if srv.Password == "" {
			return nil, fmt.Errorf("password_env: environment variable %s is not set", a.PasswordEnv)
		}
	case a.PasswordFile != "":
		pw, err := readSecret(path(a.PasswordFile))
		if err != nil {
			return nil, err
		}
		srv.Password = pw
	}
	if a.CAFile != "" {
		pem, err := os.ReadFile(path(a.CAFile))
		if err != nil {
			return nil, fmt.Errorf("ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca_file: no certificates in %s", a.CAFile)
		}
		srv.TLS = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return srv, nil
}

// SecretSource says where the account's password and CA come from, never
// what they are.
func (a *Account) SecretSource() string {
	var parts []string
	switch {
	case a.UsesOAuth2():
		parts = append(parts, "oauth2 "+a.OAuth2)
	case a.PasswordEnv != "":
		parts = append(parts, "password_env "+a.PasswordEnv)
	case a.PasswordFile != "":
		parts = append(parts, "password_file "+a.PasswordFile)
	default:
		parts = append(parts, "no password")
	}
	if a.CAFile != "" {
		parts = append(parts, "ca_file "+a.CAFile)
	}
	return strings.Join(parts, ", ")
}

// SecretName is where the password comes from: the environment variable's
// name or the file's path ("" without a password).
func (a *Account) SecretName() string { return cmp.Or(a.PasswordEnv, a.PasswordFile) }
