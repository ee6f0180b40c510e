// Package policy is the firm's configuration and what it says of one mail:
// who is a director or one of the staff, whose mail speaks with a
// director's authority (never a bare From: header), whether a mail is a
// complaint (recognition with the firm's lexicon), where its
// acknowledgement may go and who wrote to whom. It decides; it changes
// nothing.
//
// It must not import storage, mailbox's IMAP and SMTP edge, or the rest of
// workflow above it (casework, intake, commands, the engine).
package policy

import (
	"cmp"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/templates"
	"github.com/mcoo/klachtbot/workflow/calendar"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/outbox"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

// Director is one of the firm's directors.
type Director struct {
	Name    string
	Address string
}

// Config holds the procedure's settings.
type Config struct {
	calendar.Settings // deadlines and days off
	Directors         []Director
	BotAddress        string
	OwnDomains        []string          // the firm's domains: never a client, never acknowledged
	Recognition       recognize.Lexicon // what makes mail in a director's INBOX a complaint
	MaxAcksPerDay     int               // to one address, in any 24 hours
	MaxAcksPerHour    int               // from the firm, in any hour; further ones are held (0: no limit)
	AuthServID        string            // the trusted server's Authentication-Results authserv-id
	TrustedHops       int               // Received headers the firm's own servers add on delivery (default 1)
	Digest            string            // cron spec of the daily digest, in Location
	RetentionYears    int               // closed cases are anonymised after this many years
	LookBack          time.Duration
	ConfirmCommands   bool          // a director's applied commands are confirmed in one line
	AlertsTo          []string      // who is told of incidents; empty: the directors
	AlertsAfter       time.Duration // a mailbox that cannot be read this long is an incident
	AlertsRepeat      time.Duration // an incident is told again after this long
	// SentCopy says what proves that a mail went out: "bcc" (a Bcc to the
	// director it is sent for), "server" (the copy the mail server files in
	// the sender's Sent folder), "auto" (Bcc until such a server copy has
	// been seen for the account, then the server's).
	SentCopy outbox.SentCopy
	Voice
}

// Voice is what the firm's mail says and how much: the top-level keys
// templates_dir and digest_limit, and the [firm] table.
type Voice struct {
	Firm         templates.Firm `toml:"firm"`          // the firm's own voice in every mail
	TemplatesDir string         `toml:"templates_dir"` // files here override embedded templates by name
	DigestLimit  int            `toml:"digest_limit"`  // cases each digest section lists in full; the rest are counted
}

// Templates are the firm's templates: the embedded ones with [firm], any
// overridden from templates_dir.
func (v Voice) Templates() (*templates.Set, error) {
	s, err := templates.New(v.Firm, v.TemplatesDir)
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	return s, nil
}

// In resolves a relative templates_dir against dir, the configuration's.
func (v Voice) In(dir string) Voice {
	if v.TemplatesDir != "" && !filepath.IsAbs(v.TemplatesDir) {
		v.TemplatesDir = filepath.Join(dir, v.TemplatesDir)
	}
	return v
}

// Defaults is the procedure as the klachtenregeling describes it; the
// configuration starts from these values.
func Defaults() Config {
	return Config{
		Settings: calendar.Settings{
			Location:          amsterdam(),
			TargetDays:        14,
			FirstResponseDays: 3,
			WarnDaysBefore:    4,
			LiberationDay:     calendar.LiberationLustrum,
		},
		Recognition:     recognize.DefaultLexicon(),
		MaxAcksPerDay:   3,
		MaxAcksPerHour:  20,
		TrustedHops:     1,
		RetentionYears:  7,
		Digest:          "0 8 * * 1-5",
		ConfirmCommands: true,
		AlertsAfter:     15 * time.Minute,
		AlertsRepeat:    24 * time.Hour,
		SentCopy:        outbox.SentCopyAuto,
		Voice:           Voice{DigestLimit: templates.DefaultDigestLimit},
	}
}

func amsterdam() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return time.UTC // no zone database: the configuration loader reports it
	}
	return loc
}

// Source says where a message was found.
type Source struct {
	Director string // address of the mailbox owner
	Folder   string
	Kind     FolderKind
	Secret   string // where its password comes from, for the alert when it stops working
}

// Key is the checkpoint key of the folder.
func (s Source) Key() string { return s.Director + "/" + s.Folder }

// Where is the folder f was read from as the server names it (the Sent
// folder as found, not `\Sent`), as `status` writes it: in records and logs.
// Key stays the checkpoint's: a renamed Sent folder is followed.
func (s Source) Where(f *message.Fetched) string {
	return s.Director + "/" + cmp.Or(f.Folder, s.Folder)
}

// FolderName is the folder as people call it: a Sent folder found by its
// attribute (Folder `\Sent`) is "Verzonden".
func (s Source) FolderName() string {
	if s.Folder == `\Sent` {
		return "Verzonden"
	}
	return s.Folder
}

// FolderKind says what a watched folder means.
type FolderKind int

const (
	FolderInbox      FolderKind = iota // a director's INBOX: recognition rules apply
	FolderSent                         // a director's Sent folder: the director's own mail
	FolderComplaints                   // everything in it is a complaint
)

func (k FolderKind) String() string {
	return [...]string{"inbox", "sent", "complaints"}[k]
}

// Recognised is why a case was opened or held: the reason in words a
// director can read, and what recognition found.
type Recognised struct {
	Why    string
	Target string
	Prob   float64
}

// Record puts it on the case.
func (r Recognised) Record(c *complaint.Case) {
	c.Recognition, c.RecognisedTarget, c.RecognisedProb = r.Why, r.Target, r.Prob
}

// Judge decides what a mail in a director's INBOX outside any case is
// (recognize.Complaint, Doubtful or None), and says why; firm is the layer
// learned from the directors' decisions (nil: none).
func (c *Config) Judge(m *message.Message, firm *recognize.Layer) (recognize.Outcome, Recognised) {
	r := c.Recognition.ClassifyWith(c.RecognitionInput(m), firm)
	why := Recognised{Why: r.Explain(), Target: r.Target, Prob: r.Prob}
	if r.Target == recognize.TargetUnknown {
		why.Target = "unknown"
	}
	if r.Outcome == recognize.None {
		return recognize.None, Recognised{}
	}
	return r.Outcome, why
}

// RecognitionInput is what recognition reads of a mail.
func (c *Config) RecognitionInput(m *message.Message) recognize.Input {
	return recognize.Input{Subject: m.Subject, Text: m.Text, ReplyToFirm: c.RepliesToFirm(m)}
}

// RepliesToFirm: the mail answers a mail from the firm (its In-Reply-To or
// References name a Message-ID in one of the firm's domains), a thread the
// firm started.
func (c *Config) RepliesToFirm(m *message.Message) bool {
	for _, id := range append(append([]string{}, m.InReplyTo...), m.References...) {
		if i := strings.LastIndexByte(id, '@'); i >= 0 && c.Own("x"+strings.TrimSuffix(id[i:], ">")) {
			return true
		}
	}
	return false
}

// Language is the language the client wrote in: "en" or "nl".
func Language(m *message.Message) string { return recognize.Language(m.Subject, m.Text) }

var noReply = regexp.MustCompile(`^(no-?reply|do-?not-?reply|noreply-.*|bounces?|notifications?)([+.-].*)?$`)

// SuppressAck says why an automatic acknowledgement must not go to this
// sender ("" when it may): RFC 3834 and the practice of the big helpdesks.
func (c *Config) SuppressAck(m *message.Message) string {
	if m.Auto != "" {
		return m.Auto
	}
	addr := m.From.Addr
	local, domain, ok := strings.Cut(addr, "@")
	switch {
	case !ok || local == "" || domain == "":
		return "no usable sender address"
	case noReply.MatchString(local):
		return "no-reply sender"
	case c.Own(addr):
		return "sender is the firm's own address"
	}
	return ""
}

// Own reports whether an address is the firm's: a director, the bot, or the firm's domain.
func (c *Config) Own(addr string) bool {
	if addr == "" {
		return false
	}
	if strings.EqualFold(addr, c.BotAddress) || c.Director(addr) != nil {
		return true
	}
	_, domain, _ := strings.Cut(addr, "@")
	for _, d := range c.OwnDomains {
		if strings.EqualFold(domain, d) {
			return true
		}
	}
	return false
}

func (c *Config) Director(addr string) *Director {
	for i := range c.Directors {
		if strings.EqualFold(c.Directors[i].Address, addr) {
			return &c.Directors[i]
		}
	}
	return nil
}

// Addressee is the director the client wrote to: the first one in To, then
// Cc, else the owner of the mailbox it was found in. The same mail reaching
// both directors is answered by the same one whichever copy is read first.
func (c *Config) Addressee(m *message.Message, owner string) string {
	for _, list := range [][]message.Address{m.To, m.Cc} {
		for _, a := range list {
			if d := c.Director(a.Addr); d != nil {
				return d.Address
			}
		}
	}
	return owner
}

// DirectorName is a director's first name as configured, else the address.
func (c *Config) DirectorName(addr string) string {
	if d := c.Director(addr); d != nil && d.Name != "" {
		return d.Name
	}
	return addr
}

// StaffMember finds one of the firm's people by address.
func (c *Config) StaffMember(addr string) *templates.Person {
	for i, p := range c.Firm.Staff {
		if addr != "" && strings.EqualFold(p.Address, addr) {
			return &c.Firm.Staff[i]
		}
	}
	return nil
}

// FindStaff reads "<naam|adres> [vraag]" of #betrokkene: an address, or the
// longest full or first name of a staff member the argument starts with.
func (c *Config) FindStaff(arg string) (p *templates.Person, question string) {
	word, rest, _ := strings.Cut(arg, " ")
	if strings.Contains(word, "@") {
		if p = c.StaffMember(strings.Trim(word, "<>")); p == nil {
			return nil, ""
		}
		return p, strings.TrimSpace(rest)
	}
	best := 0
	for i, s := range c.Firm.Staff {
		for _, name := range []string{s.Name, s.FirstName()} {
			n := len(name)
			if n > best && len(arg) >= n && strings.EqualFold(arg[:n], name) && (len(arg) == n || strings.ContainsRune(" ,:;", rune(arg[n]))) {
				p, best = &c.Firm.Staff[i], n
			}
		}
	}
	if p == nil {
		return nil, ""
	}
	return p, strings.TrimLeft(arg[best:], " ,:;")
}

// AckRecipient is where the acknowledgement of c goes: the client's address,
// or their Reply-To when it is in the same domain (a Reply-To elsewhere
// would let anyone send the firm's acknowledgements to a victim).
func (cfg *Config) AckRecipient(c *complaint.Case, m *message.Message) string {
	if m == nil {
		return c.Client
	}
	to := m.From.Addr
	if len(m.ReplyTo) > 0 && m.ReplyTo[0].Addr != "" && !cfg.Own(m.ReplyTo[0].Addr) && message.Domain(m.ReplyTo[0].Addr) == message.Domain(to) {
		to = m.ReplyTo[0].Addr
	}
	return to
}
