package workflow

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/workflow/alert"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
)

// manyCases is n cases in every state, with the longest subjects and names
// the digest shows, full of what HTML escapes.
func manyCases(n int, now time.Time, worst bool) []*complaint.Case {
	states := []complaint.State{complaint.StateOpen, complaint.StateOpen, complaint.StateWaiting, complaint.StateClosed, complaint.StateTriage}
	cases := make([]*complaint.Case, 0, n)
	for i := range n {
		received := now.Add(-time.Duration(i%40) * 24 * time.Hour)
		c := &complaint.Case{ID: fmt.Sprintf("KL-2026-%04d", i+1), State: states[i%len(states)],
			Client: fmt.Sprintf("klant%d@voorbeeld-van-een-lang-domein.nl", i), ClientName: "Sanne de Vries",
			Director: "marco@mcoo.nl", Subject: "Boete door te late btw-aangifte", ReceivedAt: received.UTC(), TargetAt: received.AddDate(0, 0, 14).UTC()}
		if worst {
			c.ClientName, c.Subject = strings.Repeat("<Ö&>", 40), strings.Repeat("&<\"é", 100)
		}
		if c.State == complaint.StateClosed {
			at := now.Add(-time.Duration(i%6) * 24 * time.Hour).UTC()
			c.ClosedAt = &at
		}
		cases = append(cases, c)
	}
	return cases
}

// The digest has a bounded size whatever the number of cases: at 10,000
// open cases the whole mail (text and HTML) stays under 150 KB, and every
// section says how many it left out.
func TestDigestSizeBounded(t *testing.T) {
	t.Parallel()
	e, _, clock := newTestEngine(t)
	now := clock.Now()
	var incidents []*alert.Incident
	for i := range 200 {
		incidents = append(incidents, &alert.Incident{Key: fmt.Sprint(i), Title: strings.Repeat("titel ", 20), Meaning: strings.Repeat("betekenis ", 20),
			Todo: strings.Repeat("te doen ", 20), Since: now})
	}
	for _, tt := range []struct {
		n     int
		worst bool
	}{{10, true}, {10_000, false}, {10_000, true}} {
		n := tt.n
		item, err := e.jobs.Digest(compose.Director(e.cfg.Directors[0]), manyCases(n, now, tt.worst), incidents, "Zegel: sha256:…", time.Time{}, now)
		if err != nil {
			t.Fatal(err)
		}
		size := len(item.Mail.Subject) + len(item.Mail.Text) + len(item.Mail.HTML)
		t.Logf("%d cases (longest names and subjects, all escaped: %v): digest %d bytes (text %d, HTML %d)", n, tt.worst, size, len(item.Mail.Text), len(item.Mail.HTML))
		if size >= 150_000 {
			t.Errorf("%d cases: digest of %d bytes, want under 150 KB (150,000 bytes)", n, size)
		}
		if n == 10_000 {
			for _, want := range []string{"OPEN, DE MEEST DRINGENDE EERST (4.000)", "En nog 3.985 klachten, niet in dit overzicht", "#overzicht", "En nog 190 meldingen"} {
				if !strings.Contains(item.Mail.Text, want) {
					t.Errorf("10,000 cases: the digest text lacks %q", want)
				}
			}
		}
	}
}
