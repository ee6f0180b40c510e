package templates

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mcoo/klachtbot/templates/browser"
)

// The digest reads without sideways scrolling from 360 px up: rendered in
// Chromium at 360, 700 and 1000 px, with the longest names and an
// unbroken subject; screenshots go to $KLACHTBOT_TEST_OUT.
func TestDigestInChromium(t *testing.T) {
	t.Parallel()
	bin := browser.Chromium(t)
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
	out := browser.Out(t)
	if err := os.WriteFile(filepath.Join(out, "digest.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, width := range []int{360, 700, 1000} {
		shot := filepath.Join(out, "digest-"+strconv.Itoa(width)+".png")
		scroll, inner := browser.Overflow(t, bin, page, width, shot)
		if inner != width || scroll > inner {
			t.Errorf("at %d px the digest is %d px wide (viewport %d): it scrolls sideways", width, scroll, inner)
		}
		t.Logf("%d px: scrollWidth %d, viewport %d; %s", width, scroll, inner, shot)
	}
}
