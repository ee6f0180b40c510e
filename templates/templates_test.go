package templates

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

type ackData struct {
	CaseID, Subject, ClientName, DirectorName, Channel string
	Directors                                          []string
	Received, Target                                   time.Time
}

func TestDates(t *testing.T) {
	t.Parallel()
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		t      time.Time
		nl, en string
	}{
		{time.Date(2026, 12, 8, 9, 0, 0, 0, ams), "8 december 2026", "8 December 2026"},
		{time.Date(2027, 3, 1, 0, 0, 0, 0, ams), "1 maart 2027", "1 March 2027"},
		{time.Date(2027, 5, 31, 23, 59, 0, 0, ams), "31 mei 2027", "31 May 2027"},
	}
	for _, tt := range tests {
		if got := DateNL(tt.t); got != tt.nl {
			t.Errorf("DateNL(%v) = %q, want %q", tt.t, got, tt.nl)
		}
		if got := DateEN(tt.t); got != tt.en {
			t.Errorf("DateEN(%v) = %q, want %q", tt.t, got, tt.en)
		}
	}
}

func TestAckGolden(t *testing.T) {
	t.Parallel()
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	data := ackData{
		CaseID: "KL-2026-0007", Subject: "Klacht over mijn aangifte", ClientName: "Jan Jansen",
		DirectorName: "Marco", Directors: []string{"Marco", "Hans"}, Channel: "mail",
		Received: time.Date(2026, 11, 24, 14, 3, 0, 0, ams), Target: time.Date(2026, 12, 8, 14, 3, 0, 0, ams),
	}
	phone := data
	phone.Channel = "telefoon"
	for _, tt := range []struct {
		name, lang string
		data       ackData
	}{{"ack.nl", "nl", data}, {"ack.en", "en", data}, {"ack-phone.nl", "nl", phone}, {"ack-phone.en", "en", phone}} {
		lang := tt.name
		subject, text, err := Mail("ack", tt.lang, tt.data)
		if err != nil {
			t.Fatal(err)
		}
		got := "Subject: " + subject + "\n\n" + text
		golden := filepath.Join("testdata", tt.name+".golden")
		if *update {
			os.MkdirAll("testdata", 0o755)
			os.WriteFile(golden, []byte(got), 0o644)
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s differs from %s:\n%s", lang, golden, got)
		}
		// What the procedure promises must be in every acknowledgement.
		for _, s := range []string{"KL-2026-0007", "8 december 2026", "akkoord", "Jan Jansen"} {
			if !strings.Contains(text, s) {
				t.Errorf("%s acknowledgement lacks %q", lang, s)
			}
		}
	}
	if _, _, err := Mail("nope", "nl", data); err == nil {
		t.Error("unknown template rendered without error")
	}
}
