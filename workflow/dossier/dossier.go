// Package dossier is the case file: everything stored about one case, read
// in one transaction, its export (the original .eml files byte for byte,
// the attachments, timeline.html and timeline.json, which carries every
// event's hash so a reviewer can check the chain without klachtbot), and the
// verification of the audit trails.
//
// It reads through the small Reader interface that storage's transaction
// implements; it must not import storage, the mail edge or workflow.
package dossier

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/complaint"
)

// Reader is what the case file reads from the store.
type Reader interface {
	Case(id string) (*complaint.Case, error)
	Cases() ([]*complaint.Case, error)
	Messages(caseID string) ([]*complaint.Message, error)
	Raw(caseID string, seq uint64) ([]byte, error)
	Events(caseID string) ([]*complaint.Event, error)
}

// Dossier is everything stored about one case. It travels over the control
// socket as JSON (Raw base64-encoded).
type Dossier struct {
	Case     *complaint.Case    `json:"case"`
	Messages []Message          `json:"messages"`
	Events   []*complaint.Event `json:"events"`
	// Broken is the first link of the audit trail that does not hold, as
	// found when the dossier was read; nil when the chain is intact.
	Broken *complaint.Broken `json:"broken,omitempty"`
}

// Message is one message of the case with its original bytes.
type Message struct {
	complaint.Message
	Raw []byte `json:"raw"`
}

// Read reads the case file of case id.
func Read(tx Reader, id string) (*Dossier, error) {
	c, err := tx.Case(id)
	if err != nil {
		return nil, err // names the case, and wraps the store's not-found error
	}
	d := &Dossier{Case: c, Messages: []Message{}}
	msgs, err := tx.Messages(id)
	if err != nil {
		return nil, fmt.Errorf("read messages of %s: %w", id, err)
	}
	for _, m := range msgs {
		raw, err := tx.Raw(id, m.Seq)
		if errors.Is(err, complaint.ErrNotFound) {
			// Not wrapped: the case exists, so this must not read as "not found".
			return nil, fmt.Errorf("the original of message %d of %s is missing from the database", m.Seq, id)
		}
		if err != nil {
			return nil, fmt.Errorf("read original of message %d of %s: %w", m.Seq, id, err)
		}
		d.Messages = append(d.Messages, Message{Message: *m, Raw: raw})
	}
	if d.Events, err = tx.Events(id); err != nil {
		return nil, fmt.Errorf("read audit trail of %s: %w", id, err)
	}
	if d.Events == nil {
		d.Events = []*complaint.Event{}
	}
	_, d.Broken = verifyCase(tx, id)
	return d, nil
}

// The files of an export.
const (
	messagesDir    = "messages"
	attachmentsDir = "attachments"
	timelineJSON   = "timeline.json"
	timelineHTML   = "timeline.html"
)

// exportFile is one written file, for timeline.json and the summary.
type exportFile struct {
	Name        string `json:"name,omitempty"` // as the mail names it
	ContentType string `json:"content_type,omitempty"`
	File        string `json:"file"` // relative to the export directory
	Size        int    `json:"size"`
	SHA256      string `json:"sha256"`
}

type exportMessage struct {
	complaint.Message
	Original exportFile   `json:"original"`
	Files    []exportFile `json:"attachment_files"` // beside the names in Message.Attachments
	// AttachmentProblem: the MIME was broken; the files are what could be read.
	AttachmentProblem string `json:"attachment_problem,omitempty"`
}

// timeline is timeline.json.
type timeline struct {
	Case       *complaint.Case    `json:"case"`
	ExportedAt time.Time          `json:"exported_at"`
	AuditTrail auditTrail         `json:"audit_trail"`
	Messages   []exportMessage    `json:"messages"`
	Events     []*complaint.Event `json:"events"`
}

type auditTrail struct {
	Intact   bool              `json:"intact"`
	Events   int               `json:"events"`
	Broken   *complaint.Broken `json:"broken,omitempty"`
	HashRule string            `json:"hash_rule"`
}

// Export writes the case file into dir, which must be new or empty, and a
// summary of what it wrote to out. now is the moment of the export.
//
// tpl gives the firm's templates ([firm], templates_dir); without it the
// embedded ones render the page.
func Export(d *Dossier, dir string, loc *time.Location, now time.Time, out io.Writer, tpl ...templates.Source) error {
	set, err := templates.Pick(tpl)
	if err != nil {
		return err
	}
	if err := prepareDir(dir); err != nil {
		return err
	}
	w := &exportWriter{dir: dir, taken: map[string]bool{}, tpl: set}
	if err := w.write(d, loc, now); err != nil {
		return fmt.Errorf("export %s to %s (the directory is incomplete): %w", d.Case.ID, dir, err)
	}
	return w.summary(out, d)
}

// prepareDir creates dir, or accepts it when it is an empty directory: an
// export never mixes with or overwrites other files.
func prepareDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("export: create directory: %w", err)
		}
	case err != nil:
		return fmt.Errorf("export: %s cannot be used: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("export: %s already exists and is not empty; give a new directory", dir)
	}
	for _, sub := range []string{messagesDir, attachmentsDir} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			return fmt.Errorf("export: create directory: %w", err)
		}
	}
	return nil
}

type exportWriter struct {
	dir      string
	tpl      *templates.Set
	taken    map[string]bool // attachment file names, lower-cased
	written  []exportFile
	messages []exportMessage
	warnings []string
}

func (w *exportWriter) write(d *Dossier, loc *time.Location, now time.Time) error {
	for i, m := range d.Messages {
		n := i + 1
		em := exportMessage{Message: m.Message, Files: []exportFile{}}
		f, err := w.file(path.Join(messagesDir, fmt.Sprintf("%02d-%s.eml", n, fileRole(m.Role))), m.Raw)
		if err != nil {
			return err
		}
		em.Original = f
		atts, err := message.ExtractAttachments(m.Raw)
		if err != nil {
			em.AttachmentProblem = err.Error()
			w.warnings = append(w.warnings, fmt.Sprintf("message %02d: attachments read as far as the MIME allowed: %v", n, err))
		}
		for _, a := range atts {
			name := w.unique(fmt.Sprintf("%02d-%s", n, sanitiseFilename(a.Filename, a.ContentType)))
			f, err := w.file(path.Join(attachmentsDir, name), a.Data)
			if err != nil {
				return err
			}
			f.Name, f.ContentType = a.Filename, a.ContentType
			em.Files = append(em.Files, f)
		}
		w.messages = append(w.messages, em)
	}

	tl := timeline{
		Case:       d.Case,
		ExportedAt: now.UTC().Truncate(time.Second),
		AuditTrail: auditTrail{Intact: d.Broken == nil, Events: len(d.Events), Broken: d.Broken, HashRule: complaint.HashRule},
		Messages:   w.messages,
		Events:     d.Events,
	}
	data, err := json.MarshalIndent(tl, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", timelineJSON, err)
	}
	if _, err := w.file(timelineJSON, append(data, '\n')); err != nil {
		return err
	}
	var page bytes.Buffer
	if err := w.tpl.Timeline(&page, timelinePage(&tl, loc)); err != nil {
		return fmt.Errorf("render %s: %w", timelineHTML, err)
	}
	_, err = w.file(timelineHTML, page.Bytes())
	return err
}

// file writes one file of the export. O_EXCL: nothing is overwritten and no
// link planted in the directory is followed.
func (w *exportWriter) file(rel string, data []byte) (exportFile, error) {
	f, err := os.OpenFile(filepath.Join(w.dir, filepath.FromSlash(rel)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return exportFile{}, fmt.Errorf("write %s: %w", rel, err)
	}
	sum := sha256.Sum256(data)
	ef := exportFile{File: rel, Size: len(data), SHA256: hex.EncodeToString(sum[:])}
	w.written = append(w.written, ef)
	return ef, nil
}

// unique gives a second "foto.jpg" of a message the name "foto-2.jpg".
// Compared case-insensitively: the export may be copied to a file system
// that ignores case.
func (w *exportWriter) unique(name string) string {
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 2; w.taken[strings.ToLower(name)]; i++ {
		name = fmt.Sprintf("%s-%d%s", base, i, ext)
	}
	w.taken[strings.ToLower(name)] = true
	return name
}

func (w *exportWriter) summary(out io.Writer, d *Dossier) error {
	fmt.Fprintf(out, "exported %s to %s\n", d.Case.ID, w.dir)
	tw := tabwriter.NewWriter(out, 2, 8, 2, ' ', 0)
	for _, f := range w.written {
		fmt.Fprintf(tw, "  %s\t%d bytes\n", f.File, f.Size)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	natt := 0
	for _, m := range w.messages {
		natt += len(m.Files)
	}
	chain := "audit trail intact"
	if d.Broken != nil {
		chain = "AUDIT TRAIL BROKEN: " + d.Broken.String()
	}
	for _, warn := range w.warnings {
		fmt.Fprintln(out, "warning:", warn)
	}
	_, err := fmt.Fprintf(out, "%d messages, %d attachments, %d events; %s\n", len(w.messages), natt, len(d.Events), chain)
	return err
}

func fileRole(role complaint.Role) string {
	switch role {
	case complaint.RoleClient, complaint.RoleDirector, complaint.RoleBot, complaint.RoleOther, complaint.RoleStaff:
		return string(role)
	}
	return "message"
}

const maxNameBytes = 100

// sanitiseFilename makes a sender's file name safe to create inside the
// export: one path component, no control or format characters, no leading
// dot, no "..", at most maxNameBytes keeping the extension. Characters that
// Windows refuses are replaced too, since dossiers get copied there.
func sanitiseFilename(name, contentType string) string {
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(name, "_") {
		switch {
		case strings.ContainsRune(`/\<>:"|?*`, r):
			b.WriteRune('_')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			// Dropped. Cf holds U+202E, which makes "a\u202Efdp.exe" display as "aexe.pdf".
		default:
			b.WriteRune(r)
		}
	}
	name = b.String()
	for strings.Contains(name, "..") {
		name = strings.ReplaceAll(name, "..", ".")
	}
	name = strings.Trim(name, ". ") // leading dot: hidden; trailing: Windows drops it
	ext := path.Ext(name)
	if len(ext) > 16 || strings.ContainsRune(ext, ' ') {
		ext = "" // not an extension, just a dot in the name
	}
	base := strings.TrimRight(strings.TrimSuffix(name, ext), ". ")
	if base == "" {
		base = "bijlage"
		if ext == "" {
			ext = extensionFor(contentType)
		}
	}
	if len(base)+len(ext) > maxNameBytes {
		n := maxNameBytes - len(ext)
		for n > 0 && !utf8.RuneStart(base[n]) {
			n--
		}
		base = strings.TrimRight(base[:n], ". ")
	}
	return base + ext
}

// extensionFor names a part that came without a file name.
func extensionFor(contentType string) string {
	switch contentType {
	case "message/rfc822":
		return ".eml"
	case "application/pdf":
		return ".pdf"
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "text/html":
		return ".html"
	case "text/calendar":
		return ".ics"
	case "text/plain", "message/delivery-status", "message/disposition-notification":
		return ".txt"
	}
	return ".bin"
}

// The page's data: everything pre-formatted, so the template only lays out.
type pageData struct {
	ID         string
	Facts      []pageFact
	ChainOK    bool
	Chain      string
	Messages   []pageMessage
	Events     []pageEvent
	ExportedAt string
	Zone       string
}

type pageFact struct{ Label, Value string }

type pageMessage struct {
	N           int
	Date        string
	Role        string
	From        string
	Subject     string
	File        string
	Href        string
	Attachments []pageFile
	Problems    []string
}

type pageFile struct {
	Name, File, Href string
	Size             int
}

type pageEvent struct {
	Seq     uint64
	Time    string
	Kind    string // in Dutch when known
	RawKind string
	Actor   string
	Detail  string
	Message string
	Hash    string // shortened; timeline.json has it in full
}

func timelinePage(tl *timeline, loc *time.Location) *pageData {
	at := func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return "—"
		}
		return t.In(loc).Format("02-01-2006 15:04")
	}
	person := func(name, addr string) string {
		if name == "" {
			return addr
		}
		return name + " <" + addr + ">"
	}
	c := tl.Case
	p := &pageData{
		ID: c.ID,
		Facts: []pageFact{
			{"Cliënt", person(c.ClientName, c.Client)},
			{"Directeur", c.Director},
			{"Onderwerp", c.Subject},
			{"Ontvangen", at(&c.ReceivedAt)},
			{"Streefdatum", at(&c.TargetAt)},
			{"Bevestigd", at(c.AcknowledgedAt)},
			{"Eerste reactie", at(c.FirstResponseAt)},
			{"Afgehandeld", at(c.ClosedAt)},
			{"Status", complaint.StateNL(c.State)},
			{"Kanaal", string(c.ChannelOf())},
		},
		ChainOK:    tl.AuditTrail.Intact,
		ExportedAt: at(&tl.ExportedAt),
		Zone:       loc.String(),
	}
	// The procedure's record: resolution, consent, sharing, evaluation.
	if c.NotComplaint {
		p.Facts = append(p.Facts, pageFact{"Geen klacht", "ja: buiten de evaluatie"})
	}
	if c.Resolution != "" {
		p.Facts = append(p.Facts, pageFact{"Oplossing", c.Resolution})
	}
	if c.Consent != nil {
		answer := map[bool]string{true: "gegeven", false: "geweigerd"}[c.Consent.Given]
		p.Facts = append(p.Facts, pageFact{"Toestemming extern advies", fmt.Sprintf("%s (%s, door %s; bewijs %s)", answer, at(&c.Consent.At), c.Consent.By, c.Consent.Evidence)})
	}
	for _, x := range c.External {
		p.Facts = append(p.Facts, pageFact{"Gedeeld met", ExternalNL(x, loc)})
	}
	for _, con := range c.Consultations {
		p.Facts = append(p.Facts, pageFact{"Betrokkene", ConsultationNL(con, loc)})
	}
	if s := c.Satisfaction; s != nil {
		p.Facts = append(p.Facts, pageFact{"Tevreden", SatisfactionNL(s, loc)})
	}
	if c.Category != "" {
		p.Facts = append(p.Facts, pageFact{"Categorie", c.Category})
	}
	for _, m := range c.Measures {
		p.Facts = append(p.Facts, pageFact{"Maatregel", m})
	}
	if b := tl.AuditTrail.Broken; b != nil {
		p.Chain = b.Reason
		if b.Seq != 0 {
			p.Chain = fmt.Sprintf("gebeurtenis %d: %s", b.Seq, b.Reason)
		}
	}
	for i, m := range tl.Messages {
		pm := pageMessage{
			N: i + 1, Date: at(&m.ReceivedAt), Role: complaint.RoleNL(m.Role), From: person(m.FromName, m.From),
			Subject: m.Subject, File: m.Original.File, Href: href(m.Original.File), Problems: m.Problems,
		}
		for _, a := range m.Files {
			pm.Attachments = append(pm.Attachments, pageFile{Name: a.Name, File: a.File, Href: href(a.File), Size: a.Size})
		}
		p.Messages = append(p.Messages, pm)
	}
	for _, e := range tl.Events {
		p.Events = append(p.Events, pageEvent{
			Seq: e.Seq, Time: at(&e.At), Kind: complaint.EventNL(e.Kind), RawKind: string(e.Kind), Actor: e.Actor,
			Detail: complaint.DetailNL(e.Detail), Message: e.MessageID, Hash: shortHash(e.Hash),
		})
	}
	return p
}

// href links to an exported file. Escaped here because html/template leaves
// '#' and '%' in a URL alone, and file names may contain them.
func href(rel string) string {
	parts := strings.Split(rel, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

func shortHash(h string) string {
	if len(h) <= 16 {
		return h
	}
	return h[:16] + "…"
}
