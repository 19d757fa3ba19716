package textenc

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/wfm-platform/wfm/internal/testutil"
	"github.com/wfm-platform/wfm/safetensors"
)

// goldenModel loads the random-weight T5 1.1 encoder of testdata/t5_gated_gelu.
func goldenModel(t *testing.T, opts ...Option) *Model {
	t.Helper()
	m, err := Load(copyModelFolder(t, "t5_gated_gelu"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func encode(t *testing.T, e Encoder, texts ...string) ([]float32, []float32) {
	t.Helper()
	emb, mask, err := e.Encode(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := emb.Shape().Dimensions, []int{len(texts), e.MaxLen(), e.Dim()}; !equal(got, want) {
		t.Fatalf("emb shape %v, want %v", got, want)
	}
	return tensors.MustCopyFlatData[float32](emb), tensors.MustCopyFlatData[float32](mask)
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// maxDiff is the shared tolerance check (internal/testutil).
var maxDiff = testutil.MaxAbsDiff

// TestEncodeBatchIndependence: a text's embedding does not depend on the batch it is in (how
// much padding it gets), and padded rows are exactly zero.
func TestEncodeBatchIndependence(t *testing.T) {
	m := goldenModel(t, WithMaxLen(48))
	short := "A red ball rolls."
	long := strings.Repeat("A blue ball falls from rest and bounces. ", 3)
	alone, aloneMask := encode(t, m, short)
	both, bothMask := encode(t, m, short, long)
	row := m.MaxLen() * m.Dim()
	if d := maxDiff(alone, both[:row]); d > 1e-5 {
		t.Errorf("embedding changes with the batch by %g", d)
	}
	if maxDiff(aloneMask, bothMask[:m.MaxLen()]) != 0 {
		t.Error("mask changes with the batch")
	}
	n := len(m.Tokenize(short))
	for j := range m.MaxLen() {
		if (aloneMask[j] == 1) != (j < n) {
			t.Fatalf("mask %v, want %d ones", aloneMask, n)
		}
		if j >= n {
			for k := range m.Dim() {
				if alone[j*m.Dim()+k] != 0 {
					t.Fatalf("padded position %d is not zero", j)
				}
			}
		}
	}
}

// TestTruncation: a text longer than MaxLen keeps MaxLen-1 pieces and ends in </s>.
func TestTruncation(t *testing.T) {
	m := goldenModel(t, WithMaxLen(8))
	ids := m.Tokenize(strings.Repeat("dominoes fall ", 20))
	if len(ids) != 8 || ids[7] != m.Tokenizer().EOSID() {
		t.Errorf("Tokenize = %v, want 8 ids ending in </s>", ids)
	}
	_, mask := encode(t, m, strings.Repeat("dominoes fall ", 20), "")
	if mask[7] != 1 || mask[8] != 1 || mask[9] != 0 {
		t.Errorf("mask %v: want a full first row and a second row of one token (</s>)", mask)
	}
}

func TestCache(t *testing.T) {
	m := goldenModel(t, WithMaxLen(32))
	dir := t.TempDir()
	texts := []string{"A red ball rolls.", "Two boxes sit on a lever.", "A red ball rolls."}
	want, wantMask := encode(t, m, texts...)

	c := NewCache(m, m.ID(), dir)
	got, gotMask := encode(t, c, texts...)
	if maxDiff(got, want) > 1e-5 || maxDiff(gotMask, wantMask) != 0 {
		t.Fatal("cached encoder differs from the encoder")
	}
	if h, miss := c.Stats(); h != 1 || miss != 2 {
		t.Errorf("first call: %d hits, %d misses, want 1 and 2 (one duplicate)", h, miss)
	}
	got, _ = encode(t, c, texts...)
	if h, miss := c.Stats(); h != 4 || miss != 2 || maxDiff(got, want) > 1e-5 {
		t.Errorf("second call: %d hits, %d misses, want 4 and 2", h, miss)
	}

	// A new cache on the same folder reads the files back, bit for bit.
	c2 := NewCache(m, m.ID(), dir)
	got2, mask2 := encode(t, c2, texts...)
	if h, miss := c2.Stats(); h != 3 || miss != 0 || maxDiff(got2, got) != 0 || maxDiff(mask2, wantMask) != 0 {
		t.Errorf("from disk: %d hits, %d misses, want 3 and 0", h, miss)
	}

	// Another model id never sees these files; a damaged file is re-encoded and rewritten.
	c3 := NewCache(m, "other-model", dir)
	encode(t, c3, texts[0])
	if _, miss := c3.Stats(); miss != 1 {
		t.Error("a cache of another model id used this model's files")
	}
	path := c.path(CacheKey(m.ID(), texts[1]))
	if err := os.WriteFile(path, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	c4 := NewCache(m, m.ID(), dir)
	got4, _ := encode(t, c4, texts[1])
	if _, miss := c4.Stats(); miss != 1 || maxDiff(got4, want[m.MaxLen()*m.Dim():2*m.MaxLen()*m.Dim()]) > 1e-5 {
		t.Errorf("damaged file: %d misses, want 1 and the right embedding", miss)
	}
	if _, err := readCacheFile(path, m.ID(), texts[1], m.Dim(), m.MaxLen()); err != nil {
		t.Errorf("damaged file was not rewritten: %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := copyModelFolder(t, "t5_gated_gelu")
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte(`{"vocab_size": 314, "d_model": 32, "d_kv": 8, "d_ff": 48, "num_layers": 3, "num_heads": 3, "feed_forward_proj": "gated-gelu"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir)
	if err == nil || !strings.Contains(err.Error(), "encoder.block.2") {
		t.Errorf("Load with a missing block: %v, want an error naming encoder.block.2", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte(`{"vocab_size": 314, "d_model": 16, "d_kv": 8, "d_ff": 48, "num_layers": 2, "num_heads": 3, "feed_forward_proj": "gated-gelu"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "the model needs") {
		t.Errorf("Load with wrong shapes: %v", err)
	}
	if err := os.Remove(filepath.Join(dir, WeightsFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil {
		t.Error("Load without weights succeeded")
	}
}

// TestParams: Config.Params counts exactly the tensors the encoder loads, for every preset.
func TestParams(t *testing.T) {
	for _, name := range PresetNames() {
		cfg, _ := Preset(name)
		if cfg.VocabSize == 0 {
			cfg.VocabSize = 100
		}
		if err := cfg.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		var n int64
		for _, dims := range cfg.variableShapes() {
			p := int64(1)
			for _, d := range dims {
				p *= int64(d)
			}
			n += p
		}
		if n != cfg.Params() {
			t.Errorf("%s: Params %d, tensors hold %d", name, cfg.Params(), n)
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	for _, name := range []string{"t5_gated_gelu", "t5_relu"} {
		if data, err := os.ReadFile(filepath.Join("testdata", name, ConfigFile)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"d_model": -1}`))
	f.Add([]byte(`{"feed_forward_proj": "gated-"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			return
		}
		if c.Validate() != nil || c.Params() <= 0 {
			t.Fatalf("accepted an invalid config %+v", c)
		}
		for q := range 3 {
			if b := RelativeBucket(q*1000-1000, c.NumBuckets, c.MaxDistance); b < 0 || b >= c.NumBuckets {
				t.Fatalf("bucket %d out of [0, %d)", b, c.NumBuckets)
			}
		}
	})
}

// TestLoadShardedEmbedTokens: a sharded checkpoint (model.safetensors.index.json) whose
// embedding is stored as encoder.embed_tokens.weight, with decoder tensors the encoder ignores,
// loads to the same encoder as the single file.
func TestLoadShardedEmbedTokens(t *testing.T) {
	single := copyModelFolder(t, "t5_gated_gelu")
	f, err := safetensors.Open(filepath.Join(single, WeightsFile))
	if err != nil {
		t.Fatal(err)
	}
	all, err := f.ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	dir := copyModelFolder(t, "t5_gated_gelu")
	if err := os.Remove(filepath.Join(dir, WeightsFile)); err != nil {
		t.Fatal(err)
	}
	var shards [2][]safetensors.Tensor
	weightMap := map[string]string{}
	for i, ts := range all {
		if ts.Name == "shared.weight" {
			ts.Name = "encoder.embed_tokens.weight"
		}
		shards[i%2] = append(shards[i%2], ts)
		weightMap[ts.Name] = []string{"a.safetensors", "b.safetensors"}[i%2]
	}
	shards[0] = append(shards[0], safetensors.Tensor{Name: "decoder.final_layer_norm.weight", DType: safetensors.F32, Shape: []int{1}, Data: make([]byte, 4)})
	weightMap["decoder.final_layer_norm.weight"] = "a.safetensors"
	for i, name := range []string{"a.safetensors", "b.safetensors"} {
		if err := safetensors.WriteFile(filepath.Join(dir, name), shards[i], nil); err != nil {
			t.Fatal(err)
		}
	}
	index, _ := json.Marshal(map[string]any{"weight_map": weightMap})
	if err := os.WriteFile(filepath.Join(dir, WeightsIndexFile), index, 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := Load(single, WithMaxLen(24))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(dir, WithMaxLen(24))
	if err != nil {
		t.Fatal(err)
	}
	ea, _ := encode(t, a, "A green ball swings like a pendulum.")
	eb, _ := encode(t, b, "A green ball swings like a pendulum.")
	if maxDiff(ea, eb) != 0 {
		t.Error("sharded checkpoint gives another encoder")
	}
}
