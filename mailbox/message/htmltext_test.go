package message

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcoo/klachtbot/mailbox/internal/golden"
)

// The .html files are HTML bodies as Outlook, Gmail and a PHP web form
// produce them; each .golden holds the expected text.
func TestHTMLToTextGolden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "htmltext", "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no HTML fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			in, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "HTMLToText("+file+")", []byte(HTMLToText(string(in))+"\n"), strings.TrimSuffix(file, ".html")+".golden")
		})
	}
}

func TestHTMLToText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain text", "Gewoon tekst", "Gewoon tekst"},
		{"whitespace collapses", "  een\n\t twee   drie  ", "een twee drie"},
		{"entities", "&lt;b&gt; &amp; &euro;&nbsp;5 &#8364; &#x20AC; &quot;x&quot; &eacute;", "<b> & € 5 € € \"x\" é"},
		{"inline tags join words", "<b>Fac</b>tuur <span>nummer</span>", "Factuur nummer"},
		{"paragraphs", "<p>Een</p><p>Twee</p>", "Een\nTwee"},
		{"br", "Een<br>Twee<br/>Drie<BR >Vier", "Een\nTwee\nDrie\nVier"},
		{"at most one blank line", "Een<br><br><br><br><br>Twee", "Een\n\nTwee"},
		{"gmail blank line", "<div>Een</div><div><br></div><div>Twee</div>", "Een\n\nTwee"},
		{"outlook blank paragraph", "<p>Een<o:p></o:p></p><p><o:p>&nbsp;</o:p></p><p>Twee</p>", "Een\n\nTwee"},
		{"source newlines between blocks", "<p>Een</p>\n\n\n<p>Twee</p>", "Een\nTwee"},
		{"list", "<ul><li>Een</li><li>Twee</li></ul>Na", "- Een\n- Twee\nNa"},
		{"headings", "<h1>Titel</h1>Tekst<h2>Kop</h2>", "Titel\nTekst\nKop"},
		{"table", "<table><tr><td>Naam</td><td>Piet</td></tr><tr><td></td><td>Alleen</td></tr></table>", "Naam | Piet\nAlleen"},
		{"blockquote", "Ja.<blockquote>Vraag<br>regel 2<blockquote>Ouder</blockquote></blockquote>Eind", "Ja.\n> Vraag\n> regel 2\n>> Ouder\nEind"},
		{"pre keeps lines", "<pre>a  b\nc</pre>", "a  b\nc"},
		{"script and style dropped", "<style>p{color:red}</style>A<script>alert('<b>x</b>')</script>B<SCRIPT type=x>y</SCRIPT>C", "ABC"},
		{"head and title dropped", "<html><head><title>Onderwerp</title><meta charset=utf-8></head><body>Tekst</body></html>", "Tekst"},
		{"unclosed head keeps body", "<head><title>T</title><body>Tekst", "Tekst"},
		{"unclosed script runs to the end", "A<script>var x = 1; B", "A"},
		{"comments", "A<!-- B -->C<!---->D<!-->E<!-- open", "ACDE"},
		{"conditional comments", "<!--[if gte mso 9]><xml>x</xml><![endif]-->A<![if !supportLists]>·<![endif]> B", "A· B"},
		{"doctype", "<!DOCTYPE html>Tekst", "Tekst"},
		{"quoted '>' in attribute", `<a title="a > b" href='x>y'>link</a>`, "link"},
		{"unterminated quote", `<p class="x>Tekst</p>Meer`, "Tekst\nMeer"},
		{"quote not after =", `<img alt=x'y>Na`, "Na"},
		{"stray less-than", "a < b en 3<4 <> <", "a < b en 3<4 <> <"},
		{"end tag without name", "a</ b>c", "a</ b>c"},
		{"invisible preheader padding", "Hallo\u200c\u034f &zwnj;wereld", "Hallo wereld"},
		{"unclosed tag at end", "Tekst<p", "Tekst"},
		{"invalid UTF-8 passes through", "a\xffb", "a\ufffdb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HTMLToText(tt.in); got != tt.want {
				t.Errorf("HTMLToText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// A quadratic algorithm would take seconds here.
func TestHTMLToTextLinear(t *testing.T) {
	t.Parallel()
	inputs := []string{
		strings.Repeat("<", 1<<20),
		strings.Repeat("<a title='", 1<<17),
		strings.Repeat("<script>", 1<<17),
		strings.Repeat("<!--", 1<<18),
		strings.Repeat("<head>", 1<<17),
		strings.Repeat("<blockquote>x", 1<<16),
		strings.Repeat("&amp;", 1<<18),
	}
	for _, in := range inputs {
		HTMLToText(in)
	}
}
