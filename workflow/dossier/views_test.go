package dossier

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/dossier/dossiertest"
)

// memReader is a Reader over one case file.
type memReader struct{ d *Dossier }

func (r memReader) Case(id string) (*complaint.Case, error) {
	if id != r.d.Case.ID {
		return nil, complaint.ErrNotFound
	}
	return r.d.Case, nil
}
func (r memReader) Cases() ([]*complaint.Case, error) { return []*complaint.Case{r.d.Case}, nil }
func (r memReader) Messages(string) ([]*complaint.Message, error) {
	var out []*complaint.Message
	for i := range r.d.Messages {
		out = append(out, &r.d.Messages[i].Message)
	}
	return out, nil
}
func (r memReader) Raw(_ string, seq uint64) ([]byte, error)  { return r.d.Messages[seq-1].Raw, nil }
func (r memReader) Events(string) ([]*complaint.Event, error) { return r.d.Events, nil }

// TestShowJSON: the JSON of `show --json` (golden: testdata/show.json.golden).
// An event's detail reads as its Dutch text, with the code and its fields
// as an object, never in its stored form; and the JSON, as the service
// sends it over its control socket, reads back to the same case.
func TestShowJSON(t *testing.T) {
	t.Parallel()
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	f := caseFile()
	d, err := Show(memReader{f}, f.Case.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(d.In(ams), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "show.json.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("show --json differs from %s (go test -update to rewrite):\n%s", path, got)
	}
	var doc struct {
		Events []struct {
			Detail map[string]any `json:"detail"`
		} `json:"events"`
	}
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatal(err)
	}
	for i, e := range doc.Events {
		text, _ := e.Detail["text"].(string)
		if text == "" || strings.HasPrefix(text, "@") {
			t.Errorf("event %d: detail %v has no readable text", i+1, e.Detail)
		}
		if code, ok := e.Detail["code"]; ok {
			if _, ok := e.Detail["fields"].(map[string]any); !ok {
				t.Errorf("event %d: code %v without its fields as an object: %v", i+1, code, e.Detail)
			}
		}
	}
	if strings.Contains(string(got), `"@`) {
		t.Errorf("show --json has a detail in its stored form:\n%s", got)
	}
	var back Detail
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	for i, e := range back.Events {
		if e.Detail.String() != f.Events[i].Detail || e.Kind != f.Events[i].Kind {
			t.Errorf("event %d reads back as %s %q, stored %s %q", i+1, e.Kind, e.Detail.String(), f.Events[i].Kind, f.Events[i].Detail)
		}
	}
}

// TestJSONTimesInOneZone: `show --json` and `cases --json` write every time
// in the firm's zone with its offset, whatever zone it was stored in (UTC
// from a mail's Date, another sender's offset, the firm's zone from the
// clock). The case sets every time field Detail has: one added later must
// be set here too, and converted by Detail.In.
func TestJSONTimesInOneZone(t *testing.T) {
	t.Parallel()
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	ny := time.FixedZone("", -5*3600)
	winter := time.Date(2026, 11, 24, 13, 3, 0, 0, time.UTC) // 14:03 in Amsterdam
	summer := time.Date(2026, 7, 1, 8, 0, 0, 0, ny)          // 15:00 in Amsterdam, CEST
	ptr := func(t time.Time) *time.Time { return &t }
	yes := true
	c := &complaint.Case{ID: "KL-2026-0003", State: complaint.StateClosed, Client: "sanne@voorbeeld.nl", Director: "hans@mcoo.nl", Subject: "Klacht",
		ReceivedAt: summer, TargetAt: winter.In(ams), AcknowledgedAt: ptr(winter.In(ny)), FirstResponseAt: ptr(winter), ClosedAt: ptr(summer.UTC()),
		Measures: []string{"Vier ogen bij elke aangifte", "Termijnen in de agenda"}, MeasuresAt: []time.Time{winter.In(ny)}, // the second: from ClosedAt
		Consultations: []complaint.Consultation{{Name: "Petra", Address: "petra@mcoo.nl", At: winter, By: "hans@mcoo.nl", AnsweredAt: ptr(summer)}},
		Satisfaction:  &complaint.Satisfaction{AskedAt: winter, Satisfied: &yes, AnsweredAt: ptr(summer), Upheld: ptr(winter), ReopenedAt: ptr(summer.UTC())},
		External: []complaint.External{{Party: "Kifid", At: summer,
			Confidentiality: &complaint.Confidentiality{At: winter, Evidence: "<e1@mcoo.nl>", File: "verklaring.pdf"}}},
	}
	f := &Dossier{Case: c,
		Messages: []Message{{Message: complaint.Message{Seq: 1, MessageID: "<m1@voorbeeld.nl>", Role: complaint.RoleClient, ReceivedAt: winter}}},
		Events:   []*complaint.Event{{At: summer, Kind: complaint.EvReceived, Detail: complaint.Detail(complaint.DetFound, "in", "hans@mcoo.nl/INBOX uid 1/1")}}}
	d, err := Show(memReader{f}, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	list, err := List(memReader{f})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		v    any
		typ  reflect.Type
	}{
		{"show --json", d.In(ams), reflect.TypeFor[Detail]()},
		{"cases --json", ListIn(list, ams), reflect.TypeFor[Summary]()},
	} {
		data, err := json.Marshal(tt.v)
		if err != nil {
			t.Fatal(err)
		}
		dossiertest.CheckZone(t, tt.name, data, tt.typ, ams, winter, summer)
	}
}
