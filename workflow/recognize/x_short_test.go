package recognize
import ("testing";"fmt";"os";"strings")
func TestXShort(t *testing.T){
	lex:=DefaultLexicon()
	var mails []Labelled
	for _, set := range []string{"dev","own","validation"} {
		xs, _ := ReadLabelled("testdata/"+set, func(raw []byte) Input { return parseForTest(raw) })
		mails = append(mails, xs...)
	}
	r := Fit(mails, lex); _ = r
	for _, c := range r.candidates { fmt.Printf("%.4f %s\n", c.auc, c.name) }
	fmt.Println(r.oof["all"].Row())
	b,_:=os.ReadFile("/tmp/h20m-short.txt")
	for _,s:=range strings.Split(strings.TrimSpace(string(b)),"\n"){
		subj, text, _ := strings.Cut(s, "|")
		f := FeaturesOf(Input{Subject: subj, Text: text})
		fmt.Printf("%.3f | %s\n", r.Model.Prob(r.Model.Score(f)), s)
	}
}
func parseForTest(raw []byte) Input { return inputOf(raw) }
