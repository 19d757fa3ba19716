package scene3d

import (
	"testing"
)

// benchmarkRender renders one frame of a default random scene at w x h per iteration and
// reports frames per second.
func benchmarkRender(b *testing.B, w, h, ss int) {
	s, err := RandomScene(1, DefaultSceneOptions())
	if err != nil {
		b.Fatal(err)
	}
	k, err := NewIntrinsics(w, h, 70)
	if err != nil {
		b.Fatal(err)
	}
	p, err := LookAt(Vec3{X: 0, Y: 1.8, Z: 5}, Vec3{X: 0, Y: 0.4, Z: 0}, Vec3{X: 0, Y: 1, Z: 0})
	if err != nil {
		b.Fatal(err)
	}
	opt := RenderOptions{Supersample: ss}
	for b.Loop() {
		if _, err := Render(s, k, p, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

func BenchmarkRender64SS3(b *testing.B)   { benchmarkRender(b, 64, 64, 3) }
func BenchmarkRender128SS3(b *testing.B)  { benchmarkRender(b, 128, 128, 3) }
func BenchmarkRender720pSS1(b *testing.B) { benchmarkRender(b, 1280, 720, 1) }
func BenchmarkRender720pSS3(b *testing.B) { benchmarkRender(b, 1280, 720, 3) }
