package complaint

import "time"

// A case's state changes only through these methods. Each is the one place
// that sets its state, and returns the event that records the change (kind
// EvStateChanged, detail "from -> to[: why]") for the caller to append with
// its actor and message; nil when the state stays as it was. The detail is
// coded (DetState, with a Why* reason code), read in Dutch by DetailNL.

// Open makes c a newly received complaint; its receipt is recorded as EvReceived.
func (c *Case) Open() {
	c.State = StateOpen
}

// Hold makes c a newly received mail that may be a complaint: it waits for
// a director's decision (EvTriage records why).
func (c *Case) Hold() {
	c.State = StateTriage
}

// Accept makes a held mail a complaint (#klacht, or the director moved it
// into the complaints folder); the caller sets its target and acknowledges it.
func (c *Case) Accept() *Event {
	if c.State != StateTriage {
		return nil
	}
	return c.set(StateOpen, WhyJudged)
}

// Wait puts an open case on hold until the client writes (#wacht-op-klant).
// A closed case stays closed.
func (c *Case) Wait() *Event {
	if c.State == StateClosed {
		return nil
	}
	return c.set(StateWaiting, "")
}

// Resume takes a case that waits for the client back into handling: the
// client answered, or a director wrote to the client.
func (c *Case) Resume(why string) *Event {
	if c.State != StateWaiting {
		return nil
	}
	return c.set(StateOpen, why)
}

// Close closes the case with its resolution (#afgehandeld).
func (c *Case) Close(at time.Time, resolution string) *Event {
	c.ClosedAt, c.Resolution = &at, resolution
	return c.set(StateClosed, "")
}

// Dismiss closes the case as no complaint after all (#geen-klacht): it is
// left out of the evaluation.
func (c *Case) Dismiss(at time.Time) *Event {
	c.ClosedAt, c.NotComplaint = &at, true
	return c.set(StateClosed, "")
}

// Reopen takes a case back into handling (#heropend, or the client wrote
// after it was closed); it counts as a complaint again.
func (c *Case) Reopen(why string) *Event {
	c.ClosedAt, c.NotComplaint = nil, false
	return c.set(StateOpen, why)
}

func (c *Case) set(state State, why string) *Event {
	if c.State == state {
		return nil
	}
	detail := Detail(DetState, "from", string(c.State), "to", string(state), "why", why)
	c.State = state
	return &Event{Kind: EvStateChanged, Detail: detail}
}
