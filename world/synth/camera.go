package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/wfm-platform/wfm/world/physics"
	"github.com/wfm-platform/wfm/world/scene3d"
)

// Camera scenarios: a static textured 3-D scene seen by a moving pinhole camera, the ground
// truth of the 3-D consistency benchmark (exact intrinsics, poses and depth).
const (
	CameraOrbit physics.Scenario = "camera_orbit"
	CameraDolly physics.Scenario = "camera_dolly"
	CameraPan   physics.Scenario = "camera_pan"
)

// CameraScenarios lists the camera scenarios.
func CameraScenarios() []physics.Scenario {
	return []physics.Scenario{CameraOrbit, CameraDolly, CameraPan}
}

func isCamera(s physics.Scenario) bool { return slices.Contains(CameraScenarios(), s) }

// cameraHFOV is the horizontal field of view of the camera scenarios (degrees).
const cameraHFOV = 60

// CameraRanges are the named ranges of the camera motion. The out-of-distribution split
// moves the camera further and faster than the training split.
type CameraRanges struct {
	OrbitSweepDeg [2]float64 // azimuth swept over the clip
	OrbitRadius   [2]float64 // m, inside the room (walls at +-Room/2)
	Height        [2]float64 // camera height, m
	DollyLength   [2]float64 // m
	PanSweepDeg   [2]float64
}

// CameraRangesFor returns the ranges of a split.
func CameraRangesFor(split physics.Split) CameraRanges {
	if split == physics.OutOfDistribution {
		return CameraRanges{OrbitSweepDeg: [2]float64{90, 150}, OrbitRadius: [2]float64{2.0, 2.6},
			Height: [2]float64{2.6, 3.2}, DollyLength: [2]float64{2.2, 3.0}, PanSweepDeg: [2]float64{70, 110}}
	}
	return CameraRanges{OrbitSweepDeg: [2]float64{20, 80}, OrbitRadius: [2]float64{2.8, 3.4},
		Height: [2]float64{1.2, 2.4}, DollyLength: [2]float64{0.8, 2.0}, PanSweepDeg: [2]float64{15, 60}}
}

// cameraPath draws the path of a camera scenario.
func cameraPath(s physics.Scenario, r CameraRanges, rng *rand.Rand) scene3d.Path {
	sign := 1.0
	if rng.IntN(2) == 0 {
		sign = -1
	}
	h := uniform(rng, r.Height)
	switch s {
	case CameraOrbit:
		return scene3d.Orbit{Target: scene3d.Vec3{Y: 0.5}, Radius: uniform(rng, r.OrbitRadius), Height: h - 0.5,
			StartDeg: 360 * rng.Float64(), SweepDeg: sign * uniform(rng, r.OrbitSweepDeg)}
	case CameraDolly:
		l := uniform(rng, r.DollyLength)
		from := scene3d.Vec3{X: 0.6 * (rng.Float64() - 0.5), Y: h, Z: 3.6}
		return scene3d.Dolly{From: from, To: scene3d.Vec3{X: from.X, Y: h, Z: 3.6 - l}, Look: scene3d.Vec3{Y: -0.3, Z: -1}}
	default:
		sweep := uniform(rng, r.PanSweepDeg)
		return scene3d.Pan{Eye: scene3d.Vec3{Y: h, Z: 3.4}, StartDeg: -sign * sweep / 2, SweepDeg: sign * sweep, PitchDeg: -15}
	}
}

// CameraTruth is the ground truth of a camera clip, in Record.Camera3D.
type CameraTruth struct {
	PathKind string               `json:"path_kind"` // "orbit", "dolly" or "pan"
	Path     json.RawMessage      `json:"path"`      // the scene3d.Orbit, Dolly or Pan
	Truth    *scene3d.GroundTruth `json:"truth"`     // intrinsics, per-frame poses, scene
}

// makeCamera renders clip k of a camera scenario.
func makeCamera(o Options, k int, s physics.Scenario, seed uint64, rng *rand.Rand) (*Clip, error) {
	scene, err := scene3d.RandomScene(rng.Uint64(), scene3d.DefaultSceneOptions())
	if err != nil {
		return nil, fmt.Errorf("synth: clip %d (%s): %w", k, s, err)
	}
	path := cameraPath(s, CameraRangesFor(o.Split), rng)
	poses, err := path.Poses(o.Frames)
	if err != nil {
		return nil, fmt.Errorf("synth: clip %d (%s): %w", k, s, err)
	}
	intr, err := scene3d.NewIntrinsics(o.Width, o.Height, cameraHFOV)
	if err != nil {
		return nil, fmt.Errorf("synth: clip %d (%s): %w", k, s, err)
	}
	seq, err := scene3d.RenderSequence(scene, intr, poses, float64(o.FPS), scene3d.RenderOptions{})
	if err != nil {
		return nil, fmt.Errorf("synth: clip %d (%s): %w", k, s, err)
	}
	masks := make([]uint8, len(seq.Mask))
	for i, id := range seq.Mask {
		masks[i] = uint8(min(id, 255))
	}
	motion := map[physics.Scenario]string{CameraOrbit: "orbits around", CameraDolly: "moves forward through", CameraPan: "pans across"}[s]
	n := len(scene.Objects)
	caps := []string{
		fmt.Sprintf("The camera %s a room holding %d textured boxes and spheres.", motion, n),
		fmt.Sprintf("A static indoor scene of textured objects, filmed by a camera that %s it.", motion),
		fmt.Sprintf("Camera motion through a still 3-D scene: the view %s %d objects on a checkered floor.", motion, n),
	}
	pathJSON, err := json.Marshal(path)
	if err != nil {
		return nil, err
	}
	kind := map[physics.Scenario]string{CameraOrbit: "orbit", CameraDolly: "dolly", CameraPan: "pan"}[s]
	rec := Record{Key: Key(k), Index: k, Seed: seed, Split: o.Split, Width: o.Width, Height: o.Height,
		Scenario: s, Captions: caps[:min(o.Captions, len(caps))],
		Camera3D: &CameraTruth{PathKind: kind, Path: pathJSON, Truth: &seq.Truth}}
	return &Clip{Record: rec, Video: seq.Clip, Masks: masks, Depth: seq.Depth}, nil
}

// depthPNG stores depth maps (frames stacked vertically) as 16-bit millimetres: 0 is sky or
// beyond 65.535 m; the quantization error is under 0.5 mm.
func depthPNG(depth []float32, width, height int) ([]byte, error) {
	img := image.NewGray16(image.Rect(0, 0, width, height))
	for i, d := range depth {
		mm := 0.0
		if !math.IsInf(float64(d), 0) && !math.IsNaN(float64(d)) && d > 0 {
			mm = math.Min(math.Round(float64(d)*1000), 65535)
		}
		img.Pix[2*i], img.Pix[2*i+1] = uint8(uint16(mm)>>8), uint8(uint16(mm))
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
