package dossier

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow/complaint"
)

// A seal vouches for the whole record at a moment: a hash over the newest
// event hash of every case (in case order), with the number of cases and
// events and the highest case number of each year. Every digest carries the
// seal of its moment, so the directors' mailboxes hold, day by day, what the
// record was; `klachtbot verify --against DIGEST.eml` proves the store still
// holds everything that digest vouched for, and names what is missing.

// Seal is the record's fingerprint at At.
type Seal struct {
	Hash   string         `json:"hash"`
	Cases  int            `json:"cases"`
	Events int            `json:"events"`
	At     time.Time      `json:"at"`
	Last   map[int]uint64 `json:"last"` // per year, the highest case number then
}

// SealAt computes the seal of the record as it was at at: the events
// recorded after it do not count.
func SealAt(tx Reader, at time.Time) (Seal, error) {
	s := Seal{At: at.UTC().Truncate(time.Second), Last: map[int]uint64{}}
	cases, err := tx.Cases()
	if err != nil {
		return s, err
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].ID < cases[j].ID })
	h := sha256.New()
	for _, c := range cases {
		evs, err := tx.Events(c.ID)
		if err != nil {
			return s, fmt.Errorf("events of %s: %w", c.ID, err)
		}
		head, n := "", 0
		for _, ev := range evs {
			if ev.At.After(s.At) {
				break
			}
			head, n = ev.Hash, n+1
		}
		if n == 0 {
			continue // the case did not exist yet
		}
		fmt.Fprintf(h, "%s %s\n", c.ID, head)
		s.Cases++
		s.Events += n
		if year, seq, ok := idParts(c.ID); ok && seq > s.Last[year] {
			s.Last[year] = seq
		}
	}
	s.Hash = hex.EncodeToString(h.Sum(nil))
	return s, nil
}

func idParts(id string) (year int, seq uint64, ok bool) {
	n, err := complaint.ParseNumber(id)
	return n.Year, n.Seq, err == nil
}

// Line is the seal as the digest prints it, one line.
func (s Seal) Line() string {
	years := make([]int, 0, len(s.Last))
	for y := range s.Last {
		years = append(years, y)
	}
	sort.Ints(years)
	var last []string
	for _, y := range years {
		last = append(last, complaint.FormatID(y, s.Last[y]))
	}
	return fmt.Sprintf("Zegel: sha256:%s klachten:%d gebeurtenissen:%d tot:%s laatste:%s",
		s.Hash, s.Cases, s.Events, s.At.Format(time.RFC3339), strings.Join(last, ","))
}

var sealLine = regexp.MustCompile(`Zegel: sha256:([0-9a-f]{64}) klachten:(\d+) gebeurtenissen:(\d+) tot:(\S+) laatste:(\S*)`)

// ParseSeal reads a seal from a text, e.g. a digest's.
func ParseSeal(text string) (Seal, error) {
	m := sealLine.FindStringSubmatch(text)
	if m == nil {
		return Seal{}, errors.New("no seal (a line \"Zegel: sha256:…\") found")
	}
	s := Seal{Hash: m[1], Last: map[int]uint64{}}
	s.Cases, _ = strconv.Atoi(m[2])
	s.Events, _ = strconv.Atoi(m[3])
	at, err := time.Parse(time.RFC3339, m[4])
	if err != nil {
		return s, fmt.Errorf("seal: time %q: %w", m[4], err)
	}
	s.At = at
	for _, id := range strings.Split(m[5], ",") {
		if year, seq, ok := idParts(id); ok {
			s.Last[year] = seq
		}
	}
	return s, nil
}

// SealFromFile reads the seal of a digest mail (an .eml file).
func SealFromFile(path string) (Seal, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Seal{}, err
	}
	return ParseSeal(message.Parse(raw).Text)
}

// VerifyAgainst checks every chain, and that the store still holds all that
// the seal vouched for: every case number given out then, and the same
// record as of the seal's moment.
func VerifyAgainst(tx Reader, want Seal) (*Report, error) {
	r, err := VerifyAll(tx)
	if err != nil {
		return nil, err
	}
	intact := len(r.Broken)
	for year, last := range want.Last {
		for n := uint64(1); n <= last; n++ {
			id := complaint.FormatID(year, n)
			if _, err := tx.Case(id); errors.Is(err, complaint.ErrNotFound) {
				r.Broken = append(r.Broken, complaint.Broken{CaseID: id, Reason: "missing: the seal of " + want.At.Format(time.RFC3339) + " vouched for it"})
			}
		}
	}
	got, err := SealAt(tx, want.At)
	if err != nil {
		return nil, err
	}
	if got.Hash != want.Hash {
		r.Broken = append(r.Broken, complaint.Broken{CaseID: "*", Reason: fmt.Sprintf(
			"the record as of %s differs from the seal: then %d cases and %d events, now %d and %d (events removed or rewritten)",
			want.At.Format(time.RFC3339), want.Cases, want.Events, got.Cases, got.Events)})
	}
	r.OK = len(r.Broken) == 0
	r.Seal = &SealCheck{At: want.At, Cases: want.Cases, Events: want.Events, Holds: len(r.Broken) == intact}
	return r, nil
}
