package textenc

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/wfm-platform/wfm/safetensors"
	"github.com/wfm-platform/wfm/torchfile"
)

// TestRelativeBucket compares RelativeBucket with the buckets of Hugging Face's
// _relative_position_bucket (32 buckets, max distance 128, bidirectional) as computed by
// torch 1.13 in testdata/make_golden.py, for every relative position in [-600, 600].
func TestRelativeBucket(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "buckets.json"))
	if err != nil {
		t.Fatal(err)
	}
	var golden struct {
		From    int   `json:"from"`
		Buckets []int `json:"buckets"`
	}
	if err := json.Unmarshal(data, &golden); err != nil {
		t.Fatal(err)
	}
	if len(golden.Buckets) != 1201 {
		t.Fatalf("%d golden buckets", len(golden.Buckets))
	}
	for i, want := range golden.Buckets {
		if got := RelativeBucket(golden.From+i, 32, 128); got != want {
			t.Errorf("RelativeBucket(%d) = %d, want %d", golden.From+i, got, want)
		}
	}
}

// readGolden reads every tensor of a golden safetensors file as float32.
func readGolden(t *testing.T, path string) map[string]*torchfile.Tensor {
	t.Helper()
	f, err := safetensors.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := f.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*torchfile.Tensor{}
	for _, x := range all {
		out[x.Name] = &torchfile.Tensor{Name: x.Name, DType: x.DType, Shape: x.Shape, Data: x.Data}
	}
	return out
}

// copyModelFolder lays out a Hugging Face model folder in a temporary directory: the golden
// config and weights of testdata/<name> and the built-in tokenizer they were made with.
func copyModelFolder(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	for src, dst := range map[string]string{
		filepath.Join("testdata", name, ConfigFile):  ConfigFile,
		filepath.Join("testdata", name, WeightsFile): WeightsFile,
		filepath.Join("builtin", TokenizerFile):      TokenizerFile,
	} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, dst), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestParityHF loads random-weight T5 encoders (T5 1.1 gated GELU and T5 1.0 ReLU; 2 blocks,
// d_model 32, 3 heads of 8, d_ff 48) by their Hugging Face names and compares Encode with the
// last_hidden_state of the plain-torch reference in testdata/make_golden.py (which follows
// transformers' modeling_t5.py), on the reference's own token ids and on ids this package's
// tokenizer produces for the same texts. Tolerance: 1e-4 absolute on values of order 1.
func TestParityHF(t *testing.T) {
	for _, name := range []string{"t5_gated_gelu", "t5_relu"} {
		t.Run(name, func(t *testing.T) {
			golden := readGolden(t, filepath.Join("testdata", name, "golden.safetensors"))
			want, err := golden["last_hidden_state"].Float32s()
			if err != nil {
				t.Fatal(err)
			}
			maskValues, _ := golden["attention_mask"].Float32s()
			ids := golden["input_ids"]
			batch, seq := ids.Shape[0], ids.Shape[1]
			m, err := Load(copyModelFolder(t, name), WithMaxLen(seq))
			if err != nil {
				t.Fatal(err)
			}
			d := m.Dim()
			var texts []string
			data, err := os.ReadFile(filepath.Join("testdata", name, "texts.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &texts); err != nil {
				t.Fatal(err)
			}
			// The reference's ids are ours: tokenizer and T5 conventions agree.
			rawIDs := make([]int32, batch*seq)
			for i := range rawIDs {
				rawIDs[i] = int32(ids.Data[4*i]) | int32(ids.Data[4*i+1])<<8 | int32(ids.Data[4*i+2])<<16 | int32(ids.Data[4*i+3])<<24
			}
			for b, text := range texts {
				toks := m.Tokenize(text)
				for j := range seq {
					wantID := rawIDs[b*seq+j]
					if j < len(toks) && int32(toks[j]) != wantID || j >= len(toks) && wantID != 0 {
						t.Fatalf("text %d token %d: ours %v, reference %v", b, j, toks, rawIDs[b*seq:(b+1)*seq])
					}
				}
			}
			emb, mask, err := m.Encode(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			got := tensors.MustCopyFlatData[float32](emb)
			gotMask := tensors.MustCopyFlatData[float32](mask)
			var worst, norm float64
			for b := range batch {
				for j := range seq {
					if gotMask[b*seq+j] != maskValues[b*seq+j] {
						t.Fatalf("mask[%d,%d] = %v, want %v", b, j, gotMask[b*seq+j], maskValues[b*seq+j])
					}
					for k := range d {
						i := (b*seq+j)*d + k
						w := float64(want[i]) * float64(maskValues[b*seq+j])
						worst = max(worst, math.Abs(float64(got[i])-w))
						norm = max(norm, math.Abs(w))
					}
				}
			}
			t.Logf("%s: max |ours - reference| = %.3g (max |reference| %.3g) over %d×%d×%d", name, worst, norm, batch, seq, d)
			if !(worst < 1e-4) || norm < 0.5 {
				t.Errorf("max abs error %g (reference magnitude %g)", worst, norm)
			}
		})
	}
}
