package control

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheck: a socket in a read-only directory (the config directory under
// ProtectSystem=strict) is refused before the service fails to start; a
// writable one passes; a live service answers.
func TestCheck(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Log("root writes everywhere: the read-only case is checked with a missing directory instead")
	}
	dir := t.TempDir()
	if _, err := Check(filepath.Join(dir, "klachtbot.sock")); err != nil {
		t.Errorf("writable directory: %v", err)
	}
	_, err := Check(filepath.Join(dir, "missing", "klachtbot.sock"))
	if err == nil || !strings.Contains(err.Error(), "control_socket") {
		t.Errorf("missing directory: %v", err)
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o555)
		if _, err := Check(filepath.Join(ro, "klachtbot.sock")); err == nil {
			t.Error("read-only directory accepted")
		}
	}
	ln, err := Listen(filepath.Join(dir, "live.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if note, err := Check(filepath.Join(dir, "live.sock")); err != nil || !strings.Contains(note, "answers") {
		t.Errorf("live socket: %q %v", note, err)
	}
}
