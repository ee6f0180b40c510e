// Package browser renders pages in headless Chromium for tests (of the
// templates and the case file): whether a
// page scrolls sideways at a width, and a screenshot of it. Tests skip
// without Chromium unless KLACHTBOT_REQUIRE_CHROMIUM is set (.ci/run
// installs it).
package browser

import (
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// Chromium is the browser's path; the test skips without one.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("KLACHTBOT_REQUIRE_CHROMIUM") != "" {
		t.Fatal("no chromium, and KLACHTBOT_REQUIRE_CHROMIUM is set")
	}
	t.Skip("no chromium to render with")
	return ""
}

// Out is where rendered pages and screenshots go: $KLACHTBOT_TEST_OUT, or a
// temporary directory.
func Out(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv("KLACHTBOT_TEST_OUT"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

func run(t testing.TB, bin string, args ...string) string {
	t.Helper()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
		"--disable-component-update", "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + t.TempDir()}
	out, err := exec.Command(bin, append(base, args...)...).Output()
	if err != nil {
		t.Fatalf("chromium %v: %v", args, err)
	}
	return string(out)
}

var widths = regexp.MustCompile(`data-scroll="(\d+)" data-inner="(\d+)"`)

// frame puts a page in an iframe of the given width: a headless window is at
// least 500 px wide, a phone's screen is not. The frame's media queries see
// its width, as a phone's mail app does.
func frame(page string, width int) string {
	w := strconv.Itoa(width)
	return `<!DOCTYPE html><html><body style="margin:0"><iframe id="f" style="width:` + w + `px;height:2400px;border:0" srcdoc="` +
		html.EscapeString(page) + `" onload="var d=this.contentDocument;document.body.setAttribute('data-scroll', d.documentElement.scrollWidth);` +
		`document.body.setAttribute('data-inner', this.contentWindow.innerWidth)"></iframe></body></html>`
}

// Overflow renders a page width pixels wide and reports its
// document.documentElement.scrollWidth and the viewport's width (a page
// wider than its viewport scrolls sideways), and writes a screenshot.
func Overflow(t testing.TB, bin, page string, width int, shot string) (scroll, inner int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "frame.html")
	if err := os.WriteFile(path, []byte(frame(page, width)), 0o644); err != nil {
		t.Fatal(err)
	}
	window := "--window-size=" + strconv.Itoa(max(width, 500)) + ",2400"
	m := widths.FindStringSubmatch(run(t, bin, window, "--dump-dom", "file://"+path))
	if m == nil {
		t.Fatalf("no widths in the rendered page at %d px", width)
	}
	scroll, _ = strconv.Atoi(m[1])
	inner, _ = strconv.Atoi(m[2])
	run(t, bin, window, "--screenshot="+shot, "file://"+path)
	if info, err := os.Stat(shot); err != nil || info.Size() == 0 {
		t.Errorf("no screenshot %s: %v", shot, err)
	}
	return scroll, inner
}
