package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/workflow/dossier"
)

// TestE2EMetrics: with metrics_listen set, /healthz and /metrics answer on
// loopback and count what happened.
func TestE2EMetrics(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	st := embeddedStack(t)
	b := startBot(t, st.config(t, t.TempDir(), fmt.Sprintf("metrics_listen = %q\n", addr)))
	id, _, _ := openCase(t, st, b, "jan@klant.test", "marco@mcoo.nl")
	waitCase(t, b, id, func(d dossier.Detail) bool { return d.AcknowledgedAt != nil })

	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := get("/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	_, body := get("/metrics")
	for _, want := range []string{
		`klachtbot_watcher_up{folder="marco@mcoo.nl/INBOX"} 1`,
		`klachtbot_cases_open 1`,
		`klachtbot_mails_total{kind="ack",result="sent"} 1`,
		`klachtbot_outbox_pending 0`,
		`klachtbot_incidents_open 0`,
		`klachtbot_ack_delay_seconds_count 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if !strings.Contains(body, "klachtbot_ingest_seconds_count") || strings.Contains(body, "klachtbot_ingest_seconds_count 0") {
		t.Error("/metrics has no ingest timings")
	}
}
