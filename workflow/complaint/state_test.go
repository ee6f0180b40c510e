package complaint

import (
	"testing"
	"time"
)

func TestStateChanges(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		from   Case
		change func(c *Case) *Event
		state  State
		detail string // "" when nothing changes
	}{
		{"open waits", Case{State: StateOpen}, func(c *Case) *Event { return c.Wait() }, StateWaiting, Detail(DetState, "from", string(StateOpen), "to", string(StateWaiting))},
		{"closed does not wait", Case{State: StateClosed}, func(c *Case) *Event { return c.Wait() }, StateClosed, ""},
		{"waiting resumes", Case{State: StateWaiting}, func(c *Case) *Event { return c.Resume(WhyClientAnswered) }, StateOpen, Detail(DetState, "from", string(StateWaiting), "to", string(StateOpen), "why", WhyClientAnswered)},
		{"closed does not resume", Case{State: StateClosed}, func(c *Case) *Event { return c.Resume("x") }, StateClosed, ""},
		{"open closes", Case{State: StateOpen}, func(c *Case) *Event { return c.Close(at, "vergoed") }, StateClosed, Detail(DetState, "from", string(StateOpen), "to", string(StateClosed))},
		{"closed closes again", Case{State: StateClosed}, func(c *Case) *Event { return c.Close(at, "vergoed") }, StateClosed, ""},
		{"waiting dismissed", Case{State: StateWaiting}, func(c *Case) *Event { return c.Dismiss(at) }, StateClosed, Detail(DetState, "from", string(StateWaiting), "to", string(StateClosed))},
		{"held accepted", Case{State: StateTriage}, func(c *Case) *Event { return c.Accept() }, StateOpen, Detail(DetState, "from", string(StateTriage), "to", string(StateOpen), "why", WhyJudged)},
		{"open not accepted again", Case{State: StateOpen}, func(c *Case) *Event { return c.Accept() }, StateOpen, ""},
		{"held dismissed", Case{State: StateTriage}, func(c *Case) *Event { return c.Dismiss(at) }, StateClosed, Detail(DetState, "from", string(StateTriage), "to", string(StateClosed))},
		{"closed reopens", Case{State: StateClosed, ClosedAt: &at, NotComplaint: true}, func(c *Case) *Event { return c.Reopen(WhyClientWrote) }, StateOpen, Detail(DetState, "from", string(StateClosed), "to", string(StateOpen), "why", WhyClientWrote)},
	}
	for _, tt := range tests {
		c := tt.from
		ev := tt.change(&c)
		if c.State != tt.state {
			t.Errorf("%s: state %s, want %s", tt.name, c.State, tt.state)
		}
		switch {
		case tt.detail == "" && ev != nil:
			t.Errorf("%s: recorded %+v for no change", tt.name, ev)
		case tt.detail != "" && (ev == nil || ev.Kind != EvStateChanged || ev.Detail != tt.detail):
			t.Errorf("%s: event %+v, want %q", tt.name, ev, tt.detail)
		}
	}
	c := Case{State: StateOpen}
	c.Close(at, "boete vergoed")
	if c.ClosedAt == nil || !c.ClosedAt.Equal(at) || c.Resolution != "boete vergoed" {
		t.Errorf("closed case: %+v", c)
	}
	c.Reopen("")
	if c.ClosedAt != nil || c.NotComplaint {
		t.Errorf("reopened case keeps its closing: %+v", c)
	}
	c.Dismiss(at)
	if !c.NotComplaint || c.ClosedAt == nil {
		t.Errorf("dismissed case: %+v", c)
	}
}

func TestParseID(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"kl-2026-0007": "KL-2026-0007", " KL-2026-12345 ": "KL-2026-12345", "KL-2026-7": "", "KL-2026-0007/../x": "", "": ""} {
		got, err := ParseID(in)
		if got != want || (err == nil) != (want != "") {
			t.Errorf("ParseID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if got := IDInSubject("AW: RE: [KL-2026-0007] Klacht"); got != "KL-2026-0007" {
		t.Errorf("IDInSubject = %q", got)
	}
	for subject, want := range map[string]string{
		"kl-2026-0003 afgehandeld": "KL-2026-0003", "Re: KL-2026-0003": "KL-2026-0003", "over KL-2026-00031.": "KL-2026-00031",
		"[KL-2026-0004] en KL-2026-0003": "KL-2026-0004", "XKL-2026-0003": "", "KL-2026-003": "", "opdracht": "",
	} {
		if got := FindID(subject); got != want {
			t.Errorf("FindID(%q) = %q, want %q", subject, got, want)
		}
	}
}
