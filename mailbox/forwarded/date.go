package forwarded

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Dates.

var forwardMonths = map[string]time.Month{
	"jan": 1, "january": 1, "januari": 1,
	"feb": 2, "february": 2, "februari": 2,
	"mar": 3, "march": 3, "mrt": 3, "maart": 3,
	"apr": 4, "april": 4,
	"may": 5, "mei": 5,
	"jun": 6, "june": 6, "juni": 6,
	"jul": 7, "july": 7, "juli": 7,
	"aug": 8, "august": 8, "augustus": 8,
	"sep": 9, "sept": 9, "september": 9,
	"oct": 10, "october": 10, "okt": 10, "oktober": 10,
	"nov": 11, "november": 11,
	"dec": 12, "december": 12,
}

// forwardDateWords are skipped: day names and the "at"/"om" before the time.
var forwardDateWords = map[string]bool{
	"mon": true, "monday": true, "tue": true, "tues": true, "tuesday": true, "wed": true, "wednesday": true,
	"thu": true, "thur": true, "thurs": true, "thursday": true, "fri": true, "friday": true,
	"sat": true, "saturday": true, "sun": true, "sunday": true,
	"ma": true, "maandag": true, "di": true, "dinsdag": true, "wo": true, "woensdag": true,
	"do": true, "donderdag": true, "vr": true, "vrijdag": true, "za": true, "zaterdag": true,
	"zo": true, "zondag": true,
	"at": true, "om": true, "on": true, "op": true, "the": true, "uur": true, "-": true,
}

// forwardZones are the zone abbreviations mail clients write, in seconds east of UTC.
var forwardZones = map[string]int{
	"ut": 0, "utc": 0, "gmt": 0, "z": 0, "wet": 0, "west": 3600, "bst": 3600,
	"cet": 3600, "met": 3600, "cest": 7200, "mest": 7200, "eet": 7200, "eest": 10800,
	"est": -5 * 3600, "edt": -4 * 3600, "cst": -6 * 3600, "cdt": -5 * 3600,
	"mst": -7 * 3600, "mdt": -6 * 3600, "pst": -8 * 3600, "pdt": -7 * 3600,
}

var (
	dateTimeRE    = regexp.MustCompile(`^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(am|pm|a\.m|p\.m)?$`)
	numericDateRE = regexp.MustCompile(`^(\d{1,4})([-/.])(\d{1,2})[-/.](\d{1,4})$`)
	zoneOffsetRE  = regexp.MustCompile(`^(?:gmt|utc|ut)?([+-])(\d{1,2})(?::?(\d{2}))?$`)
	ordinalRE     = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th|e|ste|de)$`)
)

// parseForwardDate reads the date of a forwarded header block: RFC 5322
// (Thunderbird; read here rather than by net/mail, whose reading of a zone
// abbreviation such as "CET" depends on the machine's local zone) and the layouts of Gmail, Outlook and Apple Mail in Dutch
// and English - "Mon, Nov 23, 2026 at 10:12 AM", "ma 23 nov. 2026 om
// 10:12", "maandag 23 november 2026 10:12", "23 November 2026 at 10:12:00
// CET", "23-11-2026 10:12". Without a zone the time is Europe/Amsterdam's.
// It returns the zero time for anything it cannot read with certainty.
func parseForwardDate(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 200 {
		return time.Time{}
	}
	var (
		year, day, hour, min, sec = -1, -1, -1, -1, 0
		month                     time.Month
		meridiem                  string // "am", "pm"
		numeric                   []string
		zone                      *time.Location
		zoneIsOffset              bool
	)
	fields := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == '(' || r == ')'
	})
	for _, tok := range fields {
		tok = strings.TrimSuffix(tok, ".")
		switch {
		case tok == "" || forwardDateWords[tok]:
		case tok == "am" || tok == "pm" || tok == "a.m" || tok == "p.m":
			if meridiem != "" {
				return time.Time{}
			}
			meridiem = strings.ReplaceAll(tok, ".", "")
		case forwardMonths[tok] != 0:
			if month != 0 {
				return time.Time{}
			}
			month = forwardMonths[tok]
		case dateTimeRE.MatchString(tok):
			if hour >= 0 {
				return time.Time{}
			}
			p := dateTimeRE.FindStringSubmatch(tok)
			hour, _ = strconv.Atoi(p[1])
			min, _ = strconv.Atoi(p[2])
			if p[3] != "" {
				sec, _ = strconv.Atoi(p[3])
			}
			if p[4] != "" {
				if meridiem != "" {
					return time.Time{}
				}
				meridiem = strings.ReplaceAll(p[4], ".", "")
			}
		case numericDateRE.MatchString(tok):
			if numeric != nil {
				return time.Time{}
			}
			numeric = numericDateRE.FindStringSubmatch(tok)
		case zoneOffsetRE.MatchString(tok):
			p := zoneOffsetRE.FindStringSubmatch(tok)
			h, _ := strconv.Atoi(p[2])
			mi, _ := strconv.Atoi(p[3])
			off := h*3600 + mi*60
			if p[1] == "-" {
				off = -off
			}
			if h > 14 || mi > 59 || zoneIsOffset {
				return time.Time{}
			}
			zone, zoneIsOffset = time.FixedZone("", off), true
		case isZoneName(tok):
			if zone == nil { // a numeric offset wins: "+0100 (CET)"
				zone = time.FixedZone(strings.ToUpper(tok), forwardZones[tok])
			}
		case isDigits(tok):
			n, _ := strconv.Atoi(tok)
			switch {
			case len(tok) == 4 && year < 0:
				year = n
			case len(tok) <= 2 && day < 0:
				day = n
			default:
				return time.Time{}
			}
		case ordinalRE.MatchString(tok):
			if day >= 0 {
				return time.Time{}
			}
			day, _ = strconv.Atoi(ordinalRE.FindStringSubmatch(tok)[1])
		default:
			// Words of a zone description ("Amsterdam, Berlijn"), or of
			// something that is not a date at all: then a part is missing.
		}
	}
	if numeric != nil {
		if year >= 0 || day >= 0 || month != 0 {
			return time.Time{}
		}
		a, _ := strconv.Atoi(numeric[1])
		b, _ := strconv.Atoi(numeric[3])
		c, _ := strconv.Atoi(numeric[4])
		switch {
		case len(numeric[1]) == 4:
			year, month, day = a, time.Month(b), c
		case len(numeric[4]) == 4 || len(numeric[4]) == 2:
			year = c
			if len(numeric[4]) == 2 {
				year += 2000
			}
			// Day first as in Dutch and British English, unless that
			// cannot be or the slashes and AM/PM say American.
			if a <= 12 && (b > 12 || numeric[2] == "/" && meridiem != "") {
				month, day = time.Month(a), b
			} else {
				day, month = a, time.Month(b)
			}
		default:
			return time.Time{}
		}
	}
	if year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || hour < 0 || min > 59 || sec > 59 {
		return time.Time{}
	}
	switch meridiem {
	case "am", "pm":
		if hour < 1 || hour > 12 {
			return time.Time{}
		}
		hour %= 12
		if meridiem == "pm" {
			hour += 12
		}
	}
	if hour > 23 {
		return time.Time{}
	}
	if d := time.Date(year, month, day, 0, 0, 0, 0, time.UTC); d.Day() != day {
		return time.Time{} // 31 November
	}
	if zone == nil {
		return storableDate(amsterdamTime(year, month, day, hour, min, sec))
	}
	return storableDate(time.Date(year, month, day, hour, min, sec, 0, zone))
}

func isZoneName(s string) bool {
	_, ok := forwardZones[s]
	return ok
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// amsterdamTime is a wall-clock time in Europe/Amsterdam: CEST from the last
// Sunday of March to the last Sunday of October, 01:00 UTC (the EU rule
// since 1996), CET otherwise. It does not depend on the zone database of
// the machine. A time in the hour skipped in spring is read as CET.
func amsterdamTime(y int, mo time.Month, d, h, mi, s int) time.Time {
	wall := time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	start := lastSunday(y, time.March).Add(time.Hour)
	end := lastSunday(y, time.October).Add(time.Hour)
	if u := wall.Add(-2 * time.Hour); !u.Before(start) && u.Before(end) {
		return time.Date(y, mo, d, h, mi, s, 0, time.FixedZone("CEST", 2*3600))
	}
	return time.Date(y, mo, d, h, mi, s, 0, time.FixedZone("CET", 3600))
}

func lastSunday(y int, m time.Month) time.Time {
	last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)
	return last.AddDate(0, 0, -int(last.Weekday()))
}

// storableDate returns t, or the zero time when t cannot be stored as JSON
// or RFC 3339 (year outside 1..9999, offset of a day or more).
func storableDate(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	_, off := t.Zone()
	if t.Year() < 1 || t.Year() > 9999 || t.UTC().Year() < 1 || t.UTC().Year() > 9999 || off <= -24*3600 || off >= 24*3600 {
		return time.Time{}
	}
	return t
}
