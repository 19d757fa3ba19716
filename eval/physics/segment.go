package physics

import (
	"fmt"
	"math"
)

// Object is one simulated body the segmentation looks for: its mask ID (the physics body index
// plus one, as world/synth writes it into the instance masks) and its palette colour (world.Palette).
type Object struct {
	ID  uint8
	RGB [3]uint8
}

// Shading range of the object colour model. The renderer multiplies a body's base colour by
// ambient + diffuse*cos (package world/render, Lambert shading; ambient 0.25..0.65, diffuse
// 0.35..0.85 in package world/synth) and draws textures in half the base colour, so a body's
// pixels lie near k*RGB for k from about 0.12 to 1.5.
const (
	minShade = 0.1
	maxShade = 1.6
)

// Segmenter labels the pixels of a frame with the ID of the object whose colour explains them
// best, or 0 for background: a nearest-prototype classifier in RGB. Prototypes come from the
// true conditioning frames, which every model is also shown: the mean colours of the occupied
// colour bins of each object's mask pixels and of the background pixels (mask 0 away from any
// object, so that anti-aliased edges, labelled by their dominant source, do not lend object
// colours to the background). An object also matches its known palette colour up to a shading
// factor, at a distance penalty, which covers objects hidden or absent in the conditioning
// frames and shading the prototypes have not seen. Ties go to the background.
type Segmenter struct {
	objects []Object
	protos  [][3]float64
	labels  []uint8 // of protos
	cache   map[uint32]uint8
}

// protoBits quantizes prototype colours into bins of 2^(8-protoBits) codes per channel; each
// occupied bin becomes one prototype (its mean colour), which bounds the prototypes of a noisy
// textured background to a few hundred.
const protoBits = 5

// palettePenalty is added to the palette-model distance (RGB units), so that a colour seen in
// the conditioning frames is explained by what it was there: a white body shaded grey must not
// claim the grey ground.
const palettePenalty = 24.0

// NewSegmenter builds a segmenter for objects from frames: pix holds [T, H, W, 3] samples and
// masks the matching [T, H, W] instance masks (0 = background).
func NewSegmenter(objects []Object, pix, masks []uint8, height, width int) (*Segmenter, error) {
	if width < 1 || height < 1 || len(pix) != 3*len(masks) || len(masks)%(width*height) != 0 {
		return nil, fmt.Errorf("physics: segmenter: %d samples for %d mask pixels of %dx%d frames", len(pix), len(masks), height, width)
	}
	known := [256]bool{}
	for _, o := range objects {
		known[o.ID] = true
	}
	type bin struct {
		sum   [3]float64
		n     float64
		label uint8
	}
	bins := map[uint64]*bin{}
	var order []uint64
	for i, m := range masks {
		if m == 0 && nearObject(masks, i, height, width) {
			continue
		}
		if m != 0 && !known[m] {
			continue
		}
		p := pix[3*i : 3*i+3]
		key := uint64(m)<<24 | uint64(p[0]>>(8-protoBits))<<(2*protoBits) | uint64(p[1]>>(8-protoBits))<<protoBits | uint64(p[2]>>(8-protoBits))
		b := bins[key]
		if b == nil {
			b = &bin{label: m}
			bins[key] = b
			order = append(order, key)
		}
		for c := range 3 {
			b.sum[c] += float64(p[c])
		}
		b.n++
	}
	s := &Segmenter{objects: objects, cache: map[uint32]uint8{}}
	for _, key := range order {
		b := bins[key]
		s.protos = append(s.protos, [3]float64{b.sum[0] / b.n, b.sum[1] / b.n, b.sum[2] / b.n})
		s.labels = append(s.labels, b.label)
	}
	return s, nil
}

// nearObject reports whether pixel i of a frame has a non-background pixel among its eight
// neighbours in the same frame.
func nearObject(masks []uint8, i, height, width int) bool {
	base := i / (width * height) * width * height
	r, c := (i-base)/width, i%width
	for dr := -1; dr <= 1; dr++ {
		for dc := -1; dc <= 1; dc++ {
			rr, cc := r+dr, c+dc
			if rr < 0 || rr >= height || cc < 0 || cc >= width {
				continue
			}
			if masks[base+rr*width+cc] != 0 {
				return true
			}
		}
	}
	return false
}

// Label returns the ID for one pixel colour.
func (s *Segmenter) Label(r, g, b uint8) uint8 {
	key := uint32(r)<<16 | uint32(g)<<8 | uint32(b)
	if id, ok := s.cache[key]; ok {
		return id
	}
	p := [3]float64{float64(r), float64(g), float64(b)}
	best, id := math.Inf(1), uint8(0)
	for i, q := range s.protos {
		if d := dist2(p, q); d < best || d == best && s.labels[i] == 0 {
			best, id = d, s.labels[i]
		}
	}
	best = math.Sqrt(best)
	for _, o := range s.objects {
		c := [3]float64{float64(o.RGB[0]), float64(o.RGB[1]), float64(o.RGB[2])}
		cc := c[0]*c[0] + c[1]*c[1] + c[2]*c[2]
		if cc == 0 {
			continue
		}
		k := (p[0]*c[0] + p[1]*c[1] + p[2]*c[2]) / cc // least-squares shading factor
		k = min(maxShade, max(minShade, k))
		if d := math.Sqrt(dist2(p, [3]float64{k * c[0], k * c[1], k * c[2]})) + palettePenalty; d < best {
			best, id = d, o.ID
		}
	}
	s.cache[key] = id
	return id
}

// Frame labels the H*W pixels of one frame (pix: H*W*3 samples) into dst (H*W IDs).
func (s *Segmenter) Frame(pix, dst []uint8) {
	for i := range dst {
		dst[i] = s.Label(pix[3*i], pix[3*i+1], pix[3*i+2])
	}
}

func dist2(a, b [3]float64) float64 {
	d0, d1, d2 := a[0]-b[0], a[1]-b[1], a[2]-b[2]
	return d0*d0 + d1*d1 + d2*d2
}
