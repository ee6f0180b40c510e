package complaint

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A case number: KL, the year of receipt and a sequence number of at least
// four digits, e.g. KL-2026-0007.
var (
	idPattern = regexp.MustCompile(`^KL-\d{4}-\d{4,}$`)
	idToken   = regexp.MustCompile(`\[(KL-\d{4}-\d{4,})\]`)
	idBare    = regexp.MustCompile(`(?i)(?:^|[^A-Za-z0-9])(KL-\d{4}-\d{4,})(?:$|[^0-9])`)
)

// Number is a case number in its parts: the year of receipt and the
// sequence number within that year.
type Number struct {
	Year int
	Seq  uint64
}

// String is the case number as written, KL-2026-0007.
func (n Number) String() string { return fmt.Sprintf("KL-%d-%04d", n.Year, n.Seq) }

// FormatID is the case number of the n-th case of a year.
func FormatID(year int, n uint64) string { return Number{year, n}.String() }

// ParseNumber reads a case number as a person types it into its parts.
func ParseNumber(s string) (Number, error) {
	id, err := ParseID(s)
	if err != nil {
		return Number{}, err
	}
	year, seq, _ := strings.Cut(id[len("KL-"):], "-")
	y, _ := strconv.Atoi(year) // the pattern allows only digits
	n, err := strconv.ParseUint(seq, 10, 64)
	if err != nil {
		return Number{}, fmt.Errorf("%q: sequence number: %w", s, err)
	}
	return Number{y, n}, nil
}

// ParseID checks a case number as a person types it ("kl-2026-0007");
// nothing else passes, so it is safe in a URL or a file name.
func ParseID(s string) (string, error) {
	id := strings.ToUpper(strings.TrimSpace(s))
	if !idPattern.MatchString(id) {
		return "", fmt.Errorf("%q is not a case number like KL-2026-0007", s)
	}
	return id, nil
}

// IDInSubject finds the case token the bot puts in a subject, e.g.
// "AW: [KL-2026-0007] ..."; "" when there is none.
func IDInSubject(subject string) string {
	if m := idToken.FindStringSubmatch(subject); m != nil {
		return m[1]
	}
	return ""
}

// FindID finds a case number in a subject a director wrote: the bot's token
// first, else the number as typed anywhere ("kl-2026-0003 afgehandeld").
func FindID(subject string) string {
	if id := IDInSubject(subject); id != "" {
		return id
	}
	if m := idBare.FindStringSubmatch(subject); m != nil {
		return strings.ToUpper(m[1])
	}
	return ""
}
