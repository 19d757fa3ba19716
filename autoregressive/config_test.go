package autoregressive

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestPresetsValidate(t *testing.T) {
	for _, name := range PresetNames() {
		cfg, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Name != name {
			t.Errorf("preset %q has name %q", name, cfg.Name)
		}
		if err := cfg.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		raw, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		var back Config
		if err := json.Unmarshal(raw, &back); err != nil || back != cfg {
			t.Errorf("%s: JSON round trip gave %+v, %v", name, back, err)
		}
	}
	var unknown *UnknownPresetError
	if _, err := Preset("7b"); !errors.As(err, &unknown) {
		t.Errorf("unknown preset: got %v", err)
	}
	small, _ := Preset("small")
	if got := small.WithVocab(4096); got.VocabSize != 4096 || got.DModel != small.DModel {
		t.Errorf("WithVocab: %+v", got)
	}
}

// Validate names the field that is wrong.
func TestValidateNamesField(t *testing.T) {
	for _, c := range []struct {
		field string
		edit  func(*Config)
	}{
		{"vocab_size", func(c *Config) { c.VocabSize = 0 }},
		{"d_model", func(c *Config) { c.DModel = -1 }},
		{"num_layers", func(c *Config) { c.NumLayers = 0 }},
		{"num_heads", func(c *Config) { c.NumHeads = 0 }},
		{"num_kv_heads", func(c *Config) { c.NumKVHeads = 3 }},
		{"num_kv_heads", func(c *Config) { c.NumKVHeads = 0 }},
		{"num_heads", func(c *Config) { c.NumHeads = 5; c.NumKVHeads = 1 }},
		{"head_dim", func(c *Config) { c.HeadDim = -2 }},
		{"head_dim", func(c *Config) { c.HeadDim = 10 }},
		{"head_dim", func(c *Config) { c.HeadDim = 13 }},
		{"ffn_dim", func(c *Config) { c.FFNDim = 0 }},
		{"norm_epsilon", func(c *Config) { c.NormEpsilon = 0 }},
		{"rope_theta", func(c *Config) { c.RopeTheta = 1 }},
		{"max_t", func(c *Config) { c.MaxT = 0 }},
		{"max_h", func(c *Config) { c.MaxH = 0 }},
		{"max_w", func(c *Config) { c.MaxW = -4 }},
		{"yarn_scale", func(c *Config) { c.YaRNScale = 0.5 }},
		{"yarn_original_t", func(c *Config) { c.YaRNScale, c.YaRNOriginalT = 2, 0 }},
		{"yarn_beta_slow", func(c *Config) { c.YaRNScale, c.YaRNOriginalT, c.YaRNBetaFast = 2, 3, 4 }},
		{"yarn_beta_fast", func(c *Config) { c.YaRNScale, c.YaRNOriginalT, c.YaRNBetaSlow, c.YaRNBetaFast = 2, 3, 4, 1 }},
		{"text_dim", func(c *Config) { c.CrossAttn = true }},
		{"medusa_heads", func(c *Config) { c.MedusaHeads = -1 }},
		{"d_model", func(c *Config) { c.AbsPosEmb, c.DModel, c.HeadDim = true, 63, 16 }},
	} {
		cfg, _ := Preset("tiny")
		c.edit(&cfg)
		err := cfg.Validate()
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != c.field {
			t.Errorf("want an error on %s, got %v", c.field, err)
		}
		if _, err := New(cfg); err == nil {
			t.Errorf("New accepted a config with a bad %s", c.field)
		}
	}
}

// FuzzConfigJSON: a model.json of any content either fails to decode or validate, or
// describes a model whose parameter count is positive; nothing panics.
func FuzzConfigJSON(f *testing.F) {
	for _, name := range PresetNames() {
		cfg, _ := Preset(name)
		raw, _ := json.Marshal(cfg)
		f.Add(raw)
	}
	f.Add([]byte(`{"vocab_size": 8, "d_model": 12, "num_layers": 1, "num_heads": 1, "num_kv_heads": 1}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var cfg Config
		if json.Unmarshal(raw, &cfg) != nil || cfg.Validate() != nil {
			return
		}
		if cfg.NumParams() <= 0 && cfg.VocabSize < 1<<20 && cfg.DModel < 1<<12 && cfg.FFNDim < 1<<16 && cfg.NumLayers < 1<<10 {
			t.Errorf("valid config %+v has %d parameters", cfg, cfg.NumParams())
		}
		if _, err := New(cfg); err != nil {
			t.Errorf("New refused a valid config: %v", err)
		}
	})
}
