package mailbox

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// readSecret reads a password file that only its owner can read: one that
// others may read is refused, with the command that fixes it.
func readSecret(p string) (string, error) {
	data, err := readSecretFile("password_file", p)
	return strings.TrimRight(string(data), "\r\n"), err
}

// readSecretFile reads the secret file the configuration key names (a
// password, a client secret, a service account's key), refusing one that
// others may read.
func readSecretFile(key, p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("%s %s: mode %04o lets others read it; chmod 600 %s", key, p, perm, p)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	return data, nil
}
