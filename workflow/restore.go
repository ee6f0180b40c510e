package workflow

import (
	"fmt"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow/intake"
)

// After a restore from a backup, the watchers read again the mail that
// arrived after it. The copies of what the bot sent meanwhile (every mail
// it sends reaches a watched folder, carrying X-Klachtbot-Case) are read
// first (mailbox.Watcher.Prescan): no case number below theirs is given out
// again, a complaint they acknowledged gets its old number back and no
// second acknowledgement, and a mail still queued in the restored outbox
// counts as sent.

// Copies implements mailbox.CopyHandler.
func (h *FolderHandler) Copies(msgs []*message.Message) error {
	return h.e.store.Update(func(tx Tx) error {
		for _, m := range msgs {
			if err := intake.CopyFound(h.e.k, tx, m, h.src); err != nil {
				return fmt.Errorf("copy %s: %w", m.MessageID, err)
			}
		}
		return nil
	})
}
