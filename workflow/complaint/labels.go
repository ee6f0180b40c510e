package complaint

// Dutch names of states, roles and event kinds, as directors and reviewers
// read them. Every event kind has one (labels_test.go checks).

var stateNL = map[State]string{
	StateTriage:  "te beoordelen",
	StateOpen:    "open",
	StateWaiting: "wacht op cliënt",
	StateClosed:  "afgehandeld",
}

var roleNL = map[Role]string{
	RoleClient:   "cliënt",
	RoleDirector: "directeur",
	RoleBot:      "klachtbot",
	RoleStaff:    "medewerker",
	RoleOther:    "overig",
}

var eventNL = map[EventKind]string{
	EvReceived:        "klacht ontvangen",
	EvFollowUp:        "vervolgbericht cliënt",
	EvDirectorMessage: "reactie directeur",
	EvOtherMessage:    "bericht",
	EvAckQueued:       "ontvangstbevestiging klaargezet",
	EvAckSuppressed:   "ontvangstbevestiging niet verstuurd",
	EvMailSent:        "mail verzonden",
	EvMailFailed:      "mail niet verzonden",
	EvMailRetry:       "mail wordt opnieuw verstuurd",
	EvMalformed:       "onvolledig of beschadigd bericht",
	EvStateChanged:    "status gewijzigd",
	EvCommand:         "opdracht directeur",
	EvCommandRejected: "opdracht niet begrepen",
	EvCommandRefused:  "opdracht geweigerd",
	EvConsent:         "toestemming cliënt",
	EvMailQueued:      "mail klaargezet",
	EvPurged:          "geanonimiseerd",
	EvTriage:          "voorgelegd: klacht of niet?",
	EvAckBounced:      "ontvangstbevestiging onbestelbaar",
	EvMailBounced:     "mail onbestelbaar",
	EvMailDelayed:     "mail vertraagd",
	EvConsulted:       "medewerker om reactie gevraagd",
	EvStaffResponse:   "reactie medewerker",
	EvSatisfaction:    "tevredenheid cliënt",
	EvConfidentiality: "geheimhoudingsverklaring",
}

// StateNL is a case state in Dutch.
func StateNL(s State) string { return orCode(stateNL, s) }

// RoleNL is a message role in Dutch.
func RoleNL(r Role) string { return orCode(roleNL, r) }

// EventNL is an event kind in Dutch.
func EventNL(k EventKind) string { return orCode(eventNL, k) }

// orCode falls back to the code itself, for a record written by a newer version.
func orCode[K ~string](m map[K]string, k K) string {
	if v, ok := m[k]; ok {
		return v
	}
	return string(k)
}
