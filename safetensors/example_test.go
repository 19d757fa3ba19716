package safetensors_test

import (
	"encoding/binary"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"

	"github.com/wfm-platform/wfm/safetensors"
)

func Example() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")

	// A 2x2 float32 matrix, little-endian, row-major.
	var data []byte
	for _, v := range []float32{1, 2, 3, 4} {
		data = binary.LittleEndian.AppendUint32(data, math.Float32bits(v))
	}
	ts := []safetensors.Tensor{
		{Name: "dense/weights", DType: safetensors.F32, Shape: []int{2, 2}, Data: data},
		{Name: "step", DType: safetensors.I64, Shape: []int{}, Data: binary.LittleEndian.AppendUint64(nil, 1000)},
	}
	if err := safetensors.WriteFile(path, ts, map[string]string{"model": "tiny"}); err != nil {
		log.Fatal(err)
	}

	f, err := safetensors.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	fmt.Println(f.Names(), f.Metadata())
	w, err := f.Read("dense/weights")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(w.DType, w.Shape, math.Float32frombits(binary.LittleEndian.Uint32(w.Data[12:])))
	// Output:
	// [dense/weights step] map[model:tiny]
	// F32 [2 2] 4
}
