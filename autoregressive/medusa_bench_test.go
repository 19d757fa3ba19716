package autoregressive_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/wfm-platform/wfm/autoregressive"
	"github.com/wfm-platform/wfm/internal/testutil"
)

// TestMedusaSpeedup measures plain KV-cache decoding against Medusa decoding side by side on a
// trained model folder with Medusa heads (WFM_MEDUSA_MODEL, from wfm train medusa), continuing
// WFM_MEDUSA_BATCH (default 1) clips per round of the shards WFM_MEDUSA_DATA from one frame,
// from clip WFM_MEDUSA_FIRST on (default 0; give the first held-out clip of the base's run),
// greedily, alternating the two for WFM_MEDUSA_ROUNDS rounds (default 5) after
// WFM_MEDUSA_WARMUP (default 2) of warm-up (compilation: Medusa compiles a graph per call
// length and attention window it meets, and one round need not meet them all); WFM_MEDUSA_TOKENIZER names the tokenizer when the recorded path is relative
// to another folder. It checks the tokens are the same and logs tokens/s, the acceptance length and
// the speedup (docs/BENCHMARKS.md). Skipped without WFM_MEDUSA_MODEL.
func TestMedusaSpeedup(t *testing.T) {
	dir, data := os.Getenv("WFM_MEDUSA_MODEL"), os.Getenv("WFM_MEDUSA_DATA")
	if dir == "" || data == "" {
		t.Skip("set WFM_MEDUSA_MODEL (a model folder with Medusa heads) and WFM_MEDUSA_DATA (shards)")
	}
	env := func(name string, def int) int {
		if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
			return v
		}
		return def
	}
	batch, rounds, first := env("WFM_MEDUSA_BATCH", 1), env("WFM_MEDUSA_ROUNDS", 5), env("WFM_MEDUSA_FIRST", 0)
	warmup := env("WFM_MEDUSA_WARMUP", 2)
	g, err := autoregressive.Open(testutil.Backend(), dir, autoregressive.Options{NoGuardrails: true, Tokenizer: os.Getenv("WFM_MEDUSA_TOKENIZER")})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	clips := readClips(t, data)
	if len(clips) < first+batch*(warmup+rounds) {
		t.Fatalf("%d clips for %d rounds of %d from clip %d", len(clips), warmup+rounds, batch, first)
	}
	clips = clips[first:]
	ctx := context.Background()
	var plainTok, medTok, plainSec, medSec float64
	var calls, plainCalls, tokens int
	var speedups, costs []float64 // per round: the speedup, and a Medusa call's time over a plain call's
	for round := range warmup + rounds {
		var videos []autoregressive.Video
		for i := range batch {
			videos = append(videos, autoregressive.Video{Input: clips[round*batch+i]})
		}
		req := autoregressive.GenerateRequest{Videos: videos, CondFrames: 1}
		plain, err := g.Generate(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		req.Medusa = true
		med, err := g.Generate(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		for i := range videos {
			if !slices.Equal(plain.IDs[i], med.IDs[i]) {
				t.Errorf("round %d video %d: Medusa and plain tokens differ", round, i)
			}
		}
		if round < warmup {
			continue // compilation
		}
		n := float64(plain.NewTokens * batch)
		plainTok, medTok = plainTok+n, medTok+n
		plainSec, medSec = plainSec+plain.DecodeSeconds, medSec+med.DecodeSeconds
		calls, plainCalls, tokens = calls+med.Calls, plainCalls+plain.Calls, tokens+med.NewTokens
		speedups = append(speedups, plain.DecodeSeconds/med.DecodeSeconds)
		costs = append(costs, (med.DecodeSeconds/float64(med.Calls))/(plain.DecodeSeconds/float64(plain.Calls)))
	}
	slices.Sort(speedups)
	slices.Sort(costs)
	c := g.Config()
	t.Logf("%s, %d Medusa heads, batch %d, %d rounds of %d new tokens per video: plain %.1f tokens/s (%d calls), Medusa %.1f tokens/s (%d calls), acceptance length %.2f, speedup %.2fx; per round (medians): speedup %.2fx, a Medusa call costs %.2f plain calls",
		c.Name, c.MedusaHeads, batch, rounds, tokens/rounds, plainTok/plainSec, plainCalls, medTok/medSec, calls, float64(tokens)/float64(calls),
		(medTok/medSec)/(plainTok/plainSec), speedups[len(speedups)/2], costs[len(costs)/2])
}
