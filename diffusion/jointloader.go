package diffusion

import (
	"encoding/json"
	"fmt"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/wfm-platform/wfm/train"
)

// JointLoader serves the batches of joint image+video training: each batch is a video batch
// followed by an image batch (TrainLoss's 7-tensor layout), from two train.SliceLoaders.
type JointLoader struct {
	Video, Image *train.SliceLoader
}

// Next implements train.Loader.
func (l *JointLoader) Next() ([]*tensors.Tensor, error) {
	v, err := l.Video.Next()
	if err != nil {
		return nil, err
	}
	i, err := l.Image.Next()
	if err != nil {
		return nil, err
	}
	return append(v, i...), nil
}

// State implements train.Loader.
func (l *JointLoader) State() ([]byte, error) {
	v, err := l.Video.State()
	if err != nil {
		return nil, err
	}
	i, err := l.Image.State()
	if err != nil {
		return nil, err
	}
	return json.Marshal([2][]byte{v, i})
}

// Restore implements train.Loader.
func (l *JointLoader) Restore(state []byte) error {
	var s [2][]byte
	if err := json.Unmarshal(state, &s); err != nil {
		return fmt.Errorf("diffusion: joint loader state: %w", err)
	}
	if err := l.Video.Restore(s[0]); err != nil {
		return err
	}
	return l.Image.Restore(s[1])
}
