package torchfile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"math"
	"testing"
)

// pk builds protocol-2 pickles opcode by opcode, for hand-made and hostile inputs.
type pk struct{ b []byte }

func newPK() *pk { return &pk{b: []byte{opProto, 2}} }

func (p *pk) op(ops ...byte) *pk { p.b = append(p.b, ops...); return p }

func (p *pk) global(module, name string) *pk {
	p.b = append(p.b, opGlobal)
	p.b = append(p.b, module+"\n"+name+"\n"...)
	return p
}

func (p *pk) str(s string) *pk {
	p.b = append(p.b, opBinUnicode)
	p.b = binary.LittleEndian.AppendUint32(p.b, uint32(len(s)))
	p.b = append(p.b, s...)
	return p
}

func (p *pk) int(v int32) *pk {
	p.b = append(p.b, opBinInt)
	p.b = binary.LittleEndian.AppendUint32(p.b, uint32(v))
	return p
}

// ints pushes a tuple of ints.
func (p *pk) ints(vs ...int32) *pk {
	p.op(opMark)
	for _, v := range vs {
		p.int(v)
	}
	return p.op(opTuple)
}

// storage pushes the persistent-id storage ('storage', torch.<typ>, key, 'cpu', numel).
func (p *pk) storage(typ, key string, numel int32) *pk {
	p.op(opMark).str("storage").global("torch", typ).str(key).str("cpu").int(numel).op(opTuple, opBinPersID)
	return p
}

// tensor pushes _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()).
func (p *pk) tensor(typ, key string, numel, offset int32, size, stride []int32) *pk {
	p.global("torch._utils", "_rebuild_tensor_v2").op(opMark)
	p.storage(typ, key, numel).int(offset).ints(size...).ints(stride...)
	p.op(opNewFalse).global("collections", "OrderedDict").op(opEmptyTuple, opReduce, opTuple, opReduce)
	return p
}

func (p *pk) stop() []byte { return append(p.b, opStop) }

// member is one zip member of a hand-made archive.
type member struct {
	name string
	data []byte
}

func makeZip(t testing.TB, members ...member) []byte {
	t.Helper()
	return makeZipMethod(t, zip.Store, members...)
}

// makeZipMethod is makeZip with every member written with the given zip method.
func makeZipMethod(t testing.TB, method uint16, members ...member) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: m.name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(m.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func f32bytes(vs ...float32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

func readBytes(data []byte, l Limits) (*File, error) {
	return Read(bytes.NewReader(data), int64(len(data)), "test.pt", l)
}
