package curate

import (
	"reflect"
	"testing"

	"github.com/wfm-platform/wfm/video"
)

func TestLengthPolicy(t *testing.T) {
	clips, short := LengthPolicy{Min: 4, Max: 10}.Apply([]Span{{0, 3}, {3, 13}, {13, 34}, {34, 40}})
	wantClips := []Span{{3, 13}, {13, 20}, {20, 27}, {27, 34}, {34, 40}}
	if !reflect.DeepEqual(clips, wantClips) || !reflect.DeepEqual(short, []Span{{0, 3}}) {
		t.Errorf("clips %v short %v", clips, short)
	}
}

func TestStrideSplitter(t *testing.T) {
	c := movingSquare(t, 1, 0)
	spans, trans := StrideSplitter{Frames: 5}.Split(c)
	if !reflect.DeepEqual(spans, []Span{{0, 5}, {5, 10}, {10, 12}}) || trans != nil {
		t.Errorf("spans %v", spans)
	}
}

func TestShotDetectorOneShotHasNoCut(t *testing.T) {
	shots, trans := DefaultShotDetector().Split(movingSquare(t, 2, 1))
	if len(shots) != 1 || len(trans) != 0 {
		t.Errorf("a single moving shot split into %v (%v)", shots, trans)
	}
}

func TestScoreBoundaries(t *testing.T) {
	truth := []Transition{{Kind: "cut", Start: 10, End: 10}, {Kind: "cut", Start: 50, End: 50}, {Kind: "fade", Start: 30, End: 40}}
	found := []Transition{{Kind: "cut", Start: 11, End: 11}, {Kind: "fade", Start: 29, End: 41}, {Kind: "cut", Start: 70, End: 70}}
	s := ScoreBoundaries(truth, found, 2)
	c, f := s["cut"], s["fade"]
	if c.Truth != 2 || c.TruePos != 1 || c.Found != 2 || c.Matched != 1 || c.Precision != 0.5 || c.Recall != 0.5 {
		t.Errorf("cuts %+v", *c)
	}
	if f.Precision != 1 || f.Recall != 1 {
		t.Errorf("fades %+v", *f)
	}
}

func TestParseRes(t *testing.T) {
	for in, want := range map[string]Target{"0": {}, "": {}, "64": {Short: 64}, "256x144": {Width: 256, Height: 144}} {
		got, err := ParseRes(in)
		if err != nil || got != want {
			t.Errorf("%q: %+v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"x", "63x64", "-4", "1", "axb", "64x"} {
		if _, err := ParseRes(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if w, h := (Target{Short: 64}).size(1920, 1080); w != 113&^1 || h != 64 {
		t.Errorf("short side 64 of 1920x1080: %dx%d", w, h)
	}
}

func FuzzParseRes(f *testing.F) {
	for _, s := range []string{"64", "256x144", "0", "x", "99999999999999999999x2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := ParseRes(s)
		if err != nil {
			return
		}
		if tg.Width%2 != 0 || tg.Height%2 != 0 || tg.Width < 0 || tg.Short < 0 {
			t.Fatalf("%q gave %+v", s, tg)
		}
	})
}

func TestNewSourceKeys(t *testing.T) {
	a, b := NewSource("/data/a/Clip 1.MP4"), NewSource("/data/b/Clip 1.MP4")
	if a.Key == b.Key || a.Key[:7] != "clip_1_" {
		t.Errorf("keys %s %s", a.Key, b.Key)
	}
	if NewSource("/data/a/Clip 1.MP4") != a {
		t.Error("keys are not stable")
	}
}

func TestNPY(t *testing.T) {
	b := npyFloat32([]float32{1, 2, 3})
	if string(b[:6]) != "\x93NUMPY" || (10+int(b[8])+int(b[9])<<8)%64 != 0 || len(b) != 10+int(b[8])+12 {
		t.Errorf("npy header %q", b)
	}
}

func TestShotDetectorFadeFromBlackAtStartIsNoBoundary(t *testing.T) {
	shot := movingSquare(t, 1, 0)
	black := shot.Slice(0, 2).Clone()
	for i := range black.Pix {
		black.Pix[i] = 0
	}
	c := concat([]*video.Clip{black, shot})
	for i := range 4 {
		scaleFrame(c, 2+i, float64(i+1)/5)
	}
	shots, trans := DefaultShotDetector().Split(c)
	if len(trans) != 0 || len(shots) != 1 || shots[0].Start < 5 || shots[0].End != c.Frames {
		t.Errorf("fade-in from black: shots %v, transitions %v", shots, trans)
	}
}
