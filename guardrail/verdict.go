package guardrail

import (
	"fmt"
	"strings"
)

// Stages of a Verdict.
const (
	StagePrompt = "pre-guard"
	StageVideo  = "post-guard"
)

// Rules in a Finding besides the blocklist's ("blocklist/exact", "blocklist/lemma",
// "blocklist/fuzzy", "blocklist/masked").
const (
	RuleClassifier      = "classifier"       // a classifier labelled the input unsafe
	RuleClassifierError = "classifier-error" // a classifier failed: blocked, failing closed
	RuleFrameClassifier = "frame-classifier" // a sampled frame was labelled unsafe
	RuleGuardError      = "guard-error"      // the guard itself could not run on the input
	RuleFaceBlur        = "face-blur"        // faces were pixelated (does not block)
)

// Verdict is a guard's decision on one prompt or video.
type Verdict struct {
	Allowed bool   `json:"allowed"`
	Stage   string `json:"stage"`
	// Findings say why the input was blocked: every rule that fired, in order. For an allowed
	// video they may note the faces blurred.
	Findings []Finding `json:"findings,omitempty"`
	// Video only: frames shown to the frame classifier, and faces blurred.
	FramesChecked   int `json:"frames_checked,omitempty"`
	FacesBlurred    int `json:"faces_blurred,omitempty"`
	FramesWithFaces int `json:"frames_with_faces,omitempty"`
}

// Finding is one reason in a Verdict.
type Finding struct {
	Rule     string `json:"rule"`
	Category string `json:"category,omitempty"`
	// Span is the text matched, at byte offsets [Start, End) of the prompt.
	Span  string `json:"span,omitempty"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	// Frame is the frame index, for frame classifier findings (-1 otherwise).
	Frame  int    `json:"frame"`
	Source string `json:"source,omitempty"` // the list entry or classifier that fired
	Reason string `json:"reason"`
}

// Blocks reports whether the finding blocks its input (face blur notes do not).
func (f Finding) Blocks() bool { return f.Rule != RuleFaceBlur }

// Reason is a one-line account of the verdict.
func (v Verdict) Reason() string {
	if v.Allowed {
		s := v.Stage + ": allowed"
		if v.FacesBlurred > 0 {
			s += fmt.Sprintf(" (%d faces blurred in %d frames)", v.FacesBlurred, v.FramesWithFaces)
		}
		return s
	}
	var rs []string
	for _, f := range v.Findings {
		if f.Blocks() {
			rs = append(rs, f.Reason)
		}
	}
	return v.Stage + ": blocked: " + strings.Join(rs, "; ")
}

func blocked(stage string, fs ...Finding) Verdict {
	return Verdict{Allowed: false, Stage: stage, Findings: fs}
}

func guardError(stage string, err error) Verdict {
	return blocked(stage, Finding{Rule: RuleGuardError, Frame: -1, Reason: fmt.Sprintf("guard failed, blocking: %v", err)})
}
