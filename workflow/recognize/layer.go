package recognize

import (
	"math"
	"time"
)

// Learned is one decision of a director kept as an example: the hashed
// features of the mail (never its text, nor who sent it) and the label.
type Learned struct {
	At        time.Time `json:"at"`
	Complaint bool      `json:"complaint"`
	Source    string    `json:"source"` // "#klacht", "#geen-klacht", "complaints folder", "#heropend"
	Case      string    `json:"case,omitempty"`
	F         Features  `json:"f"`
}

// Layer is the firm's own layer of weights over the embedded model, fitted
// on the directors' decisions. What it adds to a mail's score is bounded by
// MaxLayer, so no number of decisions on one kind of mail can stop a plain
// complaint from being acknowledged.
type Layer struct {
	W   map[uint32]float64
	N   int        // examples it was fitted on
	not []Features // the examples the directors judged no complaint
}

// alike is the cosine similarity from which a mail counts as like one the
// directors judged no complaint: the same newsletter, the same automatic
// notice, not merely the same client or topic. dismissedAlike such
// judgements make a pattern rather than a one-off.
const (
	alike          = 0.5
	dismissedAlike = 3
)

// LikeDismissed reports whether the directors judged at least
// dismissedAlike mails like this one (cosine similarity of the features at
// least alike) no complaint.
func (l *Layer) LikeDismissed(f Features) bool {
	if l == nil {
		return false
	}
	n := 0
	for _, g := range l.not {
		if cosine(f, g) >= alike {
			n++
		}
	}
	return n >= dismissedAlike
}

// cosine is the cosine similarity of two sorted feature sets.
func cosine(a, b Features) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(n) / math.Sqrt(float64(len(a))*float64(len(b)))
}

// MaxLayer bounds what the firm's layer adds to or takes from a mail's raw
// score (in the model's units).
const MaxLayer = 2.0

// Score is what the layer adds to the model's raw score.
func (l *Layer) Score(f Features) float64 {
	if l == nil || len(l.W) == 0 || len(f) == 0 {
		return 0
	}
	s := 0.0
	for _, i := range f {
		s += l.W[i]
	}
	return math.Max(-MaxLayer, math.Min(MaxLayer, s*norm(len(f))))
}

// FitLayer fits the firm's layer on the examples over the base model: a
// logistic regression on the base model's calibrated score with an L2
// penalty, visited in the order given for a fixed number of epochs, over
// the features that are not common (Model.Common).
func FitLayer(m *Model, ex []Learned) *Layer {
	l := &Layer{W: map[uint32]float64{}, N: len(ex)}
	for _, x := range ex {
		if !x.Complaint {
			l.not = append(l.not, x.F)
		}
	}
	if len(ex) == 0 || m == nil {
		return l
	}
	const (
		epochs = 60
		eta    = 1.0
		lambda = 0.01
	)
	base := make([]float64, len(ex))
	for k, x := range ex {
		base[k] = m.Score(x.F)
	}
	for e := 0; e < epochs; e++ {
		for k, x := range ex {
			if len(x.F) == 0 {
				continue
			}
			v := norm(len(x.F))
			p := m.Prob(base[k] + l.Score(x.F))
			y := 0.0
			if x.Complaint {
				y = 1
			}
			g := (p - y) * m.PlattA * v
			for _, i := range x.F {
				if !m.Common[i] {
					l.W[i] -= eta * (g + lambda*l.W[i])
				}
			}
		}
	}
	for i, w := range l.W {
		if math.Abs(w) < 1e-6 {
			delete(l.W, i)
		}
	}
	return l
}
