package render_test

import (
	"fmt"

	"github.com/wfm-platform/wfm/world/render"
)

// A red ball resting on the ground, seen by a 64x48 camera; the ground-truth centre of the ball
// is projected to pixels with the camera's exact transform and read back from the mask.
func Example() {
	scene := render.Scene{
		Bodies: []render.Body{
			{Shape: render.Shape{Kind: render.Box, HalfW: 5, HalfH: 0.5}, Pose: render.Pose{Y: -0.5},
				Material: render.Material{Color: render.RGB{R: 90, G: 140, B: 80}}, Static: true},
			{ID: 1, Shape: render.Shape{Kind: render.Circle, Radius: 0.3}, Pose: render.Pose{X: 0.4, Y: 0.3},
				Material: render.Material{Color: render.RGB{R: 220, G: 40, B: 30}, Texture: render.Stripes,
					Pattern: render.RGB{R: 250, G: 220, B: 80}, Scale: 0.2}},
		},
		Background: render.Background{Kind: render.VerticalGradient, Top: render.RGB{R: 150, G: 190, B: 235}, Bottom: render.RGB{R: 225, G: 235, B: 245}},
		Light:      render.DefaultLight,
	}
	cam := render.Camera{Width: 64, Height: 48, Center: render.Vec2{Y: 0.8}, MetresPerPixel: 0.05}
	pix := make([]uint8, cam.Width*cam.Height*3)
	mask := make([]uint16, cam.Width*cam.Height)
	if err := render.NewRenderer().Render(pix, mask, &scene, cam); err != nil {
		fmt.Println(err)
		return
	}
	p := cam.Project(render.Vec2{X: 0.4, Y: 0.3})
	col, row := int(p.X), int(p.Y)
	fmt.Printf("ball centre at pixel (%.1f, %.1f), mask there %d, top-left mask %d\n", p.X, p.Y, mask[row*cam.Width+col], mask[0])
	// Output: ball centre at pixel (40.0, 34.0), mask there 1, top-left mask 0
}
