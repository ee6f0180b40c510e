package templates

import (
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// chromium is the browser the rendering tests use; they skip without it
// unless KLACHTBOT_REQUIRE_CHROMIUM is set (.ci/run installs it).
func chromium(t *testing.T) string {
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

// testOut is where rendered pages and screenshots go: $KLACHTBOT_TEST_OUT, or a temporary directory.
func testOut(t *testing.T) string {
	if dir := os.Getenv("KLACHTBOT_TEST_OUT"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

func chrome(t *testing.T, bin string, args ...string) string {
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

// overflow renders a page at a width and reports its scrollWidth against
// the viewport's, and writes a screenshot: a page wider than the screen must
// be scrolled sideways.
func overflow(t *testing.T, bin, page string, width int, shot string) (scroll, inner int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "frame.html")
	if err := os.WriteFile(path, []byte(frame(page, width)), 0o644); err != nil {
		t.Fatal(err)
	}
	window := "--window-size=" + strconv.Itoa(max(width, 500)) + ",2400"
	dom := chrome(t, bin, window, "--dump-dom", "file://"+path)
	m := widths.FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("no widths in the rendered page at %d px", width)
	}
	scroll, _ = strconv.Atoi(m[1])
	inner, _ = strconv.Atoi(m[2])
	chrome(t, bin, window, "--screenshot="+shot, "file://"+path)
	if info, err := os.Stat(shot); err != nil || info.Size() == 0 {
		t.Errorf("no screenshot %s: %v", shot, err)
	}
	return scroll, inner
}

// The digest reads without sideways scrolling from 360 px up: rendered in
// Chromium at 360, 700 and 1000 px, with the longest names and an
// unbroken subject; screenshots go to $KLACHTBOT_TEST_OUT.
func TestDigestInChromium(t *testing.T) {
	t.Parallel()
	bin := chromium(t)
	d := SampleDigest()
	long := d.Open.Rows[0]
	long.ID, long.Client = "KL-2026-0099", "Stichting Vrienden van de Historische Vereniging Oud-Amsterdam-Zuidoost"
	long.Subject = "Factuur_2026_000123456789_dubbel_betaald_en_nog_steeds_niet_terugbetaald_ondanks_drie_herinneringen"
	d.Open.Rows = append(d.Open.Rows, long)
	d.Open.More = 9975
	page, err := Default().DigestHTML(d)
	if err != nil {
		t.Fatal(err)
	}
	out := testOut(t)
	if err := os.WriteFile(filepath.Join(out, "digest.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, width := range []int{360, 700, 1000} {
		shot := filepath.Join(out, "digest-"+strconv.Itoa(width)+".png")
		scroll, inner := overflow(t, bin, page, width, shot)
		if inner != width || scroll > inner {
			t.Errorf("at %d px the digest is %d px wide (viewport %d): it scrolls sideways", width, scroll, inner)
		}
		t.Logf("%d px: scrollWidth %d, viewport %d; %s", width, scroll, inner, shot)
	}
}
