package main

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/storage"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/dossier"
	"github.com/mcoo/klachtbot/workflow/dossier/dossiertest"
)

// TestShowJSONTimesInOneZone: `show --json` and `cases --json` write every time of a case in
// Europe/Amsterdam with its offset (+01:00 in winter, +02:00 in summer),
// whatever zone it was stored in: UTC from a mail's Date, a fixed offset
// from another sender, the firm's zone from the clock. The case sets every
// time field `show` has; a field added later must be set here too.
func TestShowJSONTimesInOneZone(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	ny := time.FixedZone("", -5*3600)
	winter := time.Date(2026, 11, 24, 13, 3, 0, 0, time.UTC) // 14:03 in Amsterdam
	summer := time.Date(2026, 7, 1, 8, 0, 0, 0, ny)          // 15:00 in Amsterdam, CEST
	ptr := func(t time.Time) *time.Time { return &t }
	yes := true

	db := filepath.Join(t.TempDir(), "klachtbot.db")
	st, err := storage.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(func(tx *storage.Tx) error {
		c := &complaint.Case{ID: caseA, State: complaint.StateClosed, Client: "sanne@voorbeeld.nl",
			Director: "hans@mcoo.nl", Subject: "Klacht", Language: "nl",
			ReceivedAt: summer, TargetAt: winter.In(ams), AcknowledgedAt: ptr(winter.In(ny)),
			FirstResponseAt: ptr(winter), ClosedAt: ptr(summer.UTC()),
			Measures: []string{"Vier ogen bij elke aangifte"}, MeasuresAt: []time.Time{winter.In(ny)},
			Consultations: []complaint.Consultation{{Name: "Petra", Address: "petra@mcoo.nl", At: winter, By: "hans@mcoo.nl",
				MessageID: "<c1@mcoo.nl>", AnsweredAt: ptr(summer)}},
			Satisfaction: &complaint.Satisfaction{AskedAt: winter, AskedBy: "hans@mcoo.nl", MessageID: "<s1@mcoo.nl>", Satisfied: &yes,
				AnsweredAt: ptr(summer), Upheld: ptr(winter), UpheldBy: "hans@mcoo.nl", ReopenedAt: ptr(summer.UTC())},
			External: []complaint.External{{Party: "Kifid", At: summer, By: "hans@mcoo.nl",
				Confidentiality: &complaint.Confidentiality{At: winter, By: "hans@mcoo.nl", Evidence: "<e1@mcoo.nl>", File: "verklaring.pdf"}}},
		}
		if err := tx.PutCase(c); err != nil {
			return err
		}
		m := &complaint.Message{MessageID: "<m1@voorbeeld.nl>", From: c.Client, Role: complaint.RoleClient, Subject: "Klacht", ReceivedAt: winter}
		if err := tx.AddMessage(caseA, m, []byte("From: sanne@voorbeeld.nl\r\nSubject: Klacht\r\n\r\nx\r\n")); err != nil {
			return err
		}
		return tx.AppendEvent(caseA, &complaint.Event{At: summer, Kind: "received", Actor: c.Client, MessageID: m.MessageID})
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	for _, cmd := range []struct {
		args []string
		typ  reflect.Type
	}{
		{[]string{"show", "--config", cliConfig(t, db), caseA, "--json"}, reflect.TypeFor[dossier.Detail]()},
		{[]string{"cases", "--config", cliConfig(t, db), "--json"}, reflect.TypeFor[dossier.Summary]()},
	} {
		stdout, stderr, err := klachtbot(t, cmd.args...)
		if err != nil {
			t.Fatalf("%s --json: %v\n%s%s", cmd.args[0], err, stdout, stderr)
		}
		dossiertest.CheckZone(t, cmd.args[0]+" --json", []byte(stdout), cmd.typ, ams, winter, summer)
	}
}
