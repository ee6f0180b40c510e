package templates

import "time"

// DefaultDigestLimit is how many cases a digest section lists in full
// when digest_limit is not set; the rest are counted.
const DefaultDigestLimit = 15

// What each template renders. The sample of each (samples) is rendered at
// start with every override, so a field an override names that does not
// exist is a configuration error, not a failed mail.

// Ack is the acknowledgement of a complaint (ack.*.tmpl).
type Ack struct {
	CaseID, Subject, ClientName, DirectorName, DirectorAddress, Channel string
	Directors                                                           []string // first names, in configured order
	Received, Target                                                    time.Time
}

// NewTerm tells the client of a new target date (newterm.*.tmpl).
type NewTerm struct {
	CaseID, Subject, ClientName, DirectorName, DirectorAddress, Reason string
	Target                                                             time.Time
}

// Consult asks one of the firm's people for their side of a complaint
// (consult.nl.tmpl), or reminds them (Reminder).
type Consult struct {
	CaseID, Subject, StaffName, ClientName, DirectorName, DirectorAddress, Question string
	Words                                                                           []string // the client's own words, line by line
	Received, Asked, Due                                                            time.Time
	Reminder                                                                        bool
}

// Closing tells the client the complaint is resolved, with what was done,
// and asks whether they are satisfied with how it was handled (closing.*.tmpl).
type Closing struct {
	CaseID, Subject, ClientName, DirectorName, DirectorAddress, Resolution string
}

// Notice is a short mail about a case to directors (notice.nl.tmpl).
type Notice struct {
	Title, CaseID, Subject string
	Client                 string // the client's name, else address
	Lines                  []string
}

// NoCase answers commands that name no case (nocase.nl.tmpl); Overview
// when the director only asked for their open cases (#overzicht).
type NoCase struct {
	Subject  string
	Open     []string
	Overview bool
}

// Alert is an incident told to people (alert.nl.tmpl): its text
// (IncidentText, from incidents.nl.tmpl), or with Resolved how it ended.
// Repeat when it is told again, as it is Every so long while it lasts.
type Alert struct {
	Title, What, Meaning, Todo, Case, Since, How string
	Resolved, Repeat                             bool
	Every                                        time.Duration
}

// Digest is the daily overview (digest.nl.tmpl, digest.html). Every
// section lists its most urgent cases up to the limit and counts the rest.
type Digest struct {
	Director   string // who it is for: a first name
	Date       time.Time
	BotAddress string // where the one-click commands go
	Attention  []Attention
	// AttentionMore counts the incidents beyond the limit.
	AttentionMore                                       int
	Triage, New, Open, Waiting, AwaitingConsent, Closed Section
	Seal                                                string // the record's fingerprint, for `verify --against`
	Actions                                             DigestActions
}

// Action is a one-click command of the digest: a mailto link to the bot
// address with the command line in its body.
type Action struct{ Label, Line string }

// DigestActions are the one-click commands the digest offers, by the rows
// they go with; workflow makes them from its command table.
type DigestActions struct {
	Triage, Open, Closed []Action
	Overview             Action // all one's open cases, in a mail without a case number
}

// Section is one list of the digest: Rows in full, More counted.
type Section struct {
	Rows []DigestRow
	More int
}

// Total is the number of cases in the section.
func (s Section) Total() int { return len(s.Rows) + s.More }

// DigestRow is one case in a digest: no message bodies, for confidentiality.
type DigestRow struct {
	ID, Client, Director, Subject, State string // Client and Director: names where known
	Received, Target                     time.Time
	DaysLeft                             int
	Overdue, Closed                      bool
	Notes                                []string // what the case waits for: "wacht op reactie van Anna"
}

// Attention is an open incident, first in the digest.
type Attention struct {
	Title, Meaning, Todo, Case string
	Since                      time.Time
}

func samples() map[string]any {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		ams = time.UTC
	}
	at := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, ams) }
	ack := Ack{CaseID: "KL-2026-0007", Subject: "Klacht over mijn aangifte", ClientName: "Jan Jansen",
		DirectorName: "Marco", DirectorAddress: "marco@mcoo.nl", Directors: []string{"Marco", "Hans"}, Channel: "mail",
		Received: at(2026, 11, 24, 14), Target: at(2026, 12, 8, 14)}
	term := NewTerm{CaseID: "KL-2026-0007", Subject: "Klacht over mijn aangifte", ClientName: "Jan Jansen",
		DirectorName: "Marco", DirectorAddress: "marco@mcoo.nl", Reason: "Wij wachten op stukken van de Belastingdienst.",
		Target: at(2026, 12, 18, 17)}
	notice := Notice{Title: "Herinnering: nog geen reactie aan de cliënt", CaseID: "KL-2026-0007", Subject: "Klacht over mijn aangifte",
		Client: "Jan Jansen", Lines: []string{"Op deze klacht is nog niet gereageerd."}}
	nocase := NoCase{Subject: "afgehandeld", Open: []string{"KL-2026-0007  open  Klacht over mijn aangifte"}}
	al := Alert{Title: "de mailserver van marco@mcoo.nl is niet bereikbaar", What: "klachtbot kan de map INBOX niet lezen.",
		Meaning: "Klachten worden niet geregistreerd.", Todo: "Controleer de mailserver.", Case: "KL-2026-0007", Since: "24 november 2026 om 14:03",
		Repeat: true, Every: 4 * time.Hour}
	consult := Consult{CaseID: "KL-2026-0007", Subject: "Klacht over mijn aangifte", StaffName: "Anna", ClientName: "Jan Jansen",
		DirectorName: "Marco", DirectorAddress: "marco@mcoo.nl", Question: "Klopt het dat de aangifte pas op 3 mei is ingediend?",
		Words: []string{"Mijn aangifte is te laat ingediend en ik heb een boete gekregen."}, Received: at(2026, 11, 24, 14),
		Asked: at(2026, 11, 25, 10), Due: at(2026, 11, 27, 10)}
	closing := Closing{CaseID: "KL-2026-0007", Subject: "Klacht over mijn aangifte", ClientName: "Jan Jansen",
		DirectorName: "Marco", DirectorAddress: "marco@mcoo.nl", Resolution: "Wij hebben de boete van 68 euro vergoed en de aangifte voortaan een week eerder ingepland."}
	d := SampleDigest()
	return map[string]any{
		"consult.nl.tmpl": consult, "closing.nl.tmpl": closing, "closing.en.tmpl": closing,
		"ack.nl.tmpl": ack, "ack.en.tmpl": ack, "newterm.nl.tmpl": term, "newterm.en.tmpl": term,
		"notice.nl.tmpl": notice, "nocase.nl.tmpl": nocase, "alert.nl.tmpl": al,
		"digest.nl.tmpl": d, "digest.html": d,
	}
}

// SampleDigest is a digest with a case in every section, for the golden
// files and the check of overrides.
func SampleDigest() Digest {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		ams = time.UTC
	}
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 9, 30, 0, 0, ams) }
	row := func(id, client, subject, state string, received, target time.Time, days int, closed bool) DigestRow {
		return DigestRow{ID: id, Client: client, Director: "Marco", Subject: subject, State: state, Received: received,
			Target: target, DaysLeft: days, Overdue: !closed && days <= 0, Closed: closed}
	}
	overdue := row("KL-2026-0001", "Sanne de Vries", "Boete door te late btw-aangifte over het derde kwartaal", "open", at(11, 13), at(11, 27), -1, false)
	soon := row("KL-2026-0004", "Jan Jansen", "Klacht over mijn aangifte", "open", at(11, 24), at(12, 8), 4, false)
	soon.Notes = []string{"wacht op reactie van Anna (gevraagd op 1 december 2026)"}
	fresh := row("KL-2026-0006", "info@bakkerijdehoek.nl", "Factuur dubbel betaald, graag terugbetalen", "open", at(12, 3), at(12, 17), 13, false)
	waiting := row("KL-2026-0003", "Piet de Boer", "Loonstroken steeds te laat", "wacht op cliënt", at(11, 20), at(12, 4), 0, false)
	closed := row("KL-2026-0002", "Kees Bakker", "Niet teruggebeld", "afgehandeld", at(11, 16), at(11, 30), 0, true)
	return Digest{
		Director: "Marco", Date: at(12, 4), BotAddress: "klachten@mcoo.nl",
		Attention: []Attention{{Title: "mail aan jan@example.nl niet bezorgd", Meaning: "Wie deze mail had moeten krijgen, weet er niet van.",
			Todo: "Controleer het adres en neem op een andere manier contact op.", Case: "KL-2026-0004", Since: at(12, 3)},
			{Title: "cliënt niet tevreden over de afhandeling", Meaning: "Kees Bakker antwoordde nee op de vraag of de klacht naar tevredenheid is afgehandeld.",
				Todo: "Heropen de klacht met #heropend, of leg met #oplossing-handhaven vast dat het kantoor bij de oplossing blijft.", Case: "KL-2026-0002", Since: at(12, 2)}},
		Triage:          Section{Rows: []DigestRow{{ID: "KL-2026-0005", Client: "Marieke Smit", Director: "Marco", Subject: "Waarom is mijn aangifte nog niet klaar?", State: "te beoordelen", Received: at(12, 2)}}},
		New:             Section{Rows: []DigestRow{fresh}},
		Open:            Section{Rows: []DigestRow{overdue, soon, fresh}},
		Waiting:         Section{Rows: []DigestRow{waiting}},
		AwaitingConsent: Section{Rows: []DigestRow{soon, fresh}},
		Closed:          Section{Rows: []DigestRow{closed}},
		Seal:            "Zegel: sha256:3f2a…e1 klachten:6 gebeurtenissen:41 tot:2026-12-04T08:30:00Z laatste:KL-2026-0006",
		Actions: DigestActions{
			Triage:   []Action{{"Wel een klacht", "#klacht"}, {"Geen klacht", "#geen-klacht"}},
			Open:     []Action{{"Afgehandeld", "#afgehandeld "}, {"Wacht op cliënt", "#wacht-op-klant"}, {"Nieuwe termijn", "#nieuwe-termijn "}},
			Closed:   []Action{{"Heropenen", "#heropend"}},
			Overview: Action{"Overzicht", "#overzicht"},
		},
	}
}
