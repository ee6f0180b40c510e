package recognize

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	// "Op wo 2 jul 2025 om 21:03 schreef X <x@y>:", "On Mon, ... X wrote:",
	// "Op 5 jun. 2025, om 14:53, heeft X het volgende geschreven:", "Am ... schrieb X:".
	replyIntro = regexp.MustCompile(`(?i)^(op|on|am|le|el)\s.{0,300}?(schreef|wrote|schrieb|a\s+écrit|escribió|het volgende geschreven|geschreven)[^:]{0,160}:\s*$`)
	// "X <x@example.nl> wrote:" without a leading date.
	replyWrote = regexp.MustCompile(`(?i)^.{0,200}(@|\d).{0,200}\b(wrote|schreef|schrieb)\s*:\s*$`)
	// Outlook header block start: "Van: X", "From: X", "**From:** X".
	headerFrom = regexp.MustCompile(`(?i)^[*_]*(van|from|de|von)\s*:[*_]*\s*\S`)
	// the other fields of such a block
	headerField = regexp.MustCompile(`(?i)^[*_]*(verzonden|sent|datum|date|aan|to|onderwerp|subject|cc|bcc|gesendet|an|betreff|envoyé|objet|à)\s*:`)
	// "Van: X Verzonden: Y Aan: Z" on one line (HTML reduced to text)
	headerOneLine = regexp.MustCompile(`(?i)^[*_]*(van|from)\s*:.{1,200}\b(verzonden|sent|datum|date)\s*:`)
	// "-----Oorspronkelijk bericht-----", "---------- Forwarded message ---------", "Begin forwarded message:"
	separator    = regexp.MustCompile(`(?i)^(-{2,}|={2,}|\*{2,})?\s*(original message|oorspronkelijk bericht|origineel bericht|forwarded message|doorgestuurd bericht|ursprüngliche nachricht|weitergeleitete nachricht|message d'origine|message transféré)\s*(-{2,}|={2,}|\*{2,}|:)?\s*$`)
	beginForward = regexp.MustCompile(`(?i)^(begin\s+(forwarded message|doorgestuurd bericht|doorgestuurde e-?mail)|doorgestuurd bericht|forwarded message)\s*:?\s*$`)
	underscores  = regexp.MustCompile(`^_{8,}\s*$`)
	// device lines that are a signature of their own
	deviceLine = regexp.MustCompile(`(?i)^(verstuurd|verzonden|sent|gesendet|envoyé)\s+(vanaf|van|met|from|with|via|von|mit|de(puis)?)\s+(mijn|my|mein|mon)?\s*\S.{0,40}$|^(get|download)\s+outlook\s+for\s+\S+\s*$`)
	// closings that start a name block: "Met vriendelijke groet,", "Kind regards,", "Groet, Jan"
	closing = regexp.MustCompile(`(?i)^(met\s+)?(vriendelijke|hartelijke|beste|warme|sportieve|zonnige|fijne)?\s*(groet(en|jes)?|groeten)\b[ ,.!]*[^.?!]{0,30}[.!]?$|^(mvg|m\.v\.g\.?|gr\.?|grt\.?|gr|groet|groetjes|doei|liefs|hoogachtend|dank\s+en\s+groet|alvast\s+bedankt|bedankt|dank\s+je(\s+wel)?|dankjewel|(kind|best|warm|many)\s+regards|regards|best|cheers|thanks|thank\s+you|many\s+thanks|sincerely|yours\s+sincerely|yours\s+faithfully|all\s+the\s+best|best\s+wishes|kind\s+wishes|mit\s+freundlichen\s+grüßen|cordialement|vriendelijke\s+groet(en)?|vr\.?\s*gr\.?)\b[ ,.!]*[^.?!]{0,30}[.!]?$`)
)

// OwnWords returns what the sender wrote in this mail. Removed are: quoted
// lines ("> "); everything from a reply header on (Gmail/Apple "Op ...
// schreef ...:", "On ... wrote:", "Op ... heeft ... het volgende
// geschreven:", an Outlook "Van:/From:" header block,
// "-----Oorspronkelijk bericht-----", "-----Original Message-----", a line of
// underscores, forwarded-message markers); the signature after a "-- " line;
// "Verstuurd vanaf mijn iPhone" lines; and a closing with the short name block
// after it ("Met vriendelijke groet," + name, company, phone) at the end.
// Every other line is returned unchanged, in order, each followed by "\n";
// lines starting with "#" (directors' commands) are always kept unless they
// are quoted or below a reply header.
func OwnWords(text string) string {
	if text == "" {
		return ""
	}
	lines := strings.Split(text, "\n")
	if len(lines) > 1 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1] // the text ends with a line break
	}
	end := len(lines)
	for i := 0; i < len(lines); i++ {
		if replyStart(lines, i) {
			end = i
			break
		}
	}
	// drop quotes and device lines; find the signature
	keep := make([]bool, end)
	sig := end
	for i := 0; i < end; i++ {
		t := strings.TrimSpace(lines[i])
		if strings.HasPrefix(t, "#") {
			keep[i] = true
			continue
		}
		if strings.HasPrefix(t, ">") || i >= sig {
			continue
		}
		if strings.TrimRight(lines[i], " \t\r") == "--" || strings.TrimRight(lines[i], "\t\r") == "-- " {
			sig = i
			continue
		}
		if deviceLine.MatchString(t) {
			continue
		}
		keep[i] = true
	}
	// a closing followed only by a short name block
	if c := closingBlock(lines[:end], keep); c >= 0 {
		for i := c; i < end; i++ {
			if !strings.HasPrefix(strings.TrimSpace(lines[i]), "#") {
				keep[i] = false
			}
		}
	}
	var b strings.Builder
	for i := 0; i < end; i++ {
		if keep[i] {
			b.WriteString(lines[i])
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// replyStart reports whether a quoted mail starts at line i.
func replyStart(lines []string, i int) bool {
	t := strings.TrimSpace(lines[i])
	if t == "" {
		return false
	}
	if underscores.MatchString(t) || separator.MatchString(t) || beginForward.MatchString(t) || headerOneLine.MatchString(t) {
		return true
	}
	if headerFrom.MatchString(t) {
		// a header block: another header field within the next lines
		for k, n := i+1, 0; k < len(lines) && n < 5; k++ {
			u := strings.TrimSpace(lines[k])
			if u == "" {
				continue
			}
			n++
			if headerField.MatchString(u) {
				return true
			}
		}
		return false
	}
	// Gmail/Apple intro, possibly wrapped over up to three lines
	lower := strings.ToLower(t)
	if strings.HasPrefix(lower, "op ") || strings.HasPrefix(lower, "on ") || strings.HasPrefix(lower, "am ") || strings.HasPrefix(lower, "le ") || strings.HasPrefix(lower, "el ") {
		joined := t
		for k := i; k < len(lines) && k < i+3; k++ {
			if k > i {
				u := strings.TrimSpace(lines[k])
				if u == "" {
					break
				}
				joined += " " + u
			}
			if len(joined) < 600 && replyIntro.MatchString(joined) {
				return true
			}
		}
		return false
	}
	return len(t) < 400 && replyWrote.MatchString(t)
}

// closingBlock returns the line of the last closing that is followed only
// by a short name block (at most 10 short lines, none a sentence), or -1.
func closingBlock(lines []string, keep []bool) int {
	last := -1
	for i := range lines {
		if keep[i] && closing.MatchString(strings.TrimSpace(lines[i])) {
			last = i
		}
	}
	if last < 0 {
		return -1
	}
	n := 0
	for i := last + 1; i < len(lines); i++ {
		if !keep[i] {
			continue
		}
		t := strings.TrimSpace(lines[i])
		if t == "" {
			continue
		}
		n++
		lower := strings.ToLower(t)
		words := len(strings.Fields(t))
		if n > 10 || utf8.RuneCountInString(t) > 80 || words >= 10 ||
			words >= 5 && (strings.HasSuffix(t, ".") || strings.HasSuffix(t, "!")) ||
			strings.HasSuffix(t, "?") || strings.HasPrefix(lower, "ps") || strings.HasPrefix(lower, "p.s") || strings.HasPrefix(t, "#") {
			return -1
		}
	}
	if n == 0 {
		return -1 // "Thanks!" on its own is the message, not a closing
	}
	return last
}
