package demo

import (
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/nn"
)

// predictor runs the trained model on fixed-length windows of frames-1 tokens and returns the
// most likely next token at every position. One shape means one compilation; the causal mask
// makes the prediction at position t depend on tokens 0..t only, so padding after t is inert.
type predictor struct {
	exec   *model.Exec
	length int
}

func newPredictor(backend compute.Backend, store *model.Store, cfg nn.TransformerConfig, frames int) (*predictor, error) {
	exec, err := model.NewExec(backend, store, func(scope *model.Scope, tokens *graph.Node) *graph.Node {
		return graph.ConvertDType(graph.ArgMax(nn.TransformerLM(scope, cfg, tokens), -1), tokens.DType())
	})
	if err != nil {
		return nil, fmt.Errorf("demo: build predictor: %w", err)
	}
	return &predictor{exec: exec, length: frames - 1}, nil
}

func (p *predictor) Finalize() { p.exec.Finalize() }

// next returns the predicted next token for every position of every window.
func (p *predictor) next(windows [][]int32) ([][]int32, error) {
	out, err := p.exec.Exec1(tensors.FromValue(windows))
	if err != nil {
		return nil, fmt.Errorf("demo: predict: %w", err)
	}
	flat, err := tensors.CopyFlatData[int32](out)
	if err != nil {
		return nil, fmt.Errorf("demo: predict: %w", err)
	}
	rows := make([][]int32, len(windows))
	for i := range rows {
		rows[i] = flat[i*p.length : (i+1)*p.length]
	}
	return rows, nil
}

// teacherForcedAccuracy is the fraction of next frames predicted right given the true past.
func (p *predictor) teacherForcedAccuracy(seqs [][]int32) (float64, error) {
	windows := make([][]int32, len(seqs))
	for i, s := range seqs {
		windows[i] = s[:p.length]
	}
	pred, err := p.next(windows)
	if err != nil {
		return 0, err
	}
	var ok int
	for i, s := range seqs {
		for t := range p.length {
			if pred[i][t] == s[t+1] {
				ok++
			}
		}
	}
	return float64(ok) / float64(len(seqs)*p.length), nil
}

// rollout gives the model the first prefix frames of each sequence and lets it predict the
// rest from its own outputs, one frame at a time.
func (p *predictor) rollout(seqs [][]int32, prefix int) ([][]int32, error) {
	windows := make([][]int32, len(seqs))
	for i, s := range seqs {
		windows[i] = make([]int32, p.length+1)
		copy(windows[i], s[:prefix])
	}
	for t := prefix; t <= p.length; t++ {
		in := make([][]int32, len(windows))
		for i := range windows {
			in[i] = windows[i][:p.length]
		}
		pred, err := p.next(in)
		if err != nil {
			return nil, err
		}
		for i := range windows {
			windows[i][t] = pred[i][t-1]
		}
	}
	return windows, nil
}
