package recognize

// Function words that occur in one language only (words both languages use,
// such as "is", "we", "in", "was", are left out).
var (
	englishWords = wordSet(`the and are were been be i you your yours my we're our it this that these those for of to
		on with have has had not please thanks thank would could can will do did does what when how why there they
		them a an at by from as but if so just me hi dear regards best kind am about any all after before should
		still again my also very who which than their he she his her been being get got know think like`)
	dutchWords = wordSet(`de het een en ik niet met van mijn u uw wij dat dit voor op te zijn heb graag geachte beste
		over je jij jullie er maar ook nog al wel naar om aan bij als kan kunt wil wat hoe waarom hebben heeft werd
		wordt geen ze hij zij mij hier daar dan want groet groeten hoi hallo dank bedankt alvast even deze die uit
		tot door omdat zou moet moeten kunnen vriendelijke gaat ga weet zal zijn hun onze ons haar nu toch dus`)
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, s := range split(s, nil) {
		for _, t := range s.toks {
			m[t.norm] = true
		}
	}
	return m
}

// detectLanguage guesses the language of the sender's own words: "en" when
// clearly more English than Dutch function words occur, else "nl".
func detectLanguage(text string) string {
	en, nl := 0, 0
	for _, s := range split(text, nil) {
		for _, t := range s.toks {
			if englishWords[t.norm] {
				en++
			}
			if dutchWords[t.norm] {
				nl++
			}
		}
	}
	if en > nl+1 || en > 0 && nl == 0 {
		return "en"
	}
	return "nl"
}

// Language returns "nl" or "en": the language of what the sender wrote in
// the subject and their own words (quotes and signature left out).
func Language(subject, text string) string {
	return detectLanguage(subject + "\n" + OwnWords(text))
}
