// Package world builds the platform's synthetic physical worlds: labelled videos of simple
// physics and of static 3-D scenes, with exact ground truth, so that everything trains and is
// measured on one machine with no download.
//
// Its sub-packages do the work: physics simulates 2-D rigid-body scenarios (Box2D), render draws
// their frames and instance masks, scene3d ray-casts static 3-D scenes seen by a moving pinhole
// camera. This package holds what they share: the colour palette, and captions measured from
// the simulated motion.
package world
