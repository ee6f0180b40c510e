package templates

type section struct {
	Title, ID string
	Rows      any
}

var digestHTML = htmlPage("digest.html", map[string]any{
	"dateNL": DateNL,
	"sec":    func(title, id string, rows any) section { return section{title, id, rows} },
})

// DigestHTML renders the HTML part of the daily digest; html/template
// escapes what clients wrote (subjects, names).
func DigestHTML(data any) (string, error) { return renderString(digestHTML, data) }
