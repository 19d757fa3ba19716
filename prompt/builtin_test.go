package prompt

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/wfm-platform/wfm/textenc/spm"
	"github.com/wfm-platform/wfm/world"
	"github.com/wfm-platform/wfm/world/physics"
	"github.com/wfm-platform/wfm/world/render"
	"github.com/wfm-platform/wfm/world/synth"
)

// shortPrompts are requests a user might type, two or more per scenario.
var shortPrompts = map[physics.Scenario][]string{
	physics.FreeFall:      {"a red ball falls", "drop a ball", "a blue ball bounces on the floor", "free fall"},
	physics.Projectile:    {"a ball is thrown", "a green ball flies in an arc", "projectile motion"},
	physics.Collision:     {"two balls collide", "a red ball hits a blue ball head-on", "elastic collision"},
	physics.Incline:       {"a ball rolls down a ramp", "a yellow ball on an inclined plane", "a ball rolls"},
	physics.USlope:        {"a ball in a u-shaped valley", "a ball rolls back and forth in a trough"},
	physics.Pendulum:      {"a pendulum swings", "a pink ball swings on a rope", "pendulum"},
	physics.Dominoes:      {"dominoes toppling", "6 dominoes fall", "a chain reaction of dominoes"},
	physics.Seesaw:        {"a seesaw", "a seesaw tips to the left", "two boxes on a lever"},
	physics.StableStack:   {"a stack of boxes", "a stable tower of 4 blocks", "a pile of red, blue and green boxes"},
	physics.UnstableStack: {"a stack of boxes collapses", "a leaning tower of blocks topples", "an unstable stack"},
	synth.CameraOrbit:     {"camera orbits a room", "the camera circles around some objects", "orbit"},
	synth.CameraDolly:     {"the camera moves forward through a room", "dolly shot through a room", "camera zooms in"},
	synth.CameraPan:       {"camera pans across a room", "pan across the scene", "the camera looks around"},
}

var (
	numberRE = regexp.MustCompile(`\d+(?:\.\d+)?`)
	colourRE = regexp.MustCompile(`\b(?:` + strings.Join(paletteNames(), "|") + `)\b`)
	listRE   = regexp.MustCompile(`\((?:<c>, )+from the bottom\)`)
	bounceRE = regexp.MustCompile(`, bouncing (?:once|# times)`)
)

func paletteNames() []string {
	var out []string
	for _, c := range world.Palette {
		out = append(out, c.Name)
	}
	return out
}

// template reduces a caption to its grammar: numbers, colours, colour lists and the bounce
// count (which depends on the sampled restitution) abstracted away.
func template(c string) string {
	c = numberRE.ReplaceAllString(c, "#")
	c = colourRE.ReplaceAllString(c, "<c>")
	c = listRE.ReplaceAllString(c, "(<list>, from the bottom)")
	return bounceRE.ReplaceAllString(c, "")
}

// generatorTemplates returns the caption templates the dataset generator writes for a
// scenario: world.Captions over several in-distribution scenes, or the camera captions of
// clips made by synth.Make.
func generatorTemplates(t *testing.T, s physics.Scenario) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	if slices.Contains(synth.CameraScenarios(), s) {
		o := synth.DefaultOptions()
		o.Scenarios, o.Width, o.Height, o.Frames = []physics.Scenario{s}, 16, 12, 2
		for k := range 2 {
			clip, err := synth.Make(o, k, render.NewRenderer())
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range clip.Record.Captions {
				out[template(c)] = true
			}
		}
		return out
	}
	dist, err := physics.Preset(s, physics.InDistribution)
	if err != nil {
		t.Fatal(err)
	}
	for seed := range uint64(6) {
		tr, err := physics.Simulate(dist.Sample(physics.NewRand(seed)), 16, 33)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range world.Captions(tr, 3, physics.NewRand(seed)) {
			out[template(c)] = true
		}
	}
	return out
}

func TestExpandEveryScenarioFollowsTheGeneratorGrammar(t *testing.T) {
	if len(shortPrompts) != len(scenarioOrder) {
		t.Fatalf("short prompts for %d scenarios, want all %d", len(shortPrompts), len(scenarioOrder))
	}
	for _, s := range scenarioOrder {
		want := generatorTemplates(t, s)
		for _, p := range shortPrompts[s] {
			e, err := Builtin().Expand(p)
			if err != nil {
				t.Fatalf("%q: %v", p, err)
			}
			if e.Scenario != s {
				t.Errorf("%q: scenario %q, want %q", p, e.Scenario, s)
				continue
			}
			if !want[template(e.Caption)] {
				t.Errorf("%q: caption %q has a template the generator never writes for %s:\n%q\nwant one of %q",
					p, e.Caption, s, template(e.Caption), slices.Sorted(func(yield func(string) bool) {
						for k := range want {
							if !yield(k) {
								return
							}
						}
					}))
			}
			if len(e.Kept) != 0 || e.Output != e.Caption {
				t.Errorf("%q: kept %q: the caption should express a short prompt fully", p, e.Kept)
			}
		}
	}
}

func TestExpandAppliesStatedFacts(t *testing.T) {
	tests := []struct {
		prompt, scenario string
		contains         []string
	}{
		{"a red ball falls", "free_fall", []string{"red ball"}},
		{"a ball dropped from 3 metres", "free_fall", []string{"3.0 metres"}},
		{"a ball dropped from 80 cm", "free_fall", []string{"0.8 metres"}},
		{"7 dominoes topple", "dominoes", []string{"7 dominoes"}},
		{"a row of nine dominoes", "dominoes", []string{"of 9"}},
		{"a ball rolls down a 40-degree ramp", "incline", []string{"40-degree ramp"}},
		{"a seesaw tips to the left", "seesaw", []string{"tips down on the left"}},
		{"a seesaw tips to the right", "seesaw", []string{"tips down on the right"}},
		{"a seesaw with a purple box and a cyan box", "seesaw", []string{"purple box on the left", "cyan box on the right"}},
		{"a tower of blue, red and green blocks collapses", "unstable_stack", []string{"3 boxes (blue, red, green, from the bottom)"}},
		{"a stack of 5 boxes stands still", "stable_stack", []string{"5 boxes"}},
		{"a white ball and a brown ball collide", "elastic_collision", []string{"white ball", "brown ball"}},
		{"a ball is thrown at 6 m/s", "projectile", []string{"6.0 m/s"}},
		{"a 1.5 m pendulum", "pendulum", []string{"1.5 m rod"}},
		{"the camera orbits 11 objects", "camera_orbit", []string{"11 "}},
	}
	for _, tc := range tests {
		e, err := Builtin().Expand(tc.prompt)
		if err != nil {
			t.Fatalf("%q: %v", tc.prompt, err)
		}
		if string(e.Scenario) != tc.scenario {
			t.Errorf("%q: scenario %q, want %q", tc.prompt, e.Scenario, tc.scenario)
		}
		// The caption variant is chosen by word overlap, so look at every variant stated.
		for _, c := range tc.contains {
			if !strings.Contains(e.Output, c) {
				t.Errorf("%q: output %q lacks %q (applied %q)", tc.prompt, e.Output, c, e.Applied)
			}
		}
	}
}

func TestExpandKeepsWhatTheCaptionCannotSay(t *testing.T) {
	tests := []struct {
		prompt string
		kept   []string
	}{
		// Dominoes are captioned by count, so the colour stays as text, in its phrase.
		{"5 red dominoes fall on the moon", []string{"red dominoes fall on the moon"}},
		{"a ball falls on the moon and a dog barks", []string{"on the moon and a dog barks"}},
		{"on mars, a ball falls, at night", []string{"on mars", "at night"}},
		{"a yellow ball dropped from 2 metres in slow motion", []string{"in slow motion"}},
		// 40 dominoes is outside what the scene can hold: the number is kept, not changed.
		{"40 dominoes topple", []string{"40"}},
		{"camera pans across a kitchen at sunset", []string{"a kitchen at sunset"}},
		{"a ball falls, seen from above", []string{"seen from above"}},
		// Synonyms of the caption's words are expressed by them.
		{"a sphere falls to the ground", nil},
		{"a stack of cubes", nil},
	}
	for _, tc := range tests {
		e, err := Builtin().Expand(tc.prompt)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(e.Kept, tc.kept) {
			t.Errorf("%q: kept %q, want %q (output %q)", tc.prompt, e.Kept, tc.kept, e.Output)
		}
		for _, k := range tc.kept {
			if !strings.Contains(e.Output, sentence(k)) {
				t.Errorf("%q: output %q lacks kept %q", tc.prompt, e.Output, k)
			}
		}
	}
}

func TestExpandWithoutScenarioKeepsThePrompt(t *testing.T) {
	e, err := Builtin().Expand("  a cat   sleeps on a sofa ")
	if err != nil {
		t.Fatal(err)
	}
	if e.Scenario != "" || e.Caption != "" || e.Output != "A cat sleeps on a sofa." {
		t.Errorf("got %+v", e)
	}
}

func TestExpandIsDeterministic(t *testing.T) {
	var prompts []string
	for _, ps := range shortPrompts {
		prompts = append(prompts, ps...)
	}
	slices.Sort(prompts)
	first := make([]string, len(prompts))
	for i, p := range prompts {
		out, err := Builtin().Upsample(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		first[i] = out
	}
	// Again, concurrently, on one shared upsampler.
	u := Builtin()
	var wg sync.WaitGroup
	again := make([]string, len(prompts))
	for i, p := range prompts {
		wg.Go(func() {
			out, err := u.Upsample(context.Background(), p)
			if err != nil {
				t.Error(err)
			}
			again[i] = out
		})
	}
	wg.Wait()
	if !slices.Equal(first, again) {
		for i := range first {
			if first[i] != again[i] {
				t.Errorf("%q: %q then %q", prompts[i], first[i], again[i])
			}
		}
	}
}

func TestExpandRejectsBadPrompts(t *testing.T) {
	for _, p := range []string{"", "   ", "?!,.", strings.Repeat("a ", MaxPromptBytes), "bad \xff utf-8"} {
		_, err := Builtin().Expand(p)
		if err == nil {
			t.Errorf("%.20q: no error", p)
		}
	}
	if _, err := Builtin().Expand(" . "); !errors.Is(err, ErrEmptyPrompt) {
		t.Errorf("punctuation only: %v, want ErrEmptyPrompt", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Builtin().Upsample(ctx, "a ball falls"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func BenchmarkExpand(b *testing.B) {
	u := Builtin()
	for b.Loop() {
		if _, err := u.Expand("a tower of blue, red and green blocks collapses"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSideMeansWhereThingsGo(t *testing.T) {
	e, err := Builtin().Expand("a seesaw with a red box on the right")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range e.Applied {
		if strings.HasPrefix(a, "side=") {
			t.Errorf("a box standing on the right set %s", a)
		}
	}
	for _, p := range []string{"a seesaw tilts right", "the seesaw tips down towards the left"} {
		e, err := Builtin().Expand(p)
		if err != nil {
			t.Fatal(err)
		}
		want := "side=right"
		if strings.Contains(p, "left") {
			want = "side=left"
		}
		if !slices.Contains(e.Applied, want) {
			t.Errorf("%q: applied %q, want %s", p, e.Applied, want)
		}
	}
}

// builtinEncoderWindow is textenc.BuiltinMaxLen, the token window of the built-in text
// encoder (not imported, to keep this package's tests off the model code).
const builtinEncoderWindow = 64

func TestShortPromptsFitTheBuiltinEncoder(t *testing.T) {
	m, err := spm.Load(filepath.Join("..", "textenc", "builtin", "spiece.model"))
	if err != nil {
		t.Skipf("built-in tokenizer: %v", err)
	}
	for _, s := range scenarioOrder {
		for _, p := range shortPrompts[s] {
			out, err := Builtin().Upsample(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			// One more token for the end-of-sequence mark T5 appends.
			if n := len(m.Encode(out)) + 1; n > builtinEncoderWindow {
				t.Errorf("%q: %d tokens, over the built-in encoder's %d: %q", p, n, builtinEncoderWindow, out)
			}
		}
	}
}
