package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/dataset"
	"github.com/wfm-platform/wfm/internal/dirlock"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/world/physics"
	"github.com/wfm-platform/wfm/world/render"
)

// bodyRadiusPx is the smallest half-size of a body in pixels.
func bodyRadiusPx(b physics.Body, rec Record) float64 {
	r := b.Shape.Radius
	if b.Shape.Kind == physics.Box {
		r = math.Min(b.Shape.HalfExtents.X, b.Shape.HalfExtents.Y)
	}
	return r / rec.Camera.MetresPerPixel
}

func smallOptions(dir string) Options {
	o := DefaultOptions()
	o.Out, o.N, o.Frames, o.ShardSamples = dir, 12, 9, 5
	return o
}

func readAll(t *testing.T, dir, prefix string) []*dataset.Sample {
	t.Helper()
	r, err := dataset.OpenDir(dir, prefix, dataset.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []*dataset.Sample
	for {
		s, err := r.Next()
		if err != nil {
			break
		}
		out = append(out, s)
	}
	return out
}

func TestGenerateIsDeterministicAcrossWorkers(t *testing.T) {
	a, b := smallOptions(t.TempDir()), smallOptions(t.TempDir())
	a.Workers, b.Workers = 1, 3
	for _, o := range []Options{a, b} {
		if _, err := Generate(context.Background(), o, nil); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		name := dataset.ShardName(a.Prefix, i)
		x, err1 := os.ReadFile(filepath.Join(a.Out, name))
		y, err2 := os.ReadFile(filepath.Join(b.Out, name))
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			t.Fatalf("shard %s differs between 1 and 3 workers (%v, %v)", name, err1, err2)
		}
	}
}

func TestSamplesHoldVideoMasksAndTruth(t *testing.T) {
	o := smallOptions(t.TempDir())
	rep, err := Generate(context.Background(), o, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Shards) != 3 || rep.Made != 12 {
		t.Fatalf("report %+v", rep)
	}
	samples := readAll(t, o.Out, o.Prefix)
	if len(samples) != 12 {
		t.Fatalf("%d samples", len(samples))
	}
	seen := map[physics.Scenario]bool{}
	checked := 0
	for _, s := range samples {
		var rec Record
		if err := json.Unmarshal(s.Parts["json"], &rec); err != nil {
			t.Fatalf("%s: %v", s.Key, err)
		}
		seen[rec.Trajectory.Scenario] = true
		clip, err := video.DecodeY4M(bytes.NewReader(s.Parts["y4m"]), s.Key, video.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if clip.Frames != o.Frames || clip.Width != o.Width || len(rec.Trajectory.Frames) != o.Frames || len(rec.Captions) != 3 {
			t.Fatalf("%s: clip %v, %d states, %d captions", s.Key, clip, len(rec.Trajectory.Frames), len(rec.Captions))
		}
		m, err := png.Decode(bytes.NewReader(s.Parts["mask.png"]))
		if err != nil || m.Bounds().Dy() != o.Frames*o.Height {
			t.Fatalf("%s: masks %v %v", s.Key, err, m.Bounds())
		}
		// Every dynamic body whose centre projects well inside a frame is in the mask there,
		// and the video pixel there has the body's colour family (not the background's).
		masks := m.(*image.Gray)
		for f := range o.Frames {
			for i, b := range rec.Trajectory.Bodies {
				if b.Type != physics.Dynamic {
					continue
				}
				p := rec.Trajectory.Frames[f].States[i].Position
				px := rec.WorldToPix.Apply(render.Vec2{X: p.X, Y: p.Y})
				x, y := int(px.X), int(px.Y)
				if x < 2 || y < 2 || x >= o.Width-2 || y >= o.Height-2 || bodyRadiusPx(b, rec) < 1.5 {
					continue
				}
				checked++
				if got := masks.GrayAt(x, f*o.Height+y).Y; int(got) != i+1 {
					t.Errorf("%s frame %d: mask at the centre of body %d (%s) is %d, want %d", s.Key, f, i, b.Name, got, i+1)
				}
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d body centres checked against the masks", checked)
	}
	if len(seen) != 10 {
		t.Errorf("scenarios seen: %v", seen)
	}
	if st, err := os.Stat(rep.Contact); err != nil || st.Size() == 0 {
		t.Errorf("contact sheet: %v", err)
	}
}

func TestInterruptedRunResumesToTheSameBytes(t *testing.T) {
	whole, cut := smallOptions(t.TempDir()), smallOptions(t.TempDir())
	if _, err := Generate(context.Background(), whole, nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Generate(ctx, cut, func(done int) {
		if done == 7 {
			cancel() // mid second shard
		}
	})
	if err == nil {
		t.Fatal("a cancelled run reported success")
	}
	ix, err := dataset.ReadIndex(cut.Out, cut.Prefix)
	if err != nil || len(ix.Shards) != 1 {
		t.Fatalf("after the interruption the index should list exactly the complete shard: %v %+v", err, ix)
	}
	rep, err := Generate(context.Background(), cut, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Resumed != 5 || rep.Made != 7 {
		t.Errorf("resumed %d, made %d; want 5 and 7", rep.Resumed, rep.Made)
	}
	for i := range 3 {
		name := dataset.ShardName(whole.Prefix, i)
		x, _ := os.ReadFile(filepath.Join(whole.Out, name))
		y, _ := os.ReadFile(filepath.Join(cut.Out, name))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Fatalf("shard %s differs after resuming", name)
		}
	}
	other := cut
	other.Seed++
	if _, err := Generate(context.Background(), other, nil); err == nil {
		t.Fatal("a run with other settings was allowed to add to the folder")
	}
}

func TestValidateRejects(t *testing.T) {
	for name, mut := range map[string]func(*Options){
		"no clips":     func(o *Options) { o.N = 0 },
		"tiny frame":   func(o *Options) { o.Width = 4 },
		"odd mp4":      func(o *Options) { o.Format, o.Width = "mp4", 65 },
		"bad format":   func(o *Options) { o.Format = "avi" },
		"bad scenario": func(o *Options) { o.Scenarios = []physics.Scenario{"gyroscope"} },
		"bad prefix":   func(o *Options) { o.Prefix = "a.b" },
		"zero fps":     func(o *Options) { o.FPS = 0 },
	} {
		o := DefaultOptions()
		mut(&o)
		if err := o.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestCameraClipsCarryPosesAndDepth(t *testing.T) {
	o := smallOptions(t.TempDir())
	o.Scenarios, o.N = CameraScenarios(), 3
	if _, err := Generate(context.Background(), o, nil); err != nil {
		t.Fatal(err)
	}
	for _, s := range readAll(t, o.Out, o.Prefix) {
		var rec Record
		if err := json.Unmarshal(s.Parts["json"], &rec); err != nil {
			t.Fatal(err)
		}
		if !isCamera(rec.Scenario) || rec.Camera3D == nil || rec.Trajectory != nil {
			t.Fatalf("%s: record %+v", s.Key, rec)
		}
		truth := rec.Camera3D.Truth
		if err := truth.Validate(); err != nil || len(truth.Frames) != o.Frames || truth.Width != o.Width {
			t.Fatalf("%s: ground truth %v, %d frames", s.Key, err, len(truth.Frames))
		}
		d, err := png.Decode(bytes.NewReader(s.Parts["depth.png"]))
		if err != nil {
			t.Fatal(err)
		}
		depth := d.(*image.Gray16)
		if depth.Bounds().Dy() != o.Frames*o.Height {
			t.Fatalf("%s: depth is %v", s.Key, depth.Bounds())
		}
		// The centre pixel of the first frame sees something within the room (walls at 4 m).
		mm := depth.Gray16At(o.Width/2, o.Height/2).Y
		if mm == 0 || mm > 12000 {
			t.Errorf("%s: centre depth %d mm", s.Key, mm)
		}
	}
}

func TestAllViewsStoresEveryCamera(t *testing.T) {
	o := smallOptions(t.TempDir())
	o.N, o.AllViews = 3, true
	if _, err := Generate(context.Background(), o, nil); err != nil {
		t.Fatal(err)
	}
	for _, s := range readAll(t, o.Out, o.Prefix) {
		var rec Record
		if err := json.Unmarshal(s.Parts["json"], &rec); err != nil {
			t.Fatal(err)
		}
		names := map[string]bool{rec.View: true}
		for _, v := range rec.OtherViews {
			names[v.Name] = true
			c, err := video.DecodeY4M(bytes.NewReader(s.Parts[v.Name+".y4m"]), s.Key, video.Options{})
			if err != nil || c.Frames != o.Frames {
				t.Fatalf("%s view %s: %v", s.Key, v.Name, err)
			}
			main, _ := video.DecodeY4M(bytes.NewReader(s.Parts["y4m"]), s.Key, video.Options{})
			if bytes.Equal(c.Pix, main.Pix) {
				t.Errorf("%s: view %s is the same video as the main view %s", s.Key, v.Name, rec.View)
			}
			if len(s.Parts[v.Name+".mask.png"]) == 0 {
				t.Errorf("%s: no masks for view %s", s.Key, v.Name)
			}
		}
		if len(names) != 4 {
			t.Errorf("%s: views %v, want the four named views", s.Key, names)
		}
	}
}

func TestLookSplitsDoNotOverlap(t *testing.T) {
	id, ood := LookRangesFor(physics.InDistribution), LookRangesFor(physics.OutOfDistribution)
	disjoint := func(a, b [2]float64) bool { return a[1] < b[0] || b[1] < a[0] }
	for name, pair := range map[string][2][2]float64{
		"light angle": {id.LightAngle, ood.LightAngle}, "ambient": {id.Ambient, ood.Ambient},
		"diffuse": {id.Diffuse, ood.Diffuse}, "sky": {id.SkyBrightness, ood.SkyBrightness}, "grey": {id.StaticGrey, ood.StaticGrey},
	} {
		if !disjoint(pair[0], pair[1]) {
			t.Errorf("%s: ID %v and OOD %v overlap", name, pair[0], pair[1])
		}
	}
	rng := physics.NewRand(9)
	for range 200 {
		l := ood.SampleLook(rng)
		if l.Light.Ambient < ood.Ambient[0] || l.Light.Ambient > ood.Ambient[1] ||
			float64(l.StaticGrey) < ood.StaticGrey[0]-1 || float64(l.StaticGrey) > ood.StaticGrey[1] {
			t.Fatalf("sampled look %+v outside the OOD ranges", l)
		}
	}
	o := smallOptions(t.TempDir())
	o.Split, o.N = physics.OutOfDistribution, 10
	if _, err := Generate(context.Background(), o, nil); err != nil {
		t.Fatal(err)
	}
}

// TestSecondRunOnOneFolderIsRefused: while a run holds o.Out, another Generate on it fails at
// once naming the holder, and leaves the first run's files (its temporary shard included) alone.
func TestSecondRunOnOneFolderIsRefused(t *testing.T) {
	o := smallOptions(t.TempDir())
	lock, err := dirlock.Acquire(o.Out, "wfm synth")
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(o.Out, "."+o.Prefix+"-000000.tar.tmp-123")
	if err := os.WriteFile(tmp, []byte("in progress"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Generate(context.Background(), o, nil)
	if !errors.Is(err, dirlock.ErrHeld) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
		t.Fatalf("Generate on a held folder: %v, want the holder named", err)
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Errorf("the refused run touched the holder's temporary file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(o.Out, settingsName(o.Prefix))); !os.IsNotExist(err) {
		t.Errorf("the refused run wrote its settings: %v", err)
	}
	lock.Release()
	o.N = 2
	if _, err := Generate(context.Background(), o, nil); err != nil {
		t.Fatalf("Generate once the folder is free: %v", err)
	}
	if _, err := os.Stat(filepath.Join(o.Out, dirlock.FileName)); !os.IsNotExist(err) {
		t.Errorf("lock file left after the run: %v", err)
	}
}
