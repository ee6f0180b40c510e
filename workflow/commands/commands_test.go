package commands

import (
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/templates"
)

func TestParseCommands(t *testing.T) {
	t.Parallel()
	text := `Zie onderstaande.
#afgehandeld Boete vergoed en excuses aangeboden
  #Categorie: termijnen
#toestemming JA
#maatregel Aangiftes een week eerder klaarzetten
#heropend
#wacht-op-klant
#geen-klacht
#extern NBA klachtencommissie

Op 24 nov. 2026 om 14:03 schreef Jan <jan@klant.test>:
#afgehandeld dit is geciteerd
> #heropend ook geciteerd`
	cmds, bad := Parse(text)
	var got []string
	for _, c := range cmds {
		got = append(got, c.Name+"="+c.Arg)
	}
	want := "afgehandeld=Boete vergoed en excuses aangeboden|categorie=termijnen|toestemming=ja|maatregel=Aangiftes een week eerder klaarzetten|heropend=|wacht-op-klant=|geen-klacht=|extern=NBA klachtencommissie"
	if strings.Join(got, "|") != want || len(bad) != 0 {
		t.Errorf("commands %v, bad %v", got, bad)
	}
	_, bad = Parse("#afgehandeld\n#toestemming misschien\n#sluiten nu\n#\n#categorie")
	if len(bad) != 5 {
		t.Errorf("bad = %q, want all five lines", bad)
	}
}

// Lines below a quote are someone else's: an Outlook rule of underscores
// without a "Van:" line starts a quote too.
func TestCommandsBelowUnderscoresIgnored(t *testing.T) {
	t.Parallel()
	cmds, bad := Parse("Dank je.\n\n________________________________\n#afgehandeld opgelost\n#geen-klacht\n")
	if len(cmds)+len(bad) != 0 {
		t.Errorf("quoted commands read: %v %v", cmds, bad)
	}
}

func FuzzParseCommands(f *testing.F) {
	for _, s := range []string{"#afgehandeld Boete vergoed\n#categorie termijnen", "#nieuwe-termijn 20-12-2026 drukte",
		"#nieuwe-klacht telefoon Jan <jan@example.nl>", "tekst\n> #heropend", "#toestemming JA\r\n#extern NBA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cmds, bad := Parse(text)
		for _, c := range cmds {
			if !strings.HasPrefix(c.Line, "#") || strings.ContainsAny(c.Arg, "\n") {
				t.Errorf("command %+v from %q", c, text)
			}
			if c.Name == "nieuwe-klacht" {
				if _, _, ok := newComplaint(c.Arg); !ok {
					t.Errorf("accepted #nieuwe-klacht %q that newComplaint refuses", c.Arg)
				}
			}
		}
		for _, b := range bad {
			if !strings.HasPrefix(b, "#") {
				t.Errorf("bad line %q does not start with #", b)
			}
		}
	})
}

// The help a director gets when a line is not understood names every
// command the bot understands, each once, so a new command is never a
// secret.
func TestCommandHelpNamesEveryCommand(t *testing.T) {
	t.Parallel()
	_, lines, err := templates.Default().Notice("not-understood", templates.NoticeNotUnderstood{Bad: []string{"#sluiten"}, Commands: Help()})
	if err != nil {
		t.Fatal(err)
	}
	help := strings.Join(lines, "\n") + "\n"
	for _, s := range commands {
		if n := strings.Count(help, "#"+s.name+" ") + strings.Count(help, "#"+s.name+"\n"); n != 1 {
			t.Errorf("#%s appears %d times in the help:\n%s", s.name, n, help)
		}
	}
	if got, want := len(Help()), len(commands); got != want {
		t.Errorf("%d help lines for %d commands", got, want)
	}
}

// Every one-click command of the digest is a command the bot understands,
// once the director has typed the argument its line asks for.
func TestDigestActionsAreCommands(t *testing.T) {
	t.Parallel()
	a := DigestActions()
	all := append(append(append([]templates.Action{a.Overview}, a.Triage...), a.Open...), a.Closed...)
	if len(a.Triage) == 0 || len(a.Open) == 0 || len(a.Closed) == 0 || a.Overview.Line == "" {
		t.Fatalf("the digest offers too little: %+v", a)
	}
	for _, act := range all {
		line := act.Line
		if strings.HasSuffix(line, " ") {
			line += "20-12-2099 de boekhouding is nog niet compleet"
		}
		if cmds, bad := Parse(line); len(cmds) != 1 || len(bad) != 0 || act.Label == "" {
			t.Errorf("digest action %q (%s) is not understood: %v %v", act.Line, act.Label, cmds, bad)
		}
	}
}

// #nieuwe-klacht needs a channel and a name or an address.
func TestNewComplaintArgument(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"fax Piet", "telefoon", "brief <geen adres"} {
		if _, _, ok := newComplaint(bad); ok {
			t.Errorf("#nieuwe-klacht %q accepted", bad)
		}
	}
	ch, who, ok := newComplaint("telefoon Jan Jansen <jan@example.nl>")
	if !ok || ch != "telefoon" || who.Name != "Jan Jansen" || who.Addr != "jan@example.nl" {
		t.Errorf("newComplaint = %q %+v %v", ch, who, ok)
	}
}
