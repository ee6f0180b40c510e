// Package control is the transport of klachtbot's control socket: commands
// run beside the service (bbolt admits one process at a time) ask it over
// HTTP on a unix socket that only the service's user may use. The routes
// are cmd/klachtbot's; this package knows only how to listen and to ask.
package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mcoo/klachtbot/workflow/complaint"
)

// Listen opens the control socket, readable by the owner only. A
// socket left by a crashed process is replaced; a live one is not.
func Listen(path string) (net.Listener, error) {
	if c, err := net.Dial("unix", path); err == nil {
		c.Close()
		return nil, fmt.Errorf("control socket %s: another klachtbot is running", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("remove stale control socket: %w", err)
	}
	old := syscall.Umask(0o077)
	ln, err := net.Listen("unix", path)
	syscall.Umask(old)
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	return ln, nil
}

// ErrNoService means no service answers on the control socket.
var ErrNoService = errors.New("no running service")

// Get asks the running service; ErrNoService when none runs.
func Get(socket, path string, v any) error { return Do(socket, "GET", path, v) }

// Do sends a request and decodes the JSON answer into v.
func Do(socket, method, path string, v any) error {
	return request(socket, method, path, 30*time.Second, func(r io.Reader) error { return json.NewDecoder(r).Decode(v) })
}

// Stream copies an answer to w (the backup, which may
// take longer than an answer should).
func Stream(socket, path string, w io.Writer) error {
	return request(socket, "GET", path, 0, func(r io.Reader) error { _, err := io.Copy(w, r); return err })
}

func request(socket, method, path string, timeout time.Duration, read func(io.Reader) error) error {
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", socket)
		},
	}}
	req, err := http.NewRequest(method, "http://klachtbot"+path, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		if _, statErr := os.Stat(socket); errors.Is(statErr, os.ErrNotExist) || strings.Contains(err.Error(), "connection refused") {
			return ErrNoService
		}
		return fmt.Errorf("control socket %s: %w", socket, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		msg, _ := io.ReadAll(resp.Body)
		what := strings.TrimSuffix(strings.TrimSpace(string(msg)), ": "+complaint.ErrNotFound.Error())
		return fmt.Errorf("%s: %w", what, complaint.ErrNotFound)
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("control socket: %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	return read(resp.Body)
}

// Check tells `klachtbot check` whether the service will be able to make its
// socket: a service already answers there, or the directory takes new files
// (a directory under /run that does not exist yet is systemd's
// RuntimeDirectory, made when the unit starts).
func Check(path string) (string, error) {
	if c, err := net.Dial("unix", path); err == nil {
		c.Close()
		return "a service answers on it", nil
	}
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) && strings.HasPrefix(dir, "/run/") {
		return "its directory is made by systemd (RuntimeDirectory) when the service starts", nil
	}
	f, err := os.CreateTemp(dir, ".klachtbot-check-*")
	if err != nil {
		return "", fmt.Errorf("the service could not make it: %w (set control_socket to a writable place, e.g. /run/klachtbot/klachtbot.sock under systemd)", err)
	}
	f.Close()
	os.Remove(f.Name())
	return "", nil
}
