package video

import (
	"image"
	"image/color"
	"math"
	"testing"
)

func TestNewClipValidation(t *testing.T) {
	tests := []struct {
		name                  string
		frames, height, width int
		fps                   float64
		ok                    bool
	}{
		{"ok", 2, 3, 4, 24, true},
		{"one pixel", 1, 1, 1, 0.5, true},
		{"zero frames", 0, 3, 4, 24, false},
		{"negative height", 1, -3, 4, 24, false},
		{"zero width", 1, 3, 0, 24, false},
		{"zero fps", 1, 3, 4, 0, false},
		{"NaN fps", 1, 3, 4, math.NaN(), false},
		{"infinite fps", 1, 3, 4, math.Inf(1), false},
		{"overflow", math.MaxInt / 2, 1 << 20, 1 << 20, 24, false},
	}
	for _, tt := range tests {
		c, err := NewClip(tt.frames, tt.height, tt.width, tt.fps)
		if (err == nil) != tt.ok {
			t.Errorf("%s: NewClip error %v, want ok=%v", tt.name, err, tt.ok)
			continue
		}
		if tt.ok && len(c.Pix) != tt.frames*tt.height*tt.width*3 {
			t.Errorf("%s: len(Pix) = %d", tt.name, len(c.Pix))
		}
	}
}

func TestFromPixelsChecksLength(t *testing.T) {
	if _, err := FromPixels(make([]uint8, 2*3*4*3), 2, 3, 4, 30); err != nil {
		t.Fatal(err)
	}
	if _, err := FromPixels(make([]uint8, 2*3*4*3-1), 2, 3, 4, 30); err == nil {
		t.Fatal("short Pix accepted")
	}
}

func TestLayoutIsTHWC(t *testing.T) {
	c := noiseClip(t, 3, 5, 7, 24, 1)
	for tt := range 3 {
		for y := range 5 {
			for x := range 7 {
				i := ((tt*5+y)*7 + x) * 3
				r, g, b := c.At(tt, y, x)
				if r != c.Pix[i] || g != c.Pix[i+1] || b != c.Pix[i+2] {
					t.Fatalf("At(%d,%d,%d) does not read Pix[%d:]", tt, y, x, i)
				}
				if f := c.Frame(tt); f[(y*7+x)*3] != r {
					t.Fatalf("Frame(%d) is not the frame's view", tt)
				}
			}
		}
	}
	c.Set(2, 4, 6, 1, 2, 3)
	if got := c.Pix[len(c.Pix)-3:]; got[0] != 1 || got[1] != 2 || got[2] != 3 {
		t.Fatalf("Set of the last pixel wrote elsewhere: %v", got)
	}
}

func TestSliceSharesAndCloneCopies(t *testing.T) {
	c := markedClip(t, 6, 2, 2, 10)
	s := c.Slice(2, 5)
	if got := frameMarks(s); got[0] != 2 || got[2] != 4 || s.Frames != 3 {
		t.Fatalf("Slice(2,5) marks %v", got)
	}
	s.Frame(0)[0] = 99
	if c.Frame(2)[0] != 99 {
		t.Fatal("Slice does not share Pix")
	}
	d := c.Clone()
	d.Pix[0] = 42
	if c.Pix[0] == 42 {
		t.Fatal("Clone shares Pix")
	}
	if got := c.Duration().Seconds(); got != 0.6 {
		t.Fatalf("Duration of 6 frames at 10 fps = %v s", got)
	}
}

func TestImageRoundTrip(t *testing.T) {
	c := noiseClip(t, 3, 4, 5, 24, 7)
	imgs := make([]image.Image, c.Frames)
	for i := range imgs {
		imgs[i] = c.Image(i)
	}
	d, err := FromImages(imgs, 24)
	if err != nil {
		t.Fatal(err)
	}
	if string(d.Pix) != string(c.Pix) {
		t.Fatal("Image/FromImages round trip changed pixels")
	}
	if _, err := FromImages([]image.Image{imgs[0], image.NewRGBA(image.Rect(0, 0, 2, 2))}, 24); err == nil {
		t.Fatal("FromImages accepted images of different sizes")
	}
}

func TestImageConversionPaths(t *testing.T) {
	pal := image.NewPaletted(image.Rect(0, 0, 2, 1), color.Palette{color.RGBA{1, 2, 3, 255}, color.RGBA{200, 100, 50, 255}})
	pal.Pix[1] = 1
	gray := image.NewGray(image.Rect(0, 0, 2, 1))
	gray.Pix[0], gray.Pix[1] = 7, 250
	// NRGBA with alpha 128: composited over black, R = 200*128/255 = 100.4, which the 16-bit
	// premultiplication of image/color truncates to 100.
	nrgba := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	nrgba.SetNRGBA(0, 0, color.NRGBA{200, 100, 50, 128})
	nrgba.SetNRGBA(1, 0, color.NRGBA{9, 8, 7, 255})
	sub := noiseClip(t, 1, 4, 4, 1, 3).Image(0).SubImage(image.Rect(1, 2, 3, 3))
	tests := []struct {
		name string
		img  image.Image
		want []uint8
	}{
		{"paletted", pal, []uint8{1, 2, 3, 200, 100, 50}},
		{"gray", gray, []uint8{7, 7, 7, 250, 250, 250}},
		{"nrgba", nrgba, []uint8{100, 50, 25, 9, 8, 7}},
	}
	r0 := sub.(*image.RGBA)
	tests = append(tests, struct {
		name string
		img  image.Image
		want []uint8
	}{"rgba sub-image", sub, []uint8{r0.Pix[0], r0.Pix[1], r0.Pix[2], r0.Pix[4], r0.Pix[5], r0.Pix[6]}})
	for _, tt := range tests {
		got := make([]uint8, 6)
		imageToRGB(got, tt.img)
		if string(got) != string(tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
