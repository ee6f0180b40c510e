package recognize

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"sync"
)

// Model is a linear model over Features: logistic regression on
// L2-normalised binary features, its raw score calibrated to a probability
// by Platt scaling fitted on out-of-fold scores, with the two thresholds
// chosen by cross-validation (see internal/train and model/REPORT.md).
type Model struct {
	W      []float32 // one weight per bucket, len 1<<FeatureBits
	Bias   float64
	PlattA float64 // p = 1 / (1 + exp(-(PlattA*score + PlattB)))
	PlattB float64
	// AutoAt: from this probability a grievance about the firm is
	// acknowledged at once.
	AutoAt float64
	// DoubtAt: from this probability a mail is held for a director.
	DoubtAt float64
	// CV is what 5-fold cross-validation measured on the training mail.
	CV CVFigures
	// Common are the features of more than commonShare of the training
	// mail: the language of every mail. The firm's layer does not learn
	// them, so what it learns from one mail does not move every other.
	Common map[uint32]bool
}

// commonShare is the share of training mail from which a feature is common.
const commonShare = 0.05

// CVFigures are the out-of-fold figures of the training mail at the
// model's thresholds.
type CVFigures struct {
	Mails, Precision, Recall, Held, AckedAtOnce float64
}

// Score is the raw margin of the features.
func (m *Model) Score(f Features) float64 {
	if len(f) == 0 {
		return m.Bias
	}
	s := 0.0
	for _, i := range f {
		s += float64(m.W[i])
	}
	return m.Bias + s*norm(len(f))
}

// norm scales the binary features of a mail with n of them.
func norm(n int) float64 {
	if e := os.Getenv("XN0"); e != "" {
		n0, _ := strconv.Atoi(e)
		n = max(n, n0)
	}
	return 1 / math.Sqrt(float64(n))
}

// Prob is the calibrated probability that a mail with score s is a complaint.
func (m *Model) Prob(s float64) float64 { return sigmoid(m.PlattA*s + m.PlattB) }

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// contribution is what the features of one part of a mail add to the
// score when the whole mail has n features: it finds the sentences that
// carry the grievance.
func (m *Model) contribution(f Features, n int) float64 {
	if n == 0 {
		return 0
	}
	s := 0.0
	for _, i := range f {
		s += float64(m.W[i])
	}
	return s * norm(n)
}

const modelMagic = "KBRM3\n"

// MarshalBinary writes the model compactly: the header, then the non-zero
// weights as (varint gap, int16) pairs quantised to the largest weight.
func (m *Model) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(modelMagic)
	max := 0.0
	for _, w := range m.W {
		max = math.Max(max, math.Abs(float64(w)))
	}
	scale := max / math.MaxInt16
	if scale == 0 {
		scale = 1
	}
	for _, f := range []float64{m.Bias, m.PlattA, m.PlattB, m.AutoAt, m.DoubtAt, scale,
		m.CV.Mails, m.CV.Precision, m.CV.Recall, m.CV.Held, m.CV.AckedAtOnce} {
		binary.Write(&b, binary.LittleEndian, f)
	}
	buf := make([]byte, binary.MaxVarintLen64)
	var nz []int
	for i, w := range m.W {
		if math.Round(float64(w)/scale) != 0 {
			nz = append(nz, i)
		}
	}
	common := make([]int, 0, len(m.Common))
	for i := range m.Common {
		common = append(common, int(i))
	}
	sort.Ints(common)
	binary.Write(&b, binary.LittleEndian, uint32(len(common)))
	prevC := 0
	for _, i := range common {
		b.Write(buf[:binary.PutUvarint(buf, uint64(i-prevC))])
		prevC = i
	}
	binary.Write(&b, binary.LittleEndian, uint32(len(m.W)))
	binary.Write(&b, binary.LittleEndian, uint32(len(nz)))
	prev := 0
	for _, i := range nz {
		b.Write(buf[:binary.PutUvarint(buf, uint64(i-prev))])
		prev = i
		binary.Write(&b, binary.LittleEndian, int16(math.Round(float64(m.W[i])/scale)))
	}
	return b.Bytes(), nil
}

// UnmarshalBinary reads what MarshalBinary wrote.
func (m *Model) UnmarshalBinary(data []byte) error {
	if !bytes.HasPrefix(data, []byte(modelMagic)) {
		return errors.New("not a klachtbot recognition model")
	}
	r := bytes.NewReader(data[len(modelMagic):])
	var scale float64
	for _, f := range []*float64{&m.Bias, &m.PlattA, &m.PlattB, &m.AutoAt, &m.DoubtAt, &scale,
		&m.CV.Mails, &m.CV.Precision, &m.CV.Recall, &m.CV.Held, &m.CV.AckedAtOnce} {
		if err := binary.Read(r, binary.LittleEndian, f); err != nil {
			return fmt.Errorf("reading the model's header: %w", err)
		}
	}
	var nc uint32
	if err := binary.Read(r, binary.LittleEndian, &nc); err != nil {
		return fmt.Errorf("reading the model's common features: %w", err)
	}
	m.Common = make(map[uint32]bool, nc)
	c := uint64(0)
	for k := uint32(0); k < nc; k++ {
		gap, err := binary.ReadUvarint(r)
		if err != nil {
			return fmt.Errorf("reading the model's common features: %w", err)
		}
		c += gap
		m.Common[uint32(c)] = true
	}
	var size, n uint32
	if err := binary.Read(r, binary.LittleEndian, &size); err != nil {
		return fmt.Errorf("reading the model's size: %w", err)
	}
	if size != 1<<FeatureBits {
		return fmt.Errorf("model has %d buckets, want %d", size, 1<<FeatureBits)
	}
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return fmt.Errorf("reading the model's size: %w", err)
	}
	m.W = make([]float32, size)
	i := 0
	for k := uint32(0); k < n; k++ {
		gap, err := binary.ReadUvarint(r)
		if err != nil {
			return fmt.Errorf("reading weight %d: %w", k, err)
		}
		var q int16
		if err := binary.Read(r, binary.LittleEndian, &q); err != nil {
			return fmt.Errorf("reading weight %d: %w", k, err)
		}
		i += int(gap)
		if i >= len(m.W) {
			return fmt.Errorf("weight %d out of range", k)
		}
		m.W[i] = float32(float64(q) * scale)
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return errors.New("trailing data after the model's weights")
	}
	return nil
}

//go:embed model/weights.bin
var embeddedWeights []byte

var (
	baseOnce  sync.Once
	baseModel *Model
	baseErr   error
)

// BaseModel is the model embedded in the binary, trained on the labelled
// mail in testdata (go run ./workflow/recognize/internal/train).
func BaseModel() (*Model, error) {
	baseOnce.Do(func() {
		m := &Model{}
		if err := m.UnmarshalBinary(embeddedWeights); err != nil {
			baseErr = fmt.Errorf("loading the embedded recognition model: %w", err)
			return
		}
		baseModel = m
	})
	return baseModel, baseErr
}
