// Package physics simulates the labelled 2-D physics scenes of the synthetic world: the
// scenarios of physical-alignment benchmarks for video world models, with exact ground truth
// for every frame.
//
// # Scenes
//
// Each scenario is a parameter struct that fully describes one scene: FreeFallParams,
// ProjectileParams, CollisionParams (two-ball head-on elastic collision), InclineParams (a
// ball rolling down a ramp), USlopeParams (a ball swinging in a valley of two ramps),
// PendulumParams, DominoesParams, SeesawParams (a loaded lever) and StackParams (stable or
// toppling, decided by statics in StackIsStable). Scenarios lists them; Preset returns a
// scenario's randomized distribution. Simulate(params, fps, frames) validates the
// parameters, builds the scene and returns a Trajectory: for every body its shape in its own
// frame (circle radius, box half-extents or polygon vertices), palette colour index, mass,
// friction and restitution; the joints (pendulum rods, hinges); and per frame every body's position,
// velocity, angle and angular velocity. Trajectories encode to JSON with stable field names,
// and DecodeTrajectory reads them back.
//
// The world is the vertical plane: x to the right, y up, metres, seconds, kilograms, angles
// in radians counter-clockwise, gravity 9.81 m/s^2 downwards (none in the collision scene,
// which follows PhyWorld's frictionless, gravity-free collisions). The ground is a static
// slab whose top is y = 0.
//
// # Randomization
//
// Each scenario has a Ranges type (FreeFallRanges, ...) with an in-distribution and an
// out-of-distribution preset, following the PhyWorld protocol: the held-out values (larger
// velocities, masses, sizes, counts) lie outside the training ranges, never overlapping them.
// Sample draws a scene from a *rand.Rand; NewRand seeds math/rand/v2's PCG, so a seed fixes
// the scene on every platform. Simulation is deterministic too: the same parameters give
// bitwise-identical trajectories.
//
// # Engine and accuracy
//
// The rigid-body engine is Box2D (Erin Catto, box2d.org, v2.3) through its Go port
// github.com/ByteArena/box2d: sequential impulses for contacts and joints, semi-implicit
// Euler integration. Each video frame is split into ceil(240/fps) substeps, so physics runs
// at 240 Hz or a little faster. Semi-implicit Euler is exact for velocities under constant
// gravity and lags positions by g*h*t/2 (2 cm after a second); its pendulum period is short
// by (omega*h)^2/24. The tests check these derived bounds. Box2D keeps polygons apart by a
// 1 cm collision skin (b2_polygonRadius) less 5 mm of allowed overlap (b2_linearSlop), so
// resting boxes float about 5 mm apart; contacts closing slower than 1 m/s
// (b2_velocityThreshold) do not bounce; sleeping is disabled so that nothing freezes.
//
// # Sources
//
//   - B. Kang, Y. Yue, R. Lu, Z. Lin, Y. Zhao, K. Wang, G. Huang, J. Feng, "How Far is Video
//     Generation from World Model: A Physical Law Perspective", 2024 (PhyWorld): Box2D scenes
//     of uniform motion, elastic collision and parabolic motion; ID/OOD splits by value range.
//   - NVIDIA, "Cosmos World Foundation Model Platform for Physical AI", 2025: the
//     physical-alignment benchmark (free fall, incline, U-slope, stable and unstable stacks,
//     dominoes, seesaw, gyroscope).
//   - E. Catto, "Iterative Dynamics with Temporal Coherence", GDC 2005, and the Box2D manual:
//     the solver, its constants and the semi-implicit Euler step.
//   - L. D. Landau and E. M. Lifshitz, Mechanics, section 11: the pendulum period's amplitude
//     correction; M. Paterson and U. Zwick, "Overhang", 2006: the block-stacking condition.
package physics
