package prompt

import (
	"github.com/wfm-platform/wfm/world/physics"
	"github.com/wfm-platform/wfm/world/synth"
)

// cue is a word or phrase that points at a scenario. Weights: 3 for a word that names the
// scene outright (pendulum, dominoes, ramp), 2 for its typical motion verb or subject, 1
// for a hint shared with other scenes. The scenario with the largest sum wins; ties go to
// the earlier one in scenarioOrder.
type cue struct {
	phrase string // lower-case words separated by single spaces
	s      physics.Scenario
	w      int
}

// scenarioOrder breaks ties: the physics scenarios in their fixed order, then the camera ones.
var scenarioOrder = append(physics.Scenarios(), synth.CameraScenarios()...)

var cues = buildCues()

func buildCues() map[string][]cue {
	var list []cue
	add := func(s physics.Scenario, w int, phrases ...string) {
		for _, p := range phrases {
			list = append(list, cue{p, s, w})
		}
	}
	add(physics.FreeFall, 3, "free fall", "free-fall", "freefall", "free falling", "free-falling")
	add(physics.FreeFall, 2, "fall", "falls", "falling", "fell", "drop", "drops", "dropped", "dropping",
		"plummet", "plummets", "plunges", "bounce", "bounces", "bouncing", "bounced")
	add(physics.FreeFall, 1, "gravity", "released", "floor")

	add(physics.Projectile, 3, "projectile", "parabola", "parabolic", "thrown", "throw", "throws", "throwing",
		"tossed", "toss", "tosses", "launched", "launch", "launches", "lobbed", "hurled", "kicked")
	add(physics.Projectile, 2, "arc", "arcs", "arcing", "flies", "fly", "flying", "trajectory")

	add(physics.Collision, 3, "collide", "collides", "colliding", "collision", "head-on", "head on", "two balls")
	add(physics.Collision, 2, "crash", "crashes", "hit", "hits", "bump", "bumps", "momentum", "elastic")
	add(physics.Collision, 1, "roll towards", "towards each other", "each other")

	add(physics.Incline, 3, "ramp", "incline", "inclined", "inclined plane", "slope", "downhill", "slide", "slides")
	add(physics.Incline, 2, "roll", "rolls", "rolling", "rolled")

	add(physics.USlope, 3, "u-shaped", "u shaped", "u-slope", "valley", "trough", "half-pipe", "halfpipe", "bowl")
	add(physics.USlope, 1, "roll", "rolls", "rolling", "back and forth", "other side")

	add(physics.Pendulum, 3, "pendulum", "pendulums")
	add(physics.Pendulum, 2, "swing", "swings", "swinging", "hangs", "hanging", "pivot", "rod", "string", "rope",
		"oscillate", "oscillates", "oscillating", "bob")
	add(physics.Pendulum, 1, "back and forth")

	add(physics.Dominoes, 3, "domino", "dominoes", "dominos", "chain reaction")
	add(physics.Dominoes, 1, "topple", "topples", "toppling", "knock", "knocks", "row")

	add(physics.Seesaw, 3, "seesaw", "see-saw", "see saw", "teeter-totter", "teeter totter", "lever", "plank")
	add(physics.Seesaw, 2, "tips", "tip", "tilts", "tilt", "tilting", "hinge", "fulcrum")
	add(physics.Seesaw, 1, "boxes", "box", "balance", "balanced")

	for _, s := range []physics.Scenario{physics.StableStack, physics.UnstableStack} {
		add(s, 2, "stack", "stacked", "tower", "pile", "stacks", "towers")
		add(s, 1, "blocks", "boxes", "bricks", "cubes")
	}
	add(physics.StableStack, 1, "stable", "balanced", "stands", "standing", "still", "steady", "rests", "resting")
	add(physics.UnstableStack, 3, "unstable", "leaning", "collapse", "collapses", "collapsing")
	add(physics.UnstableStack, 1, "topple", "topples", "toppling", "tumble", "tumbles", "fall", "falls",
		"falling", "falls over", "overhang")

	add(synth.CameraOrbit, 3, "orbit", "orbits", "orbiting", "circles around", "revolves", "360")
	add(synth.CameraOrbit, 1, "around")
	add(synth.CameraDolly, 3, "dolly", "dollies", "push in", "pushes in", "moves forward", "move forward",
		"flies through", "fly through", "walks through", "zoom", "zooms", "approaches")
	add(synth.CameraDolly, 1, "forward", "through")
	add(synth.CameraOrbit, 3, "orbit shot", "orbiting shot")
	add(synth.CameraDolly, 3, "dolly shot", "tracking shot")
	add(synth.CameraPan, 3, "pan shot", "panning shot")
	add(synth.CameraPan, 3, "pan", "pans", "panning", "panorama", "look around", "looks around")
	add(synth.CameraPan, 1, "across", "sweeps", "turns")
	for _, s := range synth.CameraScenarios() {
		add(s, 1, "camera", "room", "indoor", "interior", "view", "3-d scene", "3d scene")
	}

	m := map[string][]cue{}
	for _, c := range list {
		m[c.phrase] = append(m[c.phrase], c)
	}
	return m
}

// maxCueWords is the longest phrase in cues, in words.
const maxCueWords = 3

// stopwords carry no content of their own: the upsampler neither matches nor keeps them
// unless they sit inside a kept phrase.
var stopwords = setOf("a", "an", "the", "of", "on", "in", "at", "to", "and", "with", "from", "into", "onto",
	"is", "are", "be", "its", "it", "by", "as", "then", "that", "this", "some", "very", "down", "up",
	"off", "for", "while", "there", "which", "who", "after", "before", "so", "just", "his", "her", "their",
	"over", "along", "one", "another", "each", "other", "out", "gets", "get", "being", "has", "have",
	"video", "clip", "scene", "shows", "showing", "show", "simple", "simulated")

// numberWords are the spelled counts the parser reads.
var numberWords = map[string]float64{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

// countNouns take a count before them ("5 dominoes", "three boxes").
var countNouns = setOf("domino", "dominoes", "dominos", "block", "blocks", "box", "boxes", "brick", "bricks",
	"cube", "cubes", "object", "objects", "ball", "balls", "things", "items", "shapes")

var lengthUnits = map[string]float64{"m": 1, "metre": 1, "metres": 1, "meter": 1, "meters": 1,
	"cm": 0.01, "centimetres": 0.01, "centimeters": 0.01}

var angleUnits = setOf("degree", "degrees", "deg", "°")

var speedUnits = setOf("m/s", "mps")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// synonyms are words a caption expresses with another member of the group: a prompt's
// "sphere" is said by a caption's "ball", so it is not kept as extra text.
var synonyms = [][]string{
	{"ball", "sphere", "orb", "marble"},
	{"box", "block", "cube", "crate", "brick"},
	{"floor", "ground"},
	{"ramp", "slope", "incline"},
	{"tower", "stack", "pile"},
	{"metre", "meter", "m"},
}
