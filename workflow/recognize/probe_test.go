package recognize

import "testing"

// TestProbes classifies short mails in phrasings that occur in neither
// corpus: complaints must at least be held (Doubtful), ordinary and tricky
// mail must be left alone (None).
func TestProbes(t *testing.T) {
	complaints := []struct{ subject, text string }{
		{"", "Ik ben het helemaal zat. Voor de zoveelste keer klopt de btw-aangifte niet."},
		{"aanslag", "Door jullie nalatigheid moet ik nu 2.300 euro bijbetalen. Dat had nooit mogen gebeuren."},
		{"", "Hoe haal je het in je hoofd om mijn loonstroken naar mijn oude werkgever te sturen?"},
		{"", "Ik heb er geen goed gevoel over hoe dit dossier wordt behandeld. Er gebeurt gewoon niets."},
		{"", "Dit is toch niet normaal? Drie maanden na het aanleveren heb ik nog steeds geen concept."},
		{"", "Jullie rekenen 12 uur voor iets wat hooguit twee uur werk is. Daar ga ik niet mee akkoord."},
		{"", "Ik ga niet akkoord met deze factuur. De afspraak was een vast bedrag van 500 euro."},
		{"", "Dit is de laatste keer dat ik jullie hierover mail. Daarna zoek ik een andere boekhouder."},
		{"", "Waarom moet ik alles drie keer aanleveren? Raken jullie steeds mijn stukken kwijt?"},
		{"", "Ik voel me als klant totaal niet gehoord. Mijn vragen worden genegeerd."},
		{"", "Er is een fout gemaakt in mijn aangifte waardoor ik de toeslag moet terugbetalen. Wie betaalt dit?"},
		{"", "Ik kreeg een naheffing omdat jullie het verkeerde tarief hebben gebruikt. Dat wil ik vergoed hebben."},
		{"", "Jullie medewerker was erg kortaf en liet mij niet uitpraten."},
		{"", "Ik betaal jullie elke maand, maar de boekhouding loopt al een half jaar achter."},
		{"", "Hallo, mijn salaris is voor de tweede maand op rij te laat uitbetaald omdat jullie het betaalbestand te laat klaarzetten."},
		{"", "gvd weer fout die loonstrook, wanneer gaan jullie dat eens goed doen"},
		{"", "Wat een puinhoop. De jaarrekening zit vol fouten en ik moet hem morgen bij de bank inleveren."},
		{"", "Ik vind het kwalijk dat niemand mij heeft gewaarschuwd voor de deadline."},
		{"", "Sinds de overname door jullie nieuwe eigenaar gaat alles mis. Ik zeg mijn abonnement op."},
		{"", "Dit is echt beneden alle peil. Ik wacht al twee maanden op een antwoord."},
		{"", "Uw kantoor heeft mijn aangifte zonder mijn toestemming ingediend. Ik wil dat dit wordt teruggedraaid."},
		{"", "I'm really fed up with the constant delays. My VAT return was late again."},
		{"", "This is the third time I'm asking for my annual statement. It's frankly ridiculous."},
		{"", "Your team sent my payslip to the wrong person. I want to know how this happened."},
		{"", "I was charged twice for the same service. Please refund the duplicate payment."},
		{"", "I'm very unhappy with the service. Nobody answers the phone and emails go unanswered."},
		{"", "Your advice cost me EUR 5,000. I expect you to compensate me for this."},
		{"", "I've lost all confidence in your firm after the mistakes in my return."},
		{"", "Honestly, this level of service is poor. I'm considering moving to another firm."},
		{"", "You promised the report by Friday, it's Wednesday now and still nothing."},
	}
	nots := []struct{ subject, text string }{
		{"", "Ik ben heel tevreden over jullie. De aangifte was snel klaar, dank daarvoor."},
		{"", "Kunnen jullie mijn voorlopige aanslag aanpassen? Mijn inkomen is gedaald."},
		{"", "De belastingdienst heeft mijn teruggave nog steeds niet uitbetaald. Kunnen jullie navragen waar die blijft?"},
		{"", "Mijn klanten betalen steeds later. Hoe ga ik om met oninbare vorderingen?"},
		{"", "Mijn vader heeft last van zijn hart en komt niet meer buiten. Kan ik zijn aangifte regelen?"},
		{"", "Ik heb de bonnetjes weer eens te laat geüpload, sorry! Lukt de aangifte nog?"},
		{"", "Ik heb een fout ontdekt in mijn eigen urenregistratie. Kan de loonstrook nog worden aangepast?"},
		{"", "Wat vervelend voor jullie dat de server eruit lag. Geen haast met mijn vraag."},
		{"", "De notaris is erg traag met de akte. Weten jullie hoe lang dat meestal duurt?"},
		{"", "Onze leverancier heeft twee keer dezelfde factuur gestuurd. Hoe boeken we de creditnota?"},
		{"", "De gemeente reageert al weken niet op ons bezwaar. Kunnen jullie helpen?"},
		{"", "Wij hebben een klacht van een huurder ontvangen over lekkage. Zijn de reparatiekosten aftrekbaar?"},
		{"", "Kunt u mij uw klachtenregeling toesturen? Wij hebben die nodig voor een aanbesteding."},
		{"", "Hierbij mijn opzegging per 1 januari, omdat ik mijn bedrijf verkoop. Bedankt voor de samenwerking!"},
		{"", "Mijn vorige accountant heeft er een puinhoop van gemaakt. Fijn dat jullie het overnemen."},
		{"", "The tax office lost my documents again. Could you resend them on my behalf?"},
		{"", "No rush at all, but could you let me know when the draft return is ready?"},
		{"", "My bank is being really difficult about the mortgage. Could you write an income statement?"},
		{"", "Thanks for sorting out the invoice so quickly, all good now."},
		{"", "I had some back pain complaints last month, so the documents are a bit late. Sorry!"},
		{"", "Just checking: did you receive the documents I uploaded yesterday?"},
		{"", "Ik zou graag een afspraak maken om de jaarrekening te bespreken. Past volgende week dinsdag?"},
		{"", "Is het mogelijk om de factuur in termijnen te betalen?"},
		{"", "De bank heeft mijn rekening geblokkeerd, ik word er gek van. Kunnen jullie een verklaring sturen?"},
		{"", "Mijn medewerker klaagt over te weinig vakantiedagen. Hoeveel heeft hij recht op?"},
	}
	lex := DefaultLexicon()
	for _, c := range complaints {
		if r := lex.ruleResult(Input{Subject: c.subject, Text: c.text}); r.Outcome == None {
			t.Errorf("complaint missed (%.2f): %s\n    %s", r.Score, c.text, r.Explain())
		}
	}
	for _, c := range nots {
		if r := lex.ruleResult(Input{Subject: c.subject, Text: c.text}); r.Outcome != None {
			t.Errorf("not a complaint, got %s (%.2f): %s\n    %s", r.Outcome, r.Score, c.text, r.Explain())
		}
	}
}

// TestProbes2 is a second round of unseen phrasings, written after the
// lexicon was broadened, to check that broad words do not hit ordinary mail.
func TestProbes2(t *testing.T) {
	complaints := []string{
		"Het is nu al de vierde keer dat ik moet vragen waar mijn jaaropgave blijft. Dit schiet niet op.",
		"Door een rekenfout van jullie kant heb ik 800 euro te veel btw afgedragen. Ik wil dat dit wordt rechtgezet en dat jullie de kosten dragen.",
		"Ik had gerekend op de aangifte voor 1 mei, zoals afgesproken. Nu zit ik met een boete. Dit vind ik niet in orde.",
		"Mijn loonstrook staat vol fouten, mijn naam is verkeerd gespeld en de uren kloppen niet. Graag aanpassen, dit is al de tweede keer.",
		"Jammer genoeg moet ik constateren dat de afspraken opnieuw niet zijn nagekomen. Ik overweeg de samenwerking te beëindigen.",
		"Geachte heer, ik maak bezwaar tegen uw declaratie. De gefactureerde uren zijn niet gemaakt.",
		"Uw medewerkster heeft mijn BSN en paspoortkopie per gewone mail naar een verkeerd adres gestuurd.",
		"Ik ben er helemaal klaar mee dat ik nooit iemand te pakken krijg bij jullie.",
		"Wat moet ik nog doen om een antwoord te krijgen? Drie mails, twee telefoontjes, niets.",
		"Ik heb het gevoel dat mijn dossier bij jullie onderop de stapel ligt. Sinds april hoor ik niets.",
		"The payroll was wrong again this month and my employees are getting annoyed with me. Please sort this out properly.",
		"I am writing to express my dissatisfaction with the handling of my tax return.",
		"It has now been six weeks and I still haven't received the corrected invoice you promised.",
		"Frankly, I expected better from a firm of your reputation. The annual report was full of errors.",
		"You billed me for a meeting that never took place. I won't be paying that invoice.",
	}
	nots := []string{
		"Door jullie hulp is de aanvraag in één keer goedgekeurd. Super!",
		"Hoe lang duurt het meestal voordat de Belastingdienst een bezwaar behandelt?",
		"Ik was verbaasd hoe snel jullie de aangifte hadden ingediend. Top!",
		"When will you send the draft of my return? No rush, just planning my holiday.",
		"Het gaat slecht met de omzet door de verbouwing van de straat. Kunnen we de voorlopige aanslag verlagen?",
		"I'm a bit confused about the new invoice format. Which number should I use as payment reference?",
		"Mijn boekhoudpakket geeft steeds een foutmelding bij het importeren. Hebben jullie dat vaker gezien?",
		"De aannemer is drie weken te laat en nu wil hij ook nog meer geld. Mag ik de btw op de meerprijs aftrekken?",
		"Mijn zoon heeft een boete gekregen van de OV-chipkaart. Kan ik die als ouder aftrekken? Haha, grapje. Wel een echte vraag: hoe zit het met zijn studiefinanciering?",
		"We had a terrible year because of the floods, revenue is down 40%. Can we discuss the provisional assessment?",
		"Excuses voor mijn late reactie, ik lag in het ziekenhuis. De stukken komen deze week.",
		"Ik heb de herinnering ontvangen, maar ik had de stukken al ingeleverd. Misschien zijn ze onder een andere naam opgeslagen? Kun je even kijken?",
		"The Belastingdienst sent me a fine for the late payment of my provisional assessment. My fault, I forgot. Can I pay it in instalments?",
		"Kunnen jullie de klachtenregeling op de website zetten? Ik kon hem niet vinden toen ik hem voor een subsidieaanvraag nodig had.",
		"Mijn personeel klaagt dat de loonstroken niet in de app staan. Is er iets veranderd in de app, of moeten ze opnieuw inloggen?",
	}
	lex := DefaultLexicon()
	for _, c := range complaints {
		if r := lex.ruleResult(Input{Text: c}); r.Outcome == None {
			t.Errorf("complaint missed (%.2f): %s\n    %s", r.Score, c, r.Explain())
		}
	}
	for _, c := range nots {
		if r := lex.ruleResult(Input{Text: c}); r.Outcome != None {
			t.Errorf("not a complaint, got %s (%.2f): %s\n    %s", r.Outcome, r.Score, c, r.Explain())
		}
	}
}

// TestProbes3: a third round of unseen phrasings (typos, Flemish, formal
// letters, mixed language).
func TestProbes3(t *testing.T) {
	complaints := []string{
		"Geachte directie, hierbij wil ik mijn ongenoegen uiten over de gang van zaken rond mijn aangifte.",
		"Beste, ik zit al sinds januari te wachten op mijn jaarrekening en niemand laat iets van zich horen. Dit kan zo niet langer.",
		"Allez, da's nu al de derde keer dat ge mijn factuur dubbel aanrekent. Kan da gecorrigeerd worden aub?",
		"ik snap echt niet waarom jullie mijn loonstrook nu alweer fout hebben, dit is echt ongelofelijk",
		"Mijn aangifte is zonder overleg met mij ingediend en bevat onjuiste gegevens. Ik eis dat dit per direct wordt gecorrigeerd.",
		"Ik ben nogal ontdaan over het telefoongesprek van vanochtend met uw medewerker, die mij als een kind behandelde.",
		"Ik verzoek u vriendelijk doch dringend de onterecht in rekening gebrachte uren te crediteren.",
		"Sorry dat ik het zeg, maar jullie service is de laatste tijd echt achteruit gegaan.",
		"Het valt me tegen hoe traag alles gaat sinds ik bij jullie ben. Ik had meer verwacht.",
		"De btw-aangifte is te laat ingediend, met een boete als gevolg. Ik neem aan dat jullie deze voor je rekening nemen.",
		"I must say I'm rather disappointed. The deadline was clear and it was missed anyway.",
		"Please explain why I'm being charged for work I explicitly told you not to do.",
		"I have been a loyal client for 8 years and this is how I'm treated? Unbelievable.",
		"My employees received their payslips a week late, again. This cannot continue.",
		"Your colleague promised to call me back three times. Nobody ever did.",
	}
	nots := []string{
		"Ik ben nogal ontdaan over het overlijden van mijn vader. Hoe moet het nu met zijn aangifte?",
		"Het valt me tegen hoeveel belasting ik moet betalen over mijn bonus. Kan ik iets doen om het te verlagen?",
		"De nieuwe software van de bank werkt echt waardeloos. Kunnen jullie de afschriften handmatig inlezen?",
		"Ik heb een klacht ingediend bij mijn energieleverancier en krijg misschien geld terug. Moet ik dat opgeven?",
		"Mijn vorige werkgever heeft mijn vakantiegeld nooit uitbetaald. Kan ik dat bij de aangifte meenemen?",
		"Vraagje: mijn dochter is ontevreden over haar studiefinanciering, kunnen jullie daar naar kijken?",
		"Onze huurder betaalt al drie maanden te laat. Mag ik de huur dan later opgeven?",
		"Dank voor het snelle antwoord! Ik had niet verwacht dat het zo makkelijk zou zijn.",
		"Could you confirm you've received my documents? The upload seemed to fail twice, probably my internet.",
		"I'm disappointed with how the market went this year, my portfolio is down. Does that change my box 3?",
		"Goedemorgen, bijgaand de bankafschriften. Excuses dat het wat later is dan gevraagd.",
		"Kun je me helpen met een bezwaar tegen de aanslag van de Belastingdienst? Volgens mij klopt die niet.",
		"De inspecteur was erg onvriendelijk tijdens het boekenonderzoek. Moet ik daar iets mee?",
		"Ter info: ik ben per 1 maart verhuisd. Ik had het al aan de gemeente doorgegeven.",
		"Hierbij zeg ik mijn lidmaatschap van de ondernemersvereniging op. Kunnen jullie de contributie uit de boekhouding halen?",
	}
	lex := DefaultLexicon()
	for _, c := range complaints {
		if r := lex.ruleResult(Input{Text: c}); r.Outcome == None {
			t.Errorf("complaint missed (%.2f): %s\n    %s", r.Score, c, r.Explain())
		}
	}
	for _, c := range nots {
		if r := lex.ruleResult(Input{Text: c}); r.Outcome != None {
			t.Errorf("not a complaint, got %s (%.2f): %s\n    %s", r.Outcome, r.Score, c, r.Explain())
		}
	}
}

// TestProbes4: ordinary mail that is full of words a naive recogniser
// trips on, and a few more complaints.
func TestProbes4(t *testing.T) {
	nots := []string{
		"Ik kreeg een naheffing van de Belastingdienst voor 2023. Klopt die volgens jullie? Ik heb de brief in de portal gezet.",
		"De boete van de gemeente voor het afval is binnen. Kan ik die aftrekken? Waarschijnlijk niet, maar ik vraag het toch.",
		"Mijn loonstrook van maart klopt niet helemaal, ik had 3 uur meer gewerkt. Dat had ik zelf verkeerd ingevuld in de app.",
		"Even een herinnering voor mezelf en voor jullie: de aangifte moet voor 1 mei binnen zijn. Ik lever deze week aan.",
		"Is het te laat om nog uitstel aan te vragen voor de aangifte 2025?",
		"Er staat een fout in mijn eigen administratie: de factuur van de drukker heb ik dubbel ingevoerd. Kunnen jullie die verwijderen?",
		"Ik wil graag weten waarom mijn teruggave lager is dan vorig jaar. Komt dat door de nieuwe regels?",
		"Mijn vrouw is ontevreden over haar werkgever en wil zzp'er worden. Waar moet ze op letten?",
		"We hebben een vervelende brief gekregen van de deurwaarder van onze vorige verhuurder. Moeten we dat in de boekhouding opnemen?",
		"De portal werkte gisteren even niet, maar nu gaat alles weer goed. Stukken staan erin.",
		"Hi Marco, sorry for the late reply - I was travelling. The documents are attached now.",
		"The tax office says my return was filed late, but I think they made a mistake since you sent me the confirmation in April. Could you send them that confirmation?",
		"I got a reminder from the pension fund that a payment was missed. It's from my old job, nothing to do with you. Can I deduct the arrears?",
		"Could you please resend the invoice? I can't find it anywhere, probably deleted it by accident.",
		"Mijn klant is ontevreden en wil 20% korting. Moet ik de btw dan ook aanpassen?",
		"De controleur van de Belastingdienst vond dat mijn administratie niet op orde was. Kunnen we samen kijken wat er beter moet?",
		"Ik ben boos op mezelf dat ik de termijn heb laten verlopen. Kunnen jullie nog iets doen?",
		"Thanks again for the quick help last week. One more thing: where do I find the annual statement?",
		"Goedemiddag, ik ben de nieuwe office manager van Bakker BV. Voortaan gaan de facturen via mij. Is er nog iets dat openstaat?",
		"Dag Hans, ik heb de aanmaning van de KvK betaald, maar ze blijven herinneringen sturen. Weet jij bij wie ik moet zijn?",
	}
	complaints := []string{
		"Ik heb vorige week een vraag gesteld en nog steeds geen antwoord. Dit is niet de eerste keer.",
		"Ik vind het vreemd dat ik hier zelf achteraan moet. Daarvoor heb ik jullie toch ingehuurd?",
		"De loonstroken van mijn personeel zijn nu voor de derde maand fout. Wanneer wordt dit eens opgelost?",
		"We hebben op uw advies de auto privé gekocht en nu blijkt dat dat ons geld kost. Wij willen dat u dit vergoedt.",
		"Kan iemand mij uitleggen waarom ik nu pas hoor dat mijn aangifte is afgewezen? Dit had ik maanden geleden moeten weten.",
		"It is not acceptable that I have to chase you every month for my payslips.",
		"I was told the return would be filed in March. It's now July and nothing has been filed. What is going on?",
	}
	lex := DefaultLexicon()
	for _, c := range complaints {
		if r := lex.ruleResult(Input{Text: c}); r.Outcome == None {
			t.Errorf("complaint missed (%.2f): %s\n    %s", r.Score, c, r.Explain())
		}
	}
	for _, c := range nots {
		if r := lex.ruleResult(Input{Text: c}); r.Outcome != None {
			t.Errorf("not a complaint, got %s (%.2f): %s\n    %s", r.Outcome, r.Score, c, r.Explain())
		}
	}
}

// TestProbesBroadWords checks that broad words stay quiet in ordinary mail
// and that praise turns ironic only next to a failure of the firm.
func TestProbesBroadWords(t *testing.T) {
	nots := []string{
		"Complimenten voor Merel, ze heeft ons zo goed geholpen!",
		"Great service as always, thanks Hans. See you next year.",
		"Mag iemand anders mijn aangifte ondertekenen? Mijn vrouw heeft een volmacht.",
		"Is er iemand die mij kan helpen met de btw op een buitenlandse factuur?",
		"I have spoken to my bank and they need an income statement. Could you write one?",
		"De bon zat in de map van februari, het zat dus goed. Dank!",
		"This is a critical deadline for us, so could you confirm the date?",
		"Thanks to you we got the mortgage. Much appreciated!",
		"Ik heb het niet kunnen vinden in de portal. Waar staat de jaaropgave?",
		"Kunnen jullie mijn oude adres nog op de factuur van december zetten? Ik verhuis pas in januari.",
		"Apparently the Belastingdienst needs a new form. Could you send it?",
		"Ik vraag me af of ik de auto beter privé kan kopen.",
	}
	complaints := []string{
		"Complimenten. Weer een fout in de aangifte, de tweede dit jaar.",
		"Great service, Hans. You forgot my pension and now I pay for your own mistake.",
	}
	lex := DefaultLexicon()
	for _, c := range nots {
		if r := lex.ruleResult(Input{Text: c}); r.Outcome != None {
			t.Errorf("not a complaint, got %s (%.2f): %s\n    %s", r.Outcome, r.Score, c, r.Explain())
		}
	}
	for _, c := range complaints {
		if r := lex.ruleResult(Input{Text: c}); r.Outcome == None || !hasSignal(r, "sarcasm") {
			t.Errorf("ironic complaint missed (%.2f): %s\n    %s", r.Score, c, r.Explain())
		}
	}
}

// TestProbes5 was written with the validation set (testdata/validation):
// phrasings of the kinds of complaint an earlier holdout missed (failures
// stated as plain facts, sarcasm, unreachable staff, data sent to the wrong
// person, threats to switch, disputed invoices, English "not acceptable"),
// and ordinary mail that uses the words added for them.
func TestProbes5(t *testing.T) {
	t.Parallel()
	complaints := []string{
		"Ik overweeg over te stappen naar een ander administratiekantoor.",
		"Ik overweeg over te stappen.",
		"I'm considering changing accountants.",
		"Ik ga eens kijken bij een ander kantoor, dit schiet zo niet op.",
		"Sorry, but your invoice is not acceptable. We agreed on a fixed price.",
		"This is not acceptable. My payslip was sent to my manager.",
		"I can not accept that my documents were lost twice.",
		"U heeft mijn aangifte naar het verkeerde e-mailadres gestuurd, mijn ex-werkgever heeft hem nu.",
		"Jullie hebben mijn loonstrook naar een andere klant gestuurd.",
		"My salary statement was emailed to a colleague of mine. How did that happen?",
		"Ik krijg jullie nooit aan de telefoon. Al vier keer geprobeerd deze week.",
		"Drie weken geleden gemaild, nog steeds geen antwoord.",
		"Wat een service weer. Twee weken wachten op een simpele vraag.",
		"Heel fijn dat ik via de Belastingdienst moet horen dat mijn aangifte te laat is.",
		"Lekker dan, de loonstroken staan er weer niet op tijd in.",
		"Top werk weer: mijn naam staat verkeerd op de aangifte.",
		"De factuur van maart betaal ik niet, dit was niet afgesproken.",
		"Ik ben het niet eens met de factuur van oktober.",
		"Jullie hebben de verkeerde loonheffingskorting toegepast waardoor ik nu 1.100 euro moet terugbetalen.",
		"Jullie hebben de verkeerde btw-code gebruikt waardoor ik nu 900 euro moet bijbetalen. Wie betaalt dat?",
		"You charged me twice this month.",
		"Jullie hebben twee keer geïncasseerd deze maand.",
		"Ik pik dit niet langer.",
		"Het hangt me de keel uit, elke maand weer een fout in de salarisadministratie.",
		"waarom krijg ik elke maand een andere loonstrook met andere bedragen?? ik snap er niks meer van en niemand legt het uit",
		"The annual accounts contain my old address and the wrong company number. Again.",
		"Ge hebt mij nu al drie keer hetzelfde gevraagd.",
		"Ik kreeg vanochtend een brief dat mijn aangifte niet is binnengekomen. Jullie zeiden in april dat hij was ingediend.",
		"You sent my tax return to another client. I want to know what you are doing about this.",
		"Na zes jaar stop ik ermee. Ik word gewoon niet geholpen.",
		"We received a penalty from the tax office because the payroll return was filed late by your team.",
		"De aanmaning van de Belastingdienst kwam vandaag binnen, terwijl jullie zeiden dat alles betaald was.",
		"Beste Hans, vorige week heb ik gevraagd of de loonstroken van oktober gecorrigeerd konden worden. Vandaag kreeg ik dezelfde loonstroken terug, met dezelfde fout in de overuren. Graag vandaag nog een oplossing.",
		"Marco, ik heb gisteren drie keer gebeld en steeds kreeg ik te horen dat je in overleg zat. Terugbellen deed niemand.",
		"In de jaarrekening staat een lening aan mijn broer die al in 2022 is afgelost. Dat heb ik vorig jaar ook al aangegeven. Ik vind dit echt slordig.",
		"De aangifte van mijn moeder is ingediend met mijn bankrekening erop in plaats van de hare. De teruggave staat nu op mijn rekening en zij heeft een brief gekregen dat er iets niet klopt. Ik had dit toch duidelijk doorgegeven?",
		"Sinds jullie met dat nieuwe portaal werken kan ik nergens meer iets vinden. Documenten die ik upload verdwijnen, en de helpdesk belt niet terug. Eerlijk gezegd denk ik erover om ergens anders heen te gaan.",
		"Uw medewerker heeft mijn dochter aan de telefoon allerlei vragen gesteld over mijn inkomen. Ik vind het niet gepast dat dit met een kind wordt besproken.",
		"goedemiddag. voor de zoveelste keer: mijn adres is veranderd. jullie sturen de post nog steeds naar het oude adres en de nieuwe bewoners hebben nu mijn jaaropgave.",
		"Ik zie dat jullie de afschrijving van de bus in één keer hebben genomen in plaats van over vijf jaar. Daardoor is de winst van dit jaar veel te laag en volgend jaar veel te hoog. Dat hadden jullie toch moeten weten?",
		"Marco, geen idee of je dit leest, want mijn vorige twee mails zijn ook onbeantwoord gebleven.",
		"I paid your invoice on 3 March. I have since received two reminders and now a notice from a collection agency. This is absurd.",
		"Goedendag, ik heb vandaag uw rekening ontvangen voor het opstellen van een bezwaarschrift. Dat bezwaar heb ik zelf geschreven. Ik betaal hiervoor niet.",
		"Marco, waarom hoor ik pas nu dat er een boekenonderzoek aankomt? De brief van de Belastingdienst lag blijkbaar al drie weken bij jullie.",
		"beste marco sorry maar ik snap niet dat dit zo lang duurt. aangeleverd in februari en nu is het augustus. mijn bank zit te wachten",
		"Uw collega beloofde mij vorige week een offerte voor de salarisadministratie. Ik heb niets ontvangen. Ik kijk nu ook bij andere kantoren.",
		"Hi Marco, I noticed you charged me for the annual report and the tax return separately, while your quote said both were included. Please correct this.",
		"Ik ben vanochtend langs geweest voor mijn afspraak van 10 uur, maar niemand wist ervan. Ik ben voor niets uit Utrecht gekomen.",
		"Hans, op de loonstrook van Pieter staat weer 36 uur, hij werkt sinds april 40 uur. Ik heb dit in mei en juni doorgegeven. Hoe vaak nog?",
	}
	nots := []string{
		"Top, dank je wel! Ik zet de bonnetjes er morgen in.",
		"Fijn hoor, dan zien we elkaar donderdag.",
		"Fijn hoor dat jullie zo snel waren. De boete van vorig jaar was echt vervelend, maar dat was de Belastingdienst.",
		"Bedankt voor de herinnering, ik upload de stukken vanavond.",
		"Thanks for the reminder. I forgot to upload the receipts, will do it tonight.",
		"Wat een service, binnen een dag antwoord! Dank je wel.",
		"That's very reassuring, thank you Marco.",
		"Top, bedankt voor de snelle hulp met de aanmaning van de Belastingdienst!",
		"Super, de boete is kwijtgescholden door de Belastingdienst. Dank voor het bezwaarschrift!",
		"Doordat jullie zo snel waren, hebben we de hypotheek op tijd rond. Super!",
		"Nog geen bericht van de Belastingdienst over het bezwaar. Moet ik bellen?",
		"Ik heb nog geen bericht van de notaris ontvangen over de datum van overdracht.",
		"We do not accept payments in cash, so how do I book this?",
		"Ik accepteer de offerte. Wanneer kunnen we beginnen?",
		"Onze klanten accepteren de prijsverhoging niet. Hoe verwerken we de kortingen?",
		"How is this possible? I earn less but pay more tax this year. Can you explain?",
		"Dit hoort toch niet bij de zakelijke kosten? Mijn zoon zijn laptop bedoel ik.",
		"Wie betaalt dat eigenlijk, de werkgever of de werknemer? Het gaat om de reiskosten.",
		"Who will pay for the notary, the buyer or the seller?",
		"Could you send the correct invoice with our new VAT number? Thanks!",
		"The refund arrived, thanks for the help.",
		"Mijn KvK-nummer is veranderd na de omzetting naar een bv: 87654321.",
		"Ge moogt de aangifte indienen, alles klopt.",
		"Kunt gij mij laten weten wanneer de cijfers klaar zijn?",
		"Ge hebt gelijk, ik had de verkeerde factuur geüpload. Hier is de juiste.",
		"Wat mij betreft mag de aangifte zo de deur uit.",
		"I'm considering switching to quarterly VAT returns instead of monthly. What do you think?",
		"Wij overwegen om over te stappen op een ander boekhoudpakket. Werken jullie ook met Exact?",
		"Ik denk erover om over te stappen op een elektrische auto van de zaak. Wat kost me dat aan bijtelling?",
		"The new accountant at our head office will contact you about the consolidation.",
		"Ik wil een klacht indienen bij de gemeente over de parkeervergunning. Kun je de klacht even nalezen?",
		"Het hangt me de keel uit, al dat papierwerk van de gemeente. Kunnen jullie de subsidieaanvraag doen?",
		"Het is waanzin hoeveel belasting ik dit jaar moet betalen. Kunnen we kijken of er iets af kan?",
		"De KvK heeft onze inschrijving niet verwerkt, nu komen de brieven bij de buren. Kunnen jullie bellen?",
		"Ik heb niks geopend hoor, ik heb de bijlage direct naar jullie doorgestuurd. Is dat de goede?",
		"We hebben de lonen van december twee keer uitbetaald door een fout in ons eigen banksysteem. Hoe corrigeren we dat?",
		"Onze bank heeft het bedrag twee keer afgeschreven. Hoe boeken we de terugboeking?",
		"Blijkbaar niet iedereen weet dat je tot 1 mei de tijd hebt. Mijn buurman heeft al een boete.",
		"Drie maanden achter elkaar ziek geweest, nu weer aan het werk. Moet ik iets met de AOV?",
		"Wij hebben drie maanden achter elkaar verlies gedraaid. Moeten we iets met de voorlopige aanslag?",
		"Kun je uitzoeken waarom de naheffing zo hoog is? Ik snap de berekening niet.",
		"Mn werkgever vraagt om een kopie van mn diploma, moet dat via jullie?",
		"Mijn ex heeft mijn post doorgestuurd naar jullie, ik woon daar niet meer. Kunnen jullie het adres aanpassen?",
		"Zelfde verhaal als vorig jaar: ik heb een bijbaan gehad. Hoe geef ik dat op?",
		"Marco, ik heb gisteren geprobeerd je te bellen maar je zat in overleg. Geen probleem, bel me maar terug als je tijd hebt.",
		"Hans, ik kan in het nieuwe portaal de map voor 2024 niet vinden. Waarschijnlijk kijk ik verkeerd. Kun je me uitleggen waar ik moet klikken?",
		"Marco, ik weet dat het druk is, dus geen stress, maar heb je mijn vorige mail over de btw van het derde kwartaal gezien?",
		"De Belastingdienst heeft de voorlopige aanslag opnieuw verkeerd berekend, voor de tweede keer dit jaar. Echt onbegrijpelijk. Kunnen jullie een verzoek tot vermindering indienen?",
		"Our landlord keeps sending invoices with the wrong VAT rate, for the third time now. How should we book them until he corrects them?",
		"Ik wil even kwijt dat Sanne ons enorm heeft geholpen met de overname. Niets was te veel. Complimenten aan het hele team!",
		"Wij kunnen in de winkel geen contant geld meer accepteren. Hoe verwerk ik de pinkosten?",
		"Dan kom ik de map zelf maar even langsbrengen, dat is makkelijker. Donderdag goed?",
		"Zoals u zei heb ik de kilometers bijgehouden. Hierbij het overzicht, dat was toch de afspraak?",
		"Sinds de operatie heb ik nergens meer last van en werk ik weer fulltime. Verandert dat iets aan de AOV?",
		"Dear Hans, our VAT refund for Q2 arrived today, thanks. For a small company like ours that makes a real difference.",
		"Hallo Marco, de jaaropgaven zijn binnen, dank je. Kun je voor mijn medewerkster ook een werkgeversverklaring maken?",
		"Hoi, ik mail even over de teruggave van 2023. Weet je al wanneer die komt? Geen haast, ik vroeg het me gewoon af.",
		"Ik snap niet hoe ik in het nieuwe portaal de jaaropgave kan downloaden. Kun je me helpen?",
		"Marco, de Belastingdienst kondigt een boekenonderzoek aan, de brief zit in de bijlage. Wat moet ik voorbereiden?",
	}
	lex := DefaultLexicon()
	for _, c := range complaints {
		if r := lex.ruleResult(Input{Text: c}); r.Outcome == None {
			t.Errorf("complaint missed (%.2f): %s\n    %s", r.Score, c, r.Explain())
		}
	}
	for _, c := range nots {
		if r := lex.ruleResult(Input{Text: c}); r.Outcome != None {
			t.Errorf("not a complaint, got %s (%.2f): %s\n    %s", r.Outcome, r.Score, c, r.Explain())
		}
	}
}
