package recognize

import (
	"math"
	"sort"
)

// Example is one labelled mail as the model sees it.
type Example struct {
	F         Features
	Complaint bool
}

// TrainOptions set the logistic regression's training.
type TrainOptions struct {
	Lambda float64 // L2 penalty per example
	Epochs int
	Seed   uint64 // the order examples are visited in
}

// DefaultTrainOptions were chosen by cross-validation (model/REPORT.md).
var DefaultTrainOptions = TrainOptions{Lambda: 1e-4, Epochs: 30, Seed: 20}

// rng is splitmix64: a fixed generator, so training is the same on every
// Go version and machine.
type rng uint64

func (r *rng) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	z := uint64(*r)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func (r *rng) perm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := int(r.next() % uint64(i+1))
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// TrainLR fits an L2-regularised logistic regression by stochastic gradient
// descent (Bottou's step size, a lazily applied weight decay) in a fixed
// order. The model it returns is not calibrated: PlattA 1, PlattB 0.
func TrainLR(ex []Example, opt TrainOptions) *Model {
	w := make([]float64, 1<<FeatureBits)
	scale, bias := 1.0, 0.0
	r := rng(opt.Seed)
	eta0 := 0.5
	t := 0.0
	for e := 0; e < opt.Epochs; e++ {
		for _, k := range r.perm(len(ex)) {
			x := ex[k]
			if len(x.F) == 0 {
				continue
			}
			v := norm(len(x.F))
			eta := eta0 / (1 + eta0*opt.Lambda*t)
			t++
			s := 0.0
			for _, i := range x.F {
				s += w[i]
			}
			p := sigmoid(scale*s*v + bias)
			y := 0.0
			if x.Complaint {
				y = 1
			}
			g := p - y
			scale *= 1 - eta*opt.Lambda
			if scale < 1e-9 {
				for i := range w {
					w[i] *= scale
				}
				scale = 1
			}
			step := eta * g * v / scale
			for _, i := range x.F {
				w[i] -= step
			}
			bias -= eta * g * 0.1
		}
	}
	m := &Model{W: make([]float32, len(w)), Bias: bias, PlattA: 1}
	for i := range w {
		m.W[i] = float32(w[i] * scale)
	}
	return m
}

// TrainNB fits a naive Bayes model over binary features (Bernoulli event
// model reduced to the present features, add-alpha smoothing), as a
// linear model: the weight of a feature is its log-likelihood ratio. It is
// kept to compare against the logistic regression.
func TrainNB(ex []Example, alpha float64) *Model {
	pos := make([]float64, 1<<FeatureBits)
	neg := make([]float64, 1<<FeatureBits)
	np, nn := 0.0, 0.0
	for _, x := range ex {
		c := neg
		if x.Complaint {
			c, np = pos, np+1
		} else {
			nn++
		}
		for _, i := range x.F {
			c[i]++
		}
	}
	m := &Model{W: make([]float32, len(pos)), PlattA: 1, Bias: math.Log((np + 1) / (nn + 1))}
	for i := range pos {
		if pos[i]+neg[i] == 0 {
			continue
		}
		m.W[i] = float32(math.Log((pos[i]+alpha)/(np+2*alpha)) - math.Log((neg[i]+alpha)/(nn+2*alpha)))
	}
	return m
}

// Folds assigns each example to one of k folds, stratified by label, in a
// fixed shuffled order.
func Folds(ex []Example, k int, seed uint64) []int {
	r := rng(seed)
	fold := make([]int, len(ex))
	var pos, neg int
	for _, i := range r.perm(len(ex)) {
		if ex[i].Complaint {
			fold[i] = pos % k
			pos++
		} else {
			fold[i] = neg % k
			neg++
		}
	}
	return fold
}

// OutOfFold trains on all folds but one and scores that one, for every
// fold: each example's raw score from a model that did not see it.
func OutOfFold(ex []Example, fold []int, k int, train func([]Example) *Model) ([]float64, []*Model) {
	scores := make([]float64, len(ex))
	models := make([]*Model, k)
	for f := 0; f < k; f++ {
		var tr []Example
		for i, x := range ex {
			if fold[i] != f {
				tr = append(tr, x)
			}
		}
		m := train(tr)
		models[f] = m
		for i, x := range ex {
			if fold[i] == f {
				scores[i] = m.Score(x.F)
			}
		}
	}
	return scores, models
}

// FitPlatt fits p = sigmoid(a*s + b) to labelled scores by Newton's
// method, with Platt's smoothed targets.
func FitPlatt(scores []float64, y []bool) (a, b float64) {
	var np, nn float64
	for _, c := range y {
		if c {
			np++
		} else {
			nn++
		}
	}
	hi, lo := (np+1)/(np+2), 1/(nn+2)
	a, b = 1, 0
	for it := 0; it < 100; it++ {
		var ga, gb, haa, hab, hbb float64
		for i, s := range scores {
			t := lo
			if y[i] {
				t = hi
			}
			p := sigmoid(a*s + b)
			d := p - t
			ga += d * s
			gb += d
			w := p * (1 - p)
			haa += w * s * s
			hab += w * s
			hbb += w
		}
		haa += 1e-9
		hbb += 1e-9
		det := haa*hbb - hab*hab
		if det == 0 {
			break
		}
		da := (hbb*ga - hab*gb) / det
		db := (haa*gb - hab*ga) / det
		a, b = a-da, b-db
		if math.Abs(da)+math.Abs(db) < 1e-10 {
			break
		}
	}
	return a, b
}

// AUC is the area under the ROC curve of scores for labels y.
func AUC(scores []float64, y []bool) float64 {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return scores[idx[i]] < scores[idx[j]] })
	var np, nn, rankSum float64
	for r := 0; r < len(idx); {
		s := r
		for r < len(idx) && scores[idx[r]] == scores[idx[s]] {
			r++
		}
		avg := float64(s+r+1) / 2
		for k := s; k < r; k++ {
			if y[idx[k]] {
				rankSum += avg
				np++
			} else {
				nn++
			}
		}
	}
	if np == 0 || nn == 0 {
		return 1
	}
	return (rankSum - np*(np+1)/2) / (np * nn)
}
