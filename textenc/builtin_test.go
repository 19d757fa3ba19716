package textenc

import "testing"

// minBuiltinAccuracy is the held-out masked-token accuracy the built-in encoder must keep.
// `wfm train textenc` measured 0.195 on its 500 held-out captions and this test 0.208 on its
// 48 (2026-11-25); chance, one piece of 315, is 0.003. Many masked tokens are numbers and
// colours no context can give away, which bounds what any encoder reaches here.
const minBuiltinAccuracy = 0.15

// TestDefault: the embedded encoder loads with its tokenizer, has the built-in shape, and
// recovers masked tokens of captions it was not trained on far above chance.
func TestDefault(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Default()
	if again != m {
		t.Error("Default loads a new encoder on each call")
	}
	want, _ := Preset(BuiltinPreset)
	want.VocabSize = m.Tokenizer().VocabSize() + 1
	if m.Config() != want || m.Dim() != 64 || m.MaxLen() != BuiltinMaxLen {
		t.Errorf("config %+v, dim %d, max len %d; want %+v, 64, %d", m.Config(), m.Dim(), m.MaxLen(), want, BuiltinMaxLen)
	}
	heldOut, err := SyntheticCaptions(48, 4242)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := MaskedAccuracy(m, heldOut, DefaultTrainOptions(), 99)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("held-out masked-token accuracy %.3f", acc)
	if acc < minBuiltinAccuracy {
		t.Errorf("held-out masked-token accuracy %.3f < %.2f", acc, minBuiltinAccuracy)
	}
	a1, _ := encode(t, m, heldOut[0], heldOut[1])
	a2, _ := encode(t, m, heldOut[0], heldOut[1])
	if maxDiff(a1, a2) != 0 {
		t.Error("encoding is not deterministic")
	}
	row := m.MaxLen() * m.Dim()
	if maxDiff(a1[:row], a1[row:]) < 1e-3 {
		t.Error("two different captions get the same embedding")
	}
}
