package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/wfm-platform/wfm/autoregressive"
)

func TestBenchAutoregressiveJSON(t *testing.T) {
	cfgOut := filepath.Join(t.TempDir(), "ar.json")
	code, out, stderr := runCLI(t, "bench", "autoregressive", "--backend", "go", "--preset", "tiny", "--vocab", "96",
		"--batch", "2", "--context", "4", "--new", "5", "--grid", "2,3,4", "--warmup", "1", "--medusa", "2", "--dump-config", cfgOut, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r benchAROutput
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("bench autoregressive --json is not JSON: %v\n%s", err, out)
	}
	res := r.Result
	if r.Backend.Name != "go" || res.Shape.Grid != (autoregressive.Grid{T: 2, H: 3, W: 4}) || res.Shape.Batch != 2 ||
		res.Config.VocabSize != 96 || !(res.DecodeTokensPerSecond > 0) || !(res.PrefillSeconds > 0) ||
		res.Medusa == nil || res.Medusa.Heads != 2 || !res.Medusa.SameTokens {
		t.Fatalf("incomplete result: %+v", r)
	}
	// The dumped configuration is the one benchmarked (the input of ar_decode_bench.py).
	data, err := os.ReadFile(cfgOut)
	if err != nil {
		t.Fatal(err)
	}
	var got autoregressive.Config
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if got != res.Config || got.NumParams() != res.Params {
		t.Errorf("--dump-config wrote %+v, benchmarked %+v", got, res.Config)
	}
	for _, bad := range [][]string{{"--grid", "2,4"}, {"--grid", "2,x,4"}, {"--batch", "0"}, {"--preset", "huge"},
		{"--new", "0"}, {"--medusa", "-1"}, {"--preset", "tiny", "--context", "60", "--new", "10"}, {"--preset", "tiny", "--grid", "1,9,4"}} {
		if code, _, stderr := runCLI(t, append([]string{"bench", "autoregressive", "--backend", "go"}, bad...)...); code != exitUsage {
			t.Errorf("bench autoregressive %v: exit %d, want %d (%s)", bad, code, exitUsage, stderr)
		}
	}
}

// FuzzParseGrid: --grid never panics, and what it accepts is three positive sizes that print
// back as the same numbers.
func FuzzParseGrid(f *testing.F) {
	for _, s := range []string{"5,20,32", "1,1,1", "2,3", " 4 , 8 ,8", "0,1,1", "-1,2,3", "a,b,c", "1,2,3,4", "99999999999999999999,1,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := parseGrid(s)
		if err != nil {
			return
		}
		if g.T < 1 || g.H < 1 || g.W < 1 {
			t.Errorf("%q: accepted %+v", s, g)
		}
		if back, err := parseGrid(fmt.Sprintf("%d,%d,%d", g.T, g.H, g.W)); err != nil || back != g {
			t.Errorf("%q -> %+v does not read back: %+v, %v", s, g, back, err)
		}
	})
}
