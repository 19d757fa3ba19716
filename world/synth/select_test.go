package synth

import (
	"slices"
	"testing"

	"github.com/wfm-platform/wfm/world/physics"
)

func TestSelectScenarios(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want []physics.Scenario
	}{
		{"physics", physics.Scenarios()},
		{"camera", CameraScenarios()},
		{"all", AllScenarios()},
		{"free_fall, camera_orbit", []physics.Scenario{"free_fall", "camera_orbit"}},
	} {
		if got := SelectScenarios(tc.spec); !slices.Equal(got, tc.want) {
			t.Errorf("%q: %v, want %v", tc.spec, got, tc.want)
		}
	}
}
