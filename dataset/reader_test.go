package dataset

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// entry is one raw tar entry for building hostile archives.
type entry struct {
	name string
	data string
	flag byte  // 0 means a regular file
	size int64 // 0 means len(data); otherwise the header claims this size and no data follows
}

// buildTar writes entries with archive/tar; a claimed size ends the archive right after that
// header, as a hostile or truncated file would.
func buildTar(t testing.TB, entries []entry) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.data)), Typeflag: tar.TypeReg}
		if e.flag != 0 {
			h.Typeflag, h.Size = e.flag, 0
			if e.flag == tar.TypeSymlink {
				h.Linkname = "/etc/passwd"
			}
		}
		if e.size != 0 {
			h.Size = e.size
			if err := tw.WriteHeader(h); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReaderHostile(t *testing.T) {
	good := []entry{{name: "a.json", data: "{}"}, {name: "a.y4m", data: "frames"}, {name: "b.json", data: "{}"}}
	valid := buildTar(t, good)
	corruptChecksum := append([]byte(nil), valid...)
	corruptChecksum[10] ^= 0x55 // inside the first header's name: its checksum no longer matches
	lim := Limits{MaxPartBytes: 100, MaxSampleBytes: 150, MaxParts: 3, MaxSamples: 2}
	for _, tc := range []struct {
		name  string
		data  []byte
		kind  error
		key   string // the sample the error must name
		first int    // samples read fine before the error
	}{
		{"truncated in padding", valid[:700], ErrCorrupt, "a", 0},
		{"no end marker", valid[:3072], ErrCorrupt, "b", 1},
		{"half end marker", valid[:3072+512], ErrCorrupt, "b", 1},
		{"truncated data", valid[:512+1], ErrCorrupt, "a", 0},
		{"corrupt checksum", corruptChecksum, ErrCorrupt, "", 0},
		{"garbage", bytes.Repeat([]byte{0xff}, 1024), ErrCorrupt, "", 0},
		{"split sample", buildTar(t, []entry{{name: "a.json", data: "1"}, {name: "b.json", data: "2"}, {name: "a.png", data: "3"}}), ErrSplitSample, "a", 2},
		{"duplicate part", buildTar(t, []entry{{name: "a.json", data: "1"}, {name: "a.json", data: "2"}}), ErrDuplicatePart, "a", 0},
		{"huge size", buildTar(t, []entry{{name: "a.json", data: "1"}, {name: "a.y4m", size: 1 << 40}}), ErrTooLarge, "a", 0},
		{"part over limit", buildTar(t, []entry{{name: "a.bin", data: strings.Repeat("x", 101)}}), ErrTooLarge, "a", 0},
		{"sample over limit", buildTar(t, []entry{{name: "a.x", data: strings.Repeat("x", 100)}, {name: "a.y", data: strings.Repeat("y", 51)}}), ErrTooLarge, "a", 0},
		{"too many parts", buildTar(t, []entry{{name: "a.p", data: "1"}, {name: "a.q", data: "2"}, {name: "a.r", data: "3"}, {name: "a.s", data: "4"}}), ErrTooLarge, "a", 0},
		{"too many samples", buildTar(t, []entry{{name: "a.j", data: "1"}, {name: "b.j", data: "2"}, {name: "c.j", data: "3"}}), ErrTooLarge, "c", 2},
		{"parent traversal", buildTar(t, []entry{{name: "../x.json", data: "1"}}), ErrBadName, "", 0},
		{"absolute path", buildTar(t, []entry{{name: "/etc/passwd.json", data: "1"}}), ErrBadName, "", 0},
		{"folder", buildTar(t, []entry{{name: "a.json", data: "1"}, {name: "d/b.json", data: "2"}}), ErrBadName, "a", 0},
		{"dot dot name", buildTar(t, []entry{{name: "..", data: "1"}}), ErrBadName, "", 0},
		{"no extension", buildTar(t, []entry{{name: "README", data: "1"}}), ErrBadName, "", 0},
		{"empty extension component", buildTar(t, []entry{{name: "a..png", data: "1"}}), ErrBadName, "", 0},
		{"symlink", buildTar(t, []entry{{name: "a.json", flag: tar.TypeSymlink}}), ErrBadEntry, "", 0},
		{"directory", buildTar(t, []entry{{name: "a.d", flag: tar.TypeDir}}), ErrBadEntry, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewSampleReader(bytes.NewReader(tc.data), "hostile.tar", lim)
			for i := 0; i < tc.first; i++ {
				if _, err := r.Next(); err != nil {
					t.Fatalf("sample %d: %v", i, err)
				}
			}
			_, err := r.Next()
			var fe *FormatError
			if !errors.As(err, &fe) || !errors.Is(err, tc.kind) {
				t.Fatalf("got %v, want a FormatError of kind %v", err, tc.kind)
			}
			if fe.Shard != "hostile.tar" || fe.Key != tc.key || !strings.Contains(err.Error(), "hostile.tar") {
				t.Fatalf("error %q names shard %q, sample %q; want hostile.tar, %q", err, fe.Shard, fe.Key, tc.key)
			}
			if _, again := r.Next(); again != err {
				t.Fatalf("the error is not sticky: %v then %v", err, again)
			}
		})
	}
	// The valid archive itself reads as two samples.
	r := NewSampleReader(bytes.NewReader(valid), "valid.tar", lim)
	for _, want := range []string{"a", "b"} {
		s, err := r.Next()
		if err != nil || s.Key != want {
			t.Fatalf("got %v, %v; want sample %q", s, err, want)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
}

func TestShardPathsWithoutIndex(t *testing.T) {
	dir := t.TempDir()
	writeDataset(t, dir, "nx", makeSamples(9, 2), WriterOptions{MaxSamples: 4})
	withIndex, err := ShardPaths(dir, "nx")
	if err != nil {
		t.Fatal(err)
	}
	if err := removeFile(dir, IndexName("nx")); err != nil {
		t.Fatal(err)
	}
	without, err := ShardPaths(dir, "nx")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(withIndex, ",") != strings.Join(without, ",") || len(without) != 3 {
		t.Fatalf("with the index %v, without %v", withIndex, without)
	}
	if _, err := ShardPaths(dir, "other"); err == nil {
		t.Fatal("an absent dataset listed shards")
	}
}
