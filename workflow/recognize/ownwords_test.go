package recognize

import (
	"strings"
	"testing"
)

func TestOwnWords(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Hoi Hans,\n\nDe stukken staan in de portal.\n", "Hoi Hans,\n\nDe stukken staan in de portal.\n"},
		{"no final newline", "Hoi", "Hoi\n"},
		{"empty", "", ""},
		{"gmail nl",
			"Prima, dank.\n\nOp wo 2 jul 2025 om 21:03 schreef Hans <hans@mcoo.nl>:\n> Beste Wilma,\n> klacht\n",
			"Prima, dank.\n\n"},
		{"gmail nl wrapped address",
			"Prima.\n\nOp wo 2 jul 2025 om 21:03 schreef Hans Kleinjan <\nhans@mcoo.nl>:\n\n> klacht\n",
			"Prima.\n\n"},
		{"gmail en",
			"Thanks!\n\nOn Mon, 3 Mar 2025 at 10:12, Hans <hans@mcoo.nl> wrote:\n> I am unhappy\n",
			"Thanks!\n\n"},
		{"apple nl",
			"Goed zo.\n\nOp 5 jun. 2025, om 14:53, heeft Hans <hans@mcoo.nl> het volgende geschreven:\n\n> Beste\n",
			"Goed zo.\n\n"},
		{"outlook nl",
			"Akkoord.\n\nVan: Hans Kleinjan <hans@mcoo.nl>\nVerzonden: donderdag 5 juni 2025 14:53\nAan: Jan <jan@example.nl>\nOnderwerp: Uw klacht\n\nBeste Jan, uw klacht ...\n",
			"Akkoord.\n\n"},
		{"outlook en bold",
			"Fine.\n\n**From:** Hans <hans@mcoo.nl>\n**Sent:** Thursday\n**To:** Jan\n\nYour complaint\n",
			"Fine.\n\n"},
		{"outlook one line (html)",
			"Ok.\nVan: Hans <hans@mcoo.nl> Verzonden: donderdag 5 juni 2025 Aan: Jan\nklacht\n",
			"Ok.\n"},
		{"oorspronkelijk bericht",
			"Zie hieronder.\n-----Oorspronkelijk bericht-----\nVan: X\nklacht\n",
			"Zie hieronder.\n"},
		{"original message",
			"See below.\n\n-----Original Message-----\nFrom: X\ncomplaint\n",
			"See below.\n\n"},
		{"underscores without header",
			"Dank je.\n\n________________________________\nIk ben ontevreden (oud bericht)\n",
			"Dank je.\n\n"},
		{"forwarded gmail",
			"Hans, zie onder.\n\n---------- Forwarded message ---------\nFrom: Klant <k@example.nl>\nklacht\n",
			"Hans, zie onder.\n\n"},
		{"doorgestuurd apple",
			"Ter info.\n\nBegin doorgestuurd bericht:\n\nVan: Klant <k@example.nl>\nklacht\n",
			"Ter info.\n\n"},
		{"inline quotes keep own lines",
			"> Wanneer komt de aangifte?\nVolgende week, schreef je.\n> En de boete?\nDie is voor jullie.\n",
			"Volgende week, schreef je.\nDie is voor jullie.\n"},
		{"dash signature",
			"Graag terugbellen.\n-- \nJan Jansen\nKlachtvrij B.V.\n",
			"Graag terugbellen.\n"},
		{"device line",
			"Weer te laat.\n\nVerstuurd vanaf mijn iPhone\n",
			"Weer te laat.\n\n"},
		{"closing and name block",
			"De factuur klopt niet.\n\nMet vriendelijke groet,\n\nJan Jansen\nKlachtenkompas B.V. | advies in klachtbehandeling\n06 12 34 56 78\n",
			"De factuur klopt niet.\n\n"},
		{"closing followed by PS is kept",
			"Hierbij de stukken.\n\nGroet,\nTheo\n\nPS ik wil wel een klacht indienen over de herinnering.\n",
			"Hierbij de stukken.\n\nGroet,\nTheo\n\nPS ik wil wel een klacht indienen over de herinnering.\n"},
		{"From: in a sentence is kept",
			"From: my side all is fine.\nSee you soon.\n",
			"From: my side all is fine.\nSee you soon.\n"},
		{"director commands kept",
			"#afgehandeld boete vergoed\n#categorie factuur\n\nGroet,\nMarco\n",
			"#afgehandeld boete vergoed\n#categorie factuur\n\n"},
		{"command after signature kept, quoted command dropped",
			"Akkoord\n-- \nMarco\n#heropend\n\nOp di 3 jun 2025 om 10:00 schreef klachtbot <k@mcoo.nl>:\n> #geen-klacht\n",
			"Akkoord\n#heropend\n"},
		{"crlf kept as written", "Prima\r\n\r\nOp wo 2 jul 2025 om 21:03 schreef Hans <hans@mcoo.nl>:\r\n> x\r\n", "Prima\r\n\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := OwnWords(tt.in); got != tt.want {
				t.Errorf("OwnWords(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// isSubsequence reports whether every line of out occurs in in, in order.
func isSubsequence(out, in string) bool {
	inLines := strings.Split(in, "\n")
	j := 0
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if out == "" {
			break
		}
		for j < len(inLines) && inLines[j] != l {
			j++
		}
		if j == len(inLines) {
			return false
		}
		j++
	}
	return true
}

func FuzzOwnWords(f *testing.F) {
	f.Add("Prima.\n\nOp wo 2 jul 2025 om 21:03 schreef Hans <hans@mcoo.nl>:\n> x\n")
	f.Add("#afgehandeld\n-- \nMarco\n")
	f.Add("Van: a\nVerzonden: b\n\nc")
	f.Add("Groet,\n\nJan\n\u00a0\n")
	f.Add("\r\n\r\n> \r\n___________\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		out := OwnWords(in)
		if !isSubsequence(out, in) {
			t.Fatalf("OwnWords(%q) = %q: not a subsequence of the input lines", in, out)
		}
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), ">") {
				t.Fatalf("OwnWords(%q) kept the quoted line %q", in, l)
			}
		}
	})
}
