package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/eval/physics"
	sim "github.com/wfm-platform/wfm/world/physics"
)

func tinyPhysics(t *testing.T) *physics.Result {
	t.Helper()
	cfg := physics.DefaultConfig()
	cfg.Scenarios = []sim.Scenario{sim.FreeFall, sim.Seesaw}
	cfg.CondFrames = []int{1, 2}
	cfg.Frames, cfg.N, cfg.Width, cfg.Height = 4, 1, 32, 32
	res, err := physics.Run(context.Background(), cfg, physics.Baselines(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestPhysicsReport(t *testing.T) {
	res := tinyPhysics(t)
	doc, err := Physics(res)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "index.html")
	if err := doc.Write(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	// 2 splits x 2 scenarios x 2 metrics plots, 2 splits x 2 scenarios animations.
	if n := strings.Count(html, "data:image/png;base64,"); n != 8 {
		t.Errorf("%d embedded PNG plots, want 8", n)
	}
	if n := strings.Count(html, "data:image/gif;base64,"); n != 4 {
		t.Errorf("%d embedded GIF animations, want 4", n)
	}
	for _, want := range []string{"ground-truth", "copy-last", "linear", "free_fall", "out of distribution"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if bytes.Contains(b, []byte("ZgotmplZ")) {
		t.Error("html/template rejected a URL (ZgotmplZ)")
	}
}
