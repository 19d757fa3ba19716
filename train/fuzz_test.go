package train

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
)

func FuzzParseMetrics(f *testing.F) {
	f.Add([]byte(metricsLines(1, 2, 3)))
	f.Add([]byte(metricsLines(1) + `{"step":2,"lo`))
	f.Add([]byte(`{"step":4,"loss":"NaN","grad_norm":"+Inf","eval":{"loss":0.5,"fid":"-Inf"}}` + "\n"))
	f.Add([]byte("\n\n{}\n"))
	f.Add([]byte(`{"step":1,"loss":1e39}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, ends, err := ParseMetrics("fuzz", data)
		if err != nil {
			return
		}
		if len(ends) != len(entries) {
			t.Fatalf("%d entries, %d ends", len(entries), len(ends))
		}
		for i, m := range entries {
			if i > 0 && (m.Step <= entries[i-1].Step || ends[i] <= ends[i-1]) {
				t.Fatalf("entry %d: step %d after %d", i, m.Step, entries[i-1].Step)
			}
			if ends[i] > len(data) || data[ends[i]-1] != '\n' {
				t.Fatalf("entry %d ends at %d", i, ends[i])
			}
			line, err := json.Marshal(m)
			if err != nil {
				t.Fatalf("re-encode %+v: %v", m, err)
			}
			back, _, err := ParseMetrics("again", append(line, '\n'))
			if err != nil || len(back) != 1 || back[0].Step != m.Step ||
				math.Float32bits(float32(back[0].Loss)) != math.Float32bits(float32(m.Loss)) && !math.IsNaN(float64(m.Loss)) {
				t.Fatalf("%s does not read back as %+v: %+v, %v", line, m, back, err)
			}
		}
	})
}

func FuzzParseCheckpointState(f *testing.F) {
	good, err := json.Marshal(CheckpointState{Format: stateFormat, Step: 10, Loader: []byte(`{"epoch":1}`),
		ElapsedSeconds: 1.5, ModelBytes: 1234, ModelSHA256: string(bytes.Repeat([]byte("ab"), 32)), Config: DefaultConfig()})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"format":1,"step":-1}`))
	f.Add([]byte(`{"format":2}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseCheckpointState(data)
		if err != nil {
			return
		}
		again, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := ParseCheckpointState(again)
		if err != nil {
			t.Fatalf("re-encoded state rejected: %v", err)
		}
		if !bytes.Equal(s.Loader, s2.Loader) {
			t.Fatalf("loader state changed")
		}
		if s.Config != s2.Config || s.Step != s2.Step || s.ModelSHA256 != s2.ModelSHA256 || s.ModelBytes != s2.ModelBytes ||
			s.ElapsedSeconds != s2.ElapsedSeconds {
			t.Fatalf("state changed: %+v -> %+v", s, s2)
		}
	})
}

func FuzzSliceLoaderRestore(f *testing.F) {
	newLoader := func() *SliceLoader {
		l, err := NewSliceLoader(3, 1, tensors.FromFlatDataAndDimensions([]int32{0, 1, 2, 3, 4, 5, 6, 7}, 8))
		if err != nil {
			f.Fatal(err)
		}
		return l
	}
	l := newLoader()
	for range 4 {
		state, _ := l.State()
		f.Add(state)
		_, _ = l.Next()
	}
	f.Add([]byte(`{"examples":8,"batch_size":3,"epoch":9999999999,"index":8,"pcg":null}`))
	f.Fuzz(func(t *testing.T, state []byte) {
		a := newLoader()
		if err := a.Restore(state); err != nil {
			return
		}
		saved, err := a.State()
		if err != nil {
			t.Fatal(err)
		}
		b := newLoader()
		if err := b.Restore(saved); err != nil {
			t.Fatalf("state %s written by State rejected: %v", saved, err)
		}
		for range 4 {
			x, err := a.Next()
			if err != nil {
				t.Fatal(err)
			}
			y, err := b.Next()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(tensors.MustCopyFlatData[int32](x[0]), tensors.MustCopyFlatData[int32](y[0])) {
				t.Fatalf("restored loaders disagree")
			}
		}
	})
}
