package evaluation

import (
	"encoding/csv"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/workflow/complaint"
)

var csvHeader = []string{"zaak", "ontvangen", "streefdatum", "eerste_reactie", "afgehandeld", "status", "directeur",
	"categorie", "binnen_termijn", "geen_klacht", "maatregelen", "kanaal",
	"tevreden", "betrokkenen_gevraagd", "betrokkenen_gereageerd", "extern_advies", "geheimhouding_getekend"}

// WriteCSV writes one row per case received in the period, the
// not-complaints included and marked, with the evaluation's own judgement
// of "within target". Least data: no client, no subject. Semicolons and a
// byte order mark, because Dutch Excel expects both.
func (ev *Evaluation) WriteCSV(w io.Writer, loc *time.Location) error {
	rows := slices.Clone(ev.rows)
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i].c, rows[j].c
		return a.ReceivedAt.Before(b.ReceivedAt) || a.ReceivedAt.Equal(b.ReceivedAt) && a.ID < b.ID
	})
	io.WriteString(w, "\ufeff")
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.Write(csvHeader)
	at := func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	yesNo := map[bool]string{true: "ja", false: "nee"}
	for _, r := range rows {
		c, target := r.c, r.target
		within := ""
		if r.within != nil {
			within = yesNo[*r.within]
		}
		var measures []string
		for _, m := range c.Measures {
			if m = strings.TrimSpace(m); m != "" {
				measures = append(measures, m)
			}
		}
		cw.Write([]string{c.ID, at(&c.ReceivedAt), at(&target), at(c.FirstResponseAt), at(c.ClosedAt),
			complaint.StateNL(c.State), strings.ToLower(c.Director), cell(c.Category), within, yesNo[c.NotComplaint],
			cell(strings.Join(measures, " | ")), string(c.ChannelOf()),
			satisfiedCell(c), strconv.Itoa(len(c.Consultations)), strconv.Itoa(len(c.Consultations) - len(c.Outstanding())),
			strconv.Itoa(len(c.External)), strconv.Itoa(len(c.External) - len(c.Unsigned()))})
	}
	cw.Flush()
	return cw.Error()
}

// satisfiedCell is the client's answer to the closing question: ja, nee,
// "geen antwoord", or empty when it was not asked.
func satisfiedCell(c *complaint.Case) string {
	switch s := c.Satisfaction; {
	case s == nil:
		return ""
	case s.Satisfied != nil && *s.Satisfied:
		return "ja"
	case s.Satisfied != nil:
		return "nee"
	}
	return "geen antwoord"
}

// cell keeps a spreadsheet from reading what a director wrote as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
