// Package metrics serves klachtbot's health for machines on a loopback
// address (metrics_listen): /healthz (200 when nothing needs a person, 503
// with the count when something does) and Prometheus metrics with the
// standard client library.
//
// It reads what the service gives it; it must not import storage or build
// the service.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mcoo/klachtbot/mailbox"
	"github.com/mcoo/klachtbot/mailbox/mailerr"
	"github.com/mcoo/klachtbot/workflow"
	"github.com/mcoo/klachtbot/workflow/outbox"
)

// Metrics counts what happens and, when scraped, reads the rest.
type Metrics struct {
	reg              *prometheus.Registry
	ingest, ackDelay prometheus.Histogram
	mails            *prometheus.CounterVec
	bounces          *prometheus.CounterVec
	health           func() (workflow.Health, error)
}

// New registers the metrics; watchers and health are read at every scrape.
func New(watchers func() []mailbox.WatcherStatus, health func() (workflow.Health, error)) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), health: health}
	m.ingest = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "klachtbot_ingest_seconds",
		Help: "Time to handle one incoming mail, the database commit included.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)})
	m.ackDelay = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "klachtbot_ack_delay_seconds",
		Help: "Time from queueing an acknowledgement to the SMTP server taking it.", Buckets: prometheus.ExponentialBuckets(0.01, 2, 16)})
	m.mails = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "klachtbot_mails_total",
		Help: "Send attempts by kind of mail and result (sent, temporary, failed)."}, []string{"kind", "result"})
	m.bounces = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "klachtbot_bounces_total",
		Help: "Delivery reports about mail the bot sent, permanent or delay."}, []string{"type"})
	m.reg.MustRegister(m.ingest, m.ackDelay, m.mails, m.bounces, &scraped{m: m, watchers: watchers})
	return m
}

// Ingested implements workflow.Observer.
func (m *Metrics) Ingested(took time.Duration) { m.ingest.Observe(took.Seconds()) }

// Bounced implements workflow.Observer.
func (m *Metrics) Bounced(permanent bool) {
	m.bounces.WithLabelValues(map[bool]string{true: "permanent", false: "delay"}[permanent]).Inc()
}

// Mail is told every send attempt's result (outbox.Worker.Observe).
func (m *Metrics) Mail(item *outbox.Item, err error) {
	switch {
	case err == nil:
		m.mails.WithLabelValues(string(item.Kind), "sent").Inc()
		if item.Kind == outbox.KindAck {
			m.ackDelay.Observe(time.Since(item.Mail.Date).Seconds())
		}
	case mailerr.KindOf(err) != mailerr.Refused:
		m.mails.WithLabelValues(string(item.Kind), "temporary").Inc()
	default:
		m.mails.WithLabelValues(string(item.Kind), "failed").Inc()
	}
}

// scraped reads the gauges at every scrape.
type scraped struct {
	m        *Metrics
	watchers func() []mailbox.WatcherStatus
}

var (
	descUp       = prometheus.NewDesc("klachtbot_watcher_up", "1 when the folder's watcher is connected.", []string{"folder"}, nil)
	descLastScan = prometheus.NewDesc("klachtbot_watcher_last_scan_timestamp_seconds", "When the folder was last read through.", []string{"folder"}, nil)
	descOutbox   = prometheus.NewDesc("klachtbot_outbox_pending", "Mails queued or being sent.", nil, nil)
	descOldest   = prometheus.NewDesc("klachtbot_outbox_oldest_age_seconds", "Age of the oldest queued mail (0: none).", nil, nil)
	descQuar     = prometheus.NewDesc("klachtbot_quarantined", "Mails kept raw because they could not be read or ingested.", nil, nil)
	descOpen     = prometheus.NewDesc("klachtbot_cases_open", "Complaints not yet closed.", nil, nil)
	descOverdue  = prometheus.NewDesc("klachtbot_cases_overdue", "Open complaints past their target.", nil, nil)
	descIncident = prometheus.NewDesc("klachtbot_incidents_open", "Incidents that need a person.", nil, nil)
	descSendDown = prometheus.NewDesc("klachtbot_sending_down", "Accounts that cannot send (TLS, login, unreachable), one per account and cause, once [alerts] after has passed.", nil, nil)
	descWaiting  = prometheus.NewDesc("klachtbot_outbox_waiting_for_account", "Queued mails whose last attempt met their account's failure.", nil, nil)
)

func (s *scraped) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descUp, descLastScan, descOutbox, descOldest, descQuar, descOpen, descOverdue, descIncident, descSendDown, descWaiting} {
		ch <- d
	}
}

func (s *scraped) Collect(ch chan<- prometheus.Metric) {
	for _, w := range s.watchers() {
		up := 0.0
		if w.Connected {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, up, w.Folder)
		if !w.LastScan.IsZero() {
			ch <- prometheus.MustNewConstMetric(descLastScan, prometheus.GaugeValue, float64(w.LastScan.Unix()), w.Folder)
		}
	}
	h, err := s.m.health()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descOutbox, err)
		return
	}
	oldest := 0.0
	if !h.OldestQueued.IsZero() {
		oldest = time.Since(h.OldestQueued).Seconds()
	}
	for d, v := range map[*prometheus.Desc]float64{descOutbox: float64(h.Outbox), descOldest: oldest, descQuar: float64(h.Quarantined),
		descOpen: float64(h.Open), descOverdue: float64(h.Overdue), descIncident: float64(h.Incidents),
		descSendDown: float64(h.SendingDown), descWaiting: float64(h.Waiting)} {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
	}
}

// Serve serves /metrics and /healthz on addr, a loopback address, until ctx ends.
func (m *Metrics) Serve(ctx context.Context, addr string) error {
	if host, _, err := net.SplitHostPort(addr); err != nil || !mailbox.IsLoopback(host) {
		return fmt.Errorf("metrics_listen %q: must be a loopback address with a port, e.g. 127.0.0.1:9310", addr)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		h, err := m.health()
		switch {
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		case h.Incidents > 0:
			http.Error(w, fmt.Sprintf("%d incident(s) need attention", h.Incidents), http.StatusServiceUnavailable)
		default:
			fmt.Fprintln(w, "ok")
		}
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("metrics_listen: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
