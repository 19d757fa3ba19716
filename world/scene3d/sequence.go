package scene3d

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/wfm-platform/wfm/internal/atomicfile"
	"github.com/wfm-platform/wfm/video"
)

// Conventions recorded in every GroundTruth, so a reader of the JSON alone can use it.
const (
	PixelCentreConvention = "integer: the centre of pixel (column u, row v) is image point (u, v)"
	AxisConvention        = "world +Y up; camera (OpenCV) +X right, +Y down, +Z forward; pose is world-to-camera X_cam = R X_world + t"
)

// FrameTruth is the camera of one frame: world-to-camera R and t, and the camera centre
// C = -R^T t in world coordinates.
type FrameTruth struct {
	Index  int  `json:"index"`
	R      Mat3 `json:"R"`
	T      Vec3 `json:"t"`
	Center Vec3 `json:"center"`
}

// GroundTruth is everything known about a rendered clip: the camera (K and the image size),
// the pose of every frame, the scene (objects, lighting, seed) and the conventions used.
type GroundTruth struct {
	Seed        uint64       `json:"seed"`
	Width       int          `json:"width"`
	Height      int          `json:"height"`
	FPS         float64      `json:"fps"`
	K           Mat3         `json:"K"`
	Intrinsics  Intrinsics   `json:"intrinsics"`
	PixelCentre string       `json:"pixel_centre"`
	Axes        string       `json:"axes"`
	Supersample int          `json:"supersample"`
	Frames      []FrameTruth `json:"frames"`
	Scene       *Scene       `json:"scene"`
}

// Pose returns the pose of frame i.
func (g *GroundTruth) Pose(i int) Pose { return Pose{R: g.Frames[i].R, T: g.Frames[i].T} }

// WriteJSON writes g as indented JSON to w.
func (g *GroundTruth) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(g)
}

// WriteFile writes g as JSON to path atomically.
func (g *GroundTruth) WriteFile(path string) error {
	if err := atomicfile.Write(path, 0o644, g.WriteJSON); err != nil {
		return fmt.Errorf("scene3d: write ground truth %s: %w", path, err)
	}
	return nil
}

// Sequence is a rendered clip with its per-pixel and per-frame ground truth. Depth and Mask
// hold Frames x Height x Width values in the order of Clip.Pix (without the channel axis).
type Sequence struct {
	Clip  *video.Clip
	Depth []float32
	Mask  []uint16
	Truth GroundTruth
}

// FrameDepth returns the depth map of frame t as a view into Depth.
func (q *Sequence) FrameDepth(t int) []float32 {
	n := q.Clip.Width * q.Clip.Height
	return q.Depth[t*n : (t+1)*n : (t+1)*n]
}

// FrameMask returns the instance mask of frame t as a view into Mask.
func (q *Sequence) FrameMask(t int) []uint16 {
	n := q.Clip.Width * q.Clip.Height
	return q.Mask[t*n : (t+1)*n : (t+1)*n]
}

// RenderSequence renders scene s from camera k at every pose, as a clip at fps frames per
// second with depth, masks and ground truth.
func RenderSequence(s *Scene, k Intrinsics, poses []Pose, fps float64, opt RenderOptions) (*Sequence, error) {
	if len(poses) == 0 || len(poses) > MaxFrames {
		return nil, paramErr("RenderSequence", "poses", len(poses), "need 1 to 65536 poses")
	}
	for i, p := range poses {
		if err := checkRender(s, k, p); err != nil {
			return nil, fmt.Errorf("scene3d: RenderSequence: frame %d: %w", i, err)
		}
	}
	n, err := opt.grid()
	if err != nil {
		return nil, err
	}
	clip, err := video.NewClip(len(poses), k.Height, k.Width, fps)
	if err != nil {
		return nil, fmt.Errorf("scene3d: RenderSequence: %w", err)
	}
	px := k.Width * k.Height
	q := &Sequence{
		Clip:  clip,
		Depth: make([]float32, len(poses)*px),
		Mask:  make([]uint16, len(poses)*px),
		Truth: GroundTruth{
			Seed: s.Seed, Width: k.Width, Height: k.Height, FPS: fps,
			K: k.Matrix(), Intrinsics: k,
			PixelCentre: PixelCentreConvention, Axes: AxisConvention,
			Supersample: n, Frames: make([]FrameTruth, len(poses)), Scene: s,
		},
	}
	for i, p := range poses {
		renderInto(s, k, p, n, clip.Frame(i), q.FrameDepth(i), q.FrameMask(i))
		q.Truth.Frames[i] = FrameTruth{Index: i, R: p.R, T: p.T, Center: p.Center()}
	}
	return q, nil
}
