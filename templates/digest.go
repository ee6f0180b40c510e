package templates

// actions are one-click commands about one case (Subject: its token).
type actions struct {
	List         []Action
	Bot, Subject string
}

type section struct {
	Title, ID string
	Section
	Bot     string // where the one-click commands go
	Actions DigestActions
}

// DigestHTML renders the HTML part of the daily digest; html/template
// escapes what clients wrote (subjects, names).
func (s *Set) DigestHTML(data Digest) (string, error) { return s.renderHTML("digest.html", data) }

// DigestHTML renders the digest with the embedded templates.
func DigestHTML(data Digest) (string, error) { return defaultSet.DigestHTML(data) }
