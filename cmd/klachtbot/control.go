package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/mcoo/klachtbot/cmd/internal/control"
	"github.com/mcoo/klachtbot/cmd/internal/status"
	"github.com/mcoo/klachtbot/storage"
	"github.com/mcoo/klachtbot/workflow"
	"github.com/mcoo/klachtbot/workflow/dossier"
)

// The control socket lets commands read the database while the service holds
// it: bbolt allows one process at a time.

type tickResult struct {
	Now time.Time `json:"now"`
	Ran []string  `json:"ran"`
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
	// The read-only queries: the same functions the commands run on the file
	// when no service runs (see query).
	read := func(pattern string, f func(tx *storage.Tx, id string) (any, error)) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			var v any
			err := s.store.View(func(tx *storage.Tx) (err error) { v, err = f(tx, r.PathValue("id")); return err })
			reply(w, v, err)
		})
	}
	read("GET /cases", func(tx *storage.Tx, _ string) (any, error) { return dossier.List(tx) })
	read("GET /cases-full", func(tx *storage.Tx, _ string) (any, error) { return tx.Cases() })
	read("GET /cases/{id}", func(tx *storage.Tx, id string) (any, error) { return dossier.Show(tx, id) })
	read("GET /cases/{id}/dossier", func(tx *storage.Tx, id string) (any, error) { return dossier.Read(tx, id) })
	read("GET /recognition", func(tx *storage.Tx, _ string) (any, error) { return workflow.Recognition(tx) })
	read("GET /recognition/examples", func(tx *storage.Tx, _ string) (any, error) { return tx.Learned() })
	mux.HandleFunc("POST /recognition/reset", func(w http.ResponseWriter, r *http.Request) {
		n, err := s.resetLearned()
		reply(w, n, err)
	})
	read("GET /verify", func(tx *storage.Tx, _ string) (any, error) { return dossier.VerifyAll(tx) })
	read("GET /verify/{id}", func(tx *storage.Tx, line string) (any, error) {
		seal, err := dossier.ParseSeal(line)
		if err != nil {
			return nil, err
		}
		return dossier.VerifyAgainst(tx, seal)
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
		v := status.View{Started: s.started}
		for _, j := range s.jobNames {
			v.NextJobs = append(v.NextJobs, status.NextJob{Job: j.name, Next: s.cron.Entry(j.id).Next})
		}
		for _, wt := range s.watchers {
			v.Watchers = append(v.Watchers, wt.Status())
		}
		err := s.store.View(func(tx *storage.Tx) error {
			p, err := tx.Pending()
			v.Outbox, v.Quarantined = len(p), tx.QuarantineCount()
			if err == nil {
				v.Incidents, err = tx.OpenIncidents()
			}
			for _, inc := range v.Incidents {
				for _, it := range p {
					if inc.Cause != "" && it.Cause == inc.Cause {
						inc.Waiting++
					}
				}
			}
			return err
		})
		reply(w, v, err)
	})
	return mux
}

// query reads through the running service when there is one, else from the
// database file directly.
func query[T any](cfg *Config, path string, direct func(*storage.Tx) (T, error)) (T, error) {
	var v T
	err := control.Get(cfg.ControlSocket, path, &v)
	if !errors.Is(err, control.ErrNoService) {
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
