package storage

import (
	"encoding/json"
	"fmt"

	"github.com/mcoo/klachtbot/workflow/alert"
)

// Incidents: what went wrong, keyed by the incident's key (few; kept after
// they end, for the record).

// Incident loads an incident (nil: none with that key).
func (t *Tx) Incident(key string) (*alert.Incident, error) {
	data := t.bucket(bIncidents).Get([]byte(key))
	if data == nil {
		return nil, nil
	}
	inc := new(alert.Incident)
	if err := json.Unmarshal(data, inc); err != nil {
		return nil, fmt.Errorf("decode incident %s: %w", key, err)
	}
	return inc, nil
}

// PutIncident stores an incident.
func (t *Tx) PutIncident(inc *alert.Incident) error {
	return putJSON(t.bucket(bIncidents), []byte(inc.Key), inc)
}

// OpenIncidents lists the incidents that still need attention, by key.
func (t *Tx) OpenIncidents() ([]*alert.Incident, error) {
	var open []*alert.Incident
	err := each(t.bucket(bIncidents), "incident", func(_ []byte, inc *alert.Incident) error {
		if inc.Open() {
			open = append(open, inc)
		}
		return nil
	})
	return open, err
}
