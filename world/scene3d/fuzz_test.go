package scene3d

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func sampleTruthJSON(tb testing.TB) []byte {
	tb.Helper()
	s, err := RandomScene(2, SceneOptions{MinObjects: 2, MaxObjects: 3, Extent: 1, Walls: 1, Room: 3})
	if err != nil {
		tb.Fatal(err)
	}
	k, _ := NewIntrinsics(8, 6, 60)
	poses, _ := Pan{Eye: Vec3{X: 0, Y: 1, Z: 2}, SweepDeg: 10}.Poses(2)
	q, err := RenderSequence(s, k, poses, 5, RenderOptions{Supersample: 1})
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := q.Truth.WriteJSON(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadGroundTruth(t *testing.T) {
	good := sampleTruthJSON(t)
	g, err := ReadGroundTruth(bytes.NewReader(good), "good.json")
	if err != nil {
		t.Fatal(err)
	}
	if g.Width != 8 || len(g.Frames) != 2 {
		t.Fatalf("read %dx? with %d frames, want width 8 and 2 frames", g.Width, len(g.Frames))
	}
	path := t.TempDir() + "/truth.json"
	if err := g.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	back, err := ReadGroundTruthFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, g) {
		t.Error("file round trip changed the ground truth")
	}
	cases := []struct {
		name   string
		mutate func(g *GroundTruth)
	}{
		{"rotation scaled", func(g *GroundTruth) { g.Frames[1].R[0][0] = 2 }},
		{"centre wrong", func(g *GroundTruth) { g.Frames[0].Center.X += 1 }},
		{"index skipped", func(g *GroundTruth) { g.Frames[1].Index = 2 }},
		{"no frames", func(g *GroundTruth) { g.Frames = nil }},
		{"fps zero", func(g *GroundTruth) { g.FPS = 0 }},
		{"width mismatch", func(g *GroundTruth) { g.Width = 9 }},
		{"K mismatch", func(g *GroundTruth) { g.K[0][2] += 0.5 }},
		{"supersample 0", func(g *GroundTruth) { g.Supersample = 0 }},
		{"no scene", func(g *GroundTruth) { g.Scene = nil }},
		{"seed mismatch", func(g *GroundTruth) { g.Seed++ }},
	}
	var inputs [][2]string
	for _, c := range cases {
		var m GroundTruth
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		c.mutate(&m)
		data, err := json.Marshal(&m)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, [2]string{c.name, string(data)})
	}
	inputs = append(inputs,
		[2]string{"unknown field", strings.Replace(string(good), `"seed"`, `"colour": 1, "seed"`, 1)},
		[2]string{"truncated", string(good[:len(good)/2])},
		[2]string{"trailing data", string(good) + "{}"},
		[2]string{"not an object", "[1, 2]"},
	)
	for _, in := range inputs {
		_, err := ReadGroundTruth(strings.NewReader(in[1]), in[0]+".json")
		var te *TruthError
		if !errors.Is(err, ErrMalformed) || !errors.As(err, &te) || te.Name != in[0]+".json" {
			t.Errorf("%s: err = %v, want a *TruthError naming the file, wrapping ErrMalformed", in[0], err)
		}
	}
	if _, err := ReadGroundTruthFile(t.TempDir() + "/missing.json"); err == nil {
		t.Error("missing file: no error")
	}
}

// FuzzReadGroundTruth: hostile JSON never panics, and whatever is accepted survives a write
// and a second read unchanged.
func FuzzReadGroundTruth(f *testing.F) {
	good := sampleTruthJSON(f)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"frames": [{"index": 0}]}`))
	f.Add([]byte(`[1, 2, 3]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ReadGroundTruth(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := g.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		back, err := ReadGroundTruth(&buf, "again")
		if err != nil {
			t.Fatalf("accepted input fails after a round trip: %v", err)
		}
		if !reflect.DeepEqual(back, g) {
			t.Fatal("round trip changed the ground truth")
		}
	})
}
