package scene3d

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/wfm-platform/wfm/geom3"
)

// Shape names a primitive.
type Shape string

// Primitives.
const (
	// Box: a cuboid of half-extents Size, centred at Center, turned by Rotation
	// (object-to-world).
	Box Shape = "box"
	// Sphere: centre Center, radius Radius.
	Sphere Shape = "sphere"
	// Plane: the infinite plane of points X with Normal.X = Offset (floor and walls).
	Plane Shape = "plane"
)

// MaxObjects bounds the objects of a Scene.
const MaxObjects = 4096

// Object is one textured primitive. ID (1..65535, unique in a scene) is what the instance mask
// holds where the object is visible. Emissive objects are drawn in their texture colour
// without shading (markers).
type Object struct {
	ID       uint16  `json:"id"`
	Shape    Shape   `json:"shape"`
	Center   Vec3    `json:"center,omitzero"`
	Size     Vec3    `json:"size,omitzero"`
	Rotation Mat3    `json:"rotation,omitzero"`
	Radius   float64 `json:"radius,omitzero"`
	Normal   Vec3    `json:"normal,omitzero"`
	Offset   float64 `json:"offset,omitzero"`
	Texture  Texture `json:"texture"`
	Emissive bool    `json:"emissive,omitzero"`
}

// Scene is a static world: objects lit by a directional light of unit intensity coming from
// direction Light (pointing from the scene towards the light) plus Ambient light, over a Sky
// colour where rays hit nothing. World axes: +Y up; the floor is the plane Y = 0.
type Scene struct {
	Seed    uint64   `json:"seed"`
	Objects []Object `json:"objects"`
	Light   Vec3     `json:"light"`
	Ambient float64  `json:"ambient"`
	Sky     Vec3     `json:"sky"`
}

// Validate checks every object (finite geometry, positive sizes, unit plane normals,
// rotations, unique non-zero IDs, known textures) and the lighting.
func (s *Scene) Validate() error {
	if len(s.Objects) > MaxObjects {
		return paramErr("Scene", "objects", len(s.Objects), "more than 4096 objects")
	}
	if !s.Light.IsFinite() || !s.Sky.IsFinite() || !finite(s.Ambient) || s.Ambient < 0 || s.Ambient > 1 {
		return paramErr("Scene", "lighting", [3]any{s.Light, s.Ambient, s.Sky}, "light and sky must be finite, ambient in [0, 1]")
	}
	seen := make(map[uint16]bool, len(s.Objects))
	for i, o := range s.Objects {
		field := "objects[" + strconv.Itoa(i) + "]"
		if o.ID == 0 || seen[o.ID] {
			return paramErr("Scene", field+".id", o.ID, "must be non-zero and unique")
		}
		seen[o.ID] = true
		if err := o.Texture.validate(); err != nil {
			return err
		}
		switch o.Shape {
		case Box:
			if !o.Center.IsFinite() || !o.Size.IsFinite() || o.Size.X <= 0 || o.Size.Y <= 0 || o.Size.Z <= 0 {
				return paramErr("Scene", field, o.Size, "box needs a finite centre and positive finite half-extents")
			}
			if !o.Rotation.IsRotation(rotTol) {
				return paramErr("Scene", field+".rotation", o.Rotation, "must be a rotation matrix")
			}
		case Sphere:
			if !o.Center.IsFinite() || !finite(o.Radius) || o.Radius <= 0 {
				return paramErr("Scene", field, o.Radius, "sphere needs a finite centre and a positive finite radius")
			}
		case Plane:
			if !o.Normal.IsFinite() || math.Abs(o.Normal.Norm()-1) > 1e-9 || !finite(o.Offset) {
				return paramErr("Scene", field+".normal", o.Normal, "plane needs a unit normal and a finite offset")
			}
		default:
			return paramErr("Scene", field+".shape", o.Shape, "unknown shape")
		}
	}
	return nil
}

// SceneOptions controls RandomScene. Objects are placed with centres in the square
// [-Extent, Extent]^2 on the floor; walls (0 to 4, in the order -Z, +X, -X, +Z) stand at
// distance Room from the origin. Keep cameras inside the room and outside the objects.
type SceneOptions struct {
	MinObjects int     `json:"min_objects"`
	MaxObjects int     `json:"max_objects"`
	Extent     float64 `json:"extent"`
	Walls      int     `json:"walls"`
	Room       float64 `json:"room"`
}

// DefaultSceneOptions gives 6 to 12 objects within 2.5 m of the origin in a 16 m square room
// with four walls.
func DefaultSceneOptions() SceneOptions {
	return SceneOptions{MinObjects: 6, MaxObjects: 12, Extent: 2.5, Walls: 4, Room: 8}
}

func (o SceneOptions) validate() error {
	if o.MinObjects < 0 || o.MaxObjects < o.MinObjects || o.MaxObjects > MaxObjects-5 {
		return paramErr("RandomScene", "min/max objects", [2]int{o.MinObjects, o.MaxObjects}, "need 0 <= min <= max <= 4091")
	}
	if !finite(o.Extent) || o.Extent <= 0 {
		return paramErr("RandomScene", "extent", o.Extent, "must be positive and finite")
	}
	if o.Walls < 0 || o.Walls > 4 {
		return paramErr("RandomScene", "walls", o.Walls, "must be in [0, 4]")
	}
	if o.Walls > 0 && (!finite(o.Room) || o.Room <= o.Extent) {
		return paramErr("RandomScene", "room", o.Room, "must be finite and larger than extent")
	}
	return nil
}

// RandomScene builds a scene from seed: a floor, the walls, and a random number of boxes
// (axis-aligned or turned about +Y) and spheres resting on the floor, each with a random
// texture and colours. The random stream is math/rand/v2's PCG seeded with (seed, a fixed
// constant), so a seed always gives the same scene.
func RandomScene(seed uint64, opt SceneOptions) (*Scene, error) {
	if err := opt.validate(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x5CE4E3D0))
	s := &Scene{
		Seed:    seed,
		Light:   Vec3{X: 0.2 + 0.6*rng.Float64(), Y: 1, Z: 0.3 + 0.6*rng.Float64()}.Unit(),
		Ambient: 0.3,
		Sky:     Vec3{X: 0.55, Y: 0.7, Z: 0.9},
	}
	id := uint16(1)
	add := func(o Object) {
		o.ID = id
		id++
		s.Objects = append(s.Objects, o)
	}
	add(Object{Shape: Plane, Normal: Vec3{X: 0, Y: 1, Z: 0}, Offset: 0, Texture: randomTexture(rng, 0.5)})
	walls := []Vec3{{X: 0, Y: 0, Z: 1}, {X: -1, Y: 0, Z: 0}, {X: 1, Y: 0, Z: 0}, {X: 0, Y: 0, Z: -1}}
	for _, n := range walls[:opt.Walls] {
		// Normal n faces the room's inside; the wall is n.X = -Room.
		add(Object{Shape: Plane, Normal: n, Offset: -opt.Room, Texture: randomTexture(rng, 0.8)})
	}
	count := opt.MinObjects + rng.IntN(opt.MaxObjects-opt.MinObjects+1)
	size := math.Max(0.15, opt.Extent/4)
	for range count {
		x := (2*rng.Float64() - 1) * opt.Extent
		z := (2*rng.Float64() - 1) * opt.Extent
		tex := randomTexture(rng, size/3)
		if rng.IntN(2) == 0 {
			r := size * (0.3 + 0.7*rng.Float64())
			add(Object{Shape: Sphere, Center: Vec3{X: x, Y: r, Z: z}, Radius: r, Texture: tex})
			continue
		}
		half := Vec3{X: size * (0.3 + 0.7*rng.Float64()), Y: size * (0.3 + 0.9*rng.Float64()), Z: size * (0.3 + 0.7*rng.Float64())}
		rot := geom3.Identity()
		if rng.IntN(3) != 0 {
			rot = geom3.RotationY(rng.Float64() * math.Pi / 2)
		}
		add(Object{Shape: Box, Center: Vec3{X: x, Y: half.Y, Z: z}, Size: half, Rotation: rot, Texture: tex})
	}
	return s, nil
}

// randomTexture picks a textured (never solid) pattern whose feature size is around base
// metres, with one light and one dark colour so that edges have contrast.
func randomTexture(rng *rand.Rand, base float64) Texture {
	kinds := [...]TextureKind{Checker, Noise, Rects, Dots}
	light := Vec3{X: 0.55 + 0.45*rng.Float64(), Y: 0.55 + 0.45*rng.Float64(), Z: 0.55 + 0.45*rng.Float64()}
	dark := Vec3{X: 0.25 * rng.Float64(), Y: 0.25 * rng.Float64(), Z: 0.25 * rng.Float64()}
	if rng.IntN(2) == 0 {
		light, dark = dark, light
	}
	return Texture{
		Kind:  kinds[rng.IntN(len(kinds))],
		Scale: base * (0.5 + rng.Float64()),
		A:     light,
		B:     dark,
		Seed:  rng.Uint64(),
	}
}
