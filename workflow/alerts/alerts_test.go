package alerts

import (
	"errors"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/mailbox/mailerr"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/compose"
)

func testDesk() *Desk[Tx] {
	return &Desk[Tx]{Mail: &compose.Composer{Tpl: templates.Default()},
		Name: func(addr string) string { return map[string]string{"marco@mcoo.nl": "Marco"}[addr] }}
}

// Each failure of a watched folder is told in the words of its kind: the
// director by name, the account and server where something must be fixed,
// what it means for the whole mailbox or for one folder.
func TestMailboxIncident(t *testing.T) {
	t.Parallel()
	d := testDesk()
	src := Folder{Key: "marco@mcoo.nl/INBOX", Director: "marco@mcoo.nl", Name: "INBOX"}
	fail := func(kind mailerr.Kind) error {
		return &mailerr.Error{Kind: kind, Host: "imap.mcoo.nl", Port: 993, Err: errors.New("kapot")}
	}
	for _, tt := range []struct {
		failure           error
		secret            string
		title, what, todo string
		wholeMailbox      bool
	}{
		{fail(mailerr.OAuth), "", "de aanmelding van Marco bij de mailserver werkt niet meer",
			"De aanmelding van marco@mcoo.nl met een OAuth2-token wordt geweigerd (kapot).", "het serviceaccount (het wachtwoord)", true},
		{fail(mailerr.Auth), "MARCO_PASSWORD", "het wachtwoord van Marco werkt niet meer",
			"De mailserver weigert de aanmelding van marco@mcoo.nl (kapot).", "Pas MARCO_PASSWORD aan", true},
		{fail(mailerr.NoFolder), "", "de map INBOX van Marco bestaat niet", "De map INBOX is niet te openen (kapot).",
			"in de mailbox van marco@mcoo.nl", false},
		{fail(mailerr.TLS), "", "de beveiligde verbinding met de mailserver van Marco mislukt",
			"De TLS-verbinding met de mailserver imap.mcoo.nl (poort 993) wordt geweigerd", "ca_file", true},
		{fail(mailerr.Unreachable), "", "de mailserver van Marco is niet bereikbaar",
			"klachtbot kan de mailserver imap.mcoo.nl (poort 993) niet bereiken (kapot).", "probeert het zelf", true},
		{errors.New("onverwacht"), "", "de map INBOX van Marco kan niet worden gelezen",
			"klachtbot kan de map INBOX niet lezen (onverwacht).", "Kijk in het log", false},
	} {
		src.Secret = tt.secret
		inc, err := d.mailboxIncident(src, tt.failure)
		if err != nil {
			t.Fatal(err)
		}
		if inc.Title != tt.title || !strings.HasPrefix(inc.What, tt.what) || !strings.Contains(inc.Todo, tt.todo) || !inc.Lasting {
			t.Errorf("%v:\n%+v", tt.failure, inc)
		}
		if whole := strings.HasPrefix(inc.Meaning, "Geen enkele map van Marco wordt gelezen"); whole != tt.wholeMailbox {
			t.Errorf("%v: meaning %q", tt.failure, inc.Meaning)
		}
	}
}

// An account that cannot send names the server and the account to fix,
// and how many mails wait behind it.
func TestSendingIncident(t *testing.T) {
	t.Parallel()
	d := testDesk()
	for _, tt := range []struct {
		kind    mailerr.Kind
		user    string
		waiting int
		title   string
		what    string
	}{
		{mailerr.TLS, "", 4, "klachtbot kan geen mail versturen: de beveiligde verbinding met smtp.mcoo.nl:587 mislukt",
			"Er wachten nu 4 mails."},
		{mailerr.Auth, "marco@mcoo.nl", 1, "klachtbot kan geen mail versturen: de verzendserver smtp.mcoo.nl:587 weigert de aanmelding",
			"weigert de aanmelding van het SMTP-account marco@mcoo.nl op smtp.mcoo.nl:587 (kapot). Er wacht nu één mail."},
		{mailerr.OAuth, "", 0, "klachtbot kan geen mail versturen: de OAuth2-aanmelding bij smtp.mcoo.nl:587 wordt geweigerd",
			"Het OAuth2-token voor het SMTP-account op smtp.mcoo.nl:587 is niet te krijgen"},
		{mailerr.Unreachable, "", 2, "klachtbot kan geen mail versturen: de verzendserver smtp.mcoo.nl:587 is niet bereikbaar",
			"De verzendserver smtp.mcoo.nl (poort 587) is niet te bereiken (kapot). Er wachten nu 2 mails."},
	} {
		me := &mailerr.Error{Kind: tt.kind, Account: "smtp.mcoo.nl:587", User: tt.user, Host: "smtp.mcoo.nl", Port: 587, Err: errors.New("kapot")}
		inc, err := d.sendingIncident("sending/x", "marco@mcoo.nl", me, "cause", tt.waiting)
		if err != nil {
			t.Fatal(err)
		}
		if inc.Title != tt.title || !strings.Contains(inc.What, tt.what) || inc.Key != "sending/x" || inc.Cause != "cause" || inc.Accounts[0] != "marco@mcoo.nl" {
			t.Errorf("%v:\n%+v", tt.kind, inc)
		}
	}
}
