package complaint

import "testing"

func TestEveryCodeHasADutchLabel(t *testing.T) {
	t.Parallel()
	for _, k := range EventKinds {
		if EventNL(k) == string(k) {
			t.Errorf("event kind %q has no Dutch label", k)
		}
	}
	for _, s := range []State{StateTriage, StateOpen, StateWaiting, StateClosed} {
		if _, ok := stateNL[s]; !ok {
			t.Errorf("state %q has no Dutch label", s)
		}
	}
	for _, r := range []Role{RoleClient, RoleDirector, RoleBot, RoleOther} {
		if RoleNL(r) == string(r) {
			t.Errorf("role %q has no Dutch label", r)
		}
	}
	if len(eventNL) != len(EventKinds) {
		t.Errorf("%d Dutch event labels for %d kinds", len(eventNL), len(EventKinds))
	}
}
