package synth

import (
	"strings"

	"github.com/wfm-platform/wfm/world/physics"
)

// SelectScenarios reads a scenario selection as wfm synth's --scenario takes it: "physics"
// (physics.Scenarios), "camera" (CameraScenarios), "all" (AllScenarios), or a comma-separated
// list of names. Names are not checked here; Options.Validate checks them.
func SelectScenarios(spec string) []physics.Scenario {
	switch spec {
	case "physics":
		return physics.Scenarios()
	case "camera":
		return CameraScenarios()
	case "all":
		return AllScenarios()
	}
	var out []physics.Scenario
	for s := range strings.SplitSeq(spec, ",") {
		out = append(out, physics.Scenario(strings.TrimSpace(s)))
	}
	return out
}
