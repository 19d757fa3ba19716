package scene3d

import (
	"math"
)

// MaxFrames bounds the number of poses a Path generates.
const MaxFrames = 1 << 16

// Path is a smooth camera trajectory sampled at a number of frames. Frame i of n sits at
// fraction s = i/(n-1) of the path (s = 0 when n = 1); positions and angles move linearly in
// s, so consecutive frames differ by the same small step.
type Path interface {
	Poses(frames int) ([]Pose, error)
}

// Orbit circles the camera around Target at horizontal Radius and Height above the target,
// always looking at it. The azimuth goes from StartDeg to StartDeg+SweepDeg (degrees about +Y,
// 0 = on the +Z side of the target).
type Orbit struct {
	Target   Vec3    `json:"target"`
	Radius   float64 `json:"radius"`
	Height   float64 `json:"height"`
	StartDeg float64 `json:"start_deg"`
	SweepDeg float64 `json:"sweep_deg"`
}

// Dolly moves the camera in a straight line from From to To, looking along Look (a direction;
// the zero vector means along the motion).
type Dolly struct {
	From Vec3 `json:"from"`
	To   Vec3 `json:"to"`
	Look Vec3 `json:"look"`
}

// Pan turns the camera in place at Eye: the yaw (degrees about +Y, 0 = looking along -Z) goes
// from StartDeg to StartDeg+SweepDeg, with a fixed pitch PitchDeg (positive looks up).
type Pan struct {
	Eye      Vec3    `json:"eye"`
	StartDeg float64 `json:"start_deg"`
	SweepDeg float64 `json:"sweep_deg"`
	PitchDeg float64 `json:"pitch_deg"`
}

var worldUp = Vec3{X: 0, Y: 1, Z: 0}

func checkFrames(op string, frames int) error {
	if frames <= 0 || frames > MaxFrames {
		return paramErr(op, "frames", frames, "must be in [1, 65536]")
	}
	return nil
}

func fraction(i, n int) float64 {
	if n == 1 {
		return 0
	}
	return float64(i) / float64(n-1)
}

func deg(d float64) float64 { return d * math.Pi / 180 }

// Poses samples the orbit.
func (o Orbit) Poses(frames int) ([]Pose, error) {
	if err := checkFrames("Orbit", frames); err != nil {
		return nil, err
	}
	if !o.Target.IsFinite() || !finite(o.Height) || !finite(o.StartDeg) || !finite(o.SweepDeg) {
		return nil, paramErr("Orbit", "path", o, "every field must be finite")
	}
	if !finite(o.Radius) || o.Radius <= 0 {
		return nil, paramErr("Orbit", "radius", o.Radius, "must be positive and finite")
	}
	out := make([]Pose, frames)
	for i := range out {
		a := deg(o.StartDeg + o.SweepDeg*fraction(i, frames))
		s, c := math.Sincos(a)
		eye := o.Target.Add(Vec3{X: o.Radius * s, Y: o.Height, Z: o.Radius * c})
		p, err := LookAt(eye, o.Target, worldUp)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// Poses samples the dolly.
func (d Dolly) Poses(frames int) ([]Pose, error) {
	if err := checkFrames("Dolly", frames); err != nil {
		return nil, err
	}
	if !d.From.IsFinite() || !d.To.IsFinite() || !d.Look.IsFinite() {
		return nil, paramErr("Dolly", "path", d, "every field must be finite")
	}
	look := d.Look
	if look.Norm() == 0 {
		look = d.To.Sub(d.From)
	}
	if look.Norm() < minLookLen {
		return nil, paramErr("Dolly", "look", d.Look, "is zero and From equals To: no viewing direction")
	}
	out := make([]Pose, frames)
	for i := range out {
		eye := d.From.Add(d.To.Sub(d.From).Scale(fraction(i, frames)))
		p, err := LookAt(eye, eye.Add(look), worldUp)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// Poses samples the pan.
func (p Pan) Poses(frames int) ([]Pose, error) {
	if err := checkFrames("Pan", frames); err != nil {
		return nil, err
	}
	if !p.Eye.IsFinite() || !finite(p.StartDeg) || !finite(p.SweepDeg) || !finite(p.PitchDeg) {
		return nil, paramErr("Pan", "path", p, "every field must be finite")
	}
	if math.Abs(p.PitchDeg) >= 89 {
		return nil, paramErr("Pan", "pitch_deg", p.PitchDeg, "must be within (-89, 89)")
	}
	sp, cp := math.Sincos(deg(p.PitchDeg))
	out := make([]Pose, frames)
	for i := range out {
		sy, cy := math.Sincos(deg(p.StartDeg + p.SweepDeg*fraction(i, frames)))
		dir := Vec3{X: -sy * cp, Y: sp, Z: -cy * cp}
		pose, err := LookAt(p.Eye, p.Eye.Add(dir), worldUp)
		if err != nil {
			return nil, err
		}
		out[i] = pose
	}
	return out, nil
}
