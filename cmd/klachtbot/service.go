package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/mcoo/klachtbot/cmd/internal/config"
	"github.com/mcoo/klachtbot/cmd/internal/control"
	"github.com/mcoo/klachtbot/cmd/internal/demo"
	"github.com/mcoo/klachtbot/cmd/internal/metrics"
	"github.com/mcoo/klachtbot/mailbox"
	"github.com/mcoo/klachtbot/storage"
	"github.com/mcoo/klachtbot/workflow"
	"github.com/mcoo/klachtbot/workflow/dossier"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// service is the running bot: watchers, the outbox worker and the control socket.
type service struct {
	cfg      *Config
	log      *slog.Logger
	store    *storage.Store
	engine   *workflow.Engine
	outbox   *outbox.Worker
	watchers []*mailbox.Watcher
	clock    workflow.Clock
	cron     *cron.Cron
	jobNames []jobEntry
	started  time.Time
}

func newService(cfg *Config, log *slog.Logger) (*service, error) {
	clock := serviceClock(cfg.Loc)
	store, err := storage.Open(cfg.Database)
	if err != nil {
		return nil, err
	}
	s := &service{cfg: cfg, log: log, store: store, clock: clock, started: clock.Now()}
	fail := func(err error) (*service, error) {
		store.Close()
		return nil, err
	}
	s.engine, err = workflow.NewEngine(workflow.Bind(store.Update, store.View), clock, cfg.Workflow(), log)
	if err != nil {
		return fail(err)
	}
	since, err := s.engine.Since()
	if err != nil {
		return fail(err)
	}
	// IMAP INTERNALDATE has whole seconds: a mail delivered in the second of the first start counts.
	since = since.Truncate(time.Second)

	sender := &mailbox.SMTPSender{Accounts: map[string]*mailbox.Server{}}
	for _, a := range cfg.Accounts() {
		srv, err := cfg.Server(a.Key, a.Conf)
		switch {
		case err != nil:
			return fail(err)
		case !a.IMAP && a.Director == "":
			sender.Default = srv
		case !a.IMAP:
			sender.Accounts[a.Director] = srv
		}
		for _, src := range a.Folders {
			s.watchers = append(s.watchers, &mailbox.Watcher{
				Server:         *srv,
				Folder:         src.Folder,
				Create:         slices.Contains(a.Create, src.Folder),
				Handler:        s.engine.Folder(src),
				Health:         s.engine.FolderHealth(src),
				Log:            log.With("director", src.Director, "kind", src.Kind.String()),
				Since:          since,
				PollInterval:   cfg.IMAP.PollInterval.Duration,
				IdleRefresh:    cfg.IMAP.IdleRefresh.Duration,
				CommandTimeout: cfg.IMAP.CommandTimeout.Duration,
			})
		}
	}
	s.outbox = &outbox.Worker{
		Store: outbox.Bind(store.Update, store.View), Sender: sender, Clock: clock, Log: log,
		Wake: s.engine.Wake, Settings: cfg.OutboxSettings(), Failed: s.engine.Alerts.MailFailed, Sending: s.engine.Alerts.SendingHealth, Fallback: s.engine.DirectorAddresses(),
	}
	return s, nil
}

// runJobs runs every job due at now; tick calls it with a time of its own.
func (s *service) runJobs(now time.Time) ([]string, error) {
	done, err := s.engine.RunDue(now)
	if err != nil {
		s.log.Error("jobs", "err", err)
	} else if len(done) > 0 {
		s.log.Info("jobs ran", "now", now, "slots", done)
	}
	return done, err
}

// retentionSchedule: monthly, at night.
const retentionSchedule = "0 3 1 * *"

type jobEntry struct {
	name string
	id   cron.EntryID
}

// resetLearned forgets what recognition learned from the directors.
func (s *service) resetLearned() (n int, err error) {
	err = s.store.Update(func(tx *storage.Tx) (err error) { n, err = workflow.ResetLearned(tx); return err })
	if err == nil {
		s.log.Info("recognition forgot what it learned", "examples", n)
	}
	return n, err
}

func (s *service) purge(now time.Time, dryRun bool) (*workflow.PurgeReport, error) {
	r, err := s.engine.Purge(now, dryRun)
	if err != nil {
		s.log.Error("retention", "err", err)
	}
	return r, err
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append([]any{"err", err}, kv...)...)
}

// run runs until ctx is cancelled, then stops every loop and closes the store.
func (s *service) run(ctx context.Context) error {
	defer s.store.Close()
	s.cron = cron.New(cron.WithLocation(s.cfg.Loc), cron.WithLogger(cronLogger{s.log}),
		cron.WithChain(cron.Recover(cronLogger{s.log}), cron.SkipIfStillRunning(cronLogger{s.log})))
	jobs := []struct{ name, spec string }{{"deadlines", s.cfg.Schedule.Deadlines}, {"digest", s.cfg.Schedule.Digest}, {"retention", retentionSchedule}}
	for _, j := range jobs {
		run := func() { s.runJobs(s.clock.Now()) }
		if j.name == "retention" {
			run = func() { s.purge(s.clock.Now(), false) }
		}
		id, err := s.cron.AddFunc(j.spec, run)
		if err != nil {
			return fmt.Errorf("schedule %s %q: %w", j.name, j.spec, err)
		}
		s.jobNames = append(s.jobNames, jobEntry{j.name, id})
	}
	ln, err := control.Listen(s.cfg.ControlSocket)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s.controlHandler(), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)

	var wg sync.WaitGroup
	supervise := func(name string, f func(context.Context)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				func() {
					defer func() {
						if r := recover(); r != nil {
							s.log.Error("loop panicked; restarting", "loop", name, "panic", r, "stack", string(debug.Stack()))
							time.Sleep(time.Second)
						}
					}()
					f(ctx)
				}()
			}
		}()
	}
	mailbox.Prescan(ctx, s.watchers) // the bot's own copies first: after a restore they tell what went out
	if s.cfg.MetricsListen != "" {
		m := metrics.New(func() (ws []mailbox.WatcherStatus) {
			for _, w := range s.watchers {
				ws = append(ws, w.Status())
			}
			return ws
		}, func() (workflow.Health, error) { return s.engine.Health(s.clock.Now()) })
		s.engine.Observe, s.outbox.Observe = m, m.Mail
		supervise("metrics", func(ctx context.Context) {
			if err := m.Serve(ctx, s.cfg.MetricsListen); err != nil {
				s.log.Error("metrics", "err", err)
				time.Sleep(time.Minute) // a port in use does not free itself at once
			}
		})
	}
	for _, w := range s.watchers {
		supervise("watch "+w.Status().Folder, w.Run)
	}
	supervise("outbox", func(ctx context.Context) {
		if err := s.outbox.Run(ctx); err != nil {
			s.log.Error("outbox", "err", err)
		}
	})
	// Jobs missed while the service was down: they are idempotent, so run them now.
	s.runJobs(s.clock.Now())
	s.purge(s.clock.Now(), false)
	s.cron.Start()
	defer func() { <-s.cron.Stop().Done() }()
	s.log.Info("klachtbot running", "watchers", len(s.watchers), "database", s.cfg.Database, "control", s.cfg.ControlSocket)
	<-ctx.Done()
	s.log.Info("stopping")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(shutdownCtx)
	wg.Wait()
	os.Remove(s.cfg.ControlSocket)
	s.log.Info("stopped")
	return nil
}

// viaService asks the running service over the control socket; when none
// runs, it does the work itself on the database.
func viaService[T any](cfg *Config, method, path string, direct func(*service) (T, error)) (T, error) {
	var v T
	err := control.Do(cfg.ControlSocket, method, path, &v)
	if !errors.Is(err, control.ErrNoService) {
		return v, err
	}
	s, err := newService(cfg, newLogger(cfg, os.Stderr))
	if err != nil {
		return v, err
	}
	defer s.store.Close()
	return direct(s)
}

// tick runs the jobs due at now and sends what they queue before it returns.
func tick(cfg *Config, now time.Time) (*tickResult, error) {
	return viaService(cfg, "POST", "/tick?now="+url.QueryEscape(now.Format(time.RFC3339)), func(s *service) (*tickResult, error) {
		done, err := s.runJobs(now)
		if err != nil {
			return nil, err
		}
		if _, err := s.outbox.Flush(context.Background()); err != nil {
			return nil, err
		}
		return &tickResult{Now: now, Ran: done}, nil
	})
}

// purgeCmd anonymises (or with dryRun lists) the cases past retention.
func purgeCmd(cfg *Config, dryRun bool) (*workflow.PurgeReport, error) {
	return viaService(cfg, "POST", fmt.Sprintf("/purge?dry_run=%t", dryRun), func(s *service) (*workflow.PurgeReport, error) {
		return s.purge(s.clock.Now(), dryRun)
	})
}

// startDemo starts the service for the demo; demoBot is what the demo sees of it.
func startDemo(path string) (demo.Bot, *time.Location, func(), error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, nil, nil, err
	}
	s, err := newService(cfg, newLogger(cfg, os.Stderr))
	if err != nil {
		return nil, nil, nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- s.run(ctx) }()
	return demoBot{s}, cfg.Loc, func() { cancel(); <-stopped }, nil
}

type demoBot struct{ s *service }

func (b demoBot) Connected() (int, bool) {
	for _, w := range b.s.watchers {
		if !w.Status().Connected {
			return len(b.s.watchers), false
		}
	}
	return len(b.s.watchers), true
}

func (b demoBot) View(f func(dossier.Reader) error) error {
	return b.s.store.View(func(tx *storage.Tx) error { return f(tx) })
}
