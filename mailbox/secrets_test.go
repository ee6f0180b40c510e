package mailbox_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mcoo/klachtbot/mailbox"
)

// TestPasswordFileMode: a password file others may read is refused, saying
// the mode and the command that fixes it; one only its owner reads is used.
func TestPasswordFileMode(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		mode os.FileMode
		err  string // "" when accepted
	}{
		{0o600, ""},
		{0o400, ""},
		{0o700, ""},
		{0o644, "mode 0644 lets others read it"},
		{0o640, "mode 0640 lets others read it"},
		{0o604, "mode 0604 lets others read it"},
		{0o660, "mode 0660 lets others read it"},
		{0o602, "mode 0602 lets others read it"},
	}
	for _, tt := range tests {
		name := filepath.Join(dir, "pw-"+tt.mode.String())
		if err := os.WriteFile(name, []byte("geheim\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(name, tt.mode); err != nil { // WriteFile's mode passes the umask
			t.Fatal(err)
		}
		// Relative to the configuration's directory, as configured.
		a := mailbox.Account{Host: "imap.mcoo.nl", Port: 993, Security: "tls", Username: "marco@mcoo.nl", PasswordFile: filepath.Base(name)}
		srv, err := a.Resolve(dir)
		if tt.err == "" {
			if err != nil || srv.Password != "geheim" {
				t.Errorf("mode %04o: %v", tt.mode, err)
			}
			continue
		}
		want := "password_file " + name + ": " + tt.err + "; chmod 600 " + name
		if err == nil || err.Error() != want {
			t.Errorf("mode %04o: %v\nwant %s", tt.mode, err, want)
		}
	}
	a := mailbox.Account{Host: "imap.mcoo.nl", PasswordFile: filepath.Join(dir, "missing")}
	if _, err := a.Resolve(dir); err == nil {
		t.Error("a missing password file was accepted")
	}
}
