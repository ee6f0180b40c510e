package recognize
import ("testing";"fmt";"os";"strings")
func TestXShort2(t *testing.T){
	lex:=DefaultLexicon()
	b,_:=os.ReadFile("/tmp/h20m-short.txt")
	for _,s:=range strings.Split(strings.TrimSpace(string(b)),"\n"){
		subj, text, _ := strings.Cut(s, "|")
		r:=lex.Classify(Input{Subject: subj, Text:text}); fmt.Printf("%.3f %s %q | %s\n", r.Prob, r.Outcome, r.Target, s)
	}
}
