package worldgen

import (
	"errors"
	"testing"

	"github.com/wfm-platform/wfm/diffusion"
)

// TestCheckTextEncoder: the encoder a model was trained with passes, another one is the
// caller's error, and two T5 folders (ids from paths and times) only warn.
func TestCheckTextEncoder(t *testing.T) {
	cfg, err := diffusion.Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, recorded, recordedID, id string
		ok                             bool
	}{
		{"the recorded encoder", "builtin", "builtin:73c7", "builtin:73c7", true},
		{"hash for a builtin model", "builtin", "builtin:73c7", "hash:64x64", false},
		{"a moved T5 folder", "/elsewhere/t5", "t5:0123", "t5:4567", true},
		{"nothing recorded", "", "", "hash:64x64", true},
	} {
		c := cfg
		c.TextEncoder, c.TextEncoderID = tc.recorded, tc.recordedID
		err := checkTextEncoder(c, &diffusion.ModelTextEncoder{Spec: "now", ID: tc.id})
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrInvalid)) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
