package guardrail_test

import (
	"context"
	"fmt"

	"github.com/wfm-platform/wfm/guardrail"
)

func ExampleGuard_CheckPrompt() {
	g, err := guardrail.Default()
	if err != nil {
		panic(err)
	}
	for _, p := range []string{"a robot learns a new skill", "a man k1lls a guard"} {
		v, err := g.CheckPrompt(context.Background(), p)
		if err != nil {
			panic(err)
		}
		fmt.Println(v.Allowed, v.Reason())
	}
	// Output:
	// true pre-guard: allowed
	// false pre-guard: blocked: "k1lls" matches blocklisted "kill" (violence, lemma rule, read as leet)
}
