package recognize

import (
	"strings"
)

// Lexicon holds the word lists and weights the recogniser uses. Every list is
// plain text so it can be edited in the service's TOML config ([recognition]).
//
// Matching rule for every list entry:
//
//   - An entry is a word or a phrase of words separated by spaces. Matching is
//     on whole words, ignoring case, diacritics ("één" = "een") and
//     punctuation; hyphens split words ("btw-aangifte" = "btw aangifte") and
//     English clitics are expanded ("can't" = "can not", "m'n" = "mijn").
//   - A word ending in * matches every word that starts with it ("klacht*"
//     matches klacht, klachten, klachtbrief); a word starting with * matches
//     every word that ends with it ("*fonds" matches pensioenfonds); *word*
//     matches every word containing it.
//   - "..." in a phrase stands for up to MaxGap other words of the same
//     clause ("zeg ... op" matches "zeg ik de samenwerking op" when MaxGap
//     is 4, but not across a comma or "maar").
//   - A phrase never runs across a sentence end.
//
// Dutch and English entries live in the same lists.
//
// Start from DefaultLexicon and decode the [recognition] table of the config
// over it: a list given in the config replaces the default list, weights not
// given keep their default. A cap of 0 means no cap. Classify compiles the
// lists once per distinct content (a Lexicon may be copied and changed).
type Lexicon struct {
	// ComplaintWords name a complaint outright: klacht*, beklag, complaint.
	ComplaintWords []string `toml:"complaint_words"`
	// Dissatisfied are strong words of dissatisfaction: ontevreden,
	// teleurgesteld, onacceptabel, unacceptable.
	Dissatisfied []string `toml:"dissatisfied"`
	// Annoyed are milder words of displeasure: balen, jammer, irritant, annoyed.
	Annoyed []string `toml:"annoyed"`
	// Positive words mean dissatisfaction when negated: "niet tevreden",
	// "niet blij", "not happy", "niet netjes". Not negated they are praise
	// only when also listed in Praise.
	Positive []string `toml:"positive"`
	// Demands ask the firm for redress: vergoeden, terugbetalen, voor jullie
	// rekening, creditnota, niet betalen, refund, compensate.
	Demands []string `toml:"demands"`
	// Insistence asks the firm to account for or fix a failure: ik wil
	// dat, wat gaan jullie hieraan doen, voorkomen dat, I expect, what went wrong.
	Insistence []string `toml:"insistence"`
	// Repetition marks a recurring failure: alweer, de derde keer, nog steeds
	// niet, again, still not. It counts on its own.
	Repetition []string `toml:"repetition"`
	// RepetitionWeak counts only in a sentence that also has a failure or
	// dissatisfaction: weer, opnieuw, steeds.
	RepetitionWeak []string `toml:"repetition_weak"`
	// Failures are facts of a failure without a complaint word: te laat,
	// boete, fout, dubbel, geen reactie, niet teruggebeld, kwijt.
	Failures []string `toml:"failures"`
	// Grievances are stronger facts or phrases: rude staff, privacy breaches,
	// lost trust, "waar betaal ik voor", "niet serieus genomen".
	Grievances []string `toml:"grievances"`
	// Privacy are facts of data reaching the wrong person: verkeerde persoon,
	// iemand anders, bij de buren, zonder mijn toestemming, data breach.
	// People named in them are the recipients, so they always count against
	// the firm.
	Privacy []string `toml:"privacy"`
	// Irony are words of praise that are sarcasm in a mail that also reports
	// a failure of the firm ("Complimenten." above a list of errors, "Great
	// service, Hans."), and praise otherwise.
	Irony []string `toml:"irony"`
	// Sarcasm are ironic praise phrases: "fijn dat ik", "top service",
	// "bedankt voor niks", "great service".
	Sarcasm []string `toml:"sarcasm"`
	// Sanctions are failures an authority imposes: boete, naheffing,
	// aanmaning, penalty. The party named right after them ("een aanmaning
	// van de Belastingdienst") issued them and is not the one blamed.
	Sanctions []string `toml:"sanctions"`
	// Switching are threats to leave or terminations: overstappen, ander
	// kantoor, opzeggen, another accountant.
	Switching []string `toml:"switching"`
	// Incident words point to an earlier event as a reason: "na wat er",
	// "gang van zaken", "after what happened".
	Incident []string `toml:"incident"`
	// Escalation are threats of outside steps: advocaat, tuchtrechter, lawyer.
	Escalation []string `toml:"escalation"`

	// Negators negate a word shortly after them (or a complaint verb right
	// before them): niet, geen, nooit, not, no, never.
	Negators []string `toml:"negators"`
	// ClauseBreaks end the scope of a negation and of a target: maar, want,
	// omdat, but, because.
	ClauseBreaks []string `toml:"clause_breaks"`
	// Idioms are complaint words that are not complaints: "mag niet
	// klagen", "can't complain", "no complaints".
	Idioms []string `toml:"idioms"`
	// Procedure words ask about the complaints procedure itself:
	// klachtenregeling, complaints procedure. They hide the complaint words
	// they contain.
	Procedure []string `toml:"procedure"`
	// Health words make "klachten" symptoms when in the same sentence:
	// rug, huisarts, ziek, pijn, health.
	Health []string `toml:"health"`
	// Resolved says a matter is settled or withdrawn: is opgelost, trek ik
	// in, dank voor de snelle afhandeling, please disregard.
	Resolved []string `toml:"resolved"`
	// Reopened says a settled matter came back: "dacht dat ... opgelost".
	Reopened []string `toml:"reopened"`
	// OwnFault says the sender caused it: mijn fout, ik was te laat, not
	// your fault. It hides the failure words it contains.
	OwnFault []string `toml:"own_fault"`
	// Waivers let a failure go: geen probleem, kan gebeuren, no worries.
	// They damp the evidence unless followed by "maar".
	Waivers []string `toml:"waivers"`
	// Joining says the sender comes to the firm: overstappen naar jullie,
	// switching to your firm. It hides the switching words it contains.
	Joining []string `toml:"joining"`
	// Inquiry marks a neutral question about a problem: hoe kan dit, kun je
	// even kijken, zou het kunnen dat, could you check.
	Inquiry []string `toml:"inquiry"`
	// Neutral phrases look like signals but are not and hide what they
	// contain: zoals beloofd, zoals afgesproken, wachtwoord vergeten, as promised.
	Neutral []string `toml:"neutral"`
	// Praise and thanks: bedankt, tevreden, compliment, thanks.
	Praise []string `toml:"praise"`
	// JobApplication marks applications and internships: sollicit*, vacature.
	JobApplication []string `toml:"job_application"`
	// Banter marks jokes: ":)", haha, grapje, "on a serious note".
	Banter []string `toml:"banter"`

	// Firm are words for the firm and its people as the target of a
	// grievance: jullie, u, uw, your firm. Add the staff's first names.
	Firm []string `toml:"firm"`
	// Beneficiary words before a mention make it no target: "namens mijn
	// broer", "on behalf of my husband".
	Beneficiary []string `toml:"beneficiary"`
	// ThirdParties are other targets (anyone but the firm, the sender
	// included: "boos op mezelf"): Belastingdienst, de bank, gemeente,
	// mijn klant, vorige boekhouder, landlord.
	ThirdParties []string `toml:"third_parties"`

	Weights Weights `toml:"weights"`
}

// Weights are the points each signal adds to the score, the caps per signal
// kind, and the thresholds. A message with a score of at least ComplaintAt
// is a Complaint, at least DoubtfulAt is Doubtful, else None.
type Weights struct {
	Complaint       float64 `toml:"complaint"`        // a complaint word (klacht)
	Dissatisfied    float64 `toml:"dissatisfied"`     // a strong dissatisfaction word (ontevreden)
	Annoyed         float64 `toml:"annoyed"`          // a mild one (balen)
	NegatedPositive float64 `toml:"negated_positive"` // "niet tevreden", "not happy"
	Demand          float64 `toml:"demand"`           // a demand for redress
	Insistence      float64 `toml:"insistence"`       // "wat gaan jullie hieraan doen"
	Repetition      float64 `toml:"repetition"`
	Failure         float64 `toml:"failure"`
	Grievance       float64 `toml:"grievance"`
	Privacy         float64 `toml:"privacy"`
	Sarcasm         float64 `toml:"sarcasm"`
	Switching       float64 `toml:"switching"`
	Incident        float64 `toml:"incident"` // counts only together with switching
	Escalation      float64 `toml:"escalation"`
	Reopened        float64 `toml:"reopened"`

	Negated   float64 `toml:"negated"`   // a negated complaint or dissatisfaction word ("geen klachten")
	Idiom     float64 `toml:"idiom"`     // "mag niet klagen"
	Procedure float64 `toml:"procedure"` // a question about the procedure
	OwnFault  float64 `toml:"own_fault"`
	Inquiry   float64 `toml:"inquiry"`
	Praise    float64 `toml:"praise"`

	// Dampers multiply the evidence for a complaint when the mail resolves
	// or withdraws a matter, waives a failure ("geen probleem"), is a job
	// application, or is a joke.
	Resolved float64 `toml:"resolved"`
	Waiver   float64 `toml:"waiver"`
	Job      float64 `toml:"job"`
	Banter   float64 `toml:"banter"`

	// Caps limit what one signal kind can add (positive) or take (negative).
	MaxComplaint    float64 `toml:"max_complaint"`
	MaxDissatisfied float64 `toml:"max_dissatisfied"`
	MaxDemand       float64 `toml:"max_demand"`
	MaxInsistence   float64 `toml:"max_insistence"`
	MaxRepetition   float64 `toml:"max_repetition"`
	MaxFailure      float64 `toml:"max_failure"`
	MaxGrievance    float64 `toml:"max_grievance"` // grievance and privacy each
	MaxPraise       float64 `toml:"max_praise"`
	MaxSwitching    float64 `toml:"max_switching"`

	// Unknown scales a weak signal (a mild word, a failure, repetition,
	// insistence, switching) whose target could not be resolved: neither the
	// firm nor a third party is named nearby. Strong signals with an unknown
	// target count in full: the mail was sent to the firm.
	Unknown float64 `toml:"unknown_target"`
	// Subject scales signals found in the subject line; ReplySubject those in
	// a subject of a reply or forward (Re:, Fw:, Antw:) or of a reply to the
	// firm, which are mostly someone else's words.
	Subject      float64 `toml:"subject"`
	ReplySubject float64 `toml:"reply_subject"`
	// ReplyToFirm is added to the complaint threshold for a reply to a mail
	// of the firm: such a reply needs stronger evidence to become a case
	// without a director looking at it.
	ReplyToFirm float64 `toml:"reply_to_firm"`

	// ComplaintAt and DoubtfulAt are the thresholds. A Complaint also needs
	// one strong signal (a complaint or dissatisfaction word, a demand, a
	// grievance, a privacy breach, sarcasm, escalation or a reopened
	// matter): failures and repetition alone are held as Doubtful.
	ComplaintAt float64 `toml:"complaint_at"`
	DoubtfulAt  float64 `toml:"doubtful_at"`

	MaxGap   int `toml:"max_gap"`   // words a "..." may skip
	MaxChars int `toml:"max_chars"` // characters of own words read (the start of the mail)
}

// DefaultLexicon returns the built-in Dutch and English lexicon.
func DefaultLexicon() Lexicon {
	return Lexicon{
		ComplaintWords: []string{
			"klacht*", "beklag*", "klagen", "klaag", "complaint*", "complain", "complaining", "grievance*",
		},
		Dissatisfied: []string{
			"ontevreden*", "teleurgesteld", "teleurstell*", "onacceptabel", "inacceptabel", "onaanvaardbaar",
			"schandalig", "schande", "belachelijk", "onbegrijpelijk", "onprofessioneel", "amateuristisch",
			"ben het zat", "spuugzat", "kotsbeu",
			"woedend", "pissig", "boos", "kwaad", "ziedend", "overstuur", "dissatisf*", "disappoint*", "unhappy", "unacceptable", "outrageous", "appalling", "disgrace*",
			"unprofessional", "furious", "angry", "upset", "fed up", "had enough", "unbearable",
			// more Dutch
			"ben het beu", "het beu", "verontwaardig*", "ontstemd", "misnoegd", "ongenoegen",
			"onvrede", "geschokt", "ontsteld", "verbijsterd", "stomverbaasd", "teleurstellend", "beneden alle peil",
			"onder de maat", "ondermaats", "waardeloos", "bedroevend", "kwalijk", "onzorgvuldig*", "nalatig*",
			"puinhoop", "zooitje", "janboel", "prutswerk", "knoeiwerk", "geknoei", "gestuntel", "amateurs",
			"ongehoord", "onvoorstelbaar", "niet te geloven", "absurd", "bizar", "schandaal",
			"oneens", "niet mee eens", "het niet eens met", "niet eens met de", "not impressed", "slaat nergens op", "sloeg nergens op", "nergens op slaat",
			"nergens op sloeg", "kant noch wal", "makes no sense", "onredelijk", "oneerlijk", "onbehoorlijk",
			"onfatsoenlijk", "unfair", "unreasonable", "unjustified", "unwarranted", "shameful", "pathetic", "useless",
			"hopeless", "amateurish",
			"de keel uit", "accepteer ... niet", "can not accept", "will not accept", "pik ik niet", "pik dit niet",
			"pik het niet", "pik dat niet", "niet langer pikken", "slik ik niet", "niet langer accepteren", "niet langer slikken",
			// more English
			"ridiculous", "poor service", "shocking", "shocked", "appalled", "dismayed",
			"displeased", "unimpressed", "careless", "negligent", "negligence", "incompetent", "incompetence",
			"disgraceful", "inexcusable", "unforgivable", "sick of", "tired of", "lost patience", "lost my patience",
			"a mess", "disagree",
			"erg kritisch", "was kritisch", "zeer kritisch", "very critical", "was critical of", "ben het ... zat", "het helemaal zat", "het spuugzat"},
		Annoyed: []string{
			"baal", "balen", "jammer", "irritant", "geirriteerd", "geergerd", "erger me", "ergerlijk",
			"frustrerend", "gefrustreerd", "frustratie", "vervelend", "moe van",
			"gek van", "niet lekker zit", "slordig", "rommeltje", "potje van gemaakt",
			"in het ongewisse", "rot geschaamd", "rotgevoel", "naar gevoel", "vervelend gevoel", "voor schut", "traag", "te traag",
			"annoyed", "annoying", "frustrat*", "irritat*", "sloppy", "a pity", "let down", "nightmare", "slow",
			"embarrass*", "nervous", "ontdaan", "vreemd dat", "raar dat", "merkwaardig", "opmerkelijk dat",
			"strange that", "odd that", "achteruit gegaan", "achteruitgegaan", "achteruitgang", "steeds slechter",
			"slechter geworden", "gone downhill", "getting worse", "unbelievable", "ongelooflijk", "ongelofelijk",
			"slecht", "slechte", "zuur", "spijtig", "ambetant", "storend", "hinderlijk", "zorgelijk", "gebrekkig*", "chaotisch", "chaos", "rommelig*", "ergernis", "pijnlijk",
			"genant", "geen goed gevoel", "geen fijn gevoel", "slecht gevoel", "niet prettig",
			"poor", "frustrating", "worrying", "concerned", "terrible service", "awful service", "terrible experience", "schiet niet op", "schiet ... niet op",
			"er ... klaar mee", "ben ... klaar mee", "expected better", "expected more", "had ... meer verwacht",
			"had ... beter verwacht", "niet verwacht van",
			"begin ... af te vragen", "starting to wonder", "beginning to wonder", "moet ik ... zelf maar", "snap niet dat", "begrijp niet dat",
			"het zelf maar"},
		Positive: []string{
			"tevreden", "blij", "oke", "ok", "okay", "netjes", "correct", "redelijk", "acceptabel", "in orde",
			"in verhouding", "professioneel", "fair", "fatsoenlijk", "gewend", "akkoord", "mee eens", "happy", "satisfied", "acceptable", "good enough", "reasonable", "pleased", "used to", "agree",
			"professional", "impressed", "gepast",
		},
		Demands: []string{
			"vergoeden", "vergoed", "vergoedt", "schadevergoeding", "compensatie", "compenseren", "compensere*",
			"terugbetalen", "terug betalen", "terugstorten", "terug storten", "terug te storten", "terugstort",
			"geld terug", "bedrag terug", "wil ... terug", "voor jullie rekening", "voor uw rekening",
			"voor je rekening", "voor jullie is", "is voor jullie",
			"voor jullie zijn", "jullie ... betalen", "jullie ... opdraaien", "opdraaien", "uit eigen zak",
			"graag een credit*", "een credit* en", "credit* sturen", "credit* toesturen", "wil ... credit*",
			"verwacht ... credit*", "crediteren", "aangepaste factuur", "gecorrigeerde factuur",
			"nieuwe factuur zonder", "factuur aanpassen", "factuur ... aangepast", "eraf halen",
			"ga ik niet betalen", "ga ik ... niet betalen", "ik ga ... niet betalen", "betaal ik niet", "betaal ik ... niet", "ik betaal ... niet", "wij betalen ... niet", "weiger ... betalen",
			"niet in rekening", "kosteloos herstel*", "kosteloos ... herstel*", "kosteloos corrigeren",
			"kosteloos ... corrigeren", "zonder kosten ... herstel*", "zonder kosten voor", "verrekenen", "verrekend", "laten vallen", "kwijtschelden", "excuses willen", "wil ... excuses",
			"verwacht ... excuses", "goedmaken", "nabetaald", "nabetalen", "tegenover moet staan",
			"bezwaar tegen uw", "bezwaar tegen jullie", "betwist*", "teruggeboekt", "terugboeken", "gestorneerd", "storneren", "dispute", "disputing", "object to",
			"refund", "partial refund", "reimburse", "compensate", "compensation", "cover the", "cover this",
			"cover ... interest", "cover ... cost*", "cover ... penalty", "cover ... fine",
			"pay the penalty", "pay this penalty", "pay the fine", "pay this fine", "corrected invoice",
			"credit note", "won't pay", "will not pay", "not paying", "not be paying", "make this right", "wil ... korting", "verwacht ... korting", "graag ... korting", "tegemoetkoming",
			"schadeloos", "verhalen", "houd ... verantwoordelijk", "hold you responsible", "your responsibility",
			"a discount", "money back", "reduce the invoice", "make it right", "an apology", "waive",
		},
		Insistence: []string{
			"ik wil dat", "wil ik dat", "wil ... geregeld hebben",
			"wil ... opgelost hebben", "ik verwacht dat", "verwacht ik dat", "ik eis", "ik ga ervan uit",
			"jullie moeten", "moeten jullie", "wat gaan jullie",
			"hieraan doen", "daaraan doen", "hier aan doen", "wil weten waarom", "wil weten hoe", "wil weten wie",
			"wil ... weten waarom", "wil ... weten hoe", "wil ... weten wie", "hoe dit kon",
			"hoe kon dit", "wat er mis", "waarom dit", "uitleggen waarom", "uitleggen hoe", "verklaring waarom", "verklaring ... waarom", "verklaring waar", "uitleg waarom",
			"waarom u meent", "met welk recht",
			"voorkomen dat", "niet nog eens", "niet meer gebeurt", "niet opnieuw gebeurt",
			"zodat het stopt", "nu echt", "nu gewoon", "een keer goed", "voorgoed", "ook echt", "vandaag nog",
			"per omgaande", "deze week nog", "trouwe klant", "jaar klant", "jaren klant", "loyal client",
			"loyal customer", "explain why", "please explain", "om tafel", "wie dit heeft", "wie dat heeft",
			"de gevolgen", "met haar bespreken", "met hem bespreken", "met haar praten",
			"met hem praten", "aanspreken", "i expect", "want an explanation",
			"an explanation", "what went wrong", "how this happened", "how this could", "how could this", "why this",
			"make sure this", "make sure it", "doesn't happen again", "never happen again",
			"how you will", "how you intend", "please fix", "fix this", "sort this out", "needs fixing", "talk to your",
			"speak to your", "what's going on",
			"please correct this", "properly this time", "right this time", "deze keer goed", "dit keer goed", "nu wel goed",
			"need an answer", "want an answer", "waar blijft", "where is my",
			"met hem bespreekt", "met haar bespreekt", "ander aanspreekpunt", "andere contactpersoon", "different contact"},
		Repetition: []string{
			"alweer", "al weer", "wederom", "weer niet", "weer fout", "weer te laat", "weer vergeten",
			"nog steeds niet", "nog steeds geen", "nog steeds niets", "nog steeds niks", "nog altijd niet",
			"nog altijd geen", "nog altijd niks", "nog altijd niets", "steeds weer", "elke keer", "iedere keer",
			"telkens", "keer op keer", "elk jaar", "elk kwartaal", "elke maand", "tweede keer", "derde keer",
			"vierde keer", "vijfde keer", "zoveelste keer", "twee keer", "drie keer", "vier keer", "3x", "4x", "5x",
			"2e keer", "3e keer", "4e keer", "3e mail", "4e mail", "derde mail", "vierde mail", "derde herinnering",
			"laatste keer", "op rij", "twee mails", "drie mails", "vier mails", "twee telefoontjes", "drie telefoontjes", "twee herinneringen",
			"drie herinneringen", "meerdere mails", "meerdere keren", "herhaaldelijk", "two emails", "three emails",
			"several emails", "several times", "multiple times", "many times", "repeatedly",
			"precies hetzelfde", "vorig jaar ook", "ook al",
			"again", "yet again", "once again", "still not", "still no", "still haven't", "still waiting",
			"second time", "third time", "fourth time", "fifth time", "every time", "in a row", "twice",
			"keeps happening", "keep getting", "keep having",
			"keep disappearing", "keep losing", "keeps losing", "keep asking", "keep sending", "year running", "derde maand", "tweede maand", "vierde maand", "third month", "second month",
			"second year", "tweede jaar", "three times", "four times", "five times",
			"hetzelfde gevraagd", "dezelfde vragen", "same questions", "zelfde probleem", "hetzelfde probleem", "zelfde verhaal", "hetzelfde verhaal", "same problem", "same issue",
			"same story", "maanden achter elkaar", "weken achter elkaar", "keer achter elkaar", "kwartalen achter elkaar",
		},
		RepetitionWeak: []string{"weer", "opnieuw", "steeds", "nog steeds", "nog altijd", "already", "still"},
		Failures: []string{
			// lateness and its costs
			"te laat", "niet op tijd", "niet tijdig", "pas op", "pas in", "pas na", "later dan", "vertraging",
			"verlopen", "verstreken", "kan ... niet vinden", "niet kunnen vinden", "can not find", "could not find", "gemist", "boete", "boetes", "*boete", "naheffing*", "navordering*",
			"belastingrente", "aanmaning*", "niet klaar", "laatste dag", "had ... moeten", "hadden ... moeten",
			"toegezegd", "beloofd", "beloofde", "toezegging*", "niet ... nagekomen", "zou ... klaar",
			"late", "too late", "delay*", "penalty", "penalties", "a fine", "the fine", "fine of", "overdue",
			"missed", "should have", "promised", "last day",
			// errors
			"fout", "fouten", "foutje", "*fout", "klopt niet", "klopt ... niet", "klopte niet", "niet klopt",
			"verkeerd*", "vergeten", "vergat", "niet meegenomen", "niet verwerkt", "niet ingediend",
			"nooit ingediend", "niet aangevraagd", "niet gedaan", "niet gebeurd", "niet aangepast",
			"niet doorgegeven", "ontbreekt", "ontbreken", "staat er niet", "staan er niet", "zit er niet",
			"zitten er niet", "zat er niet", "kwijt", "is zoek", "zijn zoek", "niet te vinden", "dubbel",
			"zonder toestemming", "zonder overleg",
			"niet overlegd", "zonder mijn akkoord", "nooit gevraagd", "niet goedgekeurd", "te hoog", "te laag",
			"misgegaan", "mis gegaan", "misgelopen", "loop ... mis", "mislopen", "niet nagekomen", "vaste prijs",
			"gaat ... mis", "ging ... mis", "loopt ... mis", "liep ... mis", "loopt ... achter", "achterstand",
			"niet bijgewerkt", "genegeerd", "niet beantwoord", "geen gehoor", "blijft uit", "te lang", "veel te lang",
			"erg lang", "gebeurt ... niets", "gebeurt ... niks", "niet gewaarschuwd", "niemand ... gewaarschuwd",
			"te duur", "veel te duur", "buitensporig", "exorbitant", "overdreven", "te veel gerekend",
			"teveel gerekend", "niet gewerkt", "nooit ontvangen",
			"went wrong", "goes wrong", "going wrong", "behind schedule", "fallen behind", "running behind", "ignored", "overcharged", "excessive",
			"too expensive", "never received", "never heard back", "not been answered", "weren't answered",
			"niet afgesproken", "nooit afgesproken", "zelf moeten", "moest ik zelf", "moest zelf", "zelf ontdekt",
			"zelf ontdekken", "opnieuw uitleggen", "twee keer uitleggen", "alles opnieuw", "kost mij", "kost me",
			"kost ons", "extra kosten", "schade",
			"onjuist*", "onterecht*", "vergissing", "blunder", "steek laten vallen", "steken laten vallen",
			"geen contact", "geen terugkoppeling", "geen update", "in het duister", "dropped the ball", "no update",
			"no feedback", "wrongly", "umpteenth",
			"mistake*", "error*", "wrong", "incorrect*", "forgot*", "missing", "lost", "duplicate",
			"without permission", "never asked", "not filed", "never filed", "never requested", "not done",
			"fixed fee", "agreed fee", "never agreed", "costs me", "cost me", "cost us", // reachability and speed
			"geen reactie", "geen antwoord", "geen enkele reactie", "niets gehoord", "niks gehoord",
			"niets meer gehoord", "niet gehoord", "nooit antwoord", "nooit gehoord", "niemand heeft",
			"niemand neemt", "neemt niemand", "niemand belt", "niemand weet", "niet teruggebeld",
			"niet terug gebeld", "nooit teruggebeld", "niet bereikbaar", "onbereikbaar", "voicemail", "bandje",
			"reageert niet", "reageren niet", "niet gereageerd", "onbeantwoord", "al weken", "al maanden", "al ... weken", "al ... maanden", "proberen te bereiken", "probeer ... te bereiken",
			"al drie weken", "al twee weken", "wacht ik", "blijft liggen", "laten liggen", "bleef liggen",
			"hoor ik niets", "hoor ik niks", "hoor niets", "onderop de stapel", "geen prioriteit",
			"te pakken krijg", "niemand te pakken", "nooit iemand", "al sinds", "te wachten op",
			"nu pas", "pas nu", "only now", "was told", "were told", "werd ... verteld", "kreeg ik te horen",
			"te horen gekregen", "nothing has been", "hasn't been filed", "nog niets", "nog niks",
			"still nothing", "zelf achteraan", "achteraan moet", "achter jullie aan", "achter ... aan zitten",
			"being charged for", "charged me for", "charged for work", "no reply", "no priority",
			"never get hold", "can never reach", "no response", "no answer", "not heard", "haven't heard", "nobody",
			"unanswered", "chase", "chased", "chasing", "followed up", "months without", "for ... weeks",
			"for ... months", "trying to reach", "tried to reach",
			"geen bericht", "geen uitstel", "blijkbaar niet dus", "kennelijk niet dus", "apparently not", "weet ... niemand",
			"moet ik ... horen dat", "niemand ... opgevallen", "niemand ... opvallen", "niemand ... gemerkt",
			"nobody noticed", "no one noticed", "niet ingehouden", "geen ... ingehouden", "niet afgedragen",
			"you told me", "u zei", "jullie zeiden",
			"niet ... ingediend", "nooit ... ingediend", "niet ... verwerkt", "niet ... aangepast", "niet ... doorgegeven",
			"niet ... beantwoord", "nooit ... beantwoord", "niet ... teruggebeld", "nooit ... teruggebeld", "niet ... aangevraagd",
			"nooit ... aangevraagd", "niet ... meegenomen", "never ... filed", "never ... submitted", "not ... submitted",
			"nooit aan de telefoon", "niemand die ... terugbelt",
			"niemand die terugbelt", "niemand die ... opneemt", "niemand die opneemt", "niemand die ... reageert",
			"niemand die reageert", "nobody answers", "no one answers", "nobody picks up", "never picks up", "never answers", "weken wachten", "maanden wachten", "weken gewacht", "maanden gewacht",
			"waited weeks", "waited months", "weeks of waiting", "niet te kloppen", "waardoor ik nu", "waardoor wij nu", "waardoor we nu",
			"niet ... binnengekomen", "nooit ... binnengekomen", "nooit zijn gemaakt", "niet zijn gemaakt", "never worked",
			"never took place", "nooit plaatsgevonden", "niet geholpen", "not helped",
			"kloppen niet", "klopten niet", "niemand ... uitleggen", "niemand legt",
			"nobody explains", "nobody can explain", "belt niet terug", "bellen niet terug",
			"belde niet terug", "belt nooit terug", "never call back", "never called back", "verdwijnen", "verdwenen", "disappeared", "nergens te vinden", "nergens meer iets", "kan ... nergens ... vinden", "toch duidelijk", "had ik toch", "toch al gekregen",
			"toch al gestuurd", "toch al doorgegeven", "toch al aangeleverd", "toch al gemeld",
			"zo lang duurt", "zo lang duren", "takes so long", "taking so long", "niets ontvangen", "niks ontvangen",
			"niemand wist", "nobody knew", "voor niets ... gekomen", "voor niks ... gekomen",
		},
		Grievances: []string{
			// staff behaviour
			"onbeschoft", "onvriendelijk", "grof", "opgehangen", "hing ... op", "afgekapt", "afgesnauwd",
			"snauwde", "zuchten", "zuchtte", "uitgelachen", "gelachen", "neerbuigend", "denigrerend", "kleinerend",
			"niet serieus genomen", "lastpost", "niet hoe je", "zo ... niet behandeld",
			"hoort niet", "niet hoort", "kan toch niet", "kan niet zo", "rude", "rudely", "hung up", "dismissive", "condescending", "talked down", "treated like", "treated as", "like a child", "als een kind", "behandeld als", "behandelde mij als",
			"behandelde me als", "zo behandelen jullie", "explicitly told", "expliciet gevraagd", "uitdrukkelijk gevraagd", "expliciet gezegd",
			"can not continue", "cannot go on", "kortaf", "arrogant", "uit de hoogte", "niet uitpraten", "onderbroken", "afgewimpeld",
			"afgepoeierd", "afgescheept", "brutaal", "respectloos", "ongeduldig", "chagrijnig", "aan het lijntje",
			"met een kluitje", "curt", "disrespectful", "brushed off", "fobbed off",
			"impatient",
			// trust, value for money, rhetorical questions
			"vertrouwen kwijt", "vertrouwen is weg", "vertrouwen niet meer", "geen vertrouwen", "waar betaal ik", "waarvoor betaal ik", "daar betaal ik", "betaal ik jullie", "hoe moeilijk kan",
			"zo moeilijk", "lezen jullie", "leest iemand", "niet normaal", "niet de bedoeling", "niet in dank", "niet mijn fout",
			"niet mijn schuld", "of er iemand", "op jullie advies", "op basis van ... advies", "op uw advies", "jullie advies opgevolgd",
			"followed your advice", "relied on", "on your advice", "daarvoor betaal ik",
			"lost trust", "lost confidence", "how many times", "not good enough", "expect better", "i deserve",
			"shouldn't have to", "not my fault", "nobody reads",
			"door jullie fout", "door jullie nalatigheid", "door jullie toedoen", "door uw fout", "door toedoen van",
			"jullie schuld", "uw schuld", "jullie fout", "uw fout", "nooit mogen gebeuren",
			"mag niet gebeuren", "had niet mogen", "hoe haal je het", "wanneer gaan jullie", "hoe lang nog", "your fault", "your mistake", "your error", "due to your", "because of your", "no excuse",
			"het vertrouwen kwijt", "het vertrouwen verloren", "het vertrouwen is", "is er iemand die ... leest", "is anyone actually", "is anyone there", "anyone working there", "niet kunnen maken", "kan echt niet", "is not right", "hoe vaak nog", "hoort daar niet", "twee keer gefactureerd", "twee keer afgeschreven", "twee keer geincasseerd", "dubbel gefactureerd",
			"dubbel afgeschreven", "dubbel geincasseerd", "charged twice", "charged me twice", "billed twice", "billed me twice",
			"debited twice", "double charged", "double billed",
			"niet zo toespreken", "zo toespreken", "toegesproken", "your own mistake", "jullie eigen fout", "paying you to",
		},
		Privacy: []string{
			"verkeerde persoon", "verkeerde adres", "van een ander", "van haar collega", "van een collega", "van zijn collega",
			"naar een verkeerd", "naar het verkeerde", "naar de verkeerde", "aan de verkeerde", "aan een verkeerde",
			"verkeerd adres", "verkeerde mailadres", "verkeerd mailadres", "verkeerde e mailadres", "to the wrong",
			"wildvreemde*", "bij de buren", "naar de buren", "naar mijn ex", "bij mijn ex", "aan mijn ex",
			"privacy", "datalek", "zonder mijn toestemming", "nooit toestemming", "geen toestemming gegeven",
			"rondgaat", "rond gaat", "gesprek van de", "het hele dorp", "hardop", "toegang gegeven", "toegang te geven", "toegang gegeven tot", "someone elses", "wrong person", "wrong address", "data breach", "without my consent",
			"never authorised", "never authorized",
			"niks geopend maar", "niets geopend maar", "niks ingezien maar", "niets ingezien maar", "niks bekeken maar",
			"niets bekeken maar", "to another client", "to another customer", "naar een andere klant",
			"was emailed to a colleague", "to a colleague of mine",
			"naar het oude adres", "andere klanten", "van een ander bedrijf", "van iemand anders", "naar iemand anders", "aan iemand anders", "bij iemand anders", "someone else's", "to someone else", "of someone else", "van ... andere mensen", "bij een vreemde", "naar een vreemde", "aan een vreemde",
		},
		Irony: []string{
			"complimenten", "compliment", "goed bezig", "lekker bezig", "hulde", "bravo", "top service", "topservice",
			"great service", "excellent service", "well done", "good job", "fantastisch", "geweldig", "super", "knap",
			"chapeau", "great", "excellent", "fijn hoor", "top", "reassuring", "geruststellend", "wat een service",
			"what a service",
		},
		Sarcasm: []string{
			"fijn dat ik", "wat fijn dat", "leuk dat ik", "service hoor",
			"bedankt voor niks", "dank voor niks", "bedankt voor niets", "lekker bezig", "really helpful", "thanks for nothing", "great, a",

			"top service hoor", "thanks for letting me know ... after",
		},
		Sanctions: []string{
			"boete*", "*boete", "*boetes", "naheffing*", "navordering*", "aanmaning*", "belastingrente",
			"invorderingsrente", "dwangbevel", "penalty", "penalties", "fine", "fines", "surcharge",
			"additional assessment",
		},
		Switching: []string{
			"overstap*", "over te stappen", "stap ik over", "ander kantoor", "andere boekhouder", "andere accountant",
			"andere adviseur", "ander administratiekantoor", "nieuwe boekhouder", "nieuw kantoor", "rondkijken",
			"elders", "opzeg*", "zeg ... op", "zeggen ... op", "beeindig*", "dossier op", "ben ik weg",
			"stop ik", "ik stop", "dan stop", "offerte liggen",
			"another accountant", "another firm", "other accountant", "other firm", "switch*", "look elsewhere",
			"elsewhere", "end our", "ending our", "terminate*", "move our", "moving our", "move to another",
			"considering my options", "considering moving", "change accountants", "changing accountants",
			"change accountant", "ander boekhoudkantoor", "van accountant wisselen",
			"van boekhouder wisselen", "van kantoor wisselen", "take our business", "take my business", "ergens anders heen", "andere kantoren",
			"andere boekhouders", "other firms", "other accountants",
			"somewhere else",
		},
		Incident: []string{
			"na wat er", "wat er ... gebeurd", "gang van zaken", "na het incident", "incident", "manier waarop",
			"hoe het ... gegaan", "gedoe", "na alles", "mix up", "after what happened", "given how",
			"vertrouwen",
			"after the mix", "after the problems", "after the error", "after the errors", "after the mistake", "after the incident",
		},
		Escalation: []string{
			"mijn advocaat", "een advocaat in", "naar een advocaat", "aan een advocaat", "naar de rechter",
			"juridische stappen", "stappen ondernemen", "tuchtrecht*", "aansprakelijk*", "ingebreke", "in gebreke",
			"autoriteit persoonsgegevens", "geschillencommissie",
			"my lawyer", "a lawyer", "legal action", "legal steps", "liable", "liability", "small claims",
		},
		Negators: []string{
			"niet", "geen", "nooit", "niks", "niets", "allerminst", "zonder",
			"not", "no", "never", "nothing", "without", "none", "nor", "hardly",
		},
		ClauseBreaks: []string{
			"maar", "omdat", "terwijl", "dat", "that", "which", "doordat", "hoewel", "alhoewel", "echter", "integendeel", "behalve",
			"but", "because", "although", "though", "whereas", "however", "except",
		},
		Idioms: []string{
			"mag niet klagen", "mag niet mopperen", "hoort mij niet klagen",
			"niets te klagen", "niks te klagen",
			"niet te klagen", "geen ... reden tot klagen", "geen ... reden om te klagen", "klachten ... gehad", "klachten ... gekregen", "klachten ... ontvangen", "klachten van klanten",
			"klachten van gasten", "overweeg ... klacht", "overwegen ... klacht",
			"klachten van cliënten",
			"can not complain", "nothing to complain", "no complaints", "not complaining",
			"received ... complaints", "complaints from customers", "complaints from our", "considering ... complaint",
		},
		Procedure: []string{
			"klachtenregeling*", "klachtregeling*", "klachtenprocedure*", "klachtprocedure*", "klachten procedure",
			"klachtenafhandeling", "klachtafhandeling", "klachtbehandeling", "klachtenbehandeling",
			"klachtencommissie", "klachtenregist*", "klachtenreglement", "klachtenloket", "klachtenfunctionaris",
			"complaints procedure", "complaint procedure", "complaints policy", "complaint handling",
			"complaints handling", "complaint management", "omgaan met klachten", "met klachten omgaan",
			"handle complaints", "handling complaints", "deal with complaints", "dealing with complaints",
		},
		Health: []string{
			"rug", "nek", "hoofd", "maag", "heup", "knie", "schouder", "hart", "lichamelijk*", "psychisch*",
			"gezondheid*", "ziek*", "huisarts", "arts", "bedrijfsarts", "specialist", "cardioloog", "fysio*",
			"pijn", "medisch*", "burn", "burnout", "long covid", "covid", "migraine*", "vermoeid*", "geheugen",
			"evenwicht", "ziekenhuis", "last van", "hoofdpijn", "heeft veel",
			"health", "medical", "sick", "doctor", "back pain", "illness", "symptom*", "pain", "migraines",
			"recurring back", "back complaints",
		},
		Resolved: []string{
			"is opgelost", "is nu opgelost", "zijn opgelost", "prima opgelost", "netjes opgelost", "snel opgelost",
			"goed opgelost", "het is opgelost", "alles is rechtgezet", "is rechtgezet", "is hersteld",
			"hiermee afgehandeld", "is afgehandeld", "als afgehandeld", "helemaal afgerond", "hiermee afgerond",
			"het is geregeld", "alles is geregeld", "trek ik", "ik trek", "trek hierbij",
			"klacht ... intrekken", "klacht ... ingetrokken", "laat mijn mail", "vergeet mijn mail", "vergeet mijn vorige", "negeer mijn mail", "zand erover", "prima zo", "is vergoed", "zijn vergoed", "hebben vergoed", "heeft vergoed", "is uitbetaald",
			"is teruggestort", "dank voor het regelen", "geen probleem verder",
			"has been resolved", "is resolved", "resolved it", "you resolved", "all sorted", "sorting it out",
			"all good", "please ignore my", "please disregard", "disregard my", "forget my last",
			"forget my email", "forget my previous", "fair solution", "was refunded", "has been refunded",
			"refund arrived", "refund ... arrived", "refund has arrived", "received the refund", "refund came through", "terugbetaling ontvangen",
			"terugbetaling is binnen",
			"thanks for sorting", "thanks for resolving", "daarna ... tevreden",
			"weer tevreden", "helemaal tevreden", "gerustgesteld", "geen actie nodig", "niets verder nodig",
			"alleen ter info", "no action needed", "satisfied after",
		},
		Reopened: []string{
			"dacht dat ... opgelost", "dacht dat ... geregeld", "was toch opgelost", "niet opgelost",
			"niet afgehandeld", "was opgelost", "zou ... opgelost", "zou ... geregeld", "niet als afgehandeld", "thought this was",
			"not resolved", "still not resolved", "niet mee eens",
		},
		OwnFault: []string{
			"mijn fout", "mijn eigen fout", "eigen schuld", "mijn schuld", "ligt aan mij", "lag aan mij",
			"niet jullie schuld", "niet uw schuld", "niet aan jullie", "niet bij jullie", "aan jullie kant",
			"ik ben ... te laat", "ik was ... te laat", "ik ben ... laat", "ik ... te laat heb", "zelf te laat",
			"zelf ... te laat", "ik heb ... te laat", "ben ... vergeten", "was ... vergeten", "had ... vergeten",
			"heb ... vergeten", "ik ... fout gemaakt", "zelf ook",
			"excuses voor mijn", "sorry voor",
			"not your fault", "my mistake", "my fault", "my own fault", "my error", "nothing you did",
			"on their side", "i forgot", "i was late", "sorry for the", "sorry to drag", "sorry to bother",
			"zelf verkeerd", "zelf ... fout", "mijn eigen administratie", "op mezelf", "van mezelf", "ons eigen", "onze eigen", "our own",
			"heb ik ... verkeerd", "had ik ... verkeerd", "ik ... verkeerd ingevuld", "ik ... verkeerd doorgegeven",
			"heb ik ... dubbel", "ik ... dubbel ingevoerd", "ik heb ... laten verlopen", "heb laten verlopen", "ik ... laten verlopen", "myself", "my own",
			"i filled ... wrong", "i entered ... wrong", "at myself",
		},
		Waivers: []string{
			"geen probleem", "geen punt", "kan gebeuren", "geen haast", "niet erg", "maakt niet uit",
			"no problem", "no worries", "no rush", "not a problem", "no hurry",
		},
		Joining: []string{
			"overstap naar jullie", "overstappen naar jullie", "naar jullie over",
			"bij jullie zit", "klant worden", "switching to your", "switch to your", "move to your",
			"moving to your", "we'll switch", "we will switch", "happy to confirm", "become a client",
		},
		Inquiry: []string{
			"hoe kan dit", "hoe kan dat", "weet jij hoe", "weet je hoe", "weet u hoe", "kun je ... kijken",
			"kunt u ... kijken", "kun jij ... kijken", "misschien",
			"even snappen", "wil het begrijpen", "komt dat door", "ligt dat aan",
			"vandaan komt", "uitzoeken wat", "uitzoeken hoe", "could you check", "can you check", "maybe", "perhaps",
			"is that because",
		},
		Neutral: []string{
			"zoals beloofd", "zoals toegezegd", "zoals afgesproken", "zoals besproken", "wachtwoord ... vergeten",
			"wachtwoord vergeten", "zoals u zei", "zoals jullie zeiden", "even kwijt", "wil ... kwijt", "wilde ... kwijt", "wat mij betreft", "over te stappen op", "overstappen op", "overstap op",
			"stap ... over op", "as promised", "as agreed", "as discussed", "forgot my password",
		},
		Praise: []string{
			"bedankt", "dank", "dankjewel", "tevreden", "blij", "fijn", "fijne", "top", "waardeer", "waardering", "helden", "prettig", "plezierig", "goed geholpen",
			"thanks", "thank", "happy", "appreciated", "i appreciate", "pleased", "lovely", "helpful",
		},
		JobApplication: []string{
			"sollicit*", "vacature", "open sollicitatie", "mijn cv", "cv", "stageplek", "stage",
			"werkervaring", "job application", "vacancy", "my resume", "my cv", "internship",
		},
		Banter: []string{
			":)", "haha", "hahaha", "grapje", "geintje", "knipoog", "even serieus", "maar serieus",
			"alle gekheid", "zonder gekheid", "all jokes aside", "jokes aside", "joking aside",
			"just kidding", "joking", "kidding",
		},
		Firm: []string{
			"jullie", "u", "uw", "je", "jij", "jou", "jouw", "mijn cijfers op orde", "mcoo", "jullie kantoor",
			"uw kantoor", "jullie medewerk*", "uw medewerk*", "je medewerk*", "jouw medewerk*", "jullie collega*",
			"jullie stagiair*", "jullie portal", "jullie systeem", "jullie kant", "directie", "marco", "hans",
			"gij", "ge",
			"you", "your", "yours", "your firm", "your office", "your team", "your colleague", "your staff",
		},
		ThirdParties: []string{
			"belastingdienst", "fiscus", "inspecteur", "controleur", "belastingtelefoon", "toeslagen", "uwv",
			"svb", "duo", "cak", "ind", "kvk", "kamer van koophandel", "gemeente*", "overheid", "den haag",
			"politiek", "kabinet", "bank", "*bank", "banken", "pensioenfonds", "*fonds", "verzekeraar",
			"*verzekeraar", "deurwaarder", "notaris", "notariskantoor", "aannemer", "leverancier", "*leverancier", "provider", "*provider",
			"verhuurder", "huisbaas", "huurder", "huurders", "klant heeft", "de klant", "klant van ons", "mijn klant*", "onze klant*", "een klant",
			"klanten", "gasten", "mijn personeel", "ons personeel", "mijn medewerk*", "onze medewerk*", "mijn ... medewerk*",
			"onze ... medewerk*", "onze ... werknemer*", "mijn ... werknemer*",
			"een van mijn", "mijn werknemer*", "vorige boekhouder", "oude boekhouder", "vorige accountant",
			"oude accountant", "vorig kantoor", "oude kantoor", "vorige adviseur", "mijn ex", "mijn man",
			"mijn vrouw", "mijn zus", "mijn broer", "mijn zoon", "mijn dochter", "mijn moeder", "mijn vader",
			"monteur", "zorgverzekeraar", "omzet", "winst", "resultaten", "concurrent", "in de cijfers",
			"over de cijfers", "de omzet",
			"inspector", "tax office", "tax authority", "tax authorities", "the bank", "my bank", "municipality",
			"council", "landlord", "tenant", "customer", "customers", "my client*", "our client*", "supplier",
			"contractor", "immigration", "government", "insurer", "insurance", "previous accountant",
			"old accountant", "former accountant", "my husband", "my wife", "in the numbers", "my results", "revenue", "turnover", "notary", "the market", "markt", "de markt",
			"portfolio", "beurs", "mezelf", "mijzelf", "myself",
			"mijn accountant", "mijn boekhouder", "huidige accountant", "huidige boekhouder", "huidig kantoor",
			"my accountant", "current accountant", "my bookkeeper", "current bookkeeper",
			"luchtvaartmaatschappij", "vliegmaatschappij", "airline", "vlucht", "flight", "klm", "transavia",
			"in de file", "de file", "traffic", "snelweg", "motorway", "trein",
			"het slechte weer", "weather", "boekhoudpakket", "boekhoudprogramma", "boekhoudsoftware",
			"factuurprogramma", "facturatieprogramma", "invoicing software", "accounting software",
			"postnl", "pakketdienst", "bezorger", "courier", "telecomprovider", "kpn", "ziggo", "energieleverancier",
			"mijn werkgever", "my employer", "my employee",
		},
		Beneficiary: []string{"namens", "behalf", "samen met", "together with", "voor mijn", "voor onze", "for my", "for our"},
		Weights: Weights{
			Complaint: 4, Dissatisfied: 3, Annoyed: 1.5, NegatedPositive: 2.5, Demand: 2, Insistence: 1,
			Repetition: 1, Failure: 1, Grievance: 2, Privacy: 2, Sarcasm: 2, Switching: 1.5, Incident: 1.5, Escalation: 1.5,
			Reopened: 2,
			Negated:  -2, Idiom: -2, Procedure: -1, OwnFault: -1.5, Inquiry: -1, Praise: -0.5,
			Resolved: 0.2, Waiver: 0.3, Job: 0.25, Banter: 0.25,
			MaxComplaint: 5, MaxDissatisfied: 5, MaxDemand: 4, MaxInsistence: 2, MaxRepetition: 2, MaxFailure: 3, MaxGrievance: 4, MaxPraise: 1.5,
			MaxSwitching: 2,
			Unknown:      0.9, Subject: 1, ReplySubject: 0.3, ReplyToFirm: 1,
			ComplaintAt: 4, DoubtfulAt: 1.5,
			MaxGap: 4, MaxChars: 6000,
		},
	}
}

// element is one word of a compiled phrase.
type element struct {
	word           string
	prefix, suffix bool // word* and *word; both: *word*
	gap            bool // "..."
}

func (e element) match(w string) bool {
	switch {
	case e.prefix && e.suffix:
		return strings.Contains(w, e.word)
	case e.prefix:
		return strings.HasPrefix(w, e.word)
	case e.suffix:
		return strings.HasSuffix(w, e.word)
	}
	return w == e.word
}

type phrase struct {
	text  string
	elems []element
}

// list is a compiled lexicon list, indexed by its first word when that is
// literal.
type list struct {
	kind  string
	byTok map[string][]*phrase
	wild  []*phrase
}

// compile turns entries into phrases with the tokenizer used for text.
func compileList(kind string, entries []string) *list {
	l := &list{kind: kind, byTok: map[string][]*phrase{}}
	for _, e := range entries {
		p := &phrase{text: e}
		for _, part := range strings.Fields(e) {
			if part == "..." || part == "…" {
				if len(p.elems) > 0 && !p.elems[len(p.elems)-1].gap {
					p.elems = append(p.elems, element{gap: true})
				}
				continue
			}
			pre := strings.HasSuffix(part, "*")
			suf := strings.HasPrefix(part, "*")
			core := strings.Trim(part, "*")
			if core == ":)" || core == ":(" {
				p.elems = append(p.elems, element{word: core})
				continue
			}
			var words []string
			for _, s := range split(core, nil) {
				for _, t := range s.toks {
					words = append(words, t.norm)
				}
			}
			for i, w := range words {
				p.elems = append(p.elems, element{word: w, suffix: suf && i == 0, prefix: pre && i == len(words)-1})
			}
		}
		for len(p.elems) > 0 && p.elems[len(p.elems)-1].gap {
			p.elems = p.elems[:len(p.elems)-1]
		}
		if len(p.elems) == 0 || p.elems[0].gap {
			continue
		}
		if f := p.elems[0]; !f.prefix && !f.suffix {
			l.byTok[f.word] = append(l.byTok[f.word], p)
		} else {
			l.wild = append(l.wild, p)
		}
	}
	return l
}

// span is a match of a phrase in a sentence: tokens [from, to).
type span struct {
	from, to int
	p        *phrase
}

// find returns the longest match of the list starting at each position,
// leftmost first, not overlapping.
func (l *list) find(toks []token, maxGap int, blocked []bool) []span {
	var out []span
	for i := 0; i < len(toks); {
		if blocked != nil && blocked[i] {
			i++
			continue
		}
		best := -1
		var bp *phrase
		try := func(p *phrase) {
			if end := matchAt(p.elems, toks, i, maxGap, blocked); end > best {
				best, bp = end, p
			}
		}
		for _, p := range l.byTok[toks[i].norm] {
			try(p)
		}
		for _, p := range l.wild {
			try(p)
		}
		if best > i {
			out = append(out, span{i, best, bp})
			i = best
			continue
		}
		i++
	}
	return out
}

// matchAt returns the end of a match of elems at toks[i:], or -1.
func matchAt(elems []element, toks []token, i, maxGap int, blocked []bool) int {
	if len(elems) == 0 {
		return i
	}
	e := elems[0]
	if e.gap {
		// a gap stays inside the clause of the word before it
		for g := 0; g <= maxGap && i+g <= len(toks); g++ {
			if g > 0 && i > 0 && toks[i+g-1].clause != toks[i-1].clause {
				break
			}
			if i+g < len(toks) && i > 0 && toks[i+g].clause != toks[i-1].clause {
				break
			}
			if end := matchAt(elems[1:], toks, i+g, maxGap, blocked); end >= 0 {
				return end
			}
		}
		return -1
	}
	if i >= len(toks) || (blocked != nil && blocked[i]) || !e.match(toks[i].norm) {
		return -1
	}
	return matchAt(elems[1:], toks, i+1, maxGap, blocked)
}
