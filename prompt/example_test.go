package prompt_test

import (
	"context"
	"fmt"

	"github.com/wfm-platform/wfm/prompt"
)

func ExampleBuiltin() {
	u := prompt.Builtin()
	for _, p := range []string{"dominoes toppling", "camera orbits a room", "a red ball rolls down a 30-degree ramp"} {
		out, err := u.Upsample(context.Background(), p)
		if err != nil {
			panic(err)
		}
		fmt.Println(out)
	}
	// Output:
	// A row of 4 dominoes topples one after another; 4 of them fall within 2.0 seconds.
	// The camera orbits around a room holding 9 textured boxes and spheres.
	// A red ball rolls down a 30-degree ramp, speeding up as it goes.
}

func ExampleFromFlag() {
	u, err := prompt.FromFlag("openai:http://localhost:8000/v1?model=mistral-nemo&timeout=20s&fallback=true")
	if err != nil {
		panic(err)
	}
	fmt.Println(u.Name())
	// Output: openai:mistral-nemo+fallback
}
