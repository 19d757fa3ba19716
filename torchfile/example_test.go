package torchfile_test

import (
	"fmt"
	"log"

	"github.com/wfm-platform/wfm/torchfile"
)

func Example() {
	f, err := torchfile.Open("testdata/torchscript.jit")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f.Kind)
	for _, name := range []string{"encoder.conv_in.conv1.weight", "encoder.conv_in.conv1.bias"} {
		t, ok := f.Tensor(name)
		if !ok {
			log.Fatalf("no tensor %s", name)
		}
		v, err := t.Float32s()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(t.Name, t.DType, t.Shape, v)
	}
	// Output:
	// TorchScript
	// encoder.conv_in.conv1.weight F32 [2 1 1 1 1] [1 2]
	// encoder.conv_in.conv1.bias F32 [2] [-1 -2]
}
