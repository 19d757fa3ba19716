package scene3d

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// maxTruthBytes bounds the JSON ReadGroundTruth accepts: 64 MiB holds tens of thousands of
// frames and the largest scenes.
const maxTruthBytes = 64 << 20

// ErrMalformed is the kind of a ground-truth file that is not valid JSON of a GroundTruth or
// whose content is inconsistent (a pose that is not a rotation, K that does not match the
// intrinsics, frames out of order).
var ErrMalformed = errors.New("malformed ground truth")

// TruthError reports a problem with one ground-truth file: Name is its path (or a name given
// for a stream), Reason says what is wrong, Err is ErrMalformed or the underlying I/O error.
type TruthError struct {
	Name   string
	Reason string
	Err    error
}

func (e *TruthError) Error() string {
	return fmt.Sprintf("scene3d: ground truth %s: %s: %v", e.Name, e.Reason, e.Err)
}

// Unwrap returns the kind of failure.
func (e *TruthError) Unwrap() error { return e.Err }

// ReadGroundTruthFile reads and validates the ground truth JSON at path.
func ReadGroundTruthFile(path string) (*GroundTruth, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &TruthError{Name: path, Reason: "open", Err: err}
	}
	defer f.Close()
	return ReadGroundTruth(f, path)
}

// ReadGroundTruth decodes ground truth JSON (as written by GroundTruth.WriteJSON) from r and
// validates it; name labels errors. Inputs over 64 MiB are refused.
func ReadGroundTruth(r io.Reader, name string) (*GroundTruth, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxTruthBytes+1))
	if err != nil {
		return nil, &TruthError{Name: name, Reason: "read", Err: err}
	}
	if len(data) > maxTruthBytes {
		return nil, &TruthError{Name: name, Reason: "larger than 64 MiB", Err: ErrMalformed}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var g GroundTruth
	if err := dec.Decode(&g); err != nil {
		return nil, &TruthError{Name: name, Reason: "decode JSON: " + err.Error(), Err: ErrMalformed}
	}
	if dec.More() {
		return nil, &TruthError{Name: name, Reason: "data after the JSON object", Err: ErrMalformed}
	}
	if err := g.Validate(); err != nil {
		return nil, &TruthError{Name: name, Reason: err.Error(), Err: ErrMalformed}
	}
	return &g, nil
}

// Validate checks that g is self-consistent: valid intrinsics matching the image size and K,
// a positive frame rate, a supersampling factor in range, frames numbered 0, 1, ... with
// rotation matrices, finite translations and centres equal to -R^T t, and a valid scene.
func (g *GroundTruth) Validate() error {
	if err := g.Intrinsics.Validate(); err != nil {
		return err
	}
	if g.Width != g.Intrinsics.Width || g.Height != g.Intrinsics.Height {
		return errors.New("image size differs from the intrinsics")
	}
	if g.K != g.Intrinsics.Matrix() {
		return errors.New("K differs from the intrinsics")
	}
	if !finite(g.FPS) || g.FPS <= 0 {
		return fmt.Errorf("fps %v is not a positive number", g.FPS)
	}
	if g.Supersample < 1 || g.Supersample > maxSupersample {
		return fmt.Errorf("supersample %d is not in [1, 8]", g.Supersample)
	}
	if len(g.Frames) == 0 || len(g.Frames) > MaxFrames {
		return fmt.Errorf("%d frames, want 1 to 65536", len(g.Frames))
	}
	for i, f := range g.Frames {
		if f.Index != i {
			return fmt.Errorf("frame %d has index %d", i, f.Index)
		}
		p := Pose{R: f.R, T: f.T}
		if err := p.Validate(); err != nil {
			return fmt.Errorf("frame %d: %w", i, err)
		}
		c := p.Center()
		if !f.Center.IsFinite() || f.Center.Sub(c).Norm() > 1e-6*(1+c.Norm()) {
			return fmt.Errorf("frame %d: centre %v is not -R^T t = %v", i, f.Center, c)
		}
	}
	if g.Scene == nil {
		return errors.New("no scene")
	}
	if g.Scene.Seed != g.Seed {
		return fmt.Errorf("scene seed %d differs from seed %d", g.Scene.Seed, g.Seed)
	}
	return g.Scene.Validate()
}
