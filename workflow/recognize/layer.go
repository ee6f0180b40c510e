package recognize

import "math"

// Layer is the firm's own layer of weights over the embedded model, fitted
// on the directors' decisions (see learn.go).
type Layer struct {
	W map[uint32]float64
}

// Score is what the layer adds to the model's raw score.
func (l *Layer) Score(f Features) float64 {
	if l == nil || len(l.W) == 0 || len(f) == 0 {
		return 0
	}
	s := 0.0
	for _, i := range f {
		s += l.W[i]
	}
	return s / math.Sqrt(float64(len(f)))
}
