package dirlock

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecodeHolder: any bytes in a lock file decode to a holder or to "unknown", never a panic,
// and a holder decoded prints in one line.
func FuzzDecodeHolder(f *testing.F) {
	f.Add([]byte(`{"what":"wfm synth","pid":12,"host":"h","started":"2026-12-07T21:00:00Z","command":"wfm synth --out x"}`))
	f.Add([]byte(`{"pid":-1}`))
	f.Add([]byte(`null`))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), FileName)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		file, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		if h, ok := decodeHolder(file); ok {
			_ = h.String()
		}
	})
}
