package physics_test

import (
	"fmt"

	"github.com/wfm-platform/wfm/world/physics"
)

// A ball dropped from 2 m, sampled at 4 frames per second. After 0.5 s the exact fall is
// g t^2/2 = 1.2263 m (y = 0.7737 m); semi-implicit Euler at h = 1/240 s falls g h t/2 = 1.0 cm
// further, to 2 - g h^2 n (n+1)/2 = 0.7635 m with n = 120 steps. Velocities are exact.
func ExampleSimulate() {
	p := physics.FreeFallParams{Radius: 0.1, Mass: 1, Height: 2, Restitution: 0.5, Friction: 0.5}
	tr, err := physics.Simulate(p, 4, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	ball := 1 // body 0 is the ground
	for _, f := range tr.Frames {
		s := f.States[ball]
		fmt.Printf("t=%.2f s  y=%.4f m  vy=%.4f m/s\n", f.Time, s.Position.Y, s.Velocity.Y)
	}
	// Output:
	// t=0.00 s  y=2.0000 m  vy=0.0000 m/s
	// t=0.25 s  y=1.6883 m  vy=-2.4525 m/s
	// t=0.50 s  y=0.7635 m  vy=-4.9050 m/s
}

// Sampling a held-out (out-of-distribution) scene: the same seed always gives the same scene.
// The held-out unstable stacks are taller (6 or 7 boxes) than the training ones.
func ExamplePreset() {
	d, err := physics.Preset(physics.UnstableStack, physics.OutOfDistribution)
	if err != nil {
		fmt.Println(err)
		return
	}
	p := d.Sample(physics.NewRand(42)).(physics.StackParams)
	fmt.Println(p.Scenario(), p.Count() >= 6, physics.StackIsStable(p.Width, p.Offsets))
	// Output:
	// unstable_stack true false
}
