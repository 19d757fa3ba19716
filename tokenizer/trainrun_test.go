package tokenizer

import (
	"os"
	"path/filepath"
	"testing"
)

func TestExportWeightsFormats(t *testing.T) {
	store, cfg, err := LoadWeights("pretrained/cv4x4x4-tiny.safetensors", nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		format string
		fails  bool
	}{{FormatStore, false}, {FormatOfficial, false}, {FormatOfficialF16, false}, {"onnx", true}} {
		path := filepath.Join(dir, tc.format, "w.safetensors")
		err := ExportWeights(store, cfg, path, tc.format)
		if tc.fails {
			if err == nil {
				t.Errorf("%s: exported", tc.format)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.format, err)
		}
		if _, got, err := LoadWeights(path, nil); err != nil || !SameModel(got, cfg) {
			t.Errorf("%s: reads back as %s: %v", tc.format, got.Name, err)
		}
	}
}

func TestLastHeldOut(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, lines string
		ok          bool
		psnr        float64
	}{
		{"two evaluations", `{"step":1,"loss":1,"eval":{"psnr":20,"ssim":0.5}}` + "\n" + `{"step":2,"loss":1}` + "\n" + `{"step":3,"loss":1,"eval":{"psnr":25,"ssim":0.7}}` + "\n", true, 25},
		{"none", `{"step":1,"loss":1}` + "\n", false, 0},
	} {
		path := filepath.Join(dir, tc.name+".jsonl")
		if err := os.WriteFile(path, []byte(tc.lines), 0o644); err != nil {
			t.Fatal(err)
		}
		q, ok := LastHeldOut(path)
		if ok != tc.ok || q.PSNR != tc.psnr {
			t.Errorf("%s: %+v %v", tc.name, q, ok)
		}
	}
	if _, ok := LastHeldOut(filepath.Join(dir, "missing.jsonl")); ok {
		t.Error("a missing file has a held-out quality")
	}
}
