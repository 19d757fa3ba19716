package weights_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/weights"
)

func Example() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "tiny.safetensors")

	type Config struct{ Dim int }
	store := model.NewStore()
	if _, err := store.CreateVariable("/dense/weights", tensors.FromValue([][]float32{{1, 2}, {3, 4}})); err != nil {
		log.Fatal(err)
	}
	if err := weights.SaveStore(path, store, Config{Dim: 2}); err != nil {
		log.Fatal(err)
	}

	loaded := model.NewStore()
	if err := weights.LoadStore(path, loaded); err != nil {
		log.Fatal(err)
	}
	var config Config
	if err := weights.ReadConfig(path, &config); err != nil {
		log.Fatal(err)
	}
	fmt.Println(weights.TensorName("/dense/weights"), tensors.MustCopyFlatData[float32](loaded.GetVariable("/dense/weights").MustValue()), config.Dim)
	// Output:
	// dense/weights [1 2 3 4] 2
}
