package recognize

import (
	"hash/fnv"
	"sort"
	"strings"
)

// FeatureBits is the size of the hashed feature space: 2^18 buckets.
const FeatureBits = 18

const featureMask = 1<<FeatureBits - 1

// Features are the hashed features of a mail, sorted and without repeats:
// word unigrams and bigrams (within a sentence) and character 3- to
// 5-grams of each word (with its boundaries), of the subject and the
// sender's own words (OwnWords, the first MaxChars characters). Subject
// words count once more with their own prefix. Nothing of the sender's
// identity is in them, and they cannot be turned back into the text.
type Features []uint32

// featuresOf computes the features of a subject and the sender's own words.
func featuresOf(subject, own string, replyToFirm bool) Features {
	set := map[uint32]struct{}{}
	h := fnv.New32a()
	put := func(parts ...string) {
		h.Reset()
		for i, p := range parts {
			if i > 0 {
				h.Write([]byte{0})
			}
			h.Write([]byte(p))
		}
		set[h.Sum32()&featureMask] = struct{}{}
	}
	words := func(text, prefix string) {
		for _, s := range split(text, nil) {
			prev := "<s>"
			neg, clause := 0, -1
			for _, t := range s.toks {
				w := t.norm
				put(prefix+"w", w)
				// "geen klachten", "not happy": up to three words after a
				// negator in its clause count as negated too
				if t.clause != clause {
					neg, clause = 0, t.clause
				}
				if neg > 0 {
					put(prefix+"n", w)
					neg--
				}
				if negators[w] {
					neg = 3
				}
				put(prefix+"b", prev, w)
				prev = w
				if prefix != "" {
					continue
				}
				r := []rune("<" + w + ">")
				for n := 3; n <= 5; n++ {
					for i := 0; i+n <= len(r); i++ {
						put("c", string(r[i:i+n]))
					}
				}
			}
			put(prefix+"b", prev, "</s>")
		}
	}
	subject = strings.TrimSpace(replyPrefix.ReplaceAllString(subject, ""))
	words(subject, "s")
	words(subject, "")
	words(own, "")
	if replyToFirm {
		put("reply-to-firm")
	}
	out := make(Features, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// negators mark the next words of their clause as negated.
var negators = map[string]bool{"niet": true, "geen": true, "nooit": true, "niks": true, "niets": true, "zonder": true,
	"not": true, "no": true, "never": true, "nothing": true, "without": true}

// FeaturesOf is what the model reads of a mail: Features of its subject
// and its sender's own words.
func FeaturesOf(in Input) Features {
	return featuresOf(firstRunesAtLine(in.Subject, 1000), firstRunesAtLine(OwnWords(in.Text), 6000), in.ReplyToFirm)
}
