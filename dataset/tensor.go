package dataset

import (
	"fmt"

	"github.com/gomlx/gomlx/core/tensors"
)

// DecodeFunc turns a batch of samples into the tensors of one training batch, in the order
// the loss function takes them, always with the same shapes.
type DecodeFunc func(batch []*Sample) ([]*tensors.Tensor, error)

// TensorLoader serves batches of decoded samples from a Loader. It satisfies the training
// loop's Loader interface (train.Loader): its state is the Loader's, taken between batches.
type TensorLoader struct {
	loader    *Loader
	batchSize int
	decode    DecodeFunc
}

// NewTensorLoader batches the samples of l by batchSize through decode. A batch size below 1
// or a nil decoder is a programmer error and panics.
func NewTensorLoader(l *Loader, batchSize int, decode DecodeFunc) *TensorLoader {
	if batchSize < 1 || decode == nil || l == nil {
		panic(fmt.Sprintf("dataset: NewTensorLoader needs a loader, a batch size >= 1 (got %d) and a decoder", batchSize))
	}
	return &TensorLoader{loader: l, batchSize: batchSize, decode: decode}
}

// Next returns the next batch. A batch may span an epoch boundary.
func (t *TensorLoader) Next() ([]*tensors.Tensor, error) {
	batch := make([]*Sample, t.batchSize)
	for i := range batch {
		s, err := t.loader.Next()
		if err != nil {
			return nil, err
		}
		batch[i] = s
	}
	out, err := t.decode(batch)
	if err != nil {
		return nil, fmt.Errorf("dataset: decode batch (first sample %q of %s): %w", batch[0].Key, batch[0].Shard, err)
	}
	return out, nil
}

// State returns the underlying Loader's state.
func (t *TensorLoader) State() ([]byte, error) { return t.loader.State() }

// Restore restores the underlying Loader's state.
func (t *TensorLoader) Restore(state []byte) error { return t.loader.Restore(state) }
