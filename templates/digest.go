package templates

import (
	"bytes"
	"embed"
	"html/template"
)

//go:embed html/digest.html
var digestFS embed.FS

type section struct {
	Title, ID string
	Rows      any
}

var digestHTML = template.Must(template.New("digest.html").Funcs(template.FuncMap{
	"dateNL": DateNL,
	"sec":    func(title, id string, rows any) section { return section{title, id, rows} },
}).ParseFS(digestFS, "html/digest.html"))

// DigestHTML renders the HTML part of the daily digest; html/template
// escapes what clients wrote (subjects, names).
func DigestHTML(data any) (string, error) {
	var b bytes.Buffer
	if err := digestHTML.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}
