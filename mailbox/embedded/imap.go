package embedded

import (
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// imapSession wraps imapmemserver's UserSession. It adds
//   - case-insensitive login by full address, with logging;
//   - an IDLE loop without lost wake-ups (see Idle);
//   - change notifications for everything that alters a mailbox;
//   - bookkeeping of the selected mailbox so that deleting or re-creating it
//     disconnects the sessions that have it selected;
//   - refusal to delete or rename INBOX.
//
// imapserver calls the methods from the connection goroutine one at a time,
// except Idle, which runs in a goroutine of its own while the connection
// goroutine waits for DONE.
type imapSession struct {
	*imapmemserver.UserSession // nil until Login succeeds

	srv    *Server
	conn   *imapserver.Conn
	remote string

	mu       sync.Mutex // guards user, selected and closed
	user     string
	selected string
	closed   bool

	pollMu sync.Mutex // serializes Poll with Close
}

var (
	_ imapserver.SessionIMAP4rev2   = (*imapSession)(nil)
	_ imapserver.SessionAppendLimit = (*imapSession)(nil)
)

func (s *Server) newIMAPSession(conn *imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
	if !s.begin() {
		return nil, nil, &imap.Error{Type: imap.StatusResponseTypeBye, Text: "Server shutting down"}
	}
	sess := &imapSession{srv: s, conn: conn, remote: conn.NetConn().RemoteAddr().String()}
	s.mu.Lock()
	s.sessions[sess] = struct{}{}
	s.mu.Unlock()
	s.log.Debug("IMAP connection opened", "remote", sess.remote)
	return sess, nil, nil
}

func (sess *imapSession) Close() error {
	sess.pollMu.Lock()
	sess.mu.Lock()
	already := sess.closed
	sess.closed = true
	user := sess.user
	sess.mu.Unlock()
	var err error
	if !already {
		err = sess.UserSession.Close() // nil-safe
	}
	sess.pollMu.Unlock()
	if already {
		return nil
	}

	sess.srv.mu.Lock()
	delete(sess.srv.sessions, sess)
	sess.srv.mu.Unlock()
	sess.srv.log.Debug("IMAP connection closed", "remote", sess.remote, "user", user)
	sess.srv.end()
	return err
}

func (sess *imapSession) Login(username, password string) error {
	acct := sess.srv.account(username)
	if acct == nil {
		sess.srv.log.Warn("IMAP login failed: unknown user", "remote", sess.remote, "user", username)
		return imapserver.ErrAuthFailed
	}
	if err := acct.user.Login(acct.addr, password); err != nil {
		sess.srv.log.Warn("IMAP login failed: wrong password", "remote", sess.remote, "user", acct.addr)
		return imapserver.ErrAuthFailed
	}
	sess.UserSession = imapmemserver.NewUserSession(acct.user)
	sess.mu.Lock()
	sess.user = acct.addr
	sess.mu.Unlock()
	sess.srv.log.Debug("IMAP login", "remote", sess.remote, "user", acct.addr)
	return nil
}

// AppendLimit advertises APPENDLIMIT and makes imapserver refuse larger APPENDs.
func (sess *imapSession) AppendLimit() uint32 { return MaxMessageBytes }

func (sess *imapSession) Select(name string, options *imap.SelectOptions) (*imap.SelectData, error) {
	data, err := sess.UserSession.Select(name, options)
	if err != nil {
		return nil, err
	}
	sess.mu.Lock()
	sess.selected = name
	sess.mu.Unlock()
	return data, nil
}

func (sess *imapSession) Unselect() error {
	sess.mu.Lock()
	sess.selected = ""
	sess.mu.Unlock()
	return sess.UserSession.Unselect()
}

func (sess *imapSession) Delete(name string) error {
	if name == "INBOX" {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeCannot, Text: "INBOX cannot be deleted"}
	}
	if err := sess.UserSession.Delete(name); err != nil {
		return err
	}
	sess.mu.Lock()
	user := sess.user
	sess.mu.Unlock()
	n := sess.srv.byeSelected(user, name, sess, "Selected mailbox was deleted")
	sess.srv.log.Info("folder deleted over IMAP", "user", user, "folder", name, "disconnected", n)
	return nil
}

func (sess *imapSession) Rename(name, newName string, options *imap.RenameOptions) error {
	if name == "INBOX" {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeCannot, Text: "Renaming INBOX is not supported"}
	}
	if err := sess.UserSession.Rename(name, newName, options); err != nil {
		return err
	}
	// Sessions that have the mailbox selected keep it under its new name.
	newName = strings.TrimRight(newName, "/") // as imapmemserver stores it
	sess.mu.Lock()
	user := sess.user
	sess.mu.Unlock()
	srv := sess.srv
	srv.mu.Lock()
	for other := range srv.sessions {
		other.mu.Lock()
		if other.user == user && other.selected == name {
			other.selected = newName
		}
		other.mu.Unlock()
	}
	srv.mu.Unlock()
	srv.log.Info("folder renamed over IMAP", "user", user, "folder", name, "new_name", newName)
	return nil
}

func (sess *imapSession) Append(mailbox string, r imap.LiteralReader, options *imap.AppendOptions) (*imap.AppendData, error) {
	data, err := sess.UserSession.Append(mailbox, r, options)
	if err == nil {
		sess.srv.notifyChanged()
	}
	return data, err
}

func (sess *imapSession) Copy(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	data, err := sess.UserSession.Copy(numSet, dest)
	sess.srv.notifyChanged()
	return data, err
}

func (sess *imapSession) Move(w *imapserver.MoveWriter, numSet imap.NumSet, dest string) error {
	err := sess.UserSession.Move(w, numSet, dest)
	sess.srv.notifyChanged()
	return err
}

func (sess *imapSession) Store(w *imapserver.FetchWriter, numSet imap.NumSet, flags *imap.StoreFlags, options *imap.StoreOptions) error {
	err := sess.UserSession.Store(w, numSet, flags, options)
	sess.srv.notifyChanged()
	return err
}

func (sess *imapSession) Expunge(w *imapserver.ExpungeWriter, uids *imap.UIDSet) error {
	err := sess.UserSession.Expunge(w, uids)
	sess.srv.notifyChanged()
	return err
}

func (sess *imapSession) Fetch(w *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	err := sess.UserSession.Fetch(w, numSet, options)
	for _, bs := range options.BodySection {
		if !bs.Peek { // implicit \Seen: other sessions get FETCH FLAGS
			sess.srv.notifyChanged()
			break
		}
	}
	return err
}

func (sess *imapSession) Poll(w *imapserver.UpdateWriter, allowExpunge bool) error {
	sess.pollMu.Lock()
	defer sess.pollMu.Unlock()
	if sess.isClosed() {
		return nil
	}
	return sess.UserSession.Poll(w, allowExpunge)
}

// Idle replaces imapmemserver's IDLE, which only reacts to updates queued
// after IDLE started: an update queued between the last command and IDLE
// (SELECT does not even poll) would sit in the queue until the next change or
// DONE. This loop flushes pending updates first, then after every change
// notification, and every idlePollInterval as a safety net. Subscribing to the
// change channel before each flush means no wake-up is lost.
func (sess *imapSession) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	sess.mu.Lock()
	selected := sess.selected != ""
	sess.mu.Unlock()
	if !selected {
		return nil // nothing to report; imapserver still waits for DONE
	}
	ticker := time.NewTicker(idlePollInterval)
	defer ticker.Stop()
	for {
		changed := sess.srv.changes()
		if err := sess.Poll(w, true); err != nil {
			return err
		}
		select {
		case <-stop:
			return nil
		case <-changed:
		case <-ticker.C:
		}
	}
}

func (sess *imapSession) isClosed() bool {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	return sess.closed
}

// byeSelected disconnects, with an untagged BYE, every IMAP session of user
// that has folder selected, except the session skip. It returns how many.
func (s *Server) byeSelected(user, folder string, skip *imapSession, text string) int {
	var victims []*imapSession
	s.mu.Lock()
	for sess := range s.sessions {
		if sess == skip {
			continue
		}
		sess.mu.Lock()
		match := !sess.closed && sess.user == user && sess.selected == folder
		sess.mu.Unlock()
		if match {
			victims = append(victims, sess)
		}
	}
	s.mu.Unlock()
	for _, sess := range victims {
		// Bye writes "* BYE ..." (serialized with the connection's own writes)
		// and closes the connection; the connection goroutine then ends and
		// closes the session.
		if err := sess.conn.Bye(text); err != nil {
			s.log.Debug("IMAP BYE failed", "remote", sess.remote, "user", user, "err", err)
		}
		s.log.Info("IMAP connection disconnected", "remote", sess.remote, "user", user, "folder", folder, "reason", text)
	}
	return len(victims)
}
