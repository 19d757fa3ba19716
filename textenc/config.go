package textenc

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
)

// Config is the T5 encoder's architecture, with the field names of Hugging Face's T5Config
// (config.json), so that a checkpoint's own config.json reads into it as is.
type Config struct {
	VocabSize   int     `json:"vocab_size"`
	DModel      int     `json:"d_model"`
	DKV         int     `json:"d_kv"` // width of one attention head
	DFF         int     `json:"d_ff"`
	NumLayers   int     `json:"num_layers"`
	NumHeads    int     `json:"num_heads"`
	NumBuckets  int     `json:"relative_attention_num_buckets"`
	MaxDistance int     `json:"relative_attention_max_distance"`
	Epsilon     float64 `json:"layer_norm_epsilon"`
	// FeedForwardProj is "relu" (T5 1.0: wo(relu(wi x))), "gated-gelu" (T5 1.1, mT5, FLAN-T5:
	// wo(gelu_tanh(wi_0 x) ⊙ wi_1 x)) or another "[gated-]act" with act relu, gelu or silu.
	FeedForwardProj string `json:"feed_forward_proj"`
}

// DefaultConfig has T5Config's defaults for the fields an old config.json may lack.
func DefaultConfig() Config {
	return Config{NumBuckets: 32, MaxDistance: 128, Epsilon: 1e-6, FeedForwardProj: "relu"}
}

// presets are the encoders of the published T5 checkpoints (their config.json files), plus the
// built-in one. T5 1.0 (t5-*) uses ReLU; T5 1.1 (google/t5-v1_1-*) gated GELU. Cosmos encodes
// its prompts with t5-11b.
var presets = map[string]Config{
	"t5-small":      {32128, 512, 64, 2048, 6, 8, 32, 128, 1e-6, "relu"},
	"t5-base":       {32128, 768, 64, 3072, 12, 12, 32, 128, 1e-6, "relu"},
	"t5-large":      {32128, 1024, 64, 4096, 24, 16, 32, 128, 1e-6, "relu"},
	"t5-3b":         {32128, 1024, 128, 16384, 24, 32, 32, 128, 1e-6, "relu"},
	"t5-11b":        {32128, 1024, 128, 65536, 24, 128, 32, 128, 1e-6, "relu"},
	"t5-v1_1-small": {32128, 512, 64, 1024, 8, 6, 32, 128, 1e-6, "gated-gelu"},
	"t5-v1_1-base":  {32128, 768, 64, 2048, 12, 12, 32, 128, 1e-6, "gated-gelu"},
	"t5-v1_1-large": {32128, 1024, 64, 2816, 24, 16, 32, 128, 1e-6, "gated-gelu"},
	"t5-v1_1-xl":    {32128, 2048, 64, 5120, 24, 32, 32, 128, 1e-6, "gated-gelu"},
	"t5-v1_1-xxl":   {32128, 4096, 64, 10240, 24, 64, 32, 128, 1e-6, "gated-gelu"},
	// BuiltinPreset: small enough to train on a CPU in minutes and ship in the repository.
	BuiltinPreset: {0, 64, 16, 128, 2, 4, 32, 128, 1e-6, "gated-gelu"},
}

// BuiltinPreset names the built-in encoder's architecture; its VocabSize is that of the
// tokenizer it is trained with.
const BuiltinPreset = "builtin"

// Preset returns the named configuration (see PresetNames).
func Preset(name string) (Config, error) {
	c, ok := presets[name]
	if !ok {
		return Config{}, fmt.Errorf("textenc: unknown preset %q (known: %s)", name, strings.Join(PresetNames(), ", "))
	}
	return c, nil
}

// PresetNames lists the presets, sorted.
func PresetNames() []string {
	var names []string
	for n := range presets {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// ReadConfig reads a Hugging Face T5 config.json, starting from DefaultConfig, and validates it.
func ReadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("textenc: read config %s: %w", path, err)
	}
	c, err := ParseConfig(data)
	if err != nil {
		return Config{}, fmt.Errorf("textenc: config %s: %w", path, err)
	}
	return c, nil
}

// ParseConfig decodes a Hugging Face T5 config.json over DefaultConfig and validates it.
func ParseConfig(data []byte) (Config, error) {
	c := DefaultConfig()
	if err := json.Unmarshal(data, &c); err != nil {
		return Config{}, err
	}
	return c, c.Validate()
}

// Validate reports a configuration the encoder cannot be built from.
func (c Config) Validate() error {
	const maxDim = 1 << 20 // far above T5-XXL's widest (d_ff 65536 of t5-11b) and its vocabulary
	pos := map[string]int{"vocab_size": c.VocabSize, "d_model": c.DModel, "d_kv": c.DKV, "d_ff": c.DFF,
		"num_layers": c.NumLayers, "num_heads": c.NumHeads, "relative_attention_max_distance": c.MaxDistance}
	for _, k := range []string{"vocab_size", "d_model", "d_kv", "d_ff", "num_layers", "num_heads", "relative_attention_max_distance"} {
		if pos[k] <= 0 || pos[k] > maxDim {
			return fmt.Errorf("%s is %d, must be in [1, %d]", k, pos[k], maxDim)
		}
	}
	if c.NumBuckets < 4 || c.NumBuckets%2 != 0 || c.NumBuckets > maxDim {
		return fmt.Errorf("relative_attention_num_buckets is %d, must be even and >= 4", c.NumBuckets)
	}
	if 2*c.MaxDistance < c.NumBuckets {
		return fmt.Errorf("relative_attention_max_distance %d is below half of %d buckets", c.MaxDistance, c.NumBuckets)
	}
	if !(c.Epsilon > 0) {
		return fmt.Errorf("layer_norm_epsilon is %g, must be > 0", c.Epsilon)
	}
	if _, _, err := c.feedForward(); err != nil {
		return err
	}
	return nil
}

// feedForward splits FeedForwardProj into its activation and whether the unit is gated, with
// T5Config's rule that "gated-gelu" means the tanh approximation (gelu_new).
func (c Config) feedForward() (act string, gated bool, err error) {
	act, gated = c.FeedForwardProj, false
	if rest, ok := strings.CutPrefix(act, "gated-"); ok {
		act, gated = rest, true
	}
	switch act {
	case "relu", "silu":
	case "gelu":
		if gated {
			act = "gelu_new"
		}
	default:
		return "", false, fmt.Errorf("feed_forward_proj %q is not [gated-]relu, gelu or silu", c.FeedForwardProj)
	}
	return act, gated, nil
}

// Params is the number of learned values of the encoder (embedding included).
func (c Config) Params() int64 {
	d, inner, ff := int64(c.DModel), int64(c.NumHeads*c.DKV), int64(c.DFF)
	_, gated, _ := c.feedForward()
	ffMats := int64(2)
	if gated {
		ffMats = 3
	}
	perLayer := 4*d*inner + ffMats*d*ff + 2*d
	return int64(c.VocabSize)*d + int64(c.NumLayers)*perLayer + int64(c.NumBuckets*c.NumHeads) + d
}
