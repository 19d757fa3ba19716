// Package synth generates the platform's embedded dataset: labelled videos of simulated
// physics and of static 3-D scenes, written as WebDataset shards (package dataset).
//
// A physics clip is simulated (world/physics), drawn from one of the camera views that keep its
// whole motion in frame (world/render: wide or tilted; with Options.AllViews from every view),
// captioned from its measured motion (world), and stored as KEY.y4m (or KEY.mp4), KEY.json
// (scenario, parameters, per-frame body states, camera, appearance, captions, seed) and
// KEY.mask.png (the instance masks of all frames stacked vertically, one byte per pixel: the
// physics body index plus one, 0 for background). A camera clip (camera_orbit, camera_dolly, camera_pan) is a
// random textured room ray-cast along a camera path (world/scene3d), with the intrinsics and
// per-frame poses in KEY.json and depth in KEY.depth.png (16-bit millimetres).
//
// Clip k depends only on (Options.Seed, k): generation is deterministic whatever the number of
// workers, and an interrupted run resumes at the first clip of the first incomplete shard.
package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/wfm-platform/wfm/dataset"
	"github.com/wfm-platform/wfm/internal/atomicfile"
	"github.com/wfm-platform/wfm/internal/dirlock"
	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/world"
	"github.com/wfm-platform/wfm/world/physics"
	"github.com/wfm-platform/wfm/world/render"
)

// Options configure a generation run.
type Options struct {
	Out          string             `json:"-"`
	Prefix       string             `json:"prefix"`
	Scenarios    []physics.Scenario `json:"scenarios"` // clip k uses Scenarios[k % len]
	N            int                `json:"n"`         // clips in all
	Width        int                `json:"width"`
	Height       int                `json:"height"`
	Frames       int                `json:"frames"`
	FPS          int                `json:"fps"`
	Split        physics.Split      `json:"split"`
	Seed         uint64             `json:"seed"`
	Format       string             `json:"format"` // "y4m" (4:4:4, pure Go) or "mp4" (ffmpeg, H.264)
	ShardSamples int                `json:"shard_samples"`
	Captions     int                `json:"captions"` // per clip
	// AllViews renders each physics clip from every named camera view: the main video is one
	// of the views that keep the whole motion in frame, the others are stored beside it as
	// KEY.<view>.y4m and KEY.<view>.mask.png.
	AllViews bool `json:"all_views"`
	Workers  int  `json:"-"` // 0: GOMAXPROCS
}

// AllScenarios lists the physics scenarios, then the camera scenarios.
func AllScenarios() []physics.Scenario {
	return append(physics.Scenarios(), CameraScenarios()...)
}

// DefaultOptions: every physics scenario, 64x64, 33 frames at 16 fps, in-distribution.
func DefaultOptions() Options {
	return Options{Out: "out/synth", Prefix: "synth", Scenarios: physics.Scenarios(), N: 100, Width: 64, Height: 64,
		Frames: 33, FPS: 16, Split: physics.InDistribution, Seed: 1, Format: "y4m", ShardSamples: 1000, Captions: 3}
}

// Validate checks the options.
func (o Options) Validate() error {
	switch {
	case o.N < 1:
		return fmt.Errorf("synth: n = %d, want >= 1", o.N)
	case len(o.Scenarios) == 0:
		return errors.New("synth: no scenario")
	case o.Width < 8 || o.Height < 8 || o.Width > render.MaxSide || o.Height > render.MaxSide:
		return fmt.Errorf("synth: resolution %dx%d, want 8..%d per side", o.Width, o.Height, render.MaxSide)
	case o.Frames < 1 || o.Frames > physics.MaxFrames:
		return fmt.Errorf("synth: frames = %d, want 1..%d", o.Frames, physics.MaxFrames)
	case o.FPS < 1 || o.FPS > physics.MaxFPS:
		return fmt.Errorf("synth: fps = %d, want 1..%d", o.FPS, physics.MaxFPS)
	case o.Format != "y4m" && o.Format != "mp4":
		return fmt.Errorf("synth: format %q, want y4m or mp4", o.Format)
	case o.Format == "mp4" && (o.Width%2 != 0 || o.Height%2 != 0):
		return fmt.Errorf("synth: mp4 needs an even resolution, got %dx%d", o.Width, o.Height)
	case o.ShardSamples < 1 || o.Captions < 0:
		return fmt.Errorf("synth: shard_samples = %d, captions = %d", o.ShardSamples, o.Captions)
	}
	for _, s := range o.Scenarios {
		if isCamera(s) {
			if o.Split != physics.InDistribution && o.Split != physics.OutOfDistribution {
				return fmt.Errorf("synth: unknown split %q", o.Split)
			}
			continue
		}
		if _, err := physics.Preset(s, o.Split); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
	}
	return dataset.ValidateKey(o.Prefix)
}

// Record is the KEY.json of a clip.
type Record struct {
	Key      string           `json:"key"`
	Index    int              `json:"index"`
	Seed     uint64           `json:"seed"` // the clip's own seed, derived from Options.Seed and Index
	Scenario physics.Scenario `json:"scenario"`
	Split    physics.Split    `json:"split"`
	Width    int              `json:"width"`
	Height   int              `json:"height"`
	Captions []string         `json:"captions"`

	// Physics clips: the 2-D view, the appearance and the simulated motion.
	View       string              `json:"view,omitempty"`
	Camera     *render.Camera      `json:"camera,omitempty"`
	WorldToPix *render.Affine      `json:"world_to_pixel,omitempty"` // pixel = (A*x + B*y + C, D*x + E*y + F)
	Look       *Look               `json:"look,omitempty"`
	Colours    []string            `json:"colours,omitempty"` // colour name per body index ("" for static bodies)
	Trajectory *physics.Trajectory `json:"trajectory,omitempty"`
	OtherViews []ViewTruth         `json:"other_views,omitempty"` // with Options.AllViews

	// Camera clips: intrinsics, per-frame poses and the scene.
	Camera3D *CameraTruth `json:"camera3d,omitempty"`
}

// ViewTruth is the camera of an additional view of a physics clip.
type ViewTruth struct {
	Name       string        `json:"name"`
	Camera     render.Camera `json:"camera"`
	WorldToPix render.Affine `json:"world_to_pixel"`
}

// ViewClip is the video and masks of an additional view.
type ViewClip struct {
	Name  string
	Video *video.Clip
	Masks []uint8
}

// Clip is one generated sample.
type Clip struct {
	Record Record
	Video  *video.Clip
	Masks  []uint8   // Frames x Height x Width object IDs (body indices for physics clips)
	Depth  []float32 // camera clips: Frames x Height x Width camera-frame z in metres
	Extra  []ViewClip
}

// ClipSeed derives clip k's seed from the run seed (FNV-1a of both), so clips are independent
// of one another and of the order they are made in.
func ClipSeed(seed uint64, k int) uint64 {
	h := fnv.New64a()
	var b [16]byte
	for i := range 8 {
		b[i], b[8+i] = byte(seed>>(8*i)), byte(uint64(k)>>(8*i))
	}
	_, _ = h.Write(b[:])
	return h.Sum64()
}

// Key names clip k in the shards.
func Key(k int) string { return fmt.Sprintf("clip%08d", k) }

// Make simulates and renders clip k.
func Make(o Options, k int, r *render.Renderer) (*Clip, error) {
	seed := ClipSeed(o.Seed, k)
	rng := physics.NewRand(seed)
	scenario := o.Scenarios[k%len(o.Scenarios)]
	if isCamera(scenario) {
		return makeCamera(o, k, scenario, seed, rng)
	}
	dist, err := physics.Preset(scenario, o.Split)
	if err != nil {
		return nil, err
	}
	params := dist.Sample(rng)
	traj, err := physics.Simulate(params, o.FPS, o.Frames)
	if err != nil {
		return nil, fmt.Errorf("synth: clip %d (%s): %w", k, scenario, err)
	}
	look := LookRangesFor(o.Split).SampleLook(rng)
	sb := newSceneBuilder(traj, look)
	views, err := render.Views(sb.bounds(), o.Width, o.Height)
	if err != nil {
		return nil, fmt.Errorf("synth: clip %d (%s): %w", k, scenario, err)
	}
	// The main view keeps the whole motion in frame: "close" and "offset" crop it.
	inFrame := slices.DeleteFunc(slices.Clone(views), func(v render.View) bool {
		return v.Name != render.ViewWide && v.Name != render.ViewTilted
	})
	view := inFrame[rng.IntN(len(inFrame))]
	clip, masks, err := renderView(o, r, sb, view.Camera)
	if err != nil {
		return nil, fmt.Errorf("synth: clip %d: %w", k, err)
	}
	var extra []ViewClip
	var others []ViewTruth
	if o.AllViews {
		for _, v := range views {
			if v.Name == view.Name {
				continue
			}
			vc, vm, err := renderView(o, r, sb, v.Camera)
			if err != nil {
				return nil, fmt.Errorf("synth: clip %d view %s: %w", k, v.Name, err)
			}
			extra = append(extra, ViewClip{Name: v.Name, Video: vc, Masks: vm})
			others = append(others, ViewTruth{Name: v.Name, Camera: v.Camera, WorldToPix: v.Camera.WorldToPixel()})
		}
	}
	colours := make([]string, len(traj.Bodies))
	for i, b := range traj.Bodies {
		if b.Type != physics.Static {
			colours[i] = world.ColourOf(b.Color).Name
		}
	}
	w2p := view.Camera.WorldToPixel()
	rec := Record{Key: Key(k), Index: k, Seed: seed, Scenario: scenario, Split: o.Split, Width: o.Width, Height: o.Height,
		View: view.Name, Camera: &view.Camera, WorldToPix: &w2p, Look: &look,
		Colours: colours, Captions: world.Captions(traj, o.Captions, rng), Trajectory: traj, OtherViews: others}
	return &Clip{Record: rec, Video: clip, Masks: masks, Extra: extra}, nil
}

// renderView renders every frame of a physics clip through cam, with its instance masks.
func renderView(o Options, r *render.Renderer, sb *sceneBuilder, cam render.Camera) (*video.Clip, []uint8, error) {
	clip, err := video.NewClip(o.Frames, o.Height, o.Width, float64(o.FPS))
	if err != nil {
		return nil, nil, err
	}
	masks := make([]uint8, o.Frames*o.Height*o.Width)
	mask16 := make([]uint16, o.Height*o.Width)
	for f := range o.Frames {
		if err := r.RenderFrame(clip, f, mask16, sb.frame(f), cam); err != nil {
			return nil, nil, fmt.Errorf("frame %d: %w", f, err)
		}
		dst := masks[f*len(mask16) : (f+1)*len(mask16)]
		for i, id := range mask16 {
			dst[i] = uint8(id) // body indices stay far below 256 (physics bodies per scene)
		}
	}
	return clip, masks, nil
}

// Encode turns a clip into its shard parts.
func Encode(ctx context.Context, o Options, c *Clip) (map[string][]byte, error) {
	meta, err := json.Marshal(c.Record)
	if err != nil {
		return nil, fmt.Errorf("synth: %s: %w", c.Record.Key, err)
	}
	parts := map[string][]byte{"json": meta}
	views := append([]ViewClip{{Video: c.Video, Masks: c.Masks}}, c.Extra...)
	for _, v := range views {
		prefix := ""
		if v.Name != "" {
			prefix = v.Name + "."
		}
		if parts[prefix+o.Format], err = encodeVideo(ctx, o.Format, v.Video); err != nil {
			return nil, fmt.Errorf("synth: %s: %w", c.Record.Key, err)
		}
		if parts[prefix+"mask.png"], err = grayPNG(v.Masks, o.Width, o.Height*o.Frames); err != nil {
			return nil, fmt.Errorf("synth: %s masks: %w", c.Record.Key, err)
		}
	}
	if c.Depth != nil {
		if parts["depth.png"], err = depthPNG(c.Depth, o.Width, o.Height*o.Frames); err != nil {
			return nil, fmt.Errorf("synth: %s depth: %w", c.Record.Key, err)
		}
	}
	return parts, nil
}

// encodeVideo encodes a clip as Y4M 4:4:4 in memory, or as MP4 through ffmpeg and a
// temporary file (the MP4 muxer needs to seek).
func encodeVideo(ctx context.Context, format string, clip *video.Clip) ([]byte, error) {
	if format == "y4m" {
		var b bytes.Buffer
		err := video.EncodeY4M(&b, clip, video.Options{Y4MChroma: video.Chroma444})
		return b.Bytes(), err
	}
	tmp, err := os.MkdirTemp("", "wfm-synth-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	p := filepath.Join(tmp, "clip.mp4")
	if err := video.Write(ctx, p, clip, video.Options{}); err != nil {
		return nil, err
	}
	return os.ReadFile(p)
}

// grayPNG encodes one byte per pixel (frames stacked vertically) as an 8-bit grey PNG.
func grayPNG(pix []uint8, width, height int) ([]byte, error) {
	var b bytes.Buffer
	err := png.Encode(&b, &image.Gray{Pix: pix, Stride: width, Rect: image.Rect(0, 0, width, height)})
	return b.Bytes(), err
}

// Report summarizes a run.
type Report struct {
	Clips    int      `json:"clips"`
	Made     int      `json:"made"`    // by this call; the rest were already in complete shards
	Resumed  int      `json:"resumed"` // clips found complete
	Shards   []string `json:"shards"`
	Index    string   `json:"index"`
	Contact  string   `json:"contact_sheet"`
	Settings string   `json:"settings"`
}

// settingsName is the file that pins a folder's options, so a resumed run cannot mix datasets.
func settingsName(prefix string) string { return prefix + "-settings.json" }

// Generate makes o.N clips into o.Out, resuming a previous run of the same options. progress,
// when not nil, is called with the number of clips done (including resumed ones). It holds the
// folder's lock (package dirlock) throughout: a second run on o.Out fails at once, before it
// reads or cleans up anything there, with an error naming the first run.
func Generate(ctx context.Context, o Options, progress func(done int)) (*Report, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	// The lock comes before anything in o.Out is read or cleaned up: a second run on the same
	// folder must not touch the first one's files.
	lock, err := dirlock.Acquire(o.Out, "wfm synth")
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	defer lock.Release()
	settings, err := json.MarshalIndent(o, "", "  ")
	if err != nil {
		return nil, err
	}
	sp := filepath.Join(o.Out, settingsName(o.Prefix))
	if old, err := os.ReadFile(sp); err == nil {
		if !bytes.Equal(old, settings) {
			return nil, fmt.Errorf("synth: %s holds a dataset made with other settings (%s); use another --out or --prefix", o.Out, sp)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("synth: %w", err)
	} else if err := atomicfile.WriteFile(sp, settings, 0o644); err != nil {
		return nil, err
	}
	w, err := dataset.NewShardWriter(o.Out, o.Prefix, dataset.WriterOptions{MaxSamples: o.ShardSamples, Resume: true})
	if err != nil {
		return nil, err
	}
	start := w.Samples()
	rep := &Report{Clips: o.N, Resumed: start, Settings: sp}
	if progress != nil {
		progress(start)
	}
	err = produce(ctx, o, start, func(k int, parts map[string][]byte) error {
		if err := w.Write(Key(k), parts); err != nil {
			return err
		}
		rep.Made++
		if progress != nil {
			progress(k + 1)
		}
		return nil
	})
	if err != nil {
		// Keep only complete shards: the open one is rewritten whole when the run resumes.
		_ = w.Abort()
		return rep, err
	}
	if err := w.Close(); err != nil {
		return rep, err
	}
	ix := w.Index()
	rep.Shards = ix.Paths(o.Out)
	rep.Index = filepath.Join(o.Out, dataset.IndexName(o.Prefix))
	rep.Contact = filepath.Join(o.Out, o.Prefix+"-contact.png")
	if err := ContactSheet(rep.Contact, o); err != nil {
		return rep, err
	}
	return rep, nil
}

// produce makes clips start..N-1 on o.Workers goroutines and hands them to emit in index
// order. At most 2*workers clips are in flight, so memory stays bounded.
func produce(ctx context.Context, o Options, start int, emit func(k int, parts map[string][]byte) error) error {
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		parts map[string][]byte
		err   error
	}
	jobs := make(chan int)
	results := make(map[int]result)
	var mu sync.Mutex
	ready := sync.NewCond(&mu)
	slots := make(chan struct{}, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := render.NewRenderer()
			for k := range jobs {
				c, err := Make(o, k, r)
				var parts map[string][]byte
				if err == nil {
					parts, err = Encode(ctx, o, c)
				}
				mu.Lock()
				results[k] = result{parts, err}
				ready.Broadcast()
				mu.Unlock()
			}
		}()
	}
	go func() {
		defer close(jobs)
		for k := start; k < o.N; k++ {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- k:
			case <-ctx.Done():
				return
			}
		}
	}()
	// Wake the collector when the run is cancelled, whatever it is waiting for.
	go func() {
		<-ctx.Done()
		mu.Lock()
		ready.Broadcast()
		mu.Unlock()
	}()
	var err error
	for k := start; k < o.N && err == nil; k++ {
		mu.Lock()
		for {
			if _, ok := results[k]; ok || ctx.Err() != nil {
				break
			}
			ready.Wait()
		}
		res, ok := results[k]
		delete(results, k)
		mu.Unlock()
		if !ok {
			err = ctx.Err()
			break
		}
		<-slots
		if err = res.err; err == nil {
			err = emit(k, res.parts)
		}
		if err == nil {
			err = ctx.Err()
		}
	}
	cancel()
	wg.Wait()
	return err
}

// ContactSheet writes a PNG showing, for each scenario of o, four frames of one clip (the
// first clip of that scenario) side by side, labelled.
func ContactSheet(path string, o Options) error {
	r := render.NewRenderer()
	var strips []*video.Clip
	var labels []string
	for i, s := range o.Scenarios {
		if i >= o.N {
			break
		}
		c, err := Make(o, i, r)
		if err != nil {
			return err
		}
		idx := []int{0, o.Frames / 3, 2 * o.Frames / 3, o.Frames - 1}
		strip, err := video.NewClip(1, o.Height, 4*o.Width+6, float64(o.FPS))
		if err != nil {
			return err
		}
		for j, f := range slices.Compact(idx) {
			for y := range o.Height {
				for x := range o.Width {
					rr, g, b := c.Video.At(f, y, x)
					strip.Set(0, y, j*(o.Width+2)+x, rr, g, b)
				}
			}
		}
		strips = append(strips, strip)
		labels = append(labels, string(s))
	}
	grid, err := video.Grid(strips, labels, video.GridOptions{Columns: 2, Gap: 4})
	if err != nil {
		return err
	}
	return video.Write(context.Background(), path, grid, video.Options{})
}
