package torchfile

import (
	"reflect"
	"strings"
	"testing"
)

func dictOf(kv ...any) *dict {
	d := newDict()
	for i := 0; i < len(kv); i += 2 {
		d.set(kv[i], kv[i+1])
	}
	return d
}

func unpickle(data []byte) (any, error) {
	in := &interpreter{limits: DefaultLimits, storages: map[string]*storage{}}
	u := &unpickler{data: data, limits: DefaultLimits, call: in.call, persistent: in.persistent}
	return u.run()
}

// TestOpcodes checks the value each opcode builds; the encodings follow CPython's
// Lib/pickletools.py (integers little-endian two's complement, BINFLOAT big-endian binary64).
func TestOpcodes(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		want any
	}{
		{"BININT", newPK().int(-5).stop(), int64(-5)},
		{"BININT1", newPK().op(opBinInt1, 0xff).stop(), int64(255)},
		{"BININT2", newPK().op(opBinInt2, 0x34, 0x12).stop(), int64(0x1234)},
		{"LONG1 empty is 0", newPK().op(opLong1, 0).stop(), int64(0)},
		{"LONG1 -1", newPK().op(opLong1, 1, 0xff).stop(), int64(-1)},
		{"LONG1 2^40", newPK().op(opLong1, 6, 0, 0, 0, 0, 0, 1).stop(), int64(1 << 40)},
		{"LONG1 8 bytes negative", newPK().op(opLong1, 8, 0, 0, 0, 0, 0, 0, 0, 0x80).stop(), int64(-1 << 63)},
		{"LONG4", newPK().op(opLong4, 2, 0, 0, 0, 0x00, 0x80).stop(), int64(-32768)},
		{"BINFLOAT 1.5", newPK().op(opBinFloat, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0).stop(), 1.5},
		{"bools and None", newPK().op(opNewTrue, opNewFalse, opNone, opTuple3).stop(), tuple{true, false, nil}},
		{"SHORT_BINUNICODE", newPK().op(opShortBinUni, 2, 'h', 'i').stop(), "hi"},
		{"BINUNICODE8", newPK().op(opBinUnicode8, 1, 0, 0, 0, 0, 0, 0, 0, 'x').stop(), "x"},
		{"SHORT_BINSTRING", newPK().op(opShortBinString, 1, 'y').stop(), "y"},
		{"SHORT_BINBYTES", newPK().op(opShortBinBytes, 2, 1, 2).stop(), []byte{1, 2}},
		{"BINBYTES", newPK().op(opBinBytes, 1, 0, 0, 0, 9).stop(), []byte{9}},
		{"TUPLE2", newPK().int(1).int(2).op(opTuple2).stop(), tuple{int64(1), int64(2)}},
		{"LIST and APPENDS", newPK().op(opMark).int(1).op(opList, opMark).int(2).int(3).op(opAppends).stop(), &list{items: []any{int64(1), int64(2), int64(3)}}},
		{"DICT with repeated key", newPK().op(opMark).str("a").int(1).str("a").int(2).op(opDict).stop(), dictOf("a", int64(2))},
		{"POP_MARK and POP", newPK().int(7).op(opMark).int(1).int(2).op(opPopMark).int(9).op(opPop).stop(), int64(7)},
		{"DUP", newPK().int(4).op(opDup, opTuple2).stop(), tuple{int64(4), int64(4)}},
		{"MEMOIZE and LONG_BINGET", newPK().op(opFrame, 9, 0, 0, 0, 0, 0, 0, 0).str("m").op(opMemoize, opLongBinGet, 0, 0, 0, 0, opTuple2).stop(), tuple{"m", "m"}},
		{"LONG_BINPUT", newPK().int(3).op(opLongBinPut, 0, 1, 0, 0, opPop, opLongBinGet, 0, 1, 0, 0).stop(), int64(3)},
		{"STACK_GLOBAL of OrderedDict", newPK().str("collections").str("OrderedDict").op(opStackGlobal, opMark).
			op(opMark).str("k").int(1).op(opTuple, opMark).str("j").int(2).op(opList).op(opList, opTuple1, opReduce).stop(),
			dictOf("k", int64(1), "j", int64(2))},
		{"restore_type_tag", newPK().global("torch.jit._pickle", "restore_type_tag").op(opEmptyDict).str("Dict[str, int]").op(opTuple2, opReduce).stop(), dictOf()},
		{"build_intlist", newPK().global("torch.jit._pickle", "build_intlist").op(opEmptyList).op(opTuple1, opReduce).stop(), &list{}},
		{"foreign NEWOBJ with BUILD", newPK().global("__torch__.m", "Conv").op(opEmptyTuple, opNewObj).str("s").op(opBuild).stop(),
			&object{class: &global{"__torch__.m", "Conv"}, args: tuple{}, state: "s"}},
	} {
		got, err := unpickle(c.data)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %#v, want %#v", c.name, got, c.want)
		}
	}
}

// TestRebuildFromType checks torch._tensor._rebuild_from_type_v2, which torch.save uses for
// tensor subclasses: the tensor is its func applied to its args, and func must be allow-listed.
func TestRebuildFromType(t *testing.T) {
	inner := func(p *pk) *pk {
		return p.op(opMark).storage("FloatStorage", "0", 4).int(1).ints(2).ints(1).op(opNewFalse).
			global("collections", "OrderedDict").op(opEmptyTuple, opReduce, opTuple)
	}
	ok := inner(newPK().global("torch._tensor", "_rebuild_from_type_v2").op(opMark).global("torch._utils", "_rebuild_tensor_v2").
		global("torch.nn.parameter", "Parameter")).op(opEmptyDict, opTuple, opReduce).stop()
	got, err := unpickle(ok)
	if err != nil {
		t.Fatal(err)
	}
	if tr, isT := got.(*tensorRef); !isT || tr.offset != 1 || !reflect.DeepEqual(tr.shape, []int{2}) {
		t.Errorf("got %#v, want a view of shape [2] at offset 1", got)
	}
	evil := inner(newPK().global("torch._tensor", "_rebuild_from_type_v2").op(opMark).global("os", "system").
		global("torch", "Tensor")).op(opEmptyDict, opTuple, opReduce).stop()
	if _, err := unpickle(evil); err == nil || !strings.Contains(err.Error(), "not a torch._utils rebuild function") {
		t.Errorf("func os.system: %v", err)
	}
}
