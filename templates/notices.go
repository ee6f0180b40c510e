package templates

import "time"

// What each named text of notices.nl.tmpl and incidents.nl.tmpl is
// rendered with, and the sample of each: New renders every name with its
// sample, the golden files show them (testdata/notices, testdata/incidents).
// Dates are time.Time in the firm's zone; the templates write them out.

// NoticeReminder: the client has had no first response by its due date ("reminder").
type NoticeReminder struct {
	Due time.Time // the last moment the first response was due
}

// NoticeWarning: the target is near ("warning").
type NoticeWarning struct {
	Target, Received time.Time
	DaysLeft         int       // working days to the target
	Waiting          bool      // the case waits for the client
	State            string    // else its state in Dutch: "open"
	FirstResponse    time.Time // zero while the client has heard nothing
}

// NoticeEscalation: the target has passed, to both directors each working day ("escalation").
type NoticeEscalation struct {
	Target   time.Time
	DaysOver int    // days since the target
	Director string // who handles the case: a first name, else the address
	Waiting  bool   // the case waits for the client
	State    string // else its state in Dutch: "open"
}

// NoticeTriage asks a director whether a held mail is a complaint ("triage").
type NoticeTriage struct {
	Why      string // why recognition doubted, without the full stop
	From     string // the sender as a mail names them: "Jan Jansen <jan@example.nl>"
	Received time.Time
	Words    []string // the sender's own words, at most eight lines
}

// NoticeTriageReminder reminds a director of a held mail ("triage-reminder").
type NoticeTriageReminder struct {
	Why, From string
	Received  time.Time
}

// NoticeConsultLate: a staff member has not answered, even after a reminder ("consult-late").
type NoticeConsultLate struct {
	Staff Person // as consulted
	Asked time.Time
}

// NoticeStaffAnswer quotes a staff member's answer to the director who asked ("staff-answer").
type NoticeStaffAnswer struct {
	Staff Person
	Words []string // what she wrote herself, line by line
}

// NoticeUnverified: a mail in the client's name that is not evidently
// theirs changed nothing ("unverified"); Consent when it spoke of consent.
type NoticeUnverified struct{ Consent bool }

// NoticeConsent: the client gave or refused consent by mail ("consent").
type NoticeConsent struct {
	Given    bool
	Received time.Time
	Subject  string // of the client's mail, one line; may be empty
}

// NoticeReopened: the client wrote about a closed case ("reopened"). Unclear
// when the mail answered the closing question with neither ja nor nee.
type NoticeReopened struct {
	Unclear bool
	Words   []string // then the client's own words, line by line
}

// NoticeClientWords quotes the client's answer to the closing question:
// not evidently theirs ("unverified-answer"), or not satisfied ("dissatisfied").
type NoticeClientWords struct {
	Words []string
}

// NoticeMeasures tells the director the measures taken earlier in the case's category ("measures").
type NoticeMeasures struct {
	Category string
	Measures []Measure // oldest first
}

// Measure is one measure taken against a category's complaints, and the
// category's complaints before it and since.
type Measure struct {
	Text, Case    string // the measure (at most 200 characters) and the case it was taken on
	At            time.Time
	Before, After int
}

// NoticeNotUnderstood: a command mail with lines that are no command ("not-understood").
type NoticeNotUnderstood struct {
	Bad      []string      // the lines not understood
	Commands []CommandHelp // every command, in the order the help lists them
}

// CommandHelp is one command as the help lists it.
type CommandHelp struct {
	Line string // "#betrokkene <naam|adres> [vraag]"
	Help string
}

// NoticeConfirmation confirms the commands carried out ("confirmation").
type NoticeConfirmation struct {
	Applied []string // each line as confirmed, with what followed from it
}

// NoticeRefused: a command not carried out, for a reason its name says
// ("refused-uphold", "refused-extern", "refused-term", "refused-new-complaint",
// "refused-statement-external").
type NoticeRefused struct {
	Line string // the command as typed
}

// NoticeRefusedStaff: #betrokkene names no one of [[firm.staff]] ("refused-staff").
type NoticeRefusedStaff struct {
	Line  string
	Staff []Person // the known ones
}

// NoticeRefusedStatement: #geheimhouding without the signed statement ("refused-statement-missing").
type NoticeRefusedStatement struct {
	Line, Party string
}

// IncidentMailbox: a watched folder cannot be read ("mailbox-oauth",
// "mailbox-auth", "mailbox-no-folder", "mailbox-tls", "mailbox-unreachable",
// "mailbox-unreadable").
type IncidentMailbox struct {
	Director string // the mailbox's owner by name, for what directors read
	Account  string // their address, where the technical parts name the account
	Folder   string // as people call it
	Secret   string // where its password comes from; "" says "het wachtwoord"
	Host     string // the server, when known
	Port     int
	Failure  string
}

// IncidentSending: an account cannot send; its mail waits ("sending-tls",
// "sending-auth", "sending-oauth", "sending-unreachable").
type IncidentSending struct {
	Host    string
	Port    int
	User    string // the SMTP login, when there is one
	Failure string
	Waiting int // mails waiting behind it
}

// IncidentUndeliverable: the outbox gave up on a mail ("undeliverable"),
// or on the mail behind an account that could not send ("given-up").
type IncidentUndeliverable struct {
	To      string // the recipients, joined
	Subject string // one line
	Reason  string
	Ack     bool // an acknowledgement to a client
}

// IncidentQuarantine: a mail could not be read and was kept raw ("quarantine").
type IncidentQuarantine struct {
	Source   string
	Problems []string
}

// IncidentJob: a scheduled job failed ("job").
type IncidentJob struct{ Job, Failure string }

// IncidentAckLimit: an address had its acknowledgements for the day ("ack-limit").
type IncidentAckLimit struct {
	To, Case string
	Count    int
}

// IncidentAckFlood: max_acks_per_hour held acknowledgements back ("ack-flood").
type IncidentAckFlood struct {
	Case  string
	Count int
}

// IncidentBounce: a mail about a case came back: the acknowledgement
// ("bounce-ack") or another ("bounce").
type IncidentBounce struct {
	Case, To, Reason string
}

// ResolvedMailbox: a folder is read again ("resolved-mailbox").
type ResolvedMailbox struct{ Director, Account, Folder string }

// ResolvedSending: an account sends again ("resolved-sending").
type ResolvedSending struct{ Director string }

// ResolvedJob: a job runs again ("resolved-job").
type ResolvedJob struct{ Job string }

// AttentionDissatisfied: the client answered nee to the closing question ("case-dissatisfied").
type AttentionDissatisfied struct{ Client string }

// AttentionUnsigned: documents went to an expert who has not signed for confidentiality ("case-unsigned").
type AttentionUnsigned struct{ Party string }

func sampleAt(m time.Month, d, h, min int) time.Time {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		ams = time.UTC
	}
	return time.Date(2026, m, d, h, min, 0, 0, ams)
}

var sampleWords = []string{"Ik ben niet tevreden.", "", "De boete is nog steeds niet vergoed."}

func noticeSamples() map[string]any {
	return map[string]any{
		"reminder":          NoticeReminder{Due: sampleAt(11, 27, 16, 59)},
		"warning":           NoticeWarning{Target: sampleAt(12, 8, 14, 0), Received: sampleAt(11, 24, 14, 0), DaysLeft: 4, State: "open", FirstResponse: sampleAt(11, 25, 10, 0)},
		"escalation":        NoticeEscalation{Target: sampleAt(12, 8, 14, 0), DaysOver: 2, Director: "Marco", State: "open"},
		"triage":            NoticeTriage{Why: "kans 62%, over het kantoor: \"al drie keer gebeld\"", From: "Jan Jansen <jan@example.nl>", Received: sampleAt(11, 24, 14, 3), Words: []string{"Ik heb al drie keer gebeld over mijn aangifte.", "Wanneer hoor ik iets?"}},
		"triage-reminder":   NoticeTriageReminder{Why: "kans 62%, over het kantoor: \"al drie keer gebeld\"", From: "Jan Jansen <jan@example.nl>", Received: sampleAt(11, 24, 14, 3)},
		"consult-late":      NoticeConsultLate{Staff: Person{Name: "Anna de Boer", Address: "anna@mcoo.nl"}, Asked: sampleAt(11, 25, 10, 0)},
		"staff-answer":      NoticeStaffAnswer{Staff: Person{Name: "Anna de Boer", Address: "anna@mcoo.nl"}, Words: []string{"De aangifte is op 3 mei ingediend;", "de stukken kwamen op 2 mei binnen."}},
		"unverified":        NoticeUnverified{Consent: true},
		"consent":           NoticeConsent{Given: true, Received: sampleAt(11, 25, 9, 12), Subject: "Re: [KL-2026-0007] Klacht over mijn aangifte"},
		"reopened":          NoticeReopened{Unclear: true, Words: sampleWords},
		"unverified-answer": NoticeClientWords{Words: sampleWords},
		"dissatisfied":      NoticeClientWords{Words: sampleWords},
		"measures": NoticeMeasures{Category: "termijnen", Measures: []Measure{
			{Text: "Aangiftes worden een week voor de deadline ingepland.", Case: "KL-2026-0002", At: sampleAt(9, 1, 10, 0), Before: 3, After: 2},
			{Text: "Elke maandag een overzicht van de openstaande aangiftes.", Case: "KL-2026-0005", At: sampleAt(10, 6, 10, 0), Before: 4, After: 1}}},
		"not-understood": NoticeNotUnderstood{Bad: []string{"#afgehandld Boete vergoed"}, Commands: []CommandHelp{
			{"#afgehandeld <oplossing>", "klacht afgehandeld; de cliënt krijgt de oplossing en de vraag of hij tevreden is"},
			{"#wacht-op-klant", "wachten op informatie van de cliënt"}}},
		"confirmation":               NoticeConfirmation{Applied: []string{"#categorie termijnen", "#afgehandeld Boete vergoed (de cliënt krijgt de oplossing)"}},
		"refused-uphold":             NoticeRefused{Line: "#oplossing-handhaven"},
		"refused-extern":             NoticeRefused{Line: "#extern KPMG: jaarrekening 2025"},
		"refused-term":               NoticeRefused{Line: "#nieuwe-termijn 2026-11-01 Wij wachten op stukken."},
		"refused-new-complaint":      NoticeRefused{Line: "#nieuwe-klacht telefoon Jan Jansen <jan@example.nl>"},
		"refused-staff":              NoticeRefusedStaff{Line: "#betrokkene Bert", Staff: []Person{{Name: "Anna de Boer", Address: "anna@mcoo.nl"}, {Name: "Kees Smit", Address: "kees@mcoo.nl"}}},
		"refused-statement-external": NoticeRefused{Line: "#geheimhouding"},
		"refused-statement-missing":  NoticeRefusedStatement{Line: "#geheimhouding KPMG", Party: "KPMG"},
	}
}

func incidentSamples() map[string]any {
	box := IncidentMailbox{Director: "Marco", Account: "marco@mcoo.nl", Folder: "INBOX", Secret: "MARCO_PASSWORD",
		Host: "imap.mcoo.nl", Port: 993, Failure: "dial tcp: connection refused"}
	send := IncidentSending{Host: "smtp.mcoo.nl", Port: 587, User: "marco@mcoo.nl", Failure: "535 5.7.8 authentication failed", Waiting: 4}
	lost := IncidentUndeliverable{To: "jan@example.nl", Subject: "Ontvangstbevestiging [KL-2026-0007]", Reason: "550 5.1.1 user unknown", Ack: true}
	return map[string]any{
		"mailbox-oauth": box, "mailbox-auth": box, "mailbox-no-folder": box, "mailbox-tls": box,
		"mailbox-unreachable": box, "mailbox-unreadable": box,
		"sending-tls": send, "sending-auth": send, "sending-oauth": send, "sending-unreachable": send,
		"undeliverable": lost, "given-up": lost,
		"quarantine": IncidentQuarantine{Source: "marco@mcoo.nl/INBOX uid 4711", Problems: []string{"geen geldige MIME-structuur", "onderwerp onleesbaar"}},
		"job":        IncidentJob{Job: "deadlines", Failure: "database is locked"},
		"ack-limit":  IncidentAckLimit{To: "jan@example.nl", Case: "KL-2026-0007", Count: 5},
		"ack-flood":  IncidentAckFlood{Case: "KL-2026-0007", Count: 30},
		"bounce-ack": IncidentBounce{Case: "KL-2026-0007", To: "jan@example.nl", Reason: "550 5.1.1 user unknown"},
		"bounce":     IncidentBounce{Case: "KL-2026-0007", To: "jan@example.nl", Reason: "550 5.1.1 user unknown"},
	}
}

func resolutionSamples() map[string]any {
	return map[string]any{
		"resolved-mailbox": ResolvedMailbox{Director: "Marco", Account: "marco@mcoo.nl", Folder: "INBOX"},
		"resolved-sending": ResolvedSending{Director: "Marco"},
		"resolved-job":     ResolvedJob{Job: "deadlines"},
	}
}

func attentionSamples() map[string]any {
	return map[string]any{
		"case-dissatisfied": AttentionDissatisfied{Client: "Kees Bakker"},
		"case-unsigned":     AttentionUnsigned{Party: "KPMG"},
	}
}

// NoteClient names the client a command's mail went to ("note-closing-sent").
type NoteClient struct{ Client string }

// NoteNone is the data of a phrase that needs none ("note-closing-no-address").
type NoteNone struct{}

// NoteConsult: a staff member asked and not yet answered, under a case's
// row in the digest ("note-consult-waiting").
type NoteConsult struct {
	Staff Person
	Asked time.Time
}

// NoteTarget: a reopened case's new target ("note-new-target").
type NoteTarget struct{ Target time.Time }

// NoteRegistered: a complaint a director registered by #nieuwe-klacht
// ("note-registered"); Client is "" when there is no address to confirm to.
type NoteRegistered struct{ Case, Channel, Client string }

// NoteReason: why an acknowledgement did not reach the client, as the case
// shows it ("attention-ack-bounced": it came back; "attention-ack-undelivered":
// the outbox gave up).
type NoteReason struct{ Reason string }

func noteSamples() map[string]any {
	return map[string]any{
		"note-closing-sent":            NoteClient{Client: "jan@klant.test"},
		"note-closing-no-address":      NoteNone{},
		"note-consult-waiting":         NoteConsult{Staff: Person{Name: "Anna de Vries"}, Asked: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)},
		"note-satisfied":               NoteNone{},
		"note-dissatisfied":            NoteNone{},
		"note-satisfaction-unanswered": NoteNone{},
		"note-satisfaction-asked":      NoteNone{},
		"note-original-gone":           NoteNone{},
		"note-new-target":              NoteTarget{Target: time.Date(2026, 12, 8, 17, 0, 0, 0, time.UTC)},
		"note-registered":              NoteRegistered{Case: "KL-2026-0007", Channel: "telefoon", Client: "jan@klant.test"},
		"attention-ack-bounced":        NoteReason{Reason: "jan@klant.test 5.1.1: user unknown"},
		"attention-ack-undelivered":    NoteReason{Reason: "550 5.1.1 user unknown"},
	}
}
