package recognize

import (
	"math"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

// classify is the rules' own verdict: what these tests check is how the
// rules read a mail (signals, targets, negation, scope), which explains the
// model's decision and may hold a mail; decide_test.go checks decisions.
func classify(subject, text string) Result {
	lex := DefaultLexicon()
	return lex.ruleResult(Input{Subject: subject, Text: text})
}

// ruleResult is the rules' result alone.
func (l *Lexicon) ruleResult(in Input) Result {
	r, _ := l.rules(in)
	return r
}

func hasSignal(r Result, name string) bool {
	for _, s := range r.Signals {
		if s.Name == name {
			return true
		}
	}
	return false
}

func TestOutcomeString(t *testing.T) {
	for o, want := range map[Outcome]string{None: "none", Doubtful: "doubtful", Complaint: "complaint", Outcome(7): "Outcome(7)"} {
		if got := o.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(o), got, want)
		}
	}
}

// TestNegation checks the scope of negation: negated complaint words are
// praise or idiom, negated positive words are dissatisfaction, and a
// concession ("geen klachten, maar ...") does not hide what follows.
func TestNegation(t *testing.T) {
	tests := []struct {
		name, text string
		want       Outcome
		signal     string
	}{
		{"geen klachten", "Beste Marco,\n\nIk heb dit jaar geen enkele klacht gehad, alles was op tijd. Fijne feestdagen!", None, "negated"},
		{"niet ontevreden", "Ik ben zeker niet ontevreden, integendeel. Kunnen we in maart de cijfers bespreken?", None, "negated"},
		{"helemaal niet ontevreden", "Begrijp me niet verkeerd, ik ben helemaal niet ontevreden over jullie.", None, "negated"},
		{"mag niet klagen", "Ik mag niet klagen, de zaak loopt goed. Donderdag is prima.", None, "idiom"},
		{"hoort mij niet klagen", "De teruggave staat erop, je hoort mij niet klagen!", None, "idiom"},
		{"no complaints", "No complaints here - the refund arrived. Can I still top up my pension?", None, "idiom"},
		{"cant complain", "Can't complain, business is booming. Any Tuesday works.", None, "idiom"},
		{"niet tevreden", "Ik ben niet tevreden over hoe mijn aangifte is behandeld.", Doubtful, "dissatisfaction"},
		{"not happy", "I'm not happy at all with how my return was handled by your team.", Doubtful, "dissatisfaction"},
		{"niet netjes", "Ik vind het echt niet netjes dat jullie de factuur zonder overleg hebben verhoogd.", Doubtful, "dissatisfaction"},
		{"concession", "Ik heb over jullie als kantoor geen klachten, maar de nieuwe medewerker is erg traag en de aangifte was pas op de laatste dag klaar.", Doubtful, "failure"},
		{"klaag niet snel", "Ik klaag niet snel, maar dit is de derde keer dat mijn loonstrook fout is.", Doubtful, "repetition"},
		{"negator too far", "Niet dat het uitmaakt voor de vraag, maar ik ben erg ontevreden over jullie.", Doubtful, "dissatisfaction"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := classify("", tt.text)
			if r.Outcome < tt.want || tt.want == None && r.Outcome != None {
				t.Errorf("outcome %s, want at least %s: %s", r.Outcome, tt.want, r.Explain())
			}
			if !hasSignal(r, tt.signal) {
				t.Errorf("no %s signal: %s", tt.signal, r.Explain())
			}
		})
	}
}

// TestTargets checks who a grievance is about.
func TestTargets(t *testing.T) {
	tests := []struct {
		name, subject, text string
		complaint           bool // at least doubtful
	}{
		{"tax office", "", "Ik ben erg teleurgesteld in de Belastingdienst. Kunnen jullie bezwaar maken?", false},
		{"municipality before", "", "De gemeente heeft de WOZ-waarde met 20% verhoogd. Wij zijn daar erg ontevreden over. Willen jullie bezwaar maken?", false},
		{"own customer", "Klant heeft klacht ingediend", "Een klant van ons heeft een klacht ingediend over het schilderwerk. Hoe maak ik een creditnota?", false},
		{"complaint at tax office", "", "Ik wil een klacht indienen bij de Belastingdienst over de controleur. Kun je me helpen?", false},
		{"bank unacceptable", "", "Ik vind het onacceptabel hoe de bank met ondernemers omgaat. Kunnen jullie een verklaring opstellen?", false},
		{"previous accountant", "", "Ik was zo ontevreden over mijn vorige boekhouder. Hoe krijgen jullie de gegevens van 2024?", false},
		{"landlord en", "", "My landlord raised the rent by 15%, which is frankly unacceptable. Does the rent affect my return?", false},
		{"they", "", "I called the Belastingdienst three times. The way they treat callers is unacceptable. Thanks for your help!", false},
		{"pronoun chain", "", "Mijn energieleverancier stuurde een eindafrekening. Ze hebben de meterstanden verkeerd ingelezen. Om moedeloos van te worden. Mag ik een deel opvoeren?", false},
		{"firm", "", "Ik ben ontevreden over jullie: de aangifte is te laat ingediend en ik heb een boete gekregen.", true},
		{"firm staff", "", "Ik wil een klacht indienen over uw medewerker, die mij aan de telefoon afkapte.", true},
		{"fine caused by firm", "", "De Belastingdienst heeft een boete opgelegd omdat jullie de aangifte te laat hebben ingediend. Ik verwacht dat jullie die boete vergoeden.", true},
		{"on behalf of", "", "Namens mijn broer en mij wil ik een klacht indienen over de aangifte erfbelasting.", true},
		{"privacy recipient", "", "Mijn ex belde me: jullie hebben mijn aangifte naar mijn ex gestuurd. Dat gaat niemand iets aan.", true},
		{"own results", "", "Dank voor de cijfers. Ik ben er wel teleurgesteld over, de omzet is flink gedaald.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := classify(tt.subject, tt.text)
			if got := r.Outcome != None; got != tt.complaint {
				t.Errorf("outcome %s (score %.2f): %s", r.Outcome, r.Score, r.Explain())
			}
			if !tt.complaint && !hasSignal(r, "third-party") && !strings.Contains(tt.name, "results") {
				t.Errorf("no third-party signal: %s", r.Explain())
			}
		})
	}
}

func TestOtherNonComplaints(t *testing.T) {
	tests := []struct{ name, subject, text string }{
		{"health", "stukken later", "Ik heb last van rugklachten en hartklachten en lig plat. Kunnen jullie uitstel aanvragen?"},
		{"health en", "", "One of our designers has had health complaints for months. How does sick pay work?"},
		{"procedure", "Klachtenregeling opvragen", "Voor onze ISO-audit willen we jullie klachtenregeling ontvangen. Puur een formaliteit."},
		{"withdrawn", "mijn mail van gisteren", "Ik trek mijn klacht van gisteren in: de boete kwam door mijn eigen late betaling. Sorry!"},
		{"resolved", "Uw klacht", "Prima opgelost, dank voor de snelle afhandeling. Wat mij betreft is het hiermee afgerond."},
		{"job", "Sollicitatie", "Bij mijn huidige werkgever doe ik de klachtenafhandeling. Mijn cv zit in de bijlage."},
		{"company name", "Klachtvrij Installatietechniek - btw verlegd", "Moet de btw verlegd worden? Klachtvrij Installatietechniek B.V."},
		{"banter", "klacht!", "Ik wil een officiële klacht indienen: jullie koffie was weer slecht ;-) Dank voor het gesprek!"},
		{"own fault", "", "Sorry, ik ben weer eens te laat met de bonnetjes. Lukt het nog op tijd?"},
		{"ordinary", "vraag", "Mag ik de thuiswerkvergoeding via de loonstrook betalen?"},
		{"invoice question", "factuur", "De factuur is hoger dan vorig jaar. Komt dat door de verhuur? Ik wil het even snappen."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := classify(tt.subject, tt.text); r.Outcome != None {
				t.Errorf("outcome %s (score %.2f): %s", r.Outcome, r.Score, r.Explain())
			}
		})
	}
}

// TestFailureFacts checks complaints without a complaint word.
func TestFailureFacts(t *testing.T) {
	tests := []struct{ name, subject, text string }{
		{"fine you pay", "boete", "Boete van 385 euro binnen omdat de aangifte te laat is ingediend. Ik verwacht dat jullie die betalen."},
		{"double debit", "", "Jullie hebben deze maand twee keer 189 euro afgeschreven. Dat is al de tweede keer dit jaar. Graag terugstorten."},
		{"unreachable", "", "Niemand neemt op, de voicemail zit vol en ik heb al drie weken geen reactie op mijn mails."},
		{"wrong person", "", "Mijn loonstrook is naar iemand anders gestuurd. Ik wil weten hoe dit kon."},
		{"switch", "", "Ik overweeg over te stappen naar een ander kantoor. De jaarrekening is nog steeds niet klaar."},
		{"sarcasm", "", "Fijn dat ik weer via de Belastingdienst moet horen dat mijn aangifte niet is ingediend. Top service hoor."},
		{"rude", "", "Uw medewerker was onbeschoft en hing gewoon op toen ik een vraag stelde."},
		{"not good enough en", "", "A busy period is not good enough. I'd like a partial refund of the fee."},
		{"still not en", "", "Still not received. This is the fourth time I've asked."},
		{"termination with reason", "opzegging", "Gezien de gang van zaken rond de jaarrekening zeg ik de samenwerking op per 1 oktober."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := classify(tt.subject, tt.text); r.Outcome == None {
				t.Errorf("outcome none (score %.2f): %s", r.Score, r.Explain())
			}
		})
	}
}

func TestReplyToFirmNeedsMore(t *testing.T) {
	lex := DefaultLexicon()
	text := "Ik ben teleurgesteld, jullie hebben de aangifte te laat ingediend."
	fresh := lex.ruleResult(Input{Text: text})
	reply := lex.ruleResult(Input{Text: text, ReplyToFirm: true})
	if fresh.Score != reply.Score || !hasSignal(reply, "reply-to-firm") {
		t.Fatalf("reply changes the score or lacks its signal: %s / %s", fresh.Explain(), reply.Explain())
	}
	if fresh.Outcome != Complaint || reply.Outcome != Doubtful {
		t.Errorf("fresh %s, reply %s; want complaint and doubtful (score %.2f)", fresh.Outcome, reply.Outcome, fresh.Score)
	}
	// a reply that only quotes the firm's complaint letter
	r := lex.ruleResult(Input{Subject: "Re: Uw klacht over de factuur", ReplyToFirm: true,
		Text: "Prima zo, dank.\n\nOp di 3 jun 2025 om 10:00 schreef Hans <hans@mcoo.nl>:\n> Naar aanleiding van uw klacht ..."})
	if r.Outcome != None {
		t.Errorf("thanks in a reply: %s %s", r.Outcome, r.Explain())
	}
}

func TestExplain(t *testing.T) {
	r := classify("Klacht over te late btw-aangifte", "Ik ben ontevreden over de aangifte en verwacht dat jullie de boete vergoeden.")
	e := r.Explain()
	for _, want := range []string{`klacht: "Klacht over te late"`, `ontevreden: "ontevreden over de aangifte"`, `eis: "`, "; niet over een derde", "(score "} {
		if !strings.Contains(e, want) {
			t.Errorf("Explain() = %q, want it to contain %q", e, want)
		}
	}
	if r.Outcome != Complaint {
		t.Errorf("outcome %s", r.Outcome)
	}
	r = classify("", "Ik ben teleurgesteld in de Belastingdienst.")
	if e := r.Explain(); !strings.HasPrefix(e, "geen aanwijzing voor een klacht; over een derde: \"teleurgesteld in de Belastingdienst\"") {
		t.Errorf("Explain() = %q", e)
	}
	for _, s := range r.Signals {
		if utf8.RuneCountInString(s.Evidence) > 60 {
			t.Errorf("evidence too long: %q", s.Evidence)
		}
	}
}

func TestLanguage(t *testing.T) {
	tests := []struct{ subject, text, want string }{
		{"", "Beste Hans, ik ben niet tevreden over de aangifte.", "nl"},
		{"", "Dear Hans, I am not happy with the return.", "en"},
		{"Re: Your 2024 return", "Dank je, dit is helemaal goed zo.\n\nOn Mon, 3 Mar 2025 at 10:12, Hans <hans@mcoo.nl> wrote:\n> Dear client, we have filed your return and we will send the assessment.\n", "nl"},
		{"", "Thanks!", "en"},
		{"", "", "nl"},
		{"factuur", "Hoi Marco, zie bijlage.", "nl"},
		{"Still waiting", "A month without a reply to a simple question.", "en"},
	}
	for _, tt := range tests {
		if got := Language(tt.subject, tt.text); got != tt.want {
			t.Errorf("Language(%q, %q) = %q, want %q", tt.subject, tt.text, got, tt.want)
		}
		if got := classify(tt.subject, tt.text).Language; got != tt.want {
			t.Errorf("Classify(%q).Language = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestLexiconEditable checks that a lexicon can be changed like the TOML
// config would: an added word counts, a removed list stops counting.
func TestLexiconEditable(t *testing.T) {
	lex := DefaultLexicon()
	in := Input{Text: "Ik vind dit een wanprestatie."}
	if r := lex.ruleResult(in); r.Outcome != None {
		t.Fatalf("before: %s", r.Explain())
	}
	lex.Dissatisfied = append(lex.Dissatisfied, "wanprestatie*")
	if r := lex.ruleResult(in); r.Outcome == None || !hasSignal(r, "dissatisfaction") {
		t.Fatalf("after adding: %s", r.Explain())
	}
	lex.Weights.DoubtfulAt = 10
	lex.Weights.ComplaintAt = 20
	if r := lex.ruleResult(in); r.Outcome != None {
		t.Fatalf("after raising thresholds: %s", r.Outcome)
	}
}

func FuzzClassify(f *testing.F) {
	f.Add("Klacht", "Ik ben niet ontevreden, maar de boete is voor jullie!", false)
	f.Add("Re: x", "> quoted\nOp wo 2 jul 2025 om 21:03 schreef Hans <hans@mcoo.nl>:\n", true)
	f.Add("", "can't won't i'd m'n 't ;-) :D xD é ß ĳ", false)
	f.Add("FW: 14 klachten", "Klachtvrij B.V. - - ... ,,, !!! ???", false)
	f.Fuzz(func(t *testing.T, subject, text string, reply bool) {
		lex := DefaultLexicon()
		r := lex.Classify(Input{Subject: subject, Text: text, ReplyToFirm: reply})
		if math.IsNaN(r.Score) || math.IsInf(r.Score, 0) {
			t.Fatalf("score %v", r.Score)
		}
		if r.Outcome < None || r.Outcome > Complaint {
			t.Fatalf("outcome %d", r.Outcome)
		}
		if r.Language != "nl" && r.Language != "en" {
			t.Fatalf("language %q", r.Language)
		}
		sum := 0.0
		for _, s := range r.Signals {
			sum += s.Weight
			if utf8.RuneCountInString(s.Evidence) > 60 {
				t.Fatalf("evidence %q too long", s.Evidence)
			}
		}
		if math.Abs(sum-r.Score) > 0.05 {
			t.Fatalf("signals add up to %.2f, score %.2f", sum, r.Score)
		}
		if r.Explain() == "" {
			t.Fatal("empty explanation")
		}
	})
}

// TestHugeInput checks that a very large mail is read quickly: only the
// start of the sender's own words and of the subject is read.
// Huge input costs no more than a big one: the classifier reads a bounded
// start of the mail. Measured as the CPU time the process spent (not the
// clock, which a busy machine stretches): 8 times the input may cost at most
// 3 times the work.
func TestHugeInput(t *testing.T) {
	lex := DefaultLexicon()
	work := func(n int) time.Duration {
		big := strings.Repeat("klacht niet weer te laat jullie belastingdienst Van: x ", n)
		in := Input{Subject: big, Text: big + "\n" + strings.Repeat("Op x schreef y:\n", n/2)}
		runtime.GC()
		var before, after syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &before)
		for range 3 {
			lex.Classify(in)
		}
		syscall.Getrusage(syscall.RUSAGE_SELF, &after)
		return time.Duration(after.Utime.Nano() - before.Utime.Nano() + after.Stime.Nano() - before.Stime.Nano())
	}
	small, huge := work(5000), work(40000)
	ratio := float64(huge) / float64(max(small, 20*time.Millisecond))
	t.Logf("CPU: %v for 5,000 repetitions, %v for 40,000: %.1fx", small, huge, ratio)
	if ratio > 3 {
		t.Errorf("8x the input took %.1fx the work: the classifier does not bound what it reads", ratio)
	}
}

func BenchmarkClassify(b *testing.B) {
	lex := DefaultLexicon()
	in := loadEML(b, filepath.Join("testdata", "dev", "dev_0015.eml"))
	lex.Classify(in) // compile the lexicon once
	b.ReportAllocs()
	for b.Loop() {
		lex.Classify(in)
	}
}

// TestConcurrent classifies from several goroutines with lexicons made
// separately and changed in between (run with -race).
func TestConcurrent(t *testing.T) {
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func(g int) {
			lex := DefaultLexicon()
			if g%2 == 1 {
				lex.Dissatisfied = append(lex.Dissatisfied, "wanprestatie")
			}
			for i := 0; i < 50; i++ {
				r := lex.ruleResult(Input{Subject: "Klacht", Text: "Ik ben ontevreden over de wanprestatie van jullie kantoor."})
				if r.Outcome != Complaint {
					t.Errorf("goroutine %d: %s", g, r.Explain())
				}
			}
			done <- true
		}(g)
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}

// TestDefaultLexiconClean checks the built-in lists: no duplicates, no
// entry that compiles to nothing, lower case as documented.
func TestDefaultLexiconClean(t *testing.T) {
	l := DefaultLexicon()
	v := reflect.ValueOf(l)
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if f.Kind() != reflect.Slice {
			continue
		}
		name := v.Type().Field(i).Name
		entries := f.Interface().([]string)
		seen := map[string]bool{}
		for _, e := range entries {
			if seen[e] {
				t.Errorf("%s: duplicate %q", name, e)
			}
			seen[e] = true
			if e != strings.ToLower(e) {
				t.Errorf("%s: %q is not lower case", name, e)
			}
		}
		if c := compileList(name, entries); len(c.wild)+len(c.byTok) == 0 {
			t.Errorf("%s: compiles to nothing", name)
		}
		for _, e := range entries {
			if len(compileList(name, []string{e}).byTok)+len(compileList(name, []string{e}).wild) == 0 {
				t.Errorf("%s: %q compiles to nothing", name, e)
			}
		}
	}
}
