package mailbox

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// SentFolder, as a Watcher's Folder, is the account's Sent folder, found on
// the server: by its SPECIAL-USE attribute, else by a usual name.
const SentFolder = `\Sent`

// sentNames are the usual names of a Sent folder, in the order tried when
// no folder carries \Sent: Dovecot and most hosts, Microsoft 365 and Outlook
// (in English and Dutch), Apple, Gmail (in English and Dutch), Courier.
var sentNames = []string{
	"Sent", "Sent Items", "Verzonden items", "Verzonden berichten", "Verzonden", "Sent Messages", "Sent Mail",
	"[Gmail]/Sent Mail", "[Gmail]/Verzonden berichten", "[Google Mail]/Sent Mail", "[Google Mail]/Verzonden berichten",
	"INBOX.Sent", "INBOX/Sent",
}

// findFolder resolves a special-use folder (SentFolder) to its name on the
// server; another name is returned as it is.
func findFolder(c *imapclient.Client, folder string) (string, error) {
	if folder != SentFolder {
		return folder, nil
	}
	list, err := c.List("", "*", &imap.ListOptions{ReturnSpecialUse: c.Caps().Has(imap.CapSpecialUse)}).Collect()
	if err != nil {
		return "", fmt.Errorf("list folders to find Sent: %w", err)
	}
	return pickSent(list)
}

func pickSent(list []*imap.ListData) (string, error) {
	selectable := func(l *imap.ListData) bool {
		return !hasAttr(l.Attrs, imap.MailboxAttrNoSelect) && !hasAttr(l.Attrs, imap.MailboxAttrNonExistent)
	}
	for _, l := range list {
		if hasAttr(l.Attrs, imap.MailboxAttrSent) && selectable(l) {
			return l.Mailbox, nil
		}
	}
	for _, name := range sentNames {
		if i := slices.IndexFunc(list, func(l *imap.ListData) bool { return strings.EqualFold(l.Mailbox, name) && selectable(l) }); i >= 0 {
			return list[i].Mailbox, nil
		}
	}
	var names []string
	for _, l := range list {
		names = append(names, l.Mailbox)
	}
	return "", fmt.Errorf("select Sent: no folder has the \\Sent attribute (SPECIAL-USE) or a usual Sent name (folders: %s); set sent = \"NAME\"", folderList(names, "Sent"))
}

// isNonexistent reports a SELECT refused because the folder does not exist.
func isNonexistent(err error) bool {
	var ie *imap.Error
	if !errors.As(err, &ie) || ie.Type != imap.StatusResponseTypeNo {
		return false
	}
	if ie.Code == imap.ResponseCodeNonExistent || ie.Code == imap.ResponseCodeTryCreate {
		return true
	}
	t := strings.ToLower(ie.Text)
	return strings.Contains(t, "exist") || strings.Contains(t, "not found") || strings.Contains(t, "unknown mailbox")
}
