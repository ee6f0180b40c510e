package casework

import (
	"strings"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/compose"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

// maxQuoted bounds how much of someone's mail a mail quotes.
const maxQuoted = 40

// ClientWords is what the client wrote in the mail that opened the case,
// without quoted mail, signature or command lines, line by line.
func (k *Clerk) ClientWords(tx Tx, c *complaint.Case) ([]string, error) {
	msgs, err := tx.Messages(c.ID)
	if err != nil || len(msgs) == 0 {
		return nil, err
	}
	first := msgs[0]
	for _, x := range msgs {
		if x.Role == complaint.RoleClient {
			first = x
			break
		}
	}
	raw, err := tx.Raw(c.ID, first.Seq)
	if err != nil {
		gone, err := k.Mail.Tpl.Note("note-original-gone", templates.NoteNone{})
		return []string{gone}, err
	}
	return OwnLines(message.Parse(raw).Text), nil
}

// OwnLines is what the writer of a mail wrote themselves, line by line, at
// most maxQuoted lines, without command lines.
func OwnLines(text string) []string {
	var out []string
	for _, l := range strings.Split(recognize.OwnWords(text), "\n") {
		l = strings.TrimRight(compose.OneLine(l), " ")
		if strings.HasPrefix(strings.TrimSpace(l), "#") || l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	if len(out) > maxQuoted {
		out = append(out[:maxQuoted], "[…]")
	}
	return out
}

// YesNo is an answer as the audit trail records it.
func YesNo(b bool) string { return map[bool]string{true: "yes", false: "no"}[b] }
