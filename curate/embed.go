package curate

import (
	"context"
	"math"

	"github.com/wfm-platform/wfm/video"
)

// EmbedDim is the length of a clip embedding.
const EmbedDim = embedLayout + embedMotion + embedColour

const (
	embedCells    = embedGrid * embedGrid
	embedSegments = 4                              // temporal segments pooled separately
	embedGrid     = 16                             // spatial grid of the pooled maps
	embedLayout   = embedSegments * embedCells * 3 // colour layout: 16x16 cells x RGB per segment
	embedMotion   = embedSegments * embedCells     // motion energy: 16x16 cells per segment
	embedColour   = 64                             // 4x4x4 joint RGB histogram of the whole clip
	wLayout       = 0.7745966692414834             // sqrt(0.6): share of the squared length
	wColour       = 0.4472135954999579             // sqrt(0.2)
	wMotion       = 0.4472135954999579             // sqrt(0.2)
	flatEps       = 1e-6
)

// Embed maps a clip to a unit vector of EmbedDim float32 for semantic deduplication.
//
// The embedding pools three statistics of the clip at analysis scale, over four equal
// temporal segments, and concatenates them with fixed shares of the squared length (layout
// 0.6, motion 0.2, colour 0.2) before scaling the whole to unit length:
//   - colour layout: the mean RGB of each cell of a 16x16 grid (a tiny thumbnail per
//     segment), minus the clip's mean colour, so a re-encode, a rescale or a uniform
//     brightness shift changes it little while a different scene changes it a lot; its
//     length grows with the picture's contrast up to layoutRef, since the layout of a nearly
//     uniform picture is mostly codec noise;
//   - motion energy: the mean absolute change of each cell's mean luma between consecutive
//     frames, less a noise floor of motionFloor codes (cell means average compression noise
//     away), which tells apart clips of the same backdrop whose objects move differently; its
//     length grows with the motion up to motionRef, so still clips get no direction from noise;
//   - a 4x4x4 joint RGB histogram of the whole clip (colour statistics independent of layout).
//
// Why not a learned embedding: the semantic deduplication of Abbas et al. ("SemDeDup",
// arXiv:2303.09540) and Cosmos's curator use a video-text model's embedding, which needs
// weights this platform does not ship; pooled tokenizer latents would work once a trained
// tokenizer exists, but cost a forward pass per clip. The near-duplicates that matter most
// in practice (re-uploads, re-encodes, crops and rescales of the same footage) keep these
// statistics nearly unchanged, they cost a fraction of decoding, and they depend on nothing
// but the pixels. The Embedder interface lets a learned embedding replace it.
func Embed(c *video.Clip) []float32 {
	emb := make([]float32, EmbedDim)
	layout := emb[:embedLayout]
	motion := emb[embedLayout : embedLayout+embedMotion]
	colour := emb[embedLayout+embedMotion:]
	var prev []float32
	for s := range embedSegments {
		a, b := s*c.Frames/embedSegments, (s+1)*c.Frames/embedSegments
		if b <= a {
			a, b = min(a, c.Frames-1), min(a, c.Frames-1)+1
		}
		pairs := 0
		segMotion := make([]float32, embedCells)
		for t := a; t < b; t++ {
			rgb := rgbOf(c, t)
			w, h := rgb[0].w, rgb[0].h
			cells := make([]float32, embedCells*3)
			count := make([]float32, embedCells)
			for y := range h {
				for x := range w {
					cell := (y*embedGrid/h)*embedGrid + x*embedGrid/w
					i := y*w + x
					for ch := range 3 {
						cells[cell*3+ch] += rgb[ch].v[i]
					}
					count[cell]++
					bin := min(int(rgb[0].v[i])/64, 3)*16 + min(int(rgb[1].v[i])/64, 3)*4 + min(int(rgb[2].v[i])/64, 3)
					colour[bin]++
				}
			}
			lum := make([]float32, embedCells)
			for cell := range embedCells {
				for ch := range 3 {
					cells[cell*3+ch] /= max(1, count[cell])
					layout[(s*embedCells+cell)*3+ch] += cells[cell*3+ch] / float32(b-a)
				}
				lum[cell] = 0.299*cells[cell*3] + 0.587*cells[cell*3+1] + 0.114*cells[cell*3+2]
			}
			if prev != nil && t > a {
				for cell := range embedCells {
					segMotion[cell] += float32(math.Max(0, math.Abs(float64(lum[cell]-prev[cell]))-motionFloor))
				}
				pairs++
			}
			prev = lum
		}
		for cell := range embedCells {
			if pairs > 0 {
				motion[s*embedCells+cell] = segMotion[cell] / float32(pairs)
			}
		}
	}
	// Layout: subtract the clip's mean colour per channel.
	for ch := range 3 {
		var m float64
		for i := ch; i < len(layout); i += 3 {
			m += float64(layout[i])
		}
		m /= float64(len(layout) / 3)
		for i := ch; i < len(layout); i += 3 {
			layout[i] -= float32(m)
		}
	}
	centre(colour)
	// Layout, like motion, keeps its magnitude below layoutRef: the colour layout of a nearly
	// uniform picture is mostly noise, and stretching it to full length would let a re-encode
	// move it anywhere.
	normalize(layout, wLayout*math.Min(1, rms(layout)/layoutRef))
	normalize(colour, wColour)
	// Motion keeps its magnitude up to motionRef, so a still clip and a re-encode of it (whose
	// compression noise adds a little change) stay close instead of pointing anywhere.
	var mn float64
	for _, v := range motion {
		mn += float64(v) * float64(v)
	}
	normalize(motion, wMotion*math.Min(1, math.Sqrt(mn)/motionRef))
	normalize(emb, 1)
	return emb
}

// layoutRef is the RMS deviation of the cell colours from the clip's mean colour, in
// 0..255 codes, at which the layout counts fully: a picture with clearly separate regions.
const layoutRef = 12

func rms(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s / float64(len(v)))
}

// motionFloor is subtracted from every cell's luma change: compression flicker moves a
// cell's mean by a fraction of a code, an object crossing it by several.
const motionFloor = 0.5

// motionRef is the length of the motion-energy block (mean absolute change of cell luma
// means, in 0..255 codes, over 4x256 cells) at which motion counts fully: one object crossing a
// few cells at a few codes per frame.
const motionRef = 8

func centre(v []float32) {
	var m float64
	for _, x := range v {
		m += float64(x)
	}
	m /= float64(len(v))
	for i := range v {
		v[i] -= float32(m)
	}
}

// normalize scales v to length l; a zero vector stays zero.
func normalize(v []float32, l float64) {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n < flatEps*flatEps {
		for i := range v {
			v[i] = 0
		}
		return
	}
	k := float32(l / math.Sqrt(n))
	for i := range v {
		v[i] *= k
	}
}

// Embedder turns a clip into a vector for deduplication; the vectors of one run must all
// have the same length.
type Embedder interface {
	Name() string
	Embed(ctx context.Context, c *video.Clip) ([]float32, error)
}

// PooledStats is the Embedder behind Embed.
type PooledStats struct{}

// Name implements Embedder.
func (PooledStats) Name() string { return "pooled-stats-v1" }

// Embed implements Embedder.
func (PooledStats) Embed(_ context.Context, c *video.Clip) ([]float32, error) { return Embed(c), nil }

// EmbedStage computes each kept clip's embedding.
type EmbedStage struct{ Embedder Embedder }

// Name implements ClipStage.
func (EmbedStage) Name() string { return "embed" }

// Process implements ClipStage.
func (s EmbedStage) Process(ctx context.Context, it *Item) error {
	e, err := s.Embedder.Embed(ctx, it.Clip)
	if err != nil {
		return err
	}
	it.Embedding = e
	return nil
}
