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
	f, err := os.Open(p)
	if err != nil {
		return "", fmt.Errorf("password_file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("password_file: %w", err)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return "", fmt.Errorf("password_file %s: mode %04o lets others read it; chmod 600 %s", p, perm, p)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return "", fmt.Errorf("password_file: %w", err)
	}
	return strings.TrimRight(string(data), "\r\n"), nil
}
