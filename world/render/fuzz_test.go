package render

import (
	"errors"
	"math"
	"testing"
)

// FuzzRender feeds arbitrary poses, sizes and camera parameters through Validate and Render:
// every input must either render or fail with one of the package's typed errors, and never
// panic. Sizes are kept small so each input renders quickly.
func FuzzRender(f *testing.F) {
	f.Add(uint8(32), uint8(24), 0.05, 0.0, 0.0, 0.3, 0.2, -0.1, 1.0, 0.5, 0.4, uint8(2), uint8(1))
	f.Add(uint8(1), uint8(1), 1e-9, 1e300, -1e300, 7.0, 1e300, 1e-300, 1e300, 1e-300, 1e300, uint8(3), uint8(3))
	f.Add(uint8(0), uint8(5), math.NaN(), math.Inf(1), 0.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, uint8(1), uint8(9))
	f.Add(uint8(64), uint8(64), 1e9, 0.0, 0.0, 0.0, 1e-12, 1e12, 1e-12, 3.0, 4.0, uint8(0), uint8(2))
	f.Fuzz(func(t *testing.T, w, h uint8, mpp, cx, cy, roll, x, y, angle, size, scale float64, kind, tex uint8) {
		cam := Camera{Width: int(w), Height: int(h), Center: Vec2{cx, cy}, MetresPerPixel: mpp, Roll: roll}
		body := Body{ID: 1, Pose: Pose{X: x, Y: y, Angle: angle},
			Shape:    Shape{Kind: ShapeKind(kind % 4), Radius: size, HalfW: size, HalfH: scale, Vertices: []Vec2{{0, 0}, {size, 0}, {0, scale}}},
			Material: Material{Color: RGB{200, 10, 10}, Texture: TextureKind(tex % 5), Pattern: RGB{10, 200, 10}, Scale: scale, Seed: uint64(tex)}}
		s := Scene{Bodies: []Body{
			{Shape: Shape{Kind: Box, HalfW: 10, HalfH: 1}, Pose: Pose{Y: -1}, Static: true},
			body,
		}, Light: DefaultLight, Background: Background{Kind: BackgroundKind(kind % 4), Texture: TextureKind(tex % 5), Scale: scale, Seed: 1}}
		n := max(int(w)*int(h), 0)
		pix, mask := make([]uint8, 3*n), make([]uint16, n)
		err := NewRenderer().Render(pix, mask, &s, cam)
		var ce *CameraError
		var se *SceneError
		if err != nil && !errors.As(err, &ce) && !errors.As(err, &se) {
			t.Fatalf("untyped error %v", err)
		}
		if err == nil {
			for _, id := range mask {
				if id > 1 {
					t.Fatalf("mask holds id %d, scene has only id 1", id)
				}
			}
		}
	})
}
