// Package status is what `klachtbot status` reports of the running service:
// its watchers, the outbox, the quarantine, the next jobs and the open
// incidents, as text for people and JSON for tools.
//
// It only describes; it must not import storage or build the service.
package status

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/mcoo/klachtbot/mailbox"
	"github.com/mcoo/klachtbot/workflow/alert"
	"github.com/mcoo/klachtbot/workflow/dossier"
)

// View is the service's status; it travels over the control socket as JSON.
type View struct {
	Started  time.Time               `json:"started"`
	Watchers []mailbox.WatcherStatus `json:"watchers"`
	Outbox   int                     `json:"outbox_pending"`
	// Quarantined mails could not be read or ingested; they are kept raw.
	Quarantined int               `json:"quarantined"`
	NextJobs    []NextJob         `json:"next_jobs"`
	Incidents   []*alert.Incident `json:"incidents"` // open: something needs a person
}

// NextJob is when a scheduled job runs next.
type NextJob struct {
	Job  string    `json:"job"`
	Next time.Time `json:"next"`
}

// Write prints the status; it returns an error when anything is alerting,
// so that the command exits non-zero.
func (v *View) Write(out io.Writer, loc *time.Location) error {
	fmt.Fprintf(out, "running since %s; outbox: %d to send; quarantined mails: %d\n",
		dossier.LocalTime(loc, &v.Started), v.Outbox, v.Quarantined)
	tw := tabwriter.NewWriter(out, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "FOLDER\tSTATE\tLAST UID\tLAST ERROR")
	for _, w := range v.Watchers {
		state := "disconnected"
		switch {
		case w.ScanTotal > 0:
			state = fmt.Sprintf("scanning %d/%d", w.ScanDone, w.ScanTotal)
		case w.Idle:
			state = "idle"
		case w.Connected:
			state = "connected"
		}
		lastErr := "-"
		if w.LastError != "" {
			lastErr = dossier.LocalTime(loc, &w.ErrorAt) + " " + w.LastError
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", w.Folder, state, w.LastUID, lastErr)
	}
	tw.Flush()
	for _, j := range v.NextJobs {
		fmt.Fprintf(out, "next %-10s %s\n", j.Job, dossier.LocalTime(loc, &j.Next))
	}
	if len(v.Incidents) == 0 {
		return nil
	}
	fmt.Fprintf(out, "ALERTING: %d incident(s)\n", len(v.Incidents))
	for _, inc := range v.Incidents {
		fmt.Fprintf(out, "  since %s  %s: %s\n", dossier.LocalTime(loc, &inc.Since), inc.Key, inc.Title)
		if inc.Kind == alert.KindSending {
			fmt.Fprintf(out, "    %d mail(s) wait behind it; to do: %s\n", inc.Waiting, inc.Todo)
		}
	}
	return fmt.Errorf("status: %d incident(s) need attention", len(v.Incidents))
}
