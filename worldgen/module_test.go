package worldgen

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wfm-platform/wfm/video"
)

// userMain is a whole Go program that continues a scene with the committed model: the
// acceptance example of issue 16 (at most 10 lines of user code in main).
const userMain = `package main

import (
	"context"
	"log"
	"os"

	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/worldgen"
)

func main() {
	ctx := context.Background()
	p, err := worldgen.Open(os.Args[1], worldgen.Options{})
	check(err)
	defer p.Close()
	first, err := worldgen.ReadInput(ctx, os.Args[2], 0)
	check(err)
	clip, _, err := p.Generate(ctx, worldgen.Request{Prompt: "a blue ball falls", Input: first, Frames: 33, Width: 64, Height: 64, Seed: 1})
	check(err)
	check(video.Write(ctx, os.Args[3], clip, video.Options{}))
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
`

// TestExternalModule builds userMain as a module of its own in a temporary folder, with a
// replace directive to this checkout (and to its GoMLX and compute forks, as wfm's go.mod has),
// and runs it from there: the library works from another module and another working directory.
// It needs the module cache (or the Go module proxy) and takes about a minute cold.
func TestExternalModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a separate module")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	mainBody := userMain[strings.Index(userMain, "func main() {")+len("func main() {") : strings.Index(userMain, "\n}\n")]
	if n := strings.Count(strings.TrimSpace(mainBody), "\n") + 1; n > 10 {
		t.Errorf("the example takes %d lines of user code, want at most 10", n)
	}
	dir := t.TempDir()
	goMod := "module example.com/wfmuser\n\ngo 1.27.3\n\nrequire github.com/wfm-platform/wfm v0.0.0\n\n" +
		"replace github.com/wfm-platform/wfm => " + root + "\n\n" +
		"replace github.com/gomlx/gomlx => " + filepath.Join(root, "third_party", "gomlx") + "\n\n" +
		"replace github.com/gomlx/compute => " + filepath.Join(root, "third_party", "compute") + "\n"
	sum, err := os.ReadFile(filepath.Join(root, "go.sum")) // the checksums of wfm's dependencies
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"go.mod": []byte(goMod), "go.sum": sum, "main.go": []byte(userMain)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "continued.y4m")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "run", ".", filepath.Join(root, "diffusion", "pretrained", "phys-v2w"),
		filepath.Join(root, "worldgen", "testdata", "free_fall_first.png"), out)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOTOOLCHAIN=go1.27.3", "GOEXPERIMENT=simd", "GOWORK=off")
	start := time.Now()
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run in %s: %v\n%s", dir, err, msg)
	}
	t.Logf("go run took %s", time.Since(start).Round(time.Second))
	clip, err := video.Read(context.Background(), out, video.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if clip.Frames != 33 || clip.Width != 64 || clip.Height != 64 {
		t.Errorf("the program wrote %d frames at %dx%d, want 33 at 64x64", clip.Frames, clip.Width, clip.Height)
	}
}
