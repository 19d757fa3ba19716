package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFloat32JSONExact: every float32 written reads back to the same bits.
func TestFloat32JSONExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	values := []float32{0, 1, -1, 0.1, math.MaxFloat32, math.SmallestNonzeroFloat32, 1e-40, 16777217}
	for range 10000 {
		v := math.Float32frombits(rng.Uint32())
		if !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) {
			values = append(values, v)
		}
	}
	for _, v := range values {
		data, err := json.Marshal(Float32(v))
		if err != nil {
			t.Fatal(err)
		}
		var back Float32
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		if math.Float32bits(float32(back)) != math.Float32bits(v) {
			t.Fatalf("%g (bits %08x) -> %s -> %g", v, math.Float32bits(v), data, back)
		}
	}
	for _, tc := range []struct {
		v    float32
		json string
	}{{float32(math.NaN()), `"NaN"`}, {float32(math.Inf(1)), `"+Inf"`}, {float32(math.Inf(-1)), `"-Inf"`}} {
		data, _ := json.Marshal(Float32(tc.v))
		if string(data) != tc.json {
			t.Errorf("%v encodes as %s, want %s", tc.v, data, tc.json)
		}
		var back Float32
		if err := json.Unmarshal(data, &back); err != nil || fmt.Sprint(back) != fmt.Sprint(tc.v) {
			t.Errorf("%s decodes as %v (%v)", data, back, err)
		}
	}
}

func metricsLines(steps ...int) string {
	var b strings.Builder
	for _, s := range steps {
		fmt.Fprintf(&b, `{"step":%d,"loss":%g,"lr":0.001,"grad_norm":1,"it_per_s":10,"elapsed_s":%d}`+"\n", s, 1/float64(s), s)
	}
	return b.String()
}

func TestParseMetrics(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		steps   []int
		badLine int // 0: no error
	}{
		{"empty", "", nil, 0},
		{"whole", metricsLines(1, 2, 3), []int{1, 2, 3}, 0},
		{"torn last line", metricsLines(1, 2) + `{"step":3,"lo`, []int{1, 2}, 0},
		{"last line without newline", metricsLines(1, 2) + `{"step":3,"loss":1}`, []int{1, 2}, 0},
		{"bad middle line", metricsLines(1) + "garbage\n" + metricsLines(3), nil, 2},
		{"repeated step", metricsLines(1, 2, 2), nil, 3},
		{"decreasing step", metricsLines(5, 4), nil, 2},
		{"bad loss", `{"step":1,"loss":"many"}` + "\n", nil, 1},
		{"eval", `{"step":4,"loss":"NaN","eval":{"loss":0.5,"fid":"+Inf"}}` + "\n", []int{4}, 0},
	}
	for _, tc := range tests {
		got, ends, err := ParseMetrics("m.jsonl", []byte(tc.data))
		if tc.badLine > 0 {
			var me *MetricsError
			if !errors.As(err, &me) || me.Line != tc.badLine || me.Path != "m.jsonl" {
				t.Errorf("%s: error %v, want a *MetricsError on line %d", tc.name, err, tc.badLine)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		var steps []int
		for i, m := range got {
			steps = append(steps, m.Step)
			if ends[i] > len(tc.data) || tc.data[ends[i]-1] != '\n' {
				t.Errorf("%s: entry %d ends at %d, not after a newline", tc.name, i, ends[i])
			}
		}
		if fmt.Sprint(steps) != fmt.Sprint(tc.steps) {
			t.Errorf("%s: steps %v, want %v", tc.name, steps, tc.steps)
		}
	}
}

// TestOpenMetricsCutsLaterSteps: resuming at step 6 keeps lines 1..6 byte for byte, drops
// later and torn lines, and appends after them.
func TestOpenMetricsCutsLaterSteps(t *testing.T) {
	path := filepath.Join(t.TempDir(), MetricsFile)
	if err := os.WriteFile(path, []byte(metricsLines(1, 2, 4, 6, 8, 9)+`{"step":10,"lo`), 0o644); err != nil {
		t.Fatal(err)
	}
	log, kept, err := openMetrics(path, 6)
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != 4 || kept[3].Step != 6 {
		t.Fatalf("kept %+v, want steps 1, 2, 4, 6", kept)
	}
	if err := log.Append(Metrics{Step: 7, Loss: 0.25, LR: 1e-3}); err != nil {
		t.Fatal(err)
	}
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := metricsLines(1, 2, 4, 6); !strings.HasPrefix(string(data), want) {
		t.Fatalf("kept lines changed:\n%s\nwant prefix\n%s", data, want)
	}
	all, err := ReadMetrics(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 || all[4].Step != 7 || all[4].Loss != 0.25 {
		t.Errorf("after appending step 7: %+v", all)
	}

	// A fresh run (step 0) empties the log.
	log, kept, err = openMetrics(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	_ = log.Close()
	if data, _ := os.ReadFile(path); len(kept) != 0 || len(data) != 0 {
		t.Errorf("fresh run kept %d entries and %d bytes", len(kept), len(data))
	}
}
