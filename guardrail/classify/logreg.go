package classify

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"github.com/wfm-platform/wfm/guardrail/text"
)

// The built-in classifier's training data: "LABEL<TAB>TEXT" lines, LABEL safe or unsafe.
//
//go:embed data/train.tsv
var defaultTraining []byte

// DefaultTrainingData returns the shipped training file.
func DefaultTrainingData() []byte { return bytes.Clone(defaultTraining) }

// Hyperparameters of the built-in classifier.
const (
	// Buckets is the size of the hashed feature space (2^18: collisions are rare for a
	// vocabulary of tens of thousands of n-grams).
	Buckets = 1 << 18
	// L2 is the weight decay of the logistic regression, Epochs the passes of stochastic
	// gradient descent over the shuffled examples, LearningRate the step size.
	L2           = 1e-4
	Epochs       = 30
	LearningRate = 0.2
	// DefaultThreshold is the probability of unsafe at or above which a prompt is unsafe.
	DefaultThreshold = 0.5
)

// ErrData is wrapped by errors about training data and model files.
var ErrData = errors.New("malformed classifier data")

// Example is one labelled training prompt.
type Example struct {
	Text   string
	Unsafe bool
}

// ParseExamples reads "LABEL<TAB>TEXT" lines (LABEL safe or unsafe); blank lines and # comments
// are skipped. name is used in errors.
func ParseExamples(data []byte, name string) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		label, txt, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(txt) == "" {
			return nil, fmt.Errorf("classify: %s line %d: want LABEL<TAB>TEXT: %w", name, n, ErrData)
		}
		switch label {
		case "safe", "unsafe":
		default:
			return nil, fmt.Errorf("classify: %s line %d: label %q is neither safe nor unsafe: %w", name, n, label, ErrData)
		}
		out = append(out, Example{Text: txt, Unsafe: label == "unsafe"})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("classify: %s line %d: %v: %w", name, n+1, err, ErrData)
	}
	var counts [2]int
	for _, e := range out {
		counts[b2i(e.Unsafe)]++
	}
	if counts[0] == 0 || counts[1] == 0 {
		return nil, fmt.Errorf("classify: %s: need safe and unsafe examples, have %d and %d: %w", name, counts[0], counts[1], ErrData)
	}
	return out, nil
}

// LogReg is the built-in prompt classifier: logistic regression over hashed binary features
// (see the package documentation).
type LogReg struct {
	// Threshold is the probability of unsafe at or above which a prompt is unsafe.
	Threshold float64
	docs      [2]int
	bias      float64
	weights   map[uint32]float64
}

// TrainLogReg fits the classifier to examples by stochastic gradient descent on the L2-
// regularized log loss, visiting the examples in an order shuffled with seed (deterministic).
// The safe and unsafe classes are weighted to count equally, whatever their sizes.
func TrainLogReg(examples []Example, seed uint64) *LogReg {
	m := &LogReg{Threshold: DefaultThreshold, weights: map[uint32]float64{}}
	feats := make([][]uint32, len(examples))
	for i, e := range examples {
		feats[i] = Features(e.Text)
		m.docs[b2i(e.Unsafe)]++
	}
	classWeight := [2]float64{}
	for c := range 2 {
		if m.docs[c] > 0 {
			classWeight[c] = float64(len(examples)) / (2 * float64(m.docs[c]))
		}
	}
	w := make([]float64, Buckets)
	order := make([]int, len(examples))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for epoch := range Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		lr := LearningRate / (1 + float64(epoch)/10)
		for _, i := range order {
			z := m.bias
			for _, f := range feats[i] {
				z += w[f]
			}
			y := float64(b2i(examples[i].Unsafe))
			g := (sigmoid(z) - y) * classWeight[b2i(examples[i].Unsafe)]
			m.bias -= lr * g
			for _, f := range feats[i] {
				w[f] -= lr * (g + L2*w[f])
			}
		}
	}
	for f, v := range w {
		if v != 0 {
			m.weights[uint32(f)] = v
		}
	}
	return m
}

// DefaultSeed is the shuffling seed of the shipped model.
const DefaultSeed = 1

// DefaultLogReg trains the classifier on the shipped data.
func DefaultLogReg() (*LogReg, error) {
	ex, err := ParseExamples(defaultTraining, "default training data")
	if err != nil {
		return nil, err
	}
	return TrainLogReg(ex, DefaultSeed), nil
}

// Name says what the model is.
func (m *LogReg) Name() string {
	return fmt.Sprintf("builtin-logreg(%d safe + %d unsafe examples)", m.docs[0], m.docs[1])
}

// Probability is the model's probability that text is unsafe.
func (m *LogReg) Probability(text string) float64 {
	z := m.bias
	for _, f := range Features(text) {
		z += m.weights[f]
	}
	return sigmoid(z)
}

// ClassifyText labels a prompt; it fails only when ctx is done.
func (m *LogReg) ClassifyText(ctx context.Context, txt string) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	p := m.Probability(txt)
	r := Result{Safe: p < m.Threshold, Score: p, Model: m.Name()}
	if !r.Safe {
		r.Categories = []string{"unsafe (built-in classifier)"}
	}
	return r, nil
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// Features returns the distinct hashed features of a prompt: in every normalized view (package
// text), each word, each pair of neighbouring words, and the character 3- to 5-grams of each
// word padded with ^ and $.
func Features(s string) []uint32 {
	set := map[uint32]bool{}
	add := func(kind byte, parts ...string) {
		h := fnv.New32a()
		h.Write([]byte{kind})
		for _, p := range parts {
			h.Write([]byte(p))
			h.Write([]byte{0})
		}
		set[h.Sum32()%Buckets] = true
	}
	for _, v := range text.Views(s) {
		for i, t := range v.Tokens {
			add('w', t.Text)
			if i > 0 {
				add('b', v.Tokens[i-1].Text, t.Text)
			}
			p := "^" + t.Text + "$"
			for n := 3; n <= 5; n++ {
				for j := 0; j+n <= len(p); j++ {
					add('c', p[j:j+n])
				}
			}
		}
	}
	out := make([]uint32, 0, len(set))
	for f := range set {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// modelFile is the saved form of a LogReg: the non-zero weights by bucket.
type modelFile struct {
	Format    string             `json:"format"`
	Buckets   int                `json:"buckets"`
	Threshold float64            `json:"threshold"`
	Docs      [2]int             `json:"docs"`
	Bias      float64            `json:"bias"`
	Weights   map[string]float64 `json:"weights"`
}

const modelFormat = "wfm-guard-logreg-v1"

// MarshalJSON writes the model.
func (m *LogReg) MarshalJSON() ([]byte, error) {
	f := modelFile{Format: modelFormat, Buckets: Buckets, Threshold: m.Threshold, Docs: m.docs, Bias: m.bias,
		Weights: make(map[string]float64, len(m.weights))}
	for k, v := range m.weights {
		f.Weights[strconv.FormatUint(uint64(k), 10)] = v
	}
	return json.Marshal(f)
}

// LoadLogReg reads a model written by MarshalJSON; name is used in errors.
func LoadLogReg(data []byte, name string) (*LogReg, error) {
	var f modelFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("classify: model %s: %v: %w", name, err, ErrData)
	}
	if f.Format != modelFormat {
		return nil, fmt.Errorf("classify: model %s: format %q, want %q: %w", name, f.Format, modelFormat, ErrData)
	}
	if f.Buckets != Buckets {
		return nil, fmt.Errorf("classify: model %s: %d buckets, this build hashes into %d: %w", name, f.Buckets, Buckets, ErrData)
	}
	if !(f.Threshold > 0 && f.Threshold < 1) {
		return nil, fmt.Errorf("classify: model %s: threshold %v outside (0, 1): %w", name, f.Threshold, ErrData)
	}
	if f.Docs[0] <= 0 || f.Docs[1] <= 0 {
		return nil, fmt.Errorf("classify: model %s: trained on %d safe and %d unsafe examples, need both: %w", name, f.Docs[0], f.Docs[1], ErrData)
	}
	if math.IsNaN(f.Bias) || math.IsInf(f.Bias, 0) {
		return nil, fmt.Errorf("classify: model %s: bias %v: %w", name, f.Bias, ErrData)
	}
	m := &LogReg{Threshold: f.Threshold, docs: f.Docs, bias: f.Bias, weights: make(map[uint32]float64, len(f.Weights))}
	for k, v := range f.Weights {
		b, err := strconv.ParseUint(k, 10, 32)
		if err != nil || b >= Buckets {
			return nil, fmt.Errorf("classify: model %s: feature %q is not a bucket below %d: %w", name, k, Buckets, ErrData)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("classify: model %s: weight %q is %v: %w", name, k, v, ErrData)
		}
		m.weights[uint32(b)] = v
	}
	return m, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
