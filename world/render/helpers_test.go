package render

import (
	"math"
	"math/rand/v2"
)

// sampleScenes are the scenes of the contact sheet and the example image: a ball on an
// incline, a tower of textured boxes, a mixed pile with polygons, and a dominoes row.
func sampleScenes() []Scene {
	ground := Body{Shape: Shape{Kind: Box, HalfW: 20, HalfH: 1}, Pose: Pose{Y: -1},
		Material: Material{Color: RGB{110, 150, 90}, Texture: Noise, Pattern: RGB{90, 120, 70}, Scale: 0.3, Seed: 7}, Static: true}
	sky := Background{Kind: VerticalGradient, Top: RGB{150, 190, 235}, Bottom: RGB{225, 235, 245}}
	incline := Body{Shape: Shape{Kind: Polygon, Vertices: []Vec2{{-2, 0}, {2, 0}, {-2, 1.6}}}, Pose: Pose{X: -0.5},
		Material: Material{Color: RGB{150, 120, 90}}, Static: true}
	ball := Body{ID: 1, Shape: Shape{Kind: Circle, Radius: 0.35}, Pose: Pose{X: -0.9, Y: 1.35, Angle: 0.7},
		Material: Material{Color: RGB{220, 60, 50}, Texture: Stripes, Pattern: RGB{250, 220, 90}, Scale: 0.25}}
	scenes := []Scene{{
		Bodies:     []Body{ground, incline, ball},
		Background: sky, Light: DefaultLight,
	}}
	tower := []Body{ground}
	for i := range 4 {
		tower = append(tower, Body{ID: uint16(i + 1), Shape: Shape{Kind: Box, HalfW: 0.5 - 0.06*float64(i), HalfH: 0.3},
			Pose:     Pose{X: 0.08 * float64(i), Y: 0.3 + 0.6*float64(i), Angle: 0.05 * float64(i)},
			Material: Material{Color: RGB{uint8(60 + 45*i), 90, uint8(200 - 40*i)}, Texture: Checker, Pattern: RGB{240, 240, 240}, Scale: 0.3}})
	}
	scenes = append(scenes, Scene{Bodies: tower, Light: DefaultLight,
		Background: Background{Kind: Textured, Top: RGB{200, 200, 210}, Bottom: RGB{180, 180, 195}, Texture: Checker, Scale: 1}})
	scenes = append(scenes, randomScene(rand.New(rand.NewPCG(3, 4)), 10, ground))
	dominoes := []Body{ground}
	for i := range 6 {
		// The first three have started to fall to the right.
		angle := -math.Min(1.2, 0.35*math.Max(0, float64(3-i)))
		dominoes = append(dominoes, Body{ID: uint16(i + 1), Shape: Shape{Kind: Box, HalfW: 0.12, HalfH: 0.6},
			Pose:     Pose{X: -1.6 + 0.65*float64(i) + 0.6*math.Sin(-angle), Y: 0.6 * math.Cos(angle), Angle: angle},
			Material: Material{Color: RGB{240, 240, 230}, Texture: Stripes, Pattern: RGB{40, 40, 40}, Scale: 0.1}})
	}
	scenes = append(scenes, Scene{Bodies: dominoes, Light: DefaultLight,
		Background: Background{Kind: Solid, Top: RGB{60, 70, 90}}})
	return scenes
}

// randomScene is ground plus n dynamic bodies of every shape, material and texture, above the
// ground inside x in [-2, 2], y in [0, 3].
func randomScene(rng *rand.Rand, n int, ground Body) Scene {
	s := Scene{Bodies: []Body{ground}, Light: DefaultLight,
		Background: Background{Kind: VerticalGradient, Top: RGB{40, 50, 80}, Bottom: RGB{120, 130, 160}}}
	for i := range n {
		b := Body{ID: uint16(i + 1), Pose: Pose{X: -2 + 4*rng.Float64(), Y: 0.3 + 2.5*rng.Float64(), Angle: 2 * math.Pi * rng.Float64()},
			Material: Material{Color: RGB{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256))},
				Texture: TextureKind(rng.IntN(4)), Pattern: RGB{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256))},
				Scale: 0.1 + 0.3*rng.Float64(), Seed: rng.Uint64()}}
		switch i % 3 {
		case 0:
			b.Shape = Shape{Kind: Circle, Radius: 0.15 + 0.2*rng.Float64()}
		case 1:
			b.Shape = Shape{Kind: Box, HalfW: 0.1 + 0.25*rng.Float64(), HalfH: 0.1 + 0.25*rng.Float64()}
		default:
			k := 3 + rng.IntN(4)
			r := 0.15 + 0.2*rng.Float64()
			for j := range k {
				a := 2 * math.Pi * float64(j) / float64(k)
				b.Shape.Vertices = append(b.Shape.Vertices, Vec2{r * math.Cos(a), r * math.Sin(a)})
			}
			b.Shape.Kind = Polygon
		}
		s.Bodies = append(s.Bodies, b)
	}
	return s
}

// sceneCamera frames x in [-2.5, 2.5], y in [-0.5, 3.25] (the sample scenes) at w x h.
func sceneCamera(w, h int) Camera {
	views, err := Views(Rect{Min: Vec2{-2, -0.2}, Max: Vec2{2, 2.8}}, w, h)
	if err != nil {
		panic(err)
	}
	return views[0].Camera
}
