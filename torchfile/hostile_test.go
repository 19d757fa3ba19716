package torchfile

import (
	"archive/zip"
	"encoding/binary"
	"errors"
	"os"
	"strings"
	"testing"
)

// archive wraps a data.pkl and storages into the torch.save zip layout.
func archive(t testing.TB, pkl []byte, storages ...member) []byte {
	t.Helper()
	ms := []member{{"archive/data.pkl", pkl}}
	for _, s := range storages {
		ms = append(ms, member{"archive/data/" + s.name, s.data})
	}
	return makeZip(t, append(ms, member{"archive/version", []byte("3\n")})...)
}

// oneTensor is a state dict {"w": <view>} over a 6-element float storage "0".
func oneTensor(numel, offset int32, size, stride []int32) []byte {
	return newPK().op(opEmptyDict).str("w").tensor("FloatStorage", "0", numel, offset, size, stride).op(opSetItem).stop()
}

func TestHostile(t *testing.T) {
	six := member{"0", f32bytes(0, 1, 2, 3, 4, 5)}
	stateDict, err := os.ReadFile("testdata/state_dict.pt")
	if err != nil {
		t.Fatal(err)
	}
	hugeStr := newPK().op(opBinUnicode).b
	hugeStr = binary.LittleEndian.AppendUint32(hugeStr, 0xfffffff0)
	for _, c := range []struct {
		name   string
		data   []byte
		limits Limits
		want   string // substring of the error
	}{
		{"unknown opcode", archive(t, append(newPK().b, 'I', '1', '\n', opStop)), Limits{}, "unsupported opcode 0x49"},
		{"memo out of range", archive(t, newPK().op(opBinGet, 5, opStop).b), Limits{}, "memo index 5 was never stored"},
		{"stack underflow", archive(t, newPK().stop()), Limits{}, "stack underflow"},
		{"pop below mark", archive(t, newPK().op(opNone, opMark, opTuple1).b), Limits{}, "stack underflow"},
		{"tuple without mark", archive(t, newPK().op(opNone, opTuple, opStop).b), Limits{}, "no MARK"},
		{"no stop", archive(t, newPK().op(opNone).b), Limits{}, "no STOP"},
		{"huge string", archive(t, hugeStr), Limits{}, "exceeds the"},
		{"append to dict", archive(t, newPK().op(opEmptyDict, opNone, opAppend, opStop).b), Limits{}, "APPEND to a dict"},
		{"unhashable key", archive(t, newPK().op(opEmptyDict, opEmptyList, opNone, opSetItem, opStop).b), Limits{}, "dict key of type list"},
		{"call of non-global", archive(t, newPK().op(opNone, opEmptyTuple, opReduce, opStop).b), Limits{}, "call of a None"},
		{"huge long", archive(t, newPK().op(opLong1, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, opStop).b), Limits{}, "does not fit in 64 bits"},
		{"protocol 6", archive(t, []byte{opProto, 6, opNone, opStop}), Limits{}, "unsupported pickle protocol 6"},
		{"pickle over limit", archive(t, oneTensor(6, 0, []int32{6}, []int32{1}), six), Limits{MaxPickleBytes: 16}, "exceeds the limit of 16"},
		{"memo over limit", archive(t, newPK().op(opNone, opBinPut, 0, opBinPut, 1, opBinPut, 2, opStop).b), Limits{MaxMemo: 2}, "memo larger than 2"},
		{"stack over limit", archive(t, newPK().op(opNone, opNone, opNone, opStop).b), Limits{MaxStack: 2}, "stack deeper than 2"},
		{"values over limit", archive(t, newPK().op(opNone, opPop, opNone, opPop, opNone, opStop).b), Limits{MaxValues: 2}, "more than 2 values"},
		{"storage key missing", archive(t, oneTensor(6, 0, []int32{6}, []int32{1})), Limits{}, "archive/data/0: storage 0 is missing"},
		{"storage too short", archive(t, oneTensor(6, 0, []int32{6}, []int32{1}), member{"0", f32bytes(1, 2)}), Limits{}, "storage has 8 bytes; data.pkl declares 6 elements"},
		{"view past storage", archive(t, oneTensor(6, 1, []int32{2, 3}, []int32{3, 1}), six), Limits{}, "view reaches element 6 of storage 0, which has 6"},
		{"strides past storage", archive(t, oneTensor(6, 0, []int32{2, 2}, []int32{1, 5}), six), Limits{}, "view reaches element 6"},
		{"negative stride", archive(t, oneTensor(6, 5, []int32{6}, []int32{-1}), six), Limits{}, "want non-negative ints"},
		{"negative offset", archive(t, oneTensor(6, -1, []int32{2}, []int32{1}), six), Limits{}, "storage offset"},
		{"rank mismatch", archive(t, oneTensor(6, 0, []int32{2, 3}, []int32{1}), six), Limits{}, "same length"},
		{"huge storage", archive(t, oneTensor(1<<30, 0, []int32{2}, []int32{1}), six), Limits{MaxTensorBytes: 1 << 20}, "exceeds the limit of 1048576 bytes"},
		{"huge view", archive(t, oneTensor(6, 0, []int32{1 << 30, 1 << 30}, []int32{0, 0}), six), Limits{}, "exceeds the limit"},
		// A stride-0 view of one element as 2^25 floats (128 MiB) from a file of a few hundred
		// bytes: over the copy budget of twice the storage bytes plus 64 MiB.
		{"broadcast bomb", archive(t, oneTensor(6, 0, []int32{1 << 15, 1 << 10}, []int32{0, 0}), six), Limits{}, "strided copies exceed their budget"},
		{"compressed storage", makeZipMethod(t, zip.Deflate, member{"archive/data.pkl", oneTensor(6, 0, []int32{6}, []int32{1})}, member{"archive/data/0", six.data}), Limits{}, "storage is compressed"},
		{"rank over limit", archive(t, oneTensor(6, 0, []int32{1, 1, 1}, []int32{1, 1, 1}), six), Limits{MaxRank: 2}, "rank 3 exceeds the limit of 2"},
		{"quantized tensor", archive(t, newPK().global("torch._utils", "_rebuild_qtensor").op(opEmptyTuple, opReduce, opStop).b), Limits{}, "_rebuild_qtensor: unsupported tensor kind"},
		{"unknown storage type", archive(t, newPK().storage("EvilStorage", "0", 1).stop()), Limits{}, "unsupported storage type torch.EvilStorage"},
		{"storage not from torch", archive(t, newPK().op(opMark).str("storage").global("os", "FloatStorage").str("0").str("cpu").int(1).op(opTuple, opBinPersID, opStop).b), Limits{}, "names no torch storage class"},
		{"bad persistent id", archive(t, newPK().str("x").op(opBinPersID, opStop).b), Limits{}, "persistent id"},
		{"duplicate name", archive(t, newPK().op(opEmptyDict, opMark).str("a.b").tensor("FloatStorage", "0", 6, 0, []int32{6}, []int32{1}).
			str("a").op(opEmptyDict).str("b").tensor("FloatStorage", "0", 6, 0, []int32{6}, []int32{1}).op(opSetItem, opSetItems, opStop).b, six),
			Limits{}, `two tensors are named "a.b"`},
		{"truncated zip", stateDict[:len(stateDict)/2], Limits{}, "not a zip archive"},
		{"legacy format", []byte{opProto, 2, 0x8a, 0x0a, 'l', 'e', 'g', 'a', 'c', 'y'}, Limits{}, "legacy torch.save format"},
		{"no data.pkl", makeZip(t, member{"archive/version", []byte("3\n")}), Limits{}, "no <archive>/data.pkl"},
		{"big endian", makeZip(t, member{"archive/data.pkl", newPK().op(opNone, opStop).b}, member{"archive/byteorder", []byte("big")}), Limits{}, `byte order "big"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := readBytes(c.data, c.limits)
			if err == nil {
				t.Fatalf("no error; %d tensors", len(f.Tensors()))
			}
			var fe *FormatError
			if !errors.As(err, &fe) || fe.Path != "test.pt" {
				t.Errorf("error %T %v is not a *FormatError naming test.pt", err, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not contain %q", err, c.want)
			}
		})
	}
}

// TestForeignGlobalsAreInert checks that a GLOBAL outside the allow-list (here os.system, called
// with REDUCE and with NEWOBJ, then given BUILD state) becomes an inert object: nothing runs, the
// tensors next to it still load, and tensors in its BUILD state are named as module attributes.
func TestForeignGlobalsAreInert(t *testing.T) {
	marker := t.TempDir() + "/ran"
	cmd := "touch " + marker
	pkl := newPK().op(opEmptyDict, opMark).
		str("w").tensor("FloatStorage", "0", 2, 0, []int32{2}, []int32{1}).
		str("evil").global("os", "system").str(cmd).op(opTuple1, opReduce).
		str("mod").global("os", "system").op(opEmptyTuple, opNewObj, opEmptyDict).
		str("bias").tensor("FloatStorage", "0", 2, 1, []int32{1}, []int32{1}).op(opSetItem, opBuild).
		op(opSetItems, opStop).b
	f, err := readBytes(archive(t, pkl, member{"0", f32bytes(7, 8)}), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(marker); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("os.system ran: %v", err)
	}
	var names []string
	for _, tn := range f.Tensors() {
		v, _ := tn.Float32s()
		names = append(names, tn.Name)
		if tn.Name == "mod.bias" && (len(v) != 1 || v[0] != 8) {
			t.Errorf("mod.bias = %v, want [8]", v)
		}
	}
	if strings.Join(names, ",") != "w,mod.bias" {
		t.Errorf("names = %v, want [w mod.bias]", names)
	}

	u := &unpickler{data: newPK().global("os", "system").str(cmd).op(opTuple1, opReduce).stop(), limits: DefaultLimits}
	in := &interpreter{limits: DefaultLimits, storages: map[string]*storage{}}
	u.call, u.persistent = in.call, in.persistent
	v, err := u.run()
	if err != nil {
		t.Fatal(err)
	}
	o, ok := v.(*object)
	if !ok || o.class.module != "os" || o.class.name != "system" || len(o.args) != 1 || o.args[0] != cmd {
		t.Errorf("os.system(...) unpickled to %#v, want an inert object", v)
	}
}

// TestCyclesAndDepth checks that self-referencing containers end and deep nesting is refused.
func TestCyclesAndDepth(t *testing.T) {
	// d = {}; d["self"] = d; d["w"] = tensor.
	cyc := newPK().op(opEmptyDict, opBinPut, 0).str("self").op(opBinGet, 0, opSetItem).
		str("w").tensor("FloatStorage", "0", 1, 0, []int32{1}, []int32{1}).op(opSetItem, opStop).b
	f, err := readBytes(archive(t, cyc, member{"0", f32bytes(3)}), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Tensors()) != 1 || f.Tensors()[0].Name != "w" {
		t.Errorf("cycle: tensors %v", f.Tensors())
	}

	deep := newPK()
	for range 40 {
		deep.op(opEmptyList)
	}
	for range 39 {
		deep.op(opAppend)
	}
	if _, err := readBytes(archive(t, deep.stop()), Limits{MaxDepth: 30}); err == nil || !strings.Contains(err.Error(), "nested deeper than 30") {
		t.Errorf("deep nesting: %v", err)
	}
	if _, err := readBytes(archive(t, deep.stop()), Limits{}); err != nil {
		t.Errorf("40 levels with default limits: %v", err)
	}

	// Each tuple holds the previous one twice: 2^40 paths through 40 tuples.
	shared := newPK().op(opNone)
	for range 40 {
		shared.op(opDup, opTuple2)
	}
	if _, err := readBytes(archive(t, shared.stop()), Limits{}); err == nil || !strings.Contains(err.Error(), "object graph too large") {
		t.Errorf("shared tuples: %v", err)
	}
}
