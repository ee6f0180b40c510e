package workflow

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestSettings: every setting of config.example.toml that the rules read
// changes the behaviour it names. Each row runs one scenario twice, with the
// defaults and with the setting changed, and must see what the setting says
// both times. (max_acks_per_hour and trusted_hops have tests of their own;
// own_domains, authserv_id, bot_address, sent_copy, templates_dir and the
// recognition lists too, in intake, commands, outbox and recognize.)
func TestSettings(t *testing.T) {
	t.Parallel()
	complaint := mail("jan@klant.test", "Klacht over de aangifte", "Ik ben zeer ontevreden: mijn aangifte is te laat ingediend en ik heb een boete gekregen.")
	// caseTarget is the target date of a complaint received at received.
	caseTarget := func(received string) func(t *testing.T, e *Engine, s Store, clock *testClock) string {
		return func(t *testing.T, e *Engine, s Store, clock *testClock) string {
			deliver(t, e, inbox, complaint, at(received))
			c, _, _ := loadCase(t, s, "KL-2026-0001")
			return c.TargetAt.In(ams).Format("Mon 2006-01-02")
		}
	}
	// slots is how many job slots of kind ran at when, after a complaint on
	// Tuesday 24 November 2026 at 10:00.
	slots := func(kind, when string) func(t *testing.T, e *Engine, s Store, clock *testClock) string {
		return func(t *testing.T, e *Engine, s Store, clock *testClock) string {
			deliver(t, e, inbox, complaint, at("2026-11-24 10:00"))
			return fmt.Sprint(len(runDue(t, e, when)[kind]))
		}
	}
	tests := []struct {
		key          string
		set          func(*Config)
		observe      func(t *testing.T, e *Engine, s Store, clock *testClock) string
		def, changed string
	}{
		{"procedure.target_days = 7", func(c *Config) { c.TargetDays = 7 },
			caseTarget("2026-11-24 10:00"), "Tue 2026-12-08", "Tue 2026-12-01"},
		{"procedure.first_response_days = 1: the reminder on the 26th", func(c *Config) { c.FirstResponseDays = 1 },
			slots("reminder", "2026-11-26 10:30"), "0", "1"},
		{"procedure.warn_days_before = 10: the warning on 30 November", func(c *Config) { c.WarnDaysBefore = 10 },
			slots("warning", "2026-11-30 10:30"), "0", "1"},
		{"procedure.target_on_working_day = false: a target on a Sunday stays", func(c *Config) { no := false; c.TargetOnWorkingDay = &no },
			caseTarget("2026-11-29 10:00"), "Fri 2026-12-11", "Sun 2026-12-13"},
		{"procedure.liberation_day = always: 5 May 2026 is a day off", func(c *Config) { c.LiberationDay = "always" },
			caseTarget("2026-04-21 10:00"), "Tue 2026-05-05", "Mon 2026-05-04"},
		{"procedure.good_friday = true: 3 April 2026 is a day off", func(c *Config) { c.GoodFriday = true },
			caseTarget("2026-03-20 10:00"), "Fri 2026-04-03", "Thu 2026-04-02"},
		{"procedure.look_back = 48h: older mail in a first scan counts", func(c *Config) { c.LookBack = 48 * time.Hour },
			func(t *testing.T, e *Engine, s Store, clock *testClock) string {
				since, err := e.Since()
				if err != nil {
					t.Fatal(err)
				}
				return since.In(ams).Format("2006-01-02 15:04")
			}, "2026-11-24 09:00", "2026-11-22 09:00"},
		{"procedure.max_acks_per_day = 1: the second complaint of the day is not acknowledged", func(c *Config) { c.MaxAcksPerDay = 1 },
			func(t *testing.T, e *Engine, s Store, clock *testClock) string {
				deliver(t, e, inbox, complaint, at("2026-11-24 10:00"))
				deliver(t, e, inbox, mail("jan@klant.test", "Nog een klacht", "Ik ben zeer ontevreden: de factuur is alweer dubbel gefactureerd."), at("2026-11-24 11:00"))
				return fmt.Sprint(len(queued(t, s, "ack")))
			}, "2", "1"},
		{"schedule.digest = 0 9 * * 1-5: no digest at 08:30", func(c *Config) { c.Digest = "0 9 * * 1-5" },
			slots("digest", "2026-11-25 08:30"), "2", "0"},
		{"retention.years = 1: a case closed in 2026 is anonymised in 2028", func(c *Config) { c.RetentionYears = 1 },
			func(t *testing.T, e *Engine, s Store, clock *testClock) string {
				deliver(t, e, inbox, complaint, at("2026-11-24 10:00"))
				deliver(t, e, sent, commandMail("KL-2026-0001", "#afgehandeld Boete vergoed"), at("2026-11-25 10:00"))
				r, err := e.Purge(at("2028-01-03 03:00"), true)
				if err != nil {
					t.Fatal(err)
				}
				return strings.Join(r.Cases, " ")
			}, "", "KL-2026-0001"},
		{"confirm_commands = false: an applied command is not confirmed", func(c *Config) { c.ConfirmCommands = false },
			func(t *testing.T, e *Engine, s Store, clock *testClock) string {
				deliver(t, e, inbox, complaint, at("2026-11-24 10:00"))
				deliver(t, e, sent, commandMail("KL-2026-0001", "#categorie termijnen"), at("2026-11-24 11:00"))
				_, pending := snapshot(t, s)
				n := 0
				for _, p := range pending {
					n += strings.Count(p.Mail.Text, "Uitgevoerd: #categorie termijnen")
				}
				return fmt.Sprint(n)
			}, "1", "0"},
		{"digest_limit = 1: the digest lists one open case and counts the rest", func(c *Config) { c.DigestLimit = 1 },
			func(t *testing.T, e *Engine, s Store, clock *testClock) string {
				for _, who := range []string{"jan", "piet", "kees"} {
					deliver(t, e, inbox, mail(who+"@klant.test", "Klacht over de aangifte", "Ik ben zeer ontevreden: mijn aangifte is te laat ingediend en ik heb een boete gekregen."), at("2026-11-24 10:00"))
				}
				runDue(t, e, "2026-11-25 08:00")
				d := queued(t, s, "digest")
				if len(d) == 0 {
					t.Fatal("no digest")
				}
				return fmt.Sprintf("%d rows, %d counted", strings.Count(d[0].Mail.Text, ", streefdatum "), strings.Count(d[0].Mail.Text, "En nog twee klachten, niet in dit overzicht"))
			}, "9 rows, 0 counted", "3 rows, 3 counted"}, // three sections, three cases each
		{"firm.reply_to: the directors' answers to the digest go there", func(c *Config) { c.Firm.ReplyTo = "secretariaat@mcoo.nl" },
			func(t *testing.T, e *Engine, s Store, clock *testClock) string {
				runDue(t, e, "2026-11-25 08:00")
				d := queued(t, s, "digest")
				if len(d) == 0 {
					t.Fatal("no digest")
				}
				return d[0].Mail.From + " reply-to " + d[0].Mail.Headers["Reply-To"]
			}, "klachten@mcoo.nl reply-to ", "klachten@mcoo.nl reply-to secretariaat@mcoo.nl"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			t.Parallel()
			run := func(cfg Config) string {
				clock := &testClock{t: at("2026-11-24 09:00")} // a Tuesday: the first start
				store := boltStore(t)
				e, err := NewEngine(store, clock, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
				if err != nil {
					t.Fatal(err)
				}
				return tt.observe(t, e, store, clock)
			}
			if got := run(testConfig()); got != tt.def {
				t.Errorf("with the defaults: %q, want %q", got, tt.def)
			}
			cfg := testConfig()
			tt.set(&cfg)
			if got := run(cfg); got != tt.changed {
				t.Errorf("with %s: %q, want %q", tt.key, got, tt.changed)
			}
		})
	}
}
