package world

// Colour is a named material colour. Captions use the name and renderers the RGB, so what a
// caption says is what the video shows.
type Colour struct {
	Name string
	RGB  [3]uint8
}

// Palette holds the body colours, indexed by physics.Body.Color modulo its length. The hues
// are far apart in RGB so that masks can also be checked by colour thresholding, and none is
// close to the grey of static geometry.
var Palette = []Colour{
	{"red", [3]uint8{214, 48, 49}},
	{"blue", [3]uint8{38, 102, 214}},
	{"green", [3]uint8{46, 170, 80}},
	{"yellow", [3]uint8{236, 200, 40}},
	{"orange", [3]uint8{240, 128, 32}},
	{"purple", [3]uint8{140, 70, 190}},
	{"cyan", [3]uint8{40, 190, 200}},
	{"pink", [3]uint8{236, 110, 170}},
	{"brown", [3]uint8{140, 90, 50}},
	{"white", [3]uint8{236, 236, 236}},
}

// ColourOf returns the palette entry for a colour index.
func ColourOf(index int) Colour {
	n := len(Palette)
	return Palette[((index%n)+n)%n]
}
