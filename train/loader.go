package train

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
)

// Loader yields the batches of a run. Next returns the tensors of the next batch, in the
// order the LossFn takes them, always with the same shapes. State encodes the position after
// the batches returned so far, and Restore goes back to such a position, so that a resumed
// run sees exactly the batches the interrupted one would have seen. Run calls State only
// between calls to Next.
type Loader interface {
	Next() ([]*tensors.Tensor, error)
	State() ([]byte, error)
	Restore(state []byte) error
}

// SliceLoader serves batches from examples held in memory, shuffled anew every epoch by a
// seeded PCG generator (math/rand/v2). Each input tensor holds all the examples along its
// first axis; a batch takes the same rows of every input. An epoch yields floor(N/batchSize)
// batches, each example at most once; the remainder is left out so every batch has the same
// shape. Its state is the epoch, the index of the next example and the generator's state at
// the start of the epoch (from which that epoch's order is recomputed).
type SliceLoader struct {
	inputs    []sliceInput
	n         int
	batchSize int
	pcg       *rand.PCG
	order     []int
	epoch     int
	index     int
	epochPCG  []byte // generator state before this epoch's shuffle
}

type sliceInput struct {
	shape    shapes.Shape // of one batch
	data     []byte
	rowBytes int
}

// NewSliceLoader copies the examples of inputs (which must agree on their first dimension,
// at least batchSize) and prepares the first epoch.
func NewSliceLoader(batchSize int, seed uint64, inputs ...*tensors.Tensor) (*SliceLoader, error) {
	if len(inputs) == 0 {
		return nil, fmt.Errorf("train: slice loader needs at least one input tensor")
	}
	l := &SliceLoader{batchSize: batchSize, pcg: rand.NewPCG(seed, 0x5eed_10ad_e4)}
	for i, x := range inputs {
		s := x.Shape()
		if s.Rank() == 0 {
			return nil, fmt.Errorf("train: slice loader input %d is a scalar; examples go along the first axis", i)
		}
		if i == 0 {
			l.n = s.Dimensions[0]
		} else if s.Dimensions[0] != l.n {
			return nil, fmt.Errorf("train: slice loader input %d has %d examples, input 0 has %d", i, s.Dimensions[0], l.n)
		}
		var data []byte
		if err := x.ConstBytes(func(b []byte) { data = append([]byte(nil), b...) }); err != nil {
			return nil, fmt.Errorf("train: slice loader input %d: %w", i, err)
		}
		if l.n == 0 || len(data)%l.n != 0 {
			return nil, fmt.Errorf("train: slice loader input %d (%s): cannot split %d bytes into %d examples",
				i, s, len(data), l.n)
		}
		bs := s.Clone()
		bs.Dimensions[0] = batchSize
		l.inputs = append(l.inputs, sliceInput{shape: bs, data: data, rowBytes: len(data) / l.n})
	}
	if batchSize < 1 || batchSize > l.n {
		return nil, fmt.Errorf("train: slice loader batch size %d must be in [1, %d examples]", batchSize, l.n)
	}
	if err := l.startEpoch(0); err != nil {
		return nil, err
	}
	return l, nil
}

// startEpoch records the generator state and shuffles the order of epoch.
func (l *SliceLoader) startEpoch(epoch int) error {
	state, err := l.pcg.MarshalBinary()
	if err != nil {
		return fmt.Errorf("train: slice loader: %w", err)
	}
	l.epoch, l.index, l.epochPCG = epoch, 0, state
	if l.order == nil {
		l.order = make([]int, l.n)
	}
	for i := range l.order {
		l.order[i] = i
	}
	rand.New(l.pcg).Shuffle(l.n, func(i, j int) { l.order[i], l.order[j] = l.order[j], l.order[i] })
	return nil
}

// Epoch returns the current epoch (0-based).
func (l *SliceLoader) Epoch() int { return l.epoch }

// Next implements Loader. It never runs out: epochs follow one another.
func (l *SliceLoader) Next() ([]*tensors.Tensor, error) {
	if l.index+l.batchSize > l.n {
		if err := l.startEpoch(l.epoch + 1); err != nil {
			return nil, err
		}
	}
	rows := l.order[l.index : l.index+l.batchSize]
	l.index += l.batchSize
	batch := make([]*tensors.Tensor, len(l.inputs))
	for i, in := range l.inputs {
		t := tensors.FromShape(in.shape)
		err := t.MutableBytes(func(dst []byte) {
			for j, r := range rows {
				copy(dst[j*in.rowBytes:(j+1)*in.rowBytes], in.data[r*in.rowBytes:(r+1)*in.rowBytes])
			}
		})
		if err != nil {
			return nil, fmt.Errorf("train: slice loader: %w", err)
		}
		batch[i] = t
	}
	return batch, nil
}

// sliceLoaderState is the JSON form of a SliceLoader's position.
type sliceLoaderState struct {
	Examples  int    `json:"examples"`
	BatchSize int    `json:"batch_size"`
	Epoch     int    `json:"epoch"`
	Index     int    `json:"index"`
	PCG       []byte `json:"pcg"`
}

// State implements Loader.
func (l *SliceLoader) State() ([]byte, error) {
	return json.Marshal(sliceLoaderState{Examples: l.n, BatchSize: l.batchSize, Epoch: l.epoch, Index: l.index, PCG: l.epochPCG})
}

// Restore implements Loader. The state must come from a loader over as many examples with
// the same batch size; the examples themselves are not checked.
func (l *SliceLoader) Restore(state []byte) error {
	var s sliceLoaderState
	if err := json.Unmarshal(state, &s); err != nil {
		return fmt.Errorf("train: slice loader state: %w", err)
	}
	switch {
	case s.Examples != l.n || s.BatchSize != l.batchSize:
		return fmt.Errorf("train: slice loader state is for %d examples in batches of %d, this loader has %d in batches of %d",
			s.Examples, s.BatchSize, l.n, l.batchSize)
	case s.Epoch < 0 || s.Index < 0 || s.Index > l.n:
		return fmt.Errorf("train: slice loader state: epoch %d, index %d out of range", s.Epoch, s.Index)
	}
	pcg := &rand.PCG{}
	if err := pcg.UnmarshalBinary(s.PCG); err != nil {
		return fmt.Errorf("train: slice loader state: generator: %w", err)
	}
	l.pcg = pcg
	if err := l.startEpoch(s.Epoch); err != nil {
		return err
	}
	l.index = s.Index
	return nil
}
