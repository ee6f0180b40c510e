package recognize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one normalised word of a text: lower case, diacritics folded
// ("één" is "een", "geïrriteerd" is "geirriteerd"), with the byte span of the
// word in the original text so evidence can be quoted as written.
type token struct {
	norm       string
	start, end int // byte offsets in the source text
	clause     int // clause number inside the sentence
}

// sentence is a run of tokens between sentence ends. para numbers the
// paragraph (blank lines separate paragraphs); subject marks the subject line.
type sentence struct {
	toks    []token
	para    int
	subject bool
	src     string // the text the offsets refer to
}

// fold maps a lower-case rune with a diacritic to its base letter(s).
func fold(r rune) string {
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ā', 'ă', 'ą':
		return "a"
	case 'æ':
		return "ae"
	case 'ç', 'ć', 'č':
		return "c"
	case 'ď', 'đ':
		return "d"
	case 'è', 'é', 'ê', 'ë', 'ē', 'ė', 'ę', 'ě':
		return "e"
	case 'ì', 'í', 'î', 'ï', 'ī', 'į', 'ı':
		return "i"
	case 'ĳ':
		return "ij"
	case 'ñ', 'ń', 'ň':
		return "n"
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'ō', 'ő':
		return "o"
	case 'œ':
		return "oe"
	case 'ŕ', 'ř':
		return "r"
	case 'ś', 'š', 'ş', 'ș':
		return "s"
	case 'ß':
		return "ss"
	case 'ť', 'ţ', 'ț':
		return "t"
	case 'ù', 'ú', 'û', 'ü', 'ū', 'ů', 'ű', 'ų':
		return "u"
	case 'ý', 'ÿ':
		return "y"
	case 'ź', 'ż', 'ž':
		return "z"
	case 'ğ':
		return "g"
	case 'ł':
		return "l"
	}
	return string(r)
}

// normWord lower-cases and folds a word.
func normWord(w string) string {
	var b strings.Builder
	for _, r := range w {
		r = unicode.ToLower(r)
		if r < 128 {
			b.WriteRune(r)
		} else {
			b.WriteString(fold(r))
		}
	}
	return b.String()
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == '‘' || r == '`' || r == '´'
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// contractions expands English and Dutch clitics so that negation and
// phrases see whole words: "can't" is "can not", "m'n" is "mijn".
var contractions = map[string][]string{
	"can't": {"can", "not"}, "cannot": {"can", "not"}, "won't": {"will", "not"}, "shan't": {"shall", "not"},
	"i'm": {"i", "am"}, "it's": {"it", "is"}, "that's": {"that", "is"}, "there's": {"there", "is"},
	"m'n": {"mijn"}, "z'n": {"zijn"}, "mn": {"mijn"}, "zn": {"zijn"}, "d'r": {"haar"}, "'t": {"het"}, "da's": {"dat", "is"}, "'s": {"s"},
	"cant": {"can", "not"}, "dont": {"do", "not"}, "didnt": {"did", "not"}, "doesnt": {"does", "not"},
	"isnt": {"is", "not"}, "wasnt": {"was", "not"}, "havent": {"have", "not"}, "hasnt": {"has", "not"},
	"couldnt": {"could", "not"}, "wouldnt": {"would", "not"}, "shouldnt": {"should", "not"},
	"arent": {"are", "not"}, "werent": {"were", "not"}, "aint": {"is", "not"},
}

// expand splits a normalised word with clitics into words.
func expand(w string) []string {
	if x, ok := contractions[w]; ok {
		return x
	}
	if strings.HasSuffix(w, "n't") && len(w) > 3 {
		return []string{w[:len(w)-3], "not"}
	}
	if i := strings.IndexByte(w, '\''); i >= 0 {
		stem, tail := w[:i], w[i+1:]
		if stem != "" {
			switch tail {
			case "s":
				return []string{stem}
			case "re":
				return []string{stem, "are"}
			case "ve":
				return []string{stem, "have"}
			case "ll":
				return []string{stem, "will"}
			case "d":
				return []string{stem, "would"}
			case "m":
				return []string{stem, "am"}
			}
		}
		return []string{strings.ReplaceAll(w, "'", "")}
	}
	return []string{w}
}

// emoticons are turned into the token ":)" (and ":(" for sad ones).
var emoticons = []struct{ s, tok string }{
	{":-)", ":)"}, {";-)", ":)"}, {":)", ":)"}, {";)", ":)"}, {":-D", ":)"}, {":D", ":)"}, {";-P", ":)"},
	{":P", ":)"}, {":p", ":)"}, {";p", ":)"}, {"(-:", ":)"}, {"xD", ":)"}, {"XD", ":)"},
	{":-(", ":("}, {":(", ":("},
}

// emoticonAt returns the length and token of an emoticon at line[i:].
func emoticonAt(line string, i int) (int, string) {
	for _, e := range emoticons {
		if !strings.HasPrefix(line[i:], e.s) {
			continue
		}
		after := i + len(e.s)
		last := e.s[len(e.s)-1]
		if (last >= 'A' && last <= 'Z' || last >= 'a' && last <= 'z') && after < len(line) && isWordRune(rune(line[after])) {
			continue
		}
		if e.s[0] == 'x' || e.s[0] == 'X' {
			if i > 0 && isWordRune(rune(line[i-1])) {
				continue
			}
		}
		return len(e.s), e.tok
	}
	return 0, ""
}

// tokenizer splits text into sentences of tokens.
type tokenizer struct {
	src    string
	lex    *compiled
	sents  []sentence
	cur    sentence
	clause int
	para   int
}

func (t *tokenizer) endSentence() {
	if len(t.cur.toks) > 0 {
		t.cur.para = t.para
		t.cur.src = t.src
		t.sents = append(t.sents, t.cur)
	}
	t.cur = sentence{}
	t.clause = 0
}

func (t *tokenizer) endClause() {
	if n := len(t.cur.toks); n > 0 && t.cur.toks[n-1].clause == t.clause {
		t.clause++
	}
}

func (t *tokenizer) add(norm string, start, end int) {
	for _, w := range expand(norm) {
		if w == "" {
			continue
		}
		if t.lex != nil && t.lex.clauseWords[w] {
			t.endClause()
		}
		t.cur.toks = append(t.cur.toks, token{norm: w, start: start, end: end, clause: t.clause})
	}
}

// split cuts text into sentences. A line break ends a sentence when the line
// is short or ends in punctuation, or when the next line is empty or a list
// item; otherwise the sentence runs on (hard-wrapped text).
func split(text string, lex *compiled) []sentence {
	t := &tokenizer{src: text, lex: lex}
	lines := strings.Split(text, "\n")
	off := 0
	for li, line := range lines {
		lineStart := off
		off += len(line) + 1
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			t.endSentence()
			t.para++
			continue
		}
		if isListItem(trimmed) {
			t.endSentence()
		}
		t.scanLine(line, lineStart)
		next := ""
		if li+1 < len(lines) {
			next = strings.TrimSpace(lines[li+1])
		}
		last, _ := utf8.DecodeLastRuneInString(trimmed)
		if utf8.RuneCountInString(trimmed) < 60 || strings.ContainsRune(".!?:;", last) || next == "" || isListItem(next) {
			t.endSentence()
		} else {
			t.endClause()
		}
	}
	t.endSentence()
	return t.sents
}

func isListItem(s string) bool {
	if strings.HasPrefix(s, "- ") || strings.HasPrefix(s, "* ") || strings.HasPrefix(s, "• ") {
		return true
	}
	i := 0
	for i < len(s) && i < 3 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') && i+1 < len(s) && s[i+1] == ' '
}

func (t *tokenizer) scanLine(line string, base int) {
	i := 0
	for i < len(line) {
		// emoticons
		if n, tok := emoticonAt(line, i); n > 0 {
			t.add(tok, base+i, base+i+n)
			i += n
			continue
		}
		r, size := utf8.DecodeRuneInString(line[i:])
		if isWordRune(r) {
			j := i
			for j < len(line) {
				r2, s2 := utf8.DecodeRuneInString(line[j:])
				if isWordRune(r2) {
					j += s2
					continue
				}
				// an apostrophe inside a word ("can't", "m'n") or before "t"/"s" ("'t")
				if isApostrophe(r2) && j+s2 < len(line) {
					r3, _ := utf8.DecodeRuneInString(line[j+s2:])
					if unicode.IsLetter(r3) {
						j += s2
						continue
					}
				}
				break
			}
			w := line[i:j]
			w = strings.Map(func(r rune) rune {
				if isApostrophe(r) {
					return '\''
				}
				return r
			}, w)
			t.add(normWord(w), base+i, base+j)
			i = j
			continue
		}
		// a leading apostrophe clitic: 't, 's
		if isApostrophe(r) && i+size < len(line) {
			r2, s2 := utf8.DecodeRuneInString(line[i+size:])
			if (r2 == 't' || r2 == 's') && (i+size+s2 == len(line) || !isWordRune(rune(line[i+size+s2]))) {
				t.add("'"+string(r2), base+i, base+i+size+s2)
				i += size + s2
				continue
			}
		}
		switch r {
		case '.', '!', '?', ';':
			// a sentence ends at punctuation followed by a space or the end;
			// "1.200" and "o.a." do not end one.
			end := i + size
			for end < len(line) && strings.ContainsRune(".!?", rune(line[end])) {
				end++
			}
			if end == len(line) || line[end] == ' ' || line[end] == '\t' || line[end] == '"' || line[end] == ')' {
				if r == '.' && isAbbrev(line[:i]) {
					i = end
					continue
				}
				t.endSentence()
			}
			i = end
			continue
		case ',', '(', ')', ':', '–', '—', '"', '“', '”', '|':
			t.endClause()
		case '-':
			if i > 0 && line[i-1] == ' ' && i+1 < len(line) && line[i+1] == ' ' {
				t.endClause()
			}
		}
		i += size
	}
}

// isAbbrev reports whether the text before a full stop ends in a short
// abbreviation ("o.a", "t.a.v", "bijv", "mr", "dhr", "e.g").
func isAbbrev(before string) bool {
	j := len(before)
	for j > 0 {
		r, s := utf8.DecodeLastRuneInString(before[:j])
		if !unicode.IsLetter(r) && r != '.' {
			break
		}
		j -= s
	}
	w := strings.ToLower(before[j:])
	if strings.Contains(w, ".") && len(w) <= 8 {
		return true
	}
	switch w {
	case "bijv", "mr", "dhr", "mw", "mevr", "drs", "ir", "ing", "nr", "ca", "evt", "incl", "excl", "resp", "tel", "vs", "etc", "e.g", "i.e", "mrs", "ms", "dr", "st", "jan", "feb", "mrt", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "oct", "nov", "dec":
		return true
	}
	return false
}
