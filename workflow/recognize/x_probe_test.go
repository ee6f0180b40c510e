package recognize
import ("testing";"fmt";"os";"strings")
func TestXProbe(t *testing.T){
	lex:=DefaultLexicon()
	b,_:=os.ReadFile("/tmp/h20m-probes.txt")
	for _,s:=range strings.Split(strings.TrimSpace(string(b)),"\n"){
		subj, text, _ := strings.Cut(s, "|")
		r:=lex.Classify(Input{Subject: subj, Text:text}); fmt.Printf("%.3f %s %q %s | %s\n   %s\n", r.Prob, r.Outcome, r.Target, r.TargetEvidence, s, r.Explain())
	}
}
