package prompt

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/wfm-platform/wfm/world"
	"github.com/wfm-platform/wfm/world/physics"
	"github.com/wfm-platform/wfm/world/scene3d"
	"github.com/wfm-platform/wfm/world/synth"
)

// MaxPromptBytes bounds the prompts the built-in upsampler reads.
const MaxPromptBytes = 4096

// BuiltinUpsampler expands short prompts into the captions of the synthetic world (package
// world): it recognizes the scenario, builds a scene of it from the training distribution
// with the facts the prompt states, and captions that scene with the generator's own
// grammar. It needs no model and no network, and is deterministic.
type BuiltinUpsampler struct{}

// Builtin returns the built-in upsampler.
func Builtin() *BuiltinUpsampler { return &BuiltinUpsampler{} }

// Name implements Upsampler.
func (*BuiltinUpsampler) Name() string { return "builtin" }

// Upsample implements Upsampler: Expand's Output.
func (b *BuiltinUpsampler) Upsample(ctx context.Context, p string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	e, err := b.Expand(p)
	if err != nil {
		return "", err
	}
	return e.Output, nil
}

// Expansion is what the built-in upsampler made of a prompt.
type Expansion struct {
	Input string `json:"input"`
	// Scenario is the recognized scene ("" when none is).
	Scenario physics.Scenario `json:"scenario,omitempty"`
	// Caption is a caption of the synthetic-world grammar for a scene of Scenario.
	Caption string `json:"caption,omitempty"`
	// Kept are the phrases of the input that Caption does not express, in input order,
	// appended to it so that no content is dropped.
	Kept []string `json:"kept,omitempty"`
	// Applied lists the stated facts put into the scene ("count=5", "colour[0]=red").
	Applied []string `json:"applied,omitempty"`
	// Output is Caption followed by the kept phrases, or the input tidied when no scenario
	// was recognized.
	Output string `json:"output"`
}

// token is a word of the prompt with its byte span in the input.
type token struct {
	word       string // lower case
	start, end int
	role       role
}

type role int

const (
	roleOpen    role = iota // content the caption may or may not express
	roleStop                // function word
	roleCue                 // a scenario cue of the detected scenario
	roleApplied             // a number or unit put into the scene
)

var wordRE = regexp.MustCompile(`[\p{L}\p{N}°]+(?:[-'./][\p{L}\p{N}]+)*`)

func tokenize(s string) []token {
	var out []token
	for _, loc := range wordRE.FindAllStringIndex(s, -1) {
		out = append(out, token{word: strings.ToLower(s[loc[0]:loc[1]]), start: loc[0], end: loc[1]})
	}
	return out
}

// quantity is a number the prompt states, with the tokens that state it.
type quantity struct {
	v      float64
	tokens []int
}

// wants are the facts read from the prompt.
type wants struct {
	count, length, angle, speed *quantity
	side                        string // "left" or "right", from "to the left"
	sideTokens                  []int
	colours                     []int // palette indices in prompt order
	applied                     []int // tokens of facts put into the scene
}

// Expand upsamples a prompt and says how. The prompt must hold at least one word and at most
// MaxPromptBytes of valid UTF-8.
func (*BuiltinUpsampler) Expand(p string) (Expansion, error) {
	switch {
	case len(p) > MaxPromptBytes:
		return Expansion{}, fmt.Errorf("prompt: prompt of %d bytes, the limit is %d", len(p), MaxPromptBytes)
	case !utf8.ValidString(p):
		return Expansion{}, fmt.Errorf("prompt: prompt is not valid UTF-8")
	}
	toks := tokenize(p)
	if len(toks) == 0 {
		return Expansion{}, ErrEmptyPrompt
	}
	e := Expansion{Input: p}
	s, ok := detect(toks)
	if !ok {
		e.Output = sentence(strings.Join(strings.Fields(p), " "))
		e.Kept = []string{strings.Join(strings.Fields(p), " ")}
		return e, nil
	}
	e.Scenario = s
	w := readWants(toks)
	var variants []string
	var err error
	if slices.Contains(synth.CameraScenarios(), s) {
		variants = cameraCaptions(s, &w, &e)
	} else if variants, err = physicsCaptions(s, &w, &e); err != nil {
		return Expansion{}, err
	}
	e.Caption = pickVariant(variants, toks)
	e.Kept = keptPhrases(p, toks, e.Caption, w.applied)
	e.Output = e.Caption
	for _, k := range e.Kept {
		e.Output += " " + sentence(k)
	}
	return e, nil
}

// detect scores the scenarios by their cues and marks the winner's cue tokens.
func detect(toks []token) (physics.Scenario, bool) {
	score := map[physics.Scenario]int{}
	type hit struct {
		s          physics.Scenario
		start, end int
	}
	var hits []hit
	for i := 0; i < len(toks); {
		n := 0
		for k := min(maxCueWords, len(toks)-i); k >= 1; k-- {
			words := make([]string, k)
			for j := range k {
				words[j] = toks[i+j].word
			}
			if cs, ok := cues[strings.Join(words, " ")]; ok {
				for _, c := range cs {
					score[c.s] += c.w
					hits = append(hits, hit{c.s, i, i + k})
				}
				n = k
				break
			}
		}
		i += max(n, 1)
	}
	best, bestScore := physics.Scenario(""), 0
	for _, s := range scenarioOrder {
		if score[s] > bestScore {
			best, bestScore = s, score[s]
		}
	}
	if bestScore == 0 {
		return "", false
	}
	for _, h := range hits {
		if h.s == best {
			for j := h.start; j < h.end; j++ {
				toks[j].role = roleCue
			}
		}
	}
	for i := range toks {
		if toks[i].role == roleOpen && stopwords[toks[i].word] {
			toks[i].role = roleStop
		}
	}
	return best, true
}

// numberAt reads a number starting at token i: digits ("5", "1.5"), a spelled count
// ("five"), or a number glued to a unit ("2m", "30-degree"). It returns the value, the unit
// glued to it ("" if none) and whether there is a number.
var gluedRE = regexp.MustCompile(`^(\d+(?:\.\d+)?)-?(m|cm|metre|meter|metres|meters|degree|degrees|deg|°|m/s)$`)

func numberAt(toks []token, i int) (float64, string, bool) {
	w := toks[i].word
	if v, ok := numberWords[w]; ok {
		return v, "", true
	}
	if m := gluedRE.FindStringSubmatch(w); m != nil {
		v, err := strconv.ParseFloat(m[1], 64)
		return v, m[2], err == nil
	}
	m := digitsRE.FindStringSubmatch(w)
	if m == nil {
		return 0, "", false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	return v, m[2], err == nil && !math.IsInf(v, 0)
}

var digitsRE = regexp.MustCompile(`^(\d+(?:\.\d+)?)(°?)$`)

// sideVerbs mark "left" or "right" as where something goes ("tips to the left", "thrown
// left"), not where it stands ("a box on the left").
var sideVerbs = setOf("to", "towards", "toward", "tips", "tip", "tilts", "tilt", "leans", "thrown", "throw", "goes")

// readWants reads counts, lengths, angles, speeds, sides and colours from the prompt. Tokens
// stay open until a fact is put into the scene (see markApplied).
func readWants(toks []token) wants {
	var w wants
	for i := range toks {
		if v, unit, ok := numberAt(toks, i); ok {
			next := ""
			if i+1 < len(toks) {
				next = toks[i+1].word
			}
			span := []int{i}
			if unit == "" && next != "" {
				if lengthUnits[next] != 0 || angleUnits[next] || speedUnits[next] {
					unit, span = next, []int{i, i + 1}
				}
			}
			q := &quantity{v: v, tokens: span}
			switch {
			case lengthUnits[unit] != 0 && unit != "":
				q.v *= lengthUnits[unit]
				w.length = cmp.Or(w.length, q)
			case angleUnits[unit]:
				w.angle = cmp.Or(w.angle, q)
			case speedUnits[unit]:
				w.speed = cmp.Or(w.speed, q)
			case unit == "" && v == math.Trunc(v):
				// A count names its noun within two words: "5 dominoes", "three red boxes".
				for j := i + 1; j < min(i+3, len(toks)); j++ {
					if countNouns[toks[j].word] {
						w.count = cmp.Or(w.count, q)
						break
					}
				}
			}
			continue
		}
		if (toks[i].word == "left" || toks[i].word == "right") && w.side == "" {
			for j := i - 1; j >= max(0, i-4); j-- {
				if sideVerbs[toks[j].word] {
					w.side, w.sideTokens = toks[i].word, []int{i}
					break
				}
			}
		}
		if c := paletteIndex(toks[i].word); c >= 0 {
			w.colours = append(w.colours, c)
		}
	}
	return w
}

func paletteIndex(name string) int {
	for i, c := range world.Palette {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// Simulation settings of the generated dataset, so that measured facts in captions (bounces,
// fallen dominoes) are those of a clip the model saw.
var simFPS, simFrames = synth.DefaultOptions().FPS, synth.DefaultOptions().Frames

// searchSeeds bounds the samples tried when looking for a scene with a stated side.
const searchSeeds = 64

// physicsCaptions builds the scene the prompt describes and returns the caption variants of
// its simulation.
func physicsCaptions(s physics.Scenario, w *wants, e *Expansion) ([]string, error) {
	dist, err := distribution(s, w, e)
	if err != nil {
		return nil, err
	}
	params := dist.Sample(physics.NewRand(0))
	if w.side != "" && sideOf(params) != "" {
		for seed := range uint64(searchSeeds) {
			if p := dist.Sample(physics.NewRand(seed)); sideOf(p) == w.side {
				params = p
				e.Applied = append(e.Applied, "side="+w.side)
				w.markApplied(w.sideTokens)
				break
			}
		}
	}
	params = applyQuantities(params, w, e)
	traj, err := simulate(params)
	if err != nil {
		return nil, fmt.Errorf("prompt: simulating a %s scene: %w", s, err)
	}
	slots := colourSlots(traj)
	for k, c := range w.colours {
		if k >= len(slots) {
			break
		}
		traj.Bodies[slots[k]].Color = c
		e.Applied = append(e.Applied, fmt.Sprintf("colour[%d]=%s", k, world.Palette[c].Name))
	}
	return world.Captions(traj, 3, physics.NewRand(0)), nil
}

// simMu serializes simulations: the Box2D port (github.com/ByteArena/box2d) bumps global
// statistics counters (B2_toiIters and others) in every step, a data race between concurrent
// worlds although the results do not depend on them.
var simMu sync.Mutex

func simulate(p physics.Params) (*physics.Trajectory, error) {
	simMu.Lock()
	defer simMu.Unlock()
	return physics.Simulate(p, simFPS, simFrames)
}

// distribution returns the in-distribution ranges of s, narrowed to a stated count.
func distribution(s physics.Scenario, w *wants, e *Expansion) (physics.Distribution, error) {
	n := 0
	if w.count != nil {
		n = int(w.count.v)
	} else if (s == physics.StableStack || s == physics.UnstableStack) && len(w.colours) >= 2 {
		n = len(w.colours) // "a red, green and blue stack": one box per colour
	}
	// Below 2 there is no row or stack; 12 keeps the scene inside the rendered frame.
	ok := n >= 2 && n <= 12
	switch s {
	case physics.Dominoes:
		r := physics.DominoesInDistribution()
		if ok {
			r.Count = physics.IntRange{Min: n, Max: n}
			w.applyCount(e, n)
		}
		return r, nil
	case physics.StableStack, physics.UnstableStack:
		r := physics.StableStackInDistribution()
		if s == physics.UnstableStack {
			r = physics.UnstableStackInDistribution()
			ok = ok && n >= 3 // two boxes offset by under half a width always stand
		}
		if ok {
			r.Count = physics.IntRange{Min: n, Max: n}
			w.applyCount(e, n)
		}
		return r, nil
	case physics.Collision:
		if w.count != nil && w.count.v == 2 {
			w.applyCount(e, 2)
		}
	}
	return physics.Preset(s, physics.InDistribution)
}

func (w *wants) applyCount(e *Expansion, n int) {
	e.Applied = append(e.Applied, fmt.Sprintf("count=%d", n))
	if w.count != nil {
		w.markApplied(w.count.tokens)
	}
}

// markApplied records tokens whose fact went into the scene: the caption states it in its own
// words, so they are not kept as text.
func (w *wants) markApplied(idx []int) { w.applied = append(w.applied, idx...) }

// sideOf is the side a scene moves or tips to, as its captions state it ("" if none).
func sideOf(p physics.Params) string {
	switch p := p.(type) {
	case physics.SeesawParams:
		if p.RightMass*p.RightDistance > p.LeftMass*p.LeftDistance {
			return "right"
		}
		return "left"
	case physics.ProjectileParams:
		if p.Velocity.X < 0 {
			return "left"
		}
		return "right"
	}
	return ""
}

// applyQuantities puts stated lengths, angles and speeds into the scene where the scenario
// has such a quantity and the value is physically valid; others stay in the prompt text.
func applyQuantities(p physics.Params, w *wants, e *Expansion) physics.Params {
	try := func(q *quantity, name string, lo, hi float64, set func(v float64) physics.Params) {
		if q == nil || q.v < lo || q.v > hi {
			return
		}
		np := set(q.v)
		if np.Validate() != nil {
			return
		}
		p = np
		e.Applied = append(e.Applied, fmt.Sprintf("%s=%g", name, q.v))
		w.markApplied(q.tokens)
	}
	// Bounds: what fits in a 2-second clip of the rendered frame; Validate checks the physics.
	switch x := p.(type) {
	case physics.FreeFallParams:
		try(w.length, "height", 0.2, 5, func(v float64) physics.Params { x.Height = v; return x })
	case physics.PendulumParams:
		try(w.length, "length", 0.2, 3, func(v float64) physics.Params { x.Length = v; return x })
		try(w.angle, "amplitude_deg", 1, 170, func(v float64) physics.Params {
			x.Amplitude = math.Copysign(v*math.Pi/180, x.Amplitude)
			return x
		})
	case physics.InclineParams:
		try(w.angle, "angle_deg", 5, 60, func(v float64) physics.Params { x.Angle = v * math.Pi / 180; return x })
	case physics.USlopeParams:
		try(w.angle, "angle_deg", 5, 60, func(v float64) physics.Params { x.Angle = v * math.Pi / 180; return x })
	case physics.ProjectileParams:
		speed, ang := math.Hypot(x.Velocity.X, x.Velocity.Y), math.Atan2(x.Velocity.Y, math.Abs(x.Velocity.X))
		sign := math.Copysign(1, x.Velocity.X)
		set := func() physics.Params {
			x.Velocity = physics.Vec2{X: sign * speed * math.Cos(ang), Y: speed * math.Sin(ang)}
			return x
		}
		try(w.speed, "speed", 0.5, 15, func(v float64) physics.Params { speed = v; return set() })
		try(w.angle, "angle_deg", 0, 85, func(v float64) physics.Params { ang = v * math.Pi / 180; return set() })
	case physics.CollisionParams:
		try(w.speed, "speed", 0.2, 10, func(v float64) physics.Params {
			x.VelocityA = math.Copysign(v, x.VelocityA)
			return x
		})
	}
	return p
}

// colourSlots lists the bodies a caption names by colour, in the order a prompt names them:
// the moving ball, the two colliding balls, the left then right seesaw load, the stack's
// boxes from the bottom.
func colourSlots(t *physics.Trajectory) []int {
	var out []int
	for _, name := range []string{"ball", "ball_a", "ball_b", "bob", "load_left", "load_right", "block", "domino"} {
		for i, b := range t.Bodies {
			if b.Name == name {
				out = append(out, i)
			}
		}
	}
	return out
}

// cameraCaptions returns the caption variants of a camera scenario. They follow world/synth's
// camera captions word for word (prompt's tests check this against synth.Make).
func cameraCaptions(s physics.Scenario, w *wants, e *Expansion) []string {
	opt := scene3d.DefaultSceneOptions()
	n := (opt.MinObjects + opt.MaxObjects) / 2
	if w.count != nil && int(w.count.v) >= opt.MinObjects && int(w.count.v) <= opt.MaxObjects {
		n = int(w.count.v)
		e.Applied = append(e.Applied, fmt.Sprintf("count=%d", n))
		w.markApplied(w.count.tokens)
	}
	motion := map[physics.Scenario]string{synth.CameraOrbit: "orbits around", synth.CameraDolly: "moves forward through", synth.CameraPan: "pans across"}[s]
	return []string{
		fmt.Sprintf("The camera %s a room holding %d textured boxes and spheres.", motion, n),
		fmt.Sprintf("A static indoor scene of textured objects, filmed by a camera that %s it.", motion),
		fmt.Sprintf("Camera motion through a still 3-D scene: the view %s %d objects on a checkered floor.", motion, n),
	}
}

// pickVariant chooses the caption variant that repeats most of the prompt's words, then the
// longest (the one stating most facts), then the first in byte order.
func pickVariant(variants []string, toks []token) string {
	words := map[string]bool{}
	for _, t := range toks {
		if t.role != roleStop {
			words[stem(t.word)] = true
		}
	}
	score := func(c string) int {
		n := 0
		for w := range stems(c) {
			if words[w] {
				n++
			}
		}
		return n
	}
	return slices.MaxFunc(variants, func(a, b string) int {
		return cmp.Or(cmp.Compare(score(a), score(b)), cmp.Compare(len(a), len(b)), cmp.Compare(b, a))
	})
}

// keptPhrases returns the phrases of the prompt holding content the caption does not express.
// The prompt splits into runs of open and function words, broken by cues, applied facts and
// punctuation; a run that holds an open word missing from the caption is kept whole, from the
// input verbatim, so that "seen from above" stays one phrase even though "above" alone may
// appear in the caption. Kept runs separated only by cues and applied facts are kept as one
// phrase ("red dominoes fall on the moon", not "red" and "fall on the moon").
func keptPhrases(p string, toks []token, caption string, applied []int) []string {
	for _, i := range applied {
		toks[i].role = roleApplied
	}
	have := expressed(caption)
	type span struct{ first, last int }
	var kept []span
	first, last, missing := -1, -1, false // the current run: first token, last open token
	bridge := false                       // only cues and facts since the last kept run
	flush := func() {
		switch {
		case missing && bridge:
			kept[len(kept)-1].last = last
		case missing:
			kept = append(kept, span{first, last})
			bridge = true
		case last >= 0: // a run the caption expresses
			bridge = false
		}
		first, last, missing = -1, -1, false
	}
	for i, t := range toks {
		if i > 0 && strings.ContainsAny(p[toks[i-1].end:t.start], ",.;:!?()") {
			flush()
			bridge = false
		}
		if t.role != roleOpen && t.role != roleStop {
			flush()
			continue
		}
		if first < 0 {
			first = i
		}
		if t.role == roleOpen {
			last = i
			missing = missing || !have[stem(t.word)]
		}
	}
	flush()
	out := make([]string, len(kept))
	for i, k := range kept {
		out[i] = p[toks[k.first].start:toks[k.last].end]
	}
	return out
}

// stem folds simple English inflections so that "falls", "falling" and "fall" match.
func stem(w string) string {
	for _, suf := range []string{"ing", "es", "ed", "s"} {
		if len(w) >= len(suf)+3 && strings.HasSuffix(w, suf) {
			w = w[:len(w)-len(suf)]
			break
		}
	}
	if len(w) >= 4 {
		w = strings.TrimSuffix(w, "e") // "topple" and "topples" both give "toppl"
	}
	return w
}

// expressed returns the stems a text expresses: its own words' and their synonyms'.
func expressed(text string) map[string]bool {
	have := stems(text)
	for _, group := range synonyms {
		if slices.ContainsFunc(group, func(w string) bool { return have[stem(w)] }) {
			for _, w := range group {
				have[stem(w)] = true
			}
		}
	}
	return have
}

func stems(s string) map[string]bool {
	m := map[string]bool{}
	for _, t := range tokenize(s) {
		m[stem(t.word)] = true
	}
	return m
}

// sentence capitalizes s and ends it with a full stop if it has no final punctuation.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if last, _ := utf8.DecodeLastRuneInString(s); !strings.ContainsRune(".!?", last) {
		s += "."
	}
	return s
}
