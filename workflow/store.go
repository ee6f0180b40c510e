package workflow

import (
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// Store runs transactions: Update writes everything or nothing.
type Store interface {
	Update(func(Tx) error) error
	View(func(Tx) error) error
}

// Bind makes a Store of a store whose transaction type T implements Tx,
// e.g. workflow.Bind(st.Update, st.View) for a *storage.Store, with the
// outbox's adapter.
func Bind[T Tx](update, view func(func(T) error) error) Store {
	return outbox.BindAs(update, view, func(t T) Tx { return t })
}
