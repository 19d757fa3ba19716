package render

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkRender renders the random 10-body scene (ground, circles, boxes and polygons with
// every texture, gradient sky, shading and contact shadows) into a colour buffer and a mask.
func BenchmarkRender(b *testing.B) {
	ground := Body{Shape: Shape{Kind: Box, HalfW: 20, HalfH: 1}, Pose: Pose{Y: -1},
		Material: Material{Color: RGB{110, 150, 90}, Texture: Noise, Pattern: RGB{90, 120, 70}, Scale: 0.3}, Static: true}
	s := randomScene(rand.New(rand.NewPCG(11, 12)), 10, ground)
	for _, size := range [][2]int{{64, 64}, {128, 128}, {1280, 720}} {
		b.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(b *testing.B) {
			cam := sceneCamera(size[0], size[1])
			pix := make([]uint8, size[0]*size[1]*3)
			mask := make([]uint16, size[0]*size[1])
			r := NewRenderer()
			b.ReportAllocs()
			for b.Loop() {
				if err := r.Render(pix, mask, &s, cam); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
