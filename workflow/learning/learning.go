// Package learning is what recognition learns from the directors: every
// decision on a mail recognition could read is kept as an example (hashed
// features and a label, no text), and the firm's layer over the embedded
// model is fitted on them before the next mail is judged.
//
// It reads and writes through its own narrow Tx; it must not import
// storage, the mail edge, or the parts of workflow above it.
package learning

import (
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/mcoo/klachtbot/mailbox/message"
	"github.com/mcoo/klachtbot/workflow/complaint"
	"github.com/mcoo/klachtbot/workflow/policy"
	"github.com/mcoo/klachtbot/workflow/recognize"
)

// Recognition learns from the directors: every decision on a mail
// recognition could read (#klacht or #geen-klacht on a held mail or a case,
// a held mail moved to the complaints folder, #heropend of a case closed as
// no complaint) is kept as an example, its hashed features and label only,
// and the firm's layer of weights over the embedded model is fitted again
// on all of them before the next mail is judged.

// metaLearned is bumped with every change to the examples, so an engine
// refits its layer when another process (klachtbot recognition reset)
// changed them.
const metaLearned = "recognition-learned-generation"

// Tx is what learning reads and writes in the store's transaction.
type Tx interface {
	Meta(key string) string
	SetMeta(key, value string) error
	Case(id string) (*complaint.Case, error)
	CaseByMessageID(msgid string) string
	Messages(caseID string) ([]*complaint.Message, error)
	Raw(caseID string, seq uint64) ([]byte, error)
	Learned() ([]recognize.Learned, error)
	AddLearned(recognize.Learned) error
	ResetLearned() (int, error)
}

// Learner keeps the directors' decisions as examples and fits the firm's
// layer over the recognition model on them, cached by generation.
type Learner struct {
	Clock interface{ Now() time.Time }
	Cfg   *policy.Config
	Log   *slog.Logger

	mu    sync.Mutex
	gen   string
	layer *recognize.Layer
}

// FirmLayer is the layer fitted on the examples in the store.
func (l *Learner) FirmLayer(tx Tx) *recognize.Layer {
	gen := tx.Meta(metaLearned)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.layer != nil && l.gen == gen {
		return l.layer
	}
	ex, err := tx.Learned()
	if err != nil {
		l.Log.Error("reading what recognition learned; judging without it", "err", err)
		return nil
	}
	m, err := recognize.BaseModel()
	if err != nil {
		return nil
	}
	l.gen, l.layer = gen, recognize.FitLayer(m, ex)
	return l.layer
}

// Learn keeps a director's decision on a case's first mail as an example.
// Only mail recognition judged or could have judged (channel mail) counts;
// the mail's text is not kept.
func (l *Learner) Learn(tx Tx, c *complaint.Case, isComplaint bool, source string, log *slog.Logger) error {
	if c.Channel != "" {
		return nil // a phone call or a forward: no mail of the client's own to learn from
	}
	m, err := FirstMail(tx, c)
	if err != nil {
		log.Warn("not learned from: the first mail cannot be read", "case", c.ID, "err", err)
		return nil
	}
	x := recognize.Learned{At: l.Clock.Now().UTC(), Complaint: isComplaint, Source: source, Case: c.ID,
		F: recognize.FeaturesOf(l.Cfg.RecognitionInput(m))}
	if err := tx.AddLearned(x); err != nil {
		return err
	}
	log.Info("recognition learned from a director's decision", "case", c.ID, "complaint", isComplaint, "source", source)
	return bumpLearned(tx)
}

// LearnCase learns that the case a mail opened is a complaint.
func (l *Learner) LearnCase(tx Tx, msgid, source string, log *slog.Logger) error {
	id := tx.CaseByMessageID(msgid)
	if id == "" {
		return nil
	}
	c, err := tx.Case(id)
	if err != nil {
		return err
	}
	return l.Learn(tx, c, true, source, log)
}

func bumpLearned(tx Tx) error {
	n, _ := strconv.Atoi(tx.Meta(metaLearned))
	return tx.SetMeta(metaLearned, strconv.Itoa(n+1))
}

// ResetLearned forgets every example: recognition judges with the
// embedded model alone again.
func ResetLearned(tx Tx) (int, error) {
	n, err := tx.ResetLearned()
	if err != nil {
		return 0, err
	}
	return n, bumpLearned(tx)
}

// RecognitionView is what `klachtbot recognition` shows: the embedded
// model's thresholds and cross-validated figures, and what the firm's
// decisions taught it.
type RecognitionView struct {
	AutoAt      float64             `json:"auto_at"`
	DoubtAt     float64             `json:"doubtful_at"`
	Trained     recognize.CVFigures `json:"cross_validated"`
	Examples    int                 `json:"examples"`
	Complaints  int                 `json:"complaints"`
	BySource    map[string]int      `json:"by_source,omitempty"`
	LayerWeight int                 `json:"layer_weights"`
	// Of the examples, how many the model alone and with the firm's layer
	// put on the side the directors chose (held or acknowledged for a
	// complaint, left alone otherwise), by probability.
	AgreeBase    int           `json:"agree_base"`
	AgreeLearned int           `json:"agree_learned"`
	Recent       []LearnedView `json:"recent,omitempty"`
}

// LearnedView is one example without its features.
type LearnedView struct {
	At        time.Time `json:"at"`
	Case      string    `json:"case,omitempty"`
	Source    string    `json:"source"`
	Complaint bool      `json:"complaint"`
	Features  int       `json:"features"`
	Before    float64   `json:"prob_base"`    // the model's probability without the firm's layer
	After     float64   `json:"prob_learned"` // and with it
}

// Recognition reports what recognition learned.
func Recognition(tx Tx) (*RecognitionView, error) {
	ex, err := tx.Learned()
	if err != nil {
		return nil, err
	}
	return RecognitionOf(ex)
}

// RecognitionOf reports what recognition learned from these examples.
func RecognitionOf(ex []recognize.Learned) (*RecognitionView, error) {
	m, err := recognize.BaseModel()
	if err != nil {
		return nil, err
	}
	layer := recognize.FitLayer(m, ex)
	v := &RecognitionView{AutoAt: m.AutoAt, DoubtAt: m.DoubtAt, Trained: m.CV, Examples: len(ex),
		BySource: map[string]int{}, LayerWeight: len(layer.W)}
	for _, x := range ex {
		base := m.Score(x.F)
		before, after := m.Prob(base), m.Prob(base+layer.Score(x.F))
		if x.Complaint {
			v.Complaints++
		}
		v.BySource[x.Source]++
		if (before >= m.DoubtAt) == x.Complaint {
			v.AgreeBase++
		}
		if (after >= m.DoubtAt) == x.Complaint {
			v.AgreeLearned++
		}
		v.Recent = append(v.Recent, LearnedView{At: x.At, Case: x.Case, Source: x.Source, Complaint: x.Complaint,
			Features: len(x.F), Before: round3(before), After: round3(after)})
	}
	sort.SliceStable(v.Recent, func(i, j int) bool { return v.Recent[i].At.After(v.Recent[j].At) })
	if len(v.Recent) > 20 {
		v.Recent = v.Recent[:20]
	}
	return v, nil
}

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

// FirstMail is the mail that opened the case, parsed again from its original.
func FirstMail(tx Tx, c *complaint.Case) (*message.Message, error) {
	msgs, err := tx.Messages(c.ID)
	if err != nil || len(msgs) == 0 {
		return nil, fmt.Errorf("first mail of %s: %w", c.ID, err)
	}
	raw, err := tx.Raw(c.ID, msgs[0].Seq)
	if err != nil {
		return nil, fmt.Errorf("first mail of %s: %w", c.ID, err)
	}
	return message.Parse(raw), nil
}
