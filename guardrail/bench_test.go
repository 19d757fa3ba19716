package guardrail

import (
	"context"
	"image"
	_ "image/jpeg"
	"os"
	"testing"

	"github.com/wfm-platform/wfm/guardrail/classify"
	"github.com/wfm-platform/wfm/guardrail/face"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/world/render"
	"github.com/wfm-platform/wfm/world/synth"
)

// BenchmarkCheckPrompt measures the rules over the corpus prompts (prompts/s).
func BenchmarkCheckPrompt(b *testing.B) {
	benchPrompts(b, promptGuard(b))
}

// BenchmarkCheckPromptBuiltin measures the rules followed by the built-in classifier.
func BenchmarkCheckPromptBuiltin(b *testing.B) {
	m, err := classify.DefaultLogReg()
	if err != nil {
		b.Fatal(err)
	}
	benchPrompts(b, promptGuard(b, m))
}

func benchPrompts(b *testing.B, g *PromptGuard) {
	corpus := shippedCorpus(b)
	ctx := context.Background()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		if _, err := g.CheckPrompt(ctx, corpus[n%len(corpus)].Text); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "prompts/s")
}

// BenchmarkVideoGuardFaces256 runs the post-guard (face search on every frame and blur) on 8
// frames of 256x256 holding one face (frames/s).
func BenchmarkVideoGuardFaces256(b *testing.B) {
	f, err := os.Open("face/testdata/astronaut.jpg")
	if err != nil {
		b.Fatal(err)
	}
	img, _, err := image.Decode(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	frames := make([]image.Image, 8)
	for i := range frames {
		frames[i] = img
	}
	clip, err := video.FromImages(frames, 16)
	if err != nil {
		b.Fatal(err)
	}
	benchVideo(b, clip)
}

// BenchmarkVideoGuardSynth128 runs the post-guard on a 128x128 synthetic-world clip of 16
// frames (no faces).
func BenchmarkVideoGuardSynth128(b *testing.B) {
	o := synth.DefaultOptions()
	o.Width, o.Height, o.Frames = 128, 128, 16
	c, err := synth.Make(o, 0, render.NewRenderer())
	if err != nil {
		b.Fatal(err)
	}
	benchVideo(b, c.Video)
}

func benchVideo(b *testing.B, clip *video.Clip) {
	for _, workers := range []int{1, 0} {
		name := "workers=1"
		if workers == 0 {
			name = "workers=all"
		}
		b.Run(name, func(b *testing.B) {
			o := DefaultVideoOptions()
			o.Faces = face.DefaultOptions()
			o.Faces.Workers = workers
			g, err := NewVideoGuard(o)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			n := 0
			for b.Loop() {
				if _, _, err := g.CheckVideo(ctx, clip); err != nil {
					b.Fatal(err)
				}
				n += clip.Frames
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "frames/s")
		})
	}
}
