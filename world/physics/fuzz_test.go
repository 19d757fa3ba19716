package physics

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzDecodeTrajectory checks that hostile documents give a *FormatError and never a panic,
// and that whatever decodes survives a second round trip unchanged.
func FuzzDecodeTrajectory(f *testing.F) {
	for _, s := range Scenarios() {
		d, err := Preset(s, InDistribution)
		if err != nil {
			f.Fatal(err)
		}
		tr, err := Simulate(d.Sample(NewRand(1)), 8, 3)
		if err != nil {
			f.Fatal(err)
		}
		data, err := json.Marshal(tr)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"scenario":"free_fall","params":{"radius":1e308,"mass":1,"height":2},"fps":24}`))
	f.Add([]byte(`{"scenario":"unstable_stack","params":{"width":1,"height":1,"offsets":[0.4,0.4],"mass":1},"fps":1,"joints":[{"body_a":-1}]}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"params":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := DecodeTrajectory(data)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FormatError", err)
			}
			return
		}
		again, err := json.Marshal(tr)
		if err != nil {
			t.Fatalf("decoded trajectory does not encode: %v", err)
		}
		back, err := DecodeTrajectory(again)
		if err != nil {
			t.Fatalf("re-encoded trajectory does not decode: %v", err)
		}
		if !reflect.DeepEqual(tr, back) {
			t.Fatal("second round trip changed the trajectory")
		}
	})
}
