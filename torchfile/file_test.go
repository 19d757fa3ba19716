package torchfile

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/wfm-platform/wfm/safetensors"
)

// The fixtures in testdata were written by testdata/make_fixtures.py with PyTorch 1.13's own
// torch.save and torch.jit.save; the expected values below are the formulas that script uses.
// (They were first written without PyTorch, from stand-ins of the torch globals. The real
// state_dict.pt pickle is byte-identical to the stand-in one; torch 1.13 writes no
// archive/byteorder member; a TorchScript module pickles its plain attributes before its
// submodules; and a tensor saved twice is a memo reference the second time.)

type want struct {
	name  string
	dtype safetensors.DType
	shape []int
	value func(i int) float32 // element i in row-major order; nil for non-float dtypes
}

func checkFile(t *testing.T, f *File, wants []want) {
	t.Helper()
	var names []string
	for _, tn := range f.Tensors() {
		names = append(names, tn.Name)
	}
	var wantNames []string
	for _, w := range wants {
		wantNames = append(wantNames, w.name)
	}
	if !slices.Equal(names, wantNames) {
		t.Fatalf("names = %q, want %q", names, wantNames)
	}
	for _, w := range wants {
		tn, ok := f.Tensor(w.name)
		if !ok {
			t.Fatalf("Tensor(%q) not found", w.name)
		}
		if tn.DType != w.dtype || !slices.Equal(tn.Shape, w.shape) {
			t.Errorf("%s: %s %v, want %s %v", w.name, tn.DType, tn.Shape, w.dtype, w.shape)
			continue
		}
		if len(tn.Data) != tn.NumElements()*w.dtype.Size() {
			t.Errorf("%s: %d bytes for %d elements", w.name, len(tn.Data), tn.NumElements())
		}
		if w.value == nil {
			continue
		}
		got, err := tn.Float32s()
		if err != nil {
			t.Fatal(err)
		}
		for i, g := range got {
			if g != w.value(i) {
				t.Errorf("%s[%d] = %v, want %v", w.name, i, g, w.value(i))
			}
		}
	}
}

func TestStateDict(t *testing.T) {
	f, err := Open("testdata/state_dict.pt")
	if err != nil {
		t.Fatal(err)
	}
	if f.Kind != StateDict {
		t.Errorf("Kind = %v", f.Kind)
	}
	w := func(i int) float32 { return 0.25*float32(i) - 1 } // storage 0
	checkFile(t, f, []want{
		{"encoder.conv_in.weight", safetensors.F32, []int{2, 3, 1, 1}, w},
		{"encoder.conv_in.bias", safetensors.F32, []int{2}, func(i int) float32 { return float32(10 + i) }},
		// weight_t[r][c] = w[r*1 + c*3] (stride (1, 3)): the transpose of w seen as (2, 3).
		{"encoder.conv_in.weight_t", safetensors.F32, []int{3, 2}, func(i int) float32 { return w(i/2 + 3*(i%2)) }},
		// offset 1, stride 3: w[1], w[4].
		{"encoder.conv_in.weight_odd", safetensors.F32, []int{2}, func(i int) float32 { return w(1 + 3*i) }},
		{"decoder.norm.weight", safetensors.F16, []int{4}, func(i int) float32 { return 0.5 * float32(i) }},
		{"decoder.proj.weight", safetensors.BF16, []int{2, 2}, func(i int) float32 { return float32(i) - 2 }},
		{"step", safetensors.I64, []int{}, nil},
		{"mask", safetensors.BOOL, []int{3}, nil},
		// offset 1, strides (0, 0): every element is bias[1] = 11.
		{"broadcast", safetensors.F32, []int{2, 3}, func(int) float32 { return 11 }},
		{"empty", safetensors.F32, []int{0, 5}, nil},
	})
	step, _ := f.Tensor("step")
	if v := binary.LittleEndian.Uint64(step.Data); v != 1<<40 {
		t.Errorf("step = %d, want 2^40", v)
	}
	mask, _ := f.Tensor("mask")
	if !slices.Equal(mask.Data, []byte{1, 0, 1}) {
		t.Errorf("mask = %v", mask.Data)
	}
	if _, err := step.Float32s(); err == nil {
		t.Error("Float32s of an I64 tensor: no error")
	}
}

func TestOpenMissingFile(t *testing.T) {
	_, err := Open("testdata/no-such-file.pt")
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "no-such-file.pt") {
		t.Errorf("Open of a missing file: %v", err)
	}
}

func TestCheckpoint(t *testing.T) {
	f, err := Open("testdata/checkpoint.pt")
	if err != nil {
		t.Fatal(err)
	}
	sq := func(i int) float32 { return float32(i * i) }
	// "epoch" is an int, not a tensor; "tied" is a list holding a second view of storage 0.
	checkFile(t, f, []want{
		{"model.layer.weight", safetensors.F32, []int{3}, sq},
		{"tied.0", safetensors.F32, []int{3}, sq},
	})
}

func TestTorchScript(t *testing.T) {
	f, err := Open("testdata/torchscript.jit")
	if err != nil {
		t.Fatal(err)
	}
	if f.Kind != TorchScript {
		t.Errorf("Kind = %v, want TorchScript", f.Kind)
	}
	// make_fixtures.py: a CausalConv3d of scale s holds conv1.weight[i] = s*(i+1) and
	// conv1.bias[i] = -s*(i+1); conv_in has s=1, down.0 s=2, down.1 s=3; the Dict[str, Tensor]
	// attribute "buffers" holds scale[i] = 0.5*(i+1).
	// TorchScript writes a module's plain attributes (the dict) before its submodules.
	scaled := func(s float32) func(int) float32 { return func(i int) float32 { return s * float32(i+1) } }
	wants := []want{{"encoder.buffers.scale", safetensors.F32, []int{1}, scaled(0.5)}}
	for _, c := range []struct {
		prefix string
		s      float32
	}{{"encoder.conv_in", 1}, {"encoder.down.0", 2}, {"encoder.down.1", 3}} {
		wants = append(wants,
			want{c.prefix + ".conv1.weight", safetensors.F32, []int{2, 1, 1, 1, 1}, scaled(c.s)},
			want{c.prefix + ".conv1.bias", safetensors.F32, []int{2}, scaled(-c.s)})
	}
	checkFile(t, f, wants)
}

func TestHalfToFloat32(t *testing.T) {
	// Bit patterns from IEEE 754-2008 binary16: exponent bias 15, 10 fraction bits.
	for _, c := range []struct {
		h    uint16
		want float32
	}{
		{0x0000, 0}, {0x3c00, 1}, {0xc000, -2}, {0x3555, 0.333251953125}, {0x7bff, 65504},
		{0x0400, 0x1p-14}, {0x0001, 0x1p-24}, {0x8001, -0x1p-24}, {0x03ff, 1023 * 0x1p-24},
		{0x7c00, float32(math.Inf(1))}, {0xfc00, float32(math.Inf(-1))},
	} {
		if got := halfToFloat32(c.h); got != c.want {
			t.Errorf("halfToFloat32(%#04x) = %v, want %v", c.h, got, c.want)
		}
	}
	if got := halfToFloat32(0x7e00); !math.IsNaN(float64(got)) {
		t.Errorf("halfToFloat32(0x7e00) = %v, want NaN", got)
	}
	if got := halfToFloat32(0x8000); got != 0 || !math.Signbit(float64(got)) {
		t.Errorf("halfToFloat32(0x8000) = %v, want -0", got)
	}
}
