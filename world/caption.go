package world

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/wfm-platform/wfm/world/physics"
)

// Captions returns n natural-language descriptions of a simulated clip, for text
// conditioning. Each states what the scene holds (colours from [Palette], sizes, angles) and
// what happens in it, measured from the trajectory itself (bounces counted, dominoes fallen,
// the side a seesaw tips), so a caption never promises an event the video does not show.
// Wording varies with rng; the same rng state gives the same captions.
func Captions(t *physics.Trajectory, n int, rng *rand.Rand) []string {
	facts := describe(t)
	out := make([]string, 0, n)
	seen := map[string]bool{}
	for tries := 0; len(out) < n && tries < 8*n; tries++ {
		c := facts[rng.IntN(len(facts))]
		if !seen[c] || len(seen) == len(facts) {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// describe lists every caption variant of a clip.
func describe(t *physics.Trajectory) []string {
	last := len(t.Frames) - 1
	colourOf := func(i int) string { return ColourOf(t.Bodies[i].Color).Name }
	first := func(name string) int {
		for i, b := range t.Bodies {
			if b.Name == name {
				return i
			}
		}
		return -1
	}
	seconds := float64(last) / float64(t.FPS)
	switch p := t.Params.(type) {
	case physics.FreeFallParams:
		b := first("ball")
		ball := colourOf(b) + " ball"
		outcome := bounceOutcome(bounces(t, b))
		return []string{
			fmt.Sprintf("A %s is dropped from %.1f metres and falls straight down onto the floor%s.", ball, p.Height, outcome),
			fmt.Sprintf("A %s falls from rest under gravity and hits the ground%s.", ball, outcome),
			fmt.Sprintf("Free fall: a %s of radius %.0f cm released %.1f m above a flat floor%s.", ball, 100*p.Radius, p.Height, outcome),
		}
	case physics.ProjectileParams:
		b := first("ball")
		ball := colourOf(b) + " ball"
		speed := math.Hypot(p.Velocity.X, p.Velocity.Y)
		angle := deg(math.Atan2(p.Velocity.Y, p.Velocity.X))
		dir := "to the right"
		if p.Velocity.X < 0 {
			dir, angle = "to the left", 180-angle
		}
		return []string{
			fmt.Sprintf("A %s is thrown %s at %.1f m/s, %.0f degrees above the horizontal, and flies along a parabola.", ball, dir, speed, angle),
			fmt.Sprintf("A %s is launched %s and arcs through the air before landing on the floor.", ball, dir),
			fmt.Sprintf("Projectile motion: a %s leaves %.1f m above the ground at %.0f degrees and curves down under gravity.", ball, p.Position.Y, angle),
		}
	case physics.CollisionParams:
		a, b := first("ball_a"), first("ball_b")
		ca, cb := colourOf(a)+" ball", colourOf(b)+" ball"
		heavier := ca
		if p.MassB > p.MassA {
			heavier = cb
		}
		return []string{
			fmt.Sprintf("A %s and a %s roll towards each other, collide head-on and bounce apart.", ca, cb),
			fmt.Sprintf("Two balls meet in an elastic collision; the %s is the heavier one.", heavier),
			fmt.Sprintf("A %s moving at %.1f m/s hits a %s moving at %.1f m/s and they exchange momentum.", ca, math.Abs(p.VelocityA), cb, math.Abs(p.VelocityB)),
		}
	case physics.InclineParams:
		ball := colourOf(first("ball")) + " ball"
		return []string{
			fmt.Sprintf("A %s rolls down a %.0f-degree ramp, speeding up as it goes.", ball, deg(p.Angle)),
			fmt.Sprintf("A %s is released on an inclined plane and rolls to the bottom.", ball),
			fmt.Sprintf("On a slope of %.0f degrees, a %s starts from rest and accelerates downhill.", deg(p.Angle), ball),
		}
	case physics.USlopeParams:
		ball := colourOf(first("ball")) + " ball"
		return []string{
			fmt.Sprintf("A %s rolls down one side of a U-shaped valley and up the other side.", ball),
			fmt.Sprintf("A %s swings back and forth in a curved trough, never rising above where it started.", ball),
			fmt.Sprintf("A %s released on a U-shaped slope rolls through the bottom and climbs the far side.", ball),
		}
	case physics.PendulumParams:
		bob := colourOf(first("bob")) + " ball"
		period := 2 * math.Pi * math.Sqrt(p.Length/math.Abs(t.Gravity.Y))
		return []string{
			fmt.Sprintf("A %s hangs from a pivot on a %.1f m rod and swings back and forth.", bob, p.Length),
			fmt.Sprintf("A pendulum with a %s is released %.0f degrees from vertical and oscillates.", bob, deg(math.Abs(p.Amplitude))),
			fmt.Sprintf("A %s swings like a pendulum, about one full swing every %.1f seconds.", bob, period),
		}
	case physics.DominoesParams:
		fallen := 0
		for i, b := range t.Bodies {
			if b.Name == "domino" && math.Abs(t.Frames[last].States[i].Angle) > math.Pi/4 {
				fallen++
			}
		}
		return []string{
			fmt.Sprintf("A row of %d dominoes topples one after another; %d of them fall within %.1f seconds.", p.Count, fallen, seconds),
			fmt.Sprintf("The first domino tips over and knocks down the next, in a chain reaction along a row of %d.", p.Count),
			fmt.Sprintf("%d standing blocks fall like dominoes from left to right.", p.Count),
		}
	case physics.SeesawParams:
		side := "left"
		if p.RightMass*p.RightDistance > p.LeftMass*p.LeftDistance {
			side = "right"
		}
		l, r := colourOf(first("load_left"))+" box", colourOf(first("load_right"))+" box"
		return []string{
			fmt.Sprintf("A seesaw holds a %s on the left and a %s on the right; it tips down on the %s.", l, r, side),
			fmt.Sprintf("A plank balanced on a hinge tilts towards the %s, where the load's moment is larger.", side),
			fmt.Sprintf("Two boxes sit on a lever: the %s weighs %.1f kg and the %s %.1f kg, and the lever tips to the %s.", l, p.LeftMass, r, p.RightMass, side),
		}
	case physics.StackParams:
		colours := make([]string, 0, p.Count())
		for i, b := range t.Bodies {
			if b.Name == "block" {
				colours = append(colours, colourOf(i))
			}
		}
		list := strings.Join(colours, ", ")
		if t.Scenario == physics.UnstableStack {
			return []string{
				fmt.Sprintf("A leaning tower of %d boxes (%s, from the bottom) loses balance and topples over.", p.Count(), list),
				fmt.Sprintf("%d blocks are stacked with too much overhang, so the top of the stack falls.", p.Count()),
				fmt.Sprintf("An unstable stack of %d boxes collapses under gravity.", p.Count()),
			}
		}
		return []string{
			fmt.Sprintf("A stack of %d boxes (%s, from the bottom) stands still on the floor.", p.Count(), list),
			fmt.Sprintf("%d blocks are stacked on top of each other and the tower stays balanced.", p.Count()),
			fmt.Sprintf("A stable tower of %d boxes rests on the ground without moving.", p.Count()),
		}
	}
	return []string{fmt.Sprintf("A simulated %s scene.", strings.ReplaceAll(string(t.Scenario), "_", " "))}
}

// bounces counts the times body i's vertical velocity turns from falling to rising faster
// than 0.2 m/s, i.e. visible bounces, from the sampled frames.
func bounces(t *physics.Trajectory, i int) int {
	n := 0
	for f := 1; f < len(t.Frames); f++ {
		if t.Frames[f-1].States[i].Velocity.Y < 0 && t.Frames[f].States[i].Velocity.Y > 0.2 {
			n++
		}
	}
	return n
}

func bounceOutcome(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return ", bouncing once"
	default:
		return fmt.Sprintf(", bouncing %d times", n)
	}
}

func deg(rad float64) float64 { return rad * 180 / math.Pi }
