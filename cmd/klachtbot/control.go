package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/mcoo/klachtbot/mailbox"
	"github.com/mcoo/klachtbot/storage"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/dossier"
)

// The control socket lets commands read the database while the service holds
// it: bbolt allows one process at a time.

type caseView struct {
	ID              string     `json:"id"`
	State           string     `json:"state"`
	Client          string     `json:"client"`
	Director        string     `json:"director"`
	Subject         string     `json:"subject"`
	ReceivedAt      time.Time  `json:"received_at"`
	TargetAt        time.Time  `json:"target_at"`
	AcknowledgedAt  *time.Time `json:"acknowledged_at"`
	FirstResponseAt *time.Time `json:"first_response_at"`
	ClosedAt        *time.Time `json:"closed_at"`
}

type messageView struct {
	MessageID  string    `json:"message_id"`
	From       string    `json:"from"`
	Role       string    `json:"role"`
	Subject    string    `json:"subject"`
	ReceivedAt time.Time `json:"received_at"`
	Problems   []string  `json:"problems,omitempty"`
}

type eventView struct {
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"`
	Actor     string    `json:"actor"`
	MessageID string    `json:"message_id,omitempty"`
	Detail    string    `json:"detail,omitempty"`
}

type caseDetail struct {
	caseView
	Messages []messageView `json:"messages"`
	Events   []eventView   `json:"events"`
}

type tickResult struct {
	Now time.Time `json:"now"`
	Ran []string  `json:"ran"`
}

type statusView struct {
	Started  time.Time               `json:"started"`
	Watchers []mailbox.WatcherStatus `json:"watchers"`
	Outbox   int                     `json:"outbox_pending"`
	// Quarantined mails could not be read or ingested; they are kept raw.
	Quarantined int       `json:"quarantined"`
	NextJobs    []nextJob `json:"next_jobs"`
}

type nextJob struct {
	Job  string    `json:"job"`
	Next time.Time `json:"next"`
}

func viewOf(c *complaint.Case) caseView {
	return caseView{c.ID, c.State, c.Client, c.Director, c.Subject, c.ReceivedAt, c.TargetAt,
		c.AcknowledgedAt, c.FirstResponseAt, c.ClosedAt}
}

func listCases(tx *storage.Tx) ([]caseView, error) {
	cases, err := tx.Cases()
	views := make([]caseView, 0, len(cases))
	for _, c := range cases {
		views = append(views, viewOf(c))
	}
	return views, err
}

func showCase(tx *storage.Tx, id string) (*caseDetail, error) {
	c, err := tx.Case(id)
	if err != nil {
		return nil, err
	}
	d := &caseDetail{caseView: viewOf(c), Messages: []messageView{}, Events: []eventView{}}
	msgs, err := tx.Messages(id)
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		d.Messages = append(d.Messages, messageView{m.MessageID, m.From, m.Role, m.Subject, m.ReceivedAt, m.Problems})
	}
	evs, err := tx.Events(id)
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		d.Events = append(d.Events, eventView{e.At, e.Kind, e.Actor, e.MessageID, e.Detail})
	}
	return d, nil
}

func (s *service) controlHandler() http.Handler {
	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, v any, err error) {
		switch {
		case errors.Is(err, storage.ErrNotFound):
			http.Error(w, err.Error(), http.StatusNotFound)
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		default:
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(v)
		}
	}
	mux.HandleFunc("GET /cases", func(w http.ResponseWriter, r *http.Request) {
		var v []caseView
		err := s.store.View(func(tx *storage.Tx) (err error) { v, err = listCases(tx); return err })
		reply(w, v, err)
	})
	mux.HandleFunc("GET /cases-full", func(w http.ResponseWriter, r *http.Request) {
		var v []*complaint.Case
		err := s.store.View(func(tx *storage.Tx) (err error) { v, err = allCases(tx); return err })
		reply(w, v, err)
	})
	mux.HandleFunc("GET /cases/{id}", func(w http.ResponseWriter, r *http.Request) {
		var v *caseDetail
		err := s.store.View(func(tx *storage.Tx) (err error) { v, err = showCase(tx, r.PathValue("id")); return err })
		reply(w, v, err)
	})
	mux.HandleFunc("GET /cases/{id}/dossier", func(w http.ResponseWriter, r *http.Request) {
		var v *dossier.Dossier
		err := s.store.View(func(tx *storage.Tx) (err error) { v, err = dossier.Read(tx, r.PathValue("id")); return err })
		reply(w, v, err)
	})
	mux.HandleFunc("GET /verify", func(w http.ResponseWriter, r *http.Request) {
		var v *dossier.Report
		err := s.store.View(func(tx *storage.Tx) (err error) { v, err = dossier.VerifyAll(tx); return err })
		reply(w, v, err)
	})
	mux.HandleFunc("POST /tick", func(w http.ResponseWriter, r *http.Request) {
		now, err := time.Parse(time.RFC3339, r.URL.Query().Get("now"))
		if err != nil {
			http.Error(w, "now: "+err.Error(), http.StatusBadRequest)
			return
		}
		done, err := s.runJobs(now)
		if err == nil {
			// Send what the jobs queued before answering, so tick returns when it is done.
			_, err = s.outbox.Flush(r.Context())
		}
		reply(w, tickResult{Now: now, Ran: done}, err)
	})
	mux.HandleFunc("POST /purge", func(w http.ResponseWriter, r *http.Request) {
		v, err := s.purge(s.clock.Now(), r.URL.Query().Get("dry_run") == "true")
		reply(w, v, err)
	})
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		if err := s.store.Backup(w); err != nil {
			s.log.Error("backup", "err", err)
		}
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		v := statusView{Started: s.started}
		for _, j := range s.jobNames {
			v.NextJobs = append(v.NextJobs, nextJob{j.name, s.cron.Entry(j.id).Next})
		}
		for _, wt := range s.watchers {
			v.Watchers = append(v.Watchers, wt.Status())
		}
		err := s.store.View(func(tx *storage.Tx) error {
			p, err := tx.Pending()
			v.Outbox, v.Quarantined = len(p), tx.QuarantineCount()
			return err
		})
		reply(w, v, err)
	})
	return mux
}

// errNoService means no service answers on the control socket.
var errNoService = errors.New("no running service")

// controlGet asks the running service; errNoService when none runs.
func controlGet(socket, path string, v any) error { return controlDo(socket, "GET", path, v) }

func controlDo(socket, method, path string, v any) error {
	return controlRequest(socket, method, path, 30*time.Second, func(r io.Reader) error { return json.NewDecoder(r).Decode(v) })
}

// controlStream copies a control-socket answer to w (the backup, which may
// take longer than an answer should).
func controlStream(socket, path string, w io.Writer) error {
	return controlRequest(socket, "GET", path, 0, func(r io.Reader) error { _, err := io.Copy(w, r); return err })
}

func controlRequest(socket, method, path string, timeout time.Duration, read func(io.Reader) error) error {
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", socket)
		},
	}}
	req, err := http.NewRequest(method, "http://klachtbot"+path, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		if _, statErr := os.Stat(socket); errors.Is(statErr, os.ErrNotExist) || strings.Contains(err.Error(), "connection refused") {
			return errNoService
		}
		return fmt.Errorf("control socket %s: %w", socket, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		msg, _ := io.ReadAll(resp.Body)
		what := strings.TrimSuffix(strings.TrimSpace(string(msg)), ": "+storage.ErrNotFound.Error())
		return fmt.Errorf("%s: %w", what, storage.ErrNotFound)
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("control socket: %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	return read(resp.Body)
}

// query reads through the running service when there is one, else from the
// database file directly.
func query[T any](cfg *Config, path string, direct func(*storage.Tx) (T, error)) (T, error) {
	var v T
	err := controlGet(cfg.ControlSocket, path, &v)
	if !errors.Is(err, errNoService) {
		return v, err
	}
	store, err := storage.OpenReadOnly(cfg.Database)
	if err != nil {
		return v, err
	}
	defer store.Close()
	err = store.View(func(tx *storage.Tx) (err error) { v, err = direct(tx); return err })
	return v, err
}
