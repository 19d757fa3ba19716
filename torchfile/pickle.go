package torchfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
)

// The values the unpickler builds. Nothing here can run code: a GLOBAL becomes a *global (a
// pair of names), and calling it (REDUCE, NEWOBJ) either maps to one of the fixed constructors
// in torch.go or yields an inert *object that only records what it was given.
type (
	tuple []any
	list  struct{ items []any }
	dict  struct {
		keys  []any
		vals  []any
		index map[string]int // position of each string key, so SETITEM on a repeated key overwrites
	}
	global struct{ module, name string }
	// object is an instance of a class outside the allow-list, such as a TorchScript
	// "__torch__.*" module: its constructor arguments and its BUILD state, nothing more.
	object struct {
		class *global
		args  tuple
		state any
	}
	// persistentID is a BINPERSID argument before interpretation.
	persistentID struct{ pid any }
)

func newDict() *dict { return &dict{index: map[string]int{}} }

func (d *dict) set(k, v any) {
	if s, ok := k.(string); ok {
		if i, ok := d.index[s]; ok {
			d.vals[i] = v
			return
		}
		d.index[s] = len(d.keys)
	}
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
}

// Pickle opcodes, as named and numbered in CPython's Lib/pickletools.py (protocols 0-5). Only
// the binary opcodes that PyTorch's Python pickler (protocol 2) and TorchScript's C++ pickler
// (torch/csrc/jit/serialization/pickler.cpp) emit are accepted.
const (
	opMark           = '('
	opStop           = '.'
	opPop            = '0'
	opPopMark        = '1'
	opDup            = '2'
	opBinInt         = 'J'
	opBinInt1        = 'K'
	opBinInt2        = 'M'
	opNone           = 'N'
	opBinPersID      = 'Q'
	opReduce         = 'R'
	opBinString      = 'T'
	opShortBinString = 'U'
	opBinUnicode     = 'X'
	opAppend         = 'a'
	opBuild          = 'b'
	opGlobal         = 'c'
	opDict           = 'd'
	opEmptyDict      = '}'
	opAppends        = 'e'
	opBinGet         = 'h'
	opLongBinGet     = 'j'
	opList           = 'l'
	opEmptyList      = ']'
	opBinPut         = 'q'
	opLongBinPut     = 'r'
	opSetItem        = 's'
	opTuple          = 't'
	opEmptyTuple     = ')'
	opSetItems       = 'u'
	opBinFloat       = 'G'
	opBinBytes       = 'B'
	opShortBinBytes  = 'C'
	opProto          = 0x80
	opNewObj         = 0x81
	opTuple1         = 0x85
	opTuple2         = 0x86
	opTuple3         = 0x87
	opNewTrue        = 0x88
	opNewFalse       = 0x89
	opLong1          = 0x8a
	opLong4          = 0x8b
	opShortBinUni    = 0x8c
	opBinUnicode8    = 0x8d
	opBinBytes8      = 0x8e
	opStackGlobal    = 0x93
	opMemoize        = 0x94
	opFrame          = 0x95
)

// pickleError is what the unpickler returns; Open wraps it in a *FormatError naming the file
// and the archive member.
type pickleError struct {
	pos    int
	reason string
}

func (e *pickleError) Error() string { return fmt.Sprintf("pickle byte %d: %s", e.pos, e.reason) }

// unpickler is a restricted pickle virtual machine. call interprets REDUCE/NEWOBJ of a global,
// persistent interprets BINPERSID; both are supplied by the torch layer.
type unpickler struct {
	data       []byte
	pos        int
	stack      []any
	marks      []int
	memo       map[uint32]any
	pushes     int
	limits     Limits
	call       func(g *global, args tuple) (any, error)
	persistent func(pid any) (any, error)
}

func (u *unpickler) fail(format string, a ...any) error {
	return &pickleError{pos: u.pos, reason: fmt.Sprintf(format, a...)}
}

func (u *unpickler) read(n int) ([]byte, error) {
	if n < 0 || n > len(u.data)-u.pos {
		return nil, u.fail("truncated: need %d bytes, %d left", n, len(u.data)-u.pos)
	}
	b := u.data[u.pos : u.pos+n]
	u.pos += n
	return b, nil
}

func (u *unpickler) readUint(n int) (uint64, error) {
	b, err := u.read(n)
	if err != nil {
		return 0, err
	}
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v, nil
}

// readLen reads an n-byte little-endian length and checks it against the bytes that are left,
// so that no allocation is larger than the input.
func (u *unpickler) readLen(n int) (int, error) {
	v, err := u.readUint(n)
	if err != nil {
		return 0, err
	}
	if v > uint64(len(u.data)-u.pos) {
		return 0, u.fail("length %d exceeds the %d bytes left", v, len(u.data)-u.pos)
	}
	return int(v), nil
}

func (u *unpickler) readLine() (string, error) {
	i := bytes.IndexByte(u.data[u.pos:min(len(u.data), u.pos+256)], '\n')
	if i < 0 {
		return "", u.fail("GLOBAL name without a newline within 256 bytes")
	}
	s := string(u.data[u.pos : u.pos+i])
	u.pos += i + 1
	return s, nil
}

func (u *unpickler) push(v any) error {
	if len(u.stack) >= u.limits.MaxStack {
		return u.fail("stack deeper than %d", u.limits.MaxStack)
	}
	if u.pushes++; u.pushes > u.limits.MaxValues {
		return u.fail("more than %d values", u.limits.MaxValues)
	}
	u.stack = append(u.stack, v)
	return nil
}

func (u *unpickler) pop() (any, error) {
	if len(u.stack) == 0 || (len(u.marks) > 0 && len(u.stack) <= u.marks[len(u.marks)-1]) {
		return nil, u.fail("stack underflow")
	}
	v := u.stack[len(u.stack)-1]
	u.stack = u.stack[:len(u.stack)-1]
	return v, nil
}

func (u *unpickler) top() (any, error) {
	if len(u.stack) == 0 || (len(u.marks) > 0 && len(u.stack) <= u.marks[len(u.marks)-1]) {
		return nil, u.fail("stack underflow")
	}
	return u.stack[len(u.stack)-1], nil
}

// popMark returns the items pushed since the last MARK and removes them and the mark.
func (u *unpickler) popMark() ([]any, error) {
	if len(u.marks) == 0 {
		return nil, u.fail("no MARK on the stack")
	}
	m := u.marks[len(u.marks)-1]
	u.marks = u.marks[:len(u.marks)-1]
	items := append([]any(nil), u.stack[m:]...)
	u.stack = u.stack[:m]
	return items, nil
}

func (u *unpickler) memoPut(idx uint32) error {
	v, err := u.top()
	if err != nil {
		return err
	}
	if _, ok := u.memo[idx]; !ok && len(u.memo) >= u.limits.MaxMemo {
		return u.fail("memo larger than %d entries", u.limits.MaxMemo)
	}
	u.memo[idx] = v
	return nil
}

func (u *unpickler) memoGet(idx uint32) error {
	v, ok := u.memo[idx]
	if !ok {
		return u.fail("memo index %d was never stored", idx)
	}
	return u.push(v)
}

func (u *unpickler) global(module, name string) error {
	if module == "" || name == "" {
		return u.fail("GLOBAL with an empty module or name")
	}
	return u.push(&global{module: module, name: name})
}

// appendTo adds items to a list (APPEND, APPENDS). Appending to anything but a list is an error:
// CPython would call its append or extend method, which is exactly what must not happen here.
func (u *unpickler) appendTo(items []any) error {
	t, err := u.top()
	if err != nil {
		return err
	}
	l, ok := t.(*list)
	if !ok {
		return u.fail("APPEND to a %s, not a list", kind(t))
	}
	l.items = append(l.items, items...)
	return nil
}

func (u *unpickler) setItems(kv []any) error {
	if len(kv)%2 != 0 {
		return u.fail("SETITEMS with an odd number of items")
	}
	t, err := u.top()
	if err != nil {
		return err
	}
	d, ok := t.(*dict)
	if !ok {
		return u.fail("SETITEM on a %s, not a dict", kind(t))
	}
	for i := 0; i < len(kv); i += 2 {
		if !hashable(kv[i]) {
			return u.fail("dict key of type %s", kind(kv[i]))
		}
		d.set(kv[i], kv[i+1])
	}
	return nil
}

// hashable reports whether v can be a dict key in Python (and so in a well-formed pickle).
func hashable(v any) bool {
	switch v := v.(type) {
	case nil, bool, int64, float64, string, *global:
		return true
	case tuple:
		for _, x := range v {
			if !hashable(x) {
				return false
			}
		}
		return true
	}
	return false
}

// kind names the Python-side type of an unpickled value, for error messages.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "None"
	case bool:
		return "bool"
	case int64:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case []byte:
		return "bytes"
	case tuple:
		return "tuple"
	case *list:
		return "list"
	case *dict:
		return "dict"
	case *global:
		return "global"
	case *object:
		return "object"
	case *storage:
		return "storage"
	case *tensorRef:
		return "tensor"
	}
	return fmt.Sprintf("%T", v)
}

func (u *unpickler) callable(v any) (*global, error) {
	g, ok := v.(*global)
	if !ok {
		return nil, u.fail("call of a %s, not a global", kind(v))
	}
	return g, nil
}

// run executes the pickle until STOP and returns the value it leaves.
func (u *unpickler) run() (any, error) {
	if len(u.data) > u.limits.MaxPickleBytes {
		return nil, &pickleError{reason: fmt.Sprintf("pickle of %d bytes exceeds the limit of %d", len(u.data), u.limits.MaxPickleBytes)}
	}
	u.memo = map[uint32]any{}
	for {
		if u.pos >= len(u.data) {
			return nil, u.fail("truncated: no STOP opcode")
		}
		op := u.data[u.pos]
		u.pos++
		var err error
		switch op {
		case opProto:
			var p uint64
			if p, err = u.readUint(1); err == nil && p > 5 {
				err = u.fail("unsupported pickle protocol %d", p)
			}
		case opFrame:
			// Frames only group opcodes for buffered reading; the whole pickle is in memory.
			_, err = u.readUint(8)
		case opStop:
			v, err := u.pop()
			if err != nil {
				return nil, err
			}
			return v, nil
		case opMark:
			if len(u.marks) >= u.limits.MaxStack {
				return nil, u.fail("more than %d MARKs", u.limits.MaxStack)
			}
			u.marks = append(u.marks, len(u.stack))
		case opPop:
			_, err = u.pop()
		case opPopMark:
			_, err = u.popMark()
		case opDup:
			var v any
			if v, err = u.top(); err == nil {
				err = u.push(v)
			}
		case opNone:
			err = u.push(nil)
		case opNewTrue:
			err = u.push(true)
		case opNewFalse:
			err = u.push(false)
		case opBinInt:
			var v uint64
			if v, err = u.readUint(4); err == nil {
				err = u.push(int64(int32(uint32(v))))
			}
		case opBinInt1, opBinInt2:
			var v uint64
			if v, err = u.readUint(width(op)); err == nil {
				err = u.push(int64(v))
			}
		case opLong1, opLong4:
			var n int
			if n, err = u.readLen(width(op)); err == nil {
				err = u.long(n)
			}
		case opBinFloat:
			var b []byte
			if b, err = u.read(8); err == nil {
				err = u.push(math.Float64frombits(binary.BigEndian.Uint64(b)))
			}
		case opBinUnicode, opShortBinUni, opBinUnicode8, opBinString, opShortBinString:
			var n int
			if n, err = u.readLen(width(op)); err == nil {
				var b []byte
				if b, err = u.read(n); err == nil {
					err = u.push(string(b))
				}
			}
		case opBinBytes, opShortBinBytes, opBinBytes8:
			var n int
			if n, err = u.readLen(width(op)); err == nil {
				var b []byte
				if b, err = u.read(n); err == nil {
					err = u.push(append([]byte(nil), b...))
				}
			}
		case opEmptyTuple:
			err = u.push(tuple{})
		case opTuple1, opTuple2, opTuple3:
			n := int(op-opTuple1) + 1
			if len(u.stack) < n || (len(u.marks) > 0 && len(u.stack)-n < u.marks[len(u.marks)-1]) {
				return nil, u.fail("stack underflow")
			}
			t := append(tuple(nil), u.stack[len(u.stack)-n:]...)
			u.stack = u.stack[:len(u.stack)-n]
			err = u.push(t)
		case opTuple:
			var items []any
			if items, err = u.popMark(); err == nil {
				err = u.push(tuple(items))
			}
		case opEmptyList:
			err = u.push(&list{})
		case opList:
			var items []any
			if items, err = u.popMark(); err == nil {
				err = u.push(&list{items: items})
			}
		case opEmptyDict:
			err = u.push(newDict())
		case opDict:
			var items []any
			if items, err = u.popMark(); err == nil {
				if err = u.push(newDict()); err == nil {
					err = u.setItems(items)
				}
			}
		case opAppend:
			var v any
			if v, err = u.pop(); err == nil {
				err = u.appendTo([]any{v})
			}
		case opAppends:
			var items []any
			if items, err = u.popMark(); err == nil {
				err = u.appendTo(items)
			}
		case opSetItem:
			var k, v any
			if v, err = u.pop(); err == nil {
				if k, err = u.pop(); err == nil {
					err = u.setItems([]any{k, v})
				}
			}
		case opSetItems:
			var items []any
			if items, err = u.popMark(); err == nil {
				err = u.setItems(items)
			}
		case opGlobal:
			var module, name string
			if module, err = u.readLine(); err == nil {
				if name, err = u.readLine(); err == nil {
					err = u.global(module, name)
				}
			}
		case opStackGlobal:
			var m, n any
			if n, err = u.pop(); err == nil {
				if m, err = u.pop(); err == nil {
					module, ok1 := m.(string)
					name, ok2 := n.(string)
					if !ok1 || !ok2 {
						return nil, u.fail("STACK_GLOBAL of a %s and a %s, not two strings", kind(m), kind(n))
					}
					err = u.global(module, name)
				}
			}
		case opReduce, opNewObj:
			var f, a any
			if a, err = u.pop(); err == nil {
				if f, err = u.pop(); err == nil {
					err = u.apply(f, a)
				}
			}
		case opBuild:
			var state any
			if state, err = u.pop(); err == nil {
				err = u.build(state)
			}
		case opBinPersID:
			var pid, v any
			if pid, err = u.pop(); err == nil {
				if v, err = u.persistent(pid); err == nil {
					err = u.push(v)
				}
			}
		case opBinPut:
			var i uint64
			if i, err = u.readUint(1); err == nil {
				err = u.memoPut(uint32(i))
			}
		case opLongBinPut:
			var i uint64
			if i, err = u.readUint(4); err == nil {
				err = u.memoPut(uint32(i))
			}
		case opMemoize:
			err = u.memoPut(uint32(len(u.memo)))
		case opBinGet:
			var i uint64
			if i, err = u.readUint(1); err == nil {
				err = u.memoGet(uint32(i))
			}
		case opLongBinGet:
			var i uint64
			if i, err = u.readUint(4); err == nil {
				err = u.memoGet(uint32(i))
			}
		default:
			u.pos--
			return nil, u.fail("unsupported opcode 0x%02x %s", op, strconv.QuoteRune(rune(op)))
		}
		if err != nil {
			return nil, err
		}
	}
}

// width is the size in bytes of the integer or length argument that follows op.
func width(op byte) int {
	switch op {
	case opBinInt1, opLong1, opShortBinUni, opShortBinString, opShortBinBytes:
		return 1
	case opBinInt2:
		return 2
	case opBinUnicode8, opBinBytes8:
		return 8
	}
	return 4
}

// long pushes an n-byte little-endian two's-complement integer (LONG1, LONG4). Integers that do
// not fit in 64 bits are rejected: no tensor header needs one.
func (u *unpickler) long(n int) error {
	b, err := u.read(n)
	if err != nil {
		return err
	}
	if n > 8 {
		return u.fail("integer of %d bytes does not fit in 64 bits", n)
	}
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	if n > 0 && n < 8 && b[n-1]&0x80 != 0 {
		v |= ^uint64(0) << (8 * n) // sign-extend
	}
	return u.push(int64(v))
}

func (u *unpickler) apply(f, a any) error {
	g, err := u.callable(f)
	if err != nil {
		return err
	}
	args, ok := a.(tuple)
	if !ok {
		return u.fail("call of %s.%s with a %s, not a tuple of arguments", g.module, g.name, kind(a))
	}
	v, err := u.call(g, args)
	if err != nil {
		return u.fail("%s.%s: %v", g.module, g.name, err)
	}
	return u.push(v)
}

// build applies BUILD: the state of an inert object is recorded; the state of a dict (the
// _metadata attribute torch attaches to a state dict's OrderedDict) and of a tensor (a
// Parameter's attributes) is dropped, since neither holds tensors by name.
func (u *unpickler) build(state any) error {
	t, err := u.top()
	if err != nil {
		return err
	}
	switch t := t.(type) {
	case *object:
		t.state = state
	case *dict, *tensorRef:
	default:
		return u.fail("BUILD on a %s", kind(t))
	}
	return nil
}
