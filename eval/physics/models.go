package physics

import (
	"io"
	"slices"
	"strings"
)

// OpenModels returns the baselines followed by the models specs names (OpenModel's specs; empty
// ones skipped, one already in the list not added again), each opened with opts, and a function
// that closes those that hold resources (an io.Closer, such as a model's backend). On error the
// models opened so far are closed.
func OpenModels(specs []string, opts ModelOptions) (preds []Predictor, closeAll func(), err error) {
	preds = Baselines()
	var closers []io.Closer
	closeAll = func() {
		for _, c := range slices.Backward(closers) {
			_ = c.Close()
		}
	}
	for _, spec := range specs {
		if spec = strings.TrimSpace(spec); spec == "" {
			continue
		}
		p, err := OpenModel(spec, opts)
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		if c, ok := p.(io.Closer); ok {
			closers = append(closers, c)
		}
		if !slices.ContainsFunc(preds, func(q Predictor) bool { return q.Name() == p.Name() }) {
			preds = append(preds, p)
		}
	}
	return preds, closeAll, nil
}
