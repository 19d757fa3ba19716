package curate

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestListInputs(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"b.mp4", "a.Y4M", "notes.txt", "sub/c.gif", ".hidden/d.mp4"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, ".hidden", "none"), 0o755); err != nil {
		t.Fatal(err)
	}
	list := filepath.Join(dir, "list.txt")
	if err := os.WriteFile(list, []byte("# videos\n\nb.mp4\n/abs/x.mp4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.txt")
	if err := os.WriteFile(empty, []byte("# nothing\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	j := func(names ...string) []string {
		var out []string
		for _, n := range names {
			out = append(out, filepath.Join(dir, n))
		}
		return out
	}
	for _, tc := range []struct {
		name             string
		in               string
		inputs, skipped  []string
		errIs            error
		statErr, listErr bool
	}{
		{name: "folder", in: dir, inputs: j("a.Y4M", "b.mp4", "sub/c.gif"), skipped: j("empty.txt", "list.txt", "notes.txt")},
		{name: "list", in: list, inputs: []string{"/abs/x.mp4", filepath.Join(dir, "b.mp4")}},
		{name: "empty list", in: empty, errIs: ErrNoInputs},
		{name: "folder of no videos", in: filepath.Join(dir, ".hidden", "none"), errIs: ErrNoInputs},
		{name: "missing", in: filepath.Join(dir, "nope"), statErr: true},
	} {
		inputs, skipped, err := ListInputs(tc.in)
		var pe *fs.PathError
		switch {
		case tc.errIs != nil:
			if !errors.Is(err, tc.errIs) {
				t.Errorf("%s: error %v, want %v", tc.name, err, tc.errIs)
			}
		case tc.statErr:
			if !errors.As(err, &pe) || pe.Op != "stat" {
				t.Errorf("%s: error %v, want os.Stat's", tc.name, err)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.name, err)
		default:
			if !reflect.DeepEqual(inputs, tc.inputs) {
				t.Errorf("%s: inputs %v, want %v", tc.name, inputs, tc.inputs)
			}
			if !reflect.DeepEqual(skipped, tc.skipped) {
				t.Errorf("%s: skipped %v, want %v", tc.name, skipped, tc.skipped)
			}
		}
	}
}
