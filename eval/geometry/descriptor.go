package geometry

import (
	"math"
	"math/bits"
	"math/rand/v2"
)

// DescriptorBits is the length of the binary descriptor.
const DescriptorBits = 256

// Descriptor is a 256-bit steered BRIEF descriptor: bit i is 1 when the
// smoothed patch is darker at the first point of test pair i than at the
// second, the pairs being rotated by the keypoint orientation.
type Descriptor [DescriptorBits / 64]uint64

// Hamming returns the number of differing bits.
func Hamming(a, b *Descriptor) int {
	return bits.OnesCount64(a[0]^b[0]) + bits.OnesCount64(a[1]^b[1]) +
		bits.OnesCount64(a[2]^b[2]) + bits.OnesCount64(a[3]^b[3])
}

// briefPattern holds the test pairs in units of the patch radius, drawn once
// from a fixed seed: both points of a pair isotropic Gaussian around the
// centre with standard deviation 0.4 radius (Calonder et al., "BRIEF", ECCV
// 2010, sampling strategy G II: sigma^2 = S^2/25 for a patch of side S = 2r),
// redrawn until inside the unit disc so that any rotation stays in the patch.
// ORB learns its pairs instead; random pairs are the published BRIEF choice
// and need no table.
var briefPattern = func() (p [DescriptorBits][4]float64) {
	rng := rand.New(rand.NewPCG(0x0b51ef, 0x5eed))
	draw := func() (float64, float64) {
		for {
			x, y := 0.4*rng.NormFloat64(), 0.4*rng.NormFloat64()
			if x*x+y*y <= 1 {
				return x, y
			}
		}
	}
	for i := range p {
		for {
			x1, y1 := draw()
			x2, y2 := draw()
			// Points closer than a tenth of the radius mostly compare noise.
			if math.Hypot(x1-x2, y1-y2) >= 0.1 {
				p[i] = [4]float64{x1, y1, x2, y2}
				break
			}
		}
	}
	return p
}()

// describe computes the steered BRIEF descriptor of the keypoint at level
// position (x, y) with orientation angle on the smoothed level image s.
func describe(s *Gray, x, y, angle float64, r int) Descriptor {
	c, sn := math.Cos(angle), math.Sin(angle)
	rf := float64(r)
	var d Descriptor
	for i, q := range briefPattern {
		ax := x + rf*(c*q[0]-sn*q[1])
		ay := y + rf*(sn*q[0]+c*q[1])
		bx := x + rf*(c*q[2]-sn*q[3])
		by := y + rf*(sn*q[2]+c*q[3])
		if s.bilinear(ax, ay) < s.bilinear(bx, by) {
			d[i/64] |= 1 << (i % 64)
		}
	}
	return d
}

// Features are the keypoints of one image with their descriptors.
type Features struct {
	Keypoints   []Keypoint
	Descriptors []Descriptor
}

// Detect finds keypoints on an image pyramid and describes them: FAST-9
// corners ranked by the Harris measure with sub-pixel refinement,
// intensity-centroid orientation and steered BRIEF descriptors on a
// Gaussian-smoothed image (the ORB recipe of Rublee et al., ICCV 2011, with
// the changes the package documentation lists). Positions are in level-0
// pixels. Images too small for one patch give no keypoints.
func Detect(g *Gray, opt DetectorOptions) *Features {
	f := &Features{}
	if opt.Levels < 1 || opt.ScaleFactor < 1 || opt.PatchRadius < 1 || opt.MaxKeypoints < 1 {
		return f
	}
	// Level l gets a share of MaxKeypoints proportional to its area.
	var total float64
	for l := range opt.Levels {
		total += math.Pow(opt.ScaleFactor, -2*float64(l))
	}
	for l := range opt.Levels {
		s := math.Pow(opt.ScaleFactor, float64(l))
		lg := g
		if l > 0 {
			lg = downscale(g, s)
		}
		n := int(math.Round(float64(opt.MaxKeypoints) * math.Pow(s, -2) / total))
		kps := detectLevel(lg, n, opt)
		if len(kps) == 0 {
			continue
		}
		// Smoothing for the binary tests: sigma 2 for ORB's 31-pixel patch,
		// scaled with the patch.
		sm := blur(lg, max(1, 2*float64(opt.PatchRadius)/15))
		for _, k := range kps {
			k.Angle = orientation(lg, k.X, k.Y, opt.PatchRadius)
			d := describe(sm, k.X, k.Y, k.Angle, opt.PatchRadius)
			k.Level, k.Scale = l, s
			k.X = (k.X+0.5)*s - 0.5
			k.Y = (k.Y+0.5)*s - 0.5
			f.Keypoints = append(f.Keypoints, k)
			f.Descriptors = append(f.Descriptors, d)
		}
	}
	return f
}
