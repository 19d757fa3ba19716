package guardrail

import (
	"context"
	"fmt"
	"strings"

	"github.com/wfm-platform/wfm/guardrail/classify"
	"github.com/wfm-platform/wfm/guardrail/text"
)

// MaxPromptBytes is the longest prompt the pre-guard checks; longer prompts are blocked rather
// than checked in part.
const MaxPromptBytes = 16 << 10

// PromptGuard is the text pre-guard: blocklist rules, then learned classifiers.
type PromptGuard struct {
	Blocklist   *text.Blocklist
	Classifiers []classify.TextClassifier
}

// NewPromptGuard builds a pre-guard from a blocklist (required) and any classifiers, run in
// order after the rules.
func NewPromptGuard(bl *text.Blocklist, classifiers ...classify.TextClassifier) (*PromptGuard, error) {
	if bl == nil {
		return nil, fmt.Errorf("guardrail: a prompt guard needs a blocklist")
	}
	return &PromptGuard{Blocklist: bl, Classifiers: classifiers}, nil
}

// DefaultPromptGuard is the shipped pre-guard: the default blocklist and whitelist, and no
// learned classifier (add the built-in one with classify.DefaultLogReg, or a served model
// with classify.NewLlamaGuard). The built-in classifier is not on by default because it blocks
// benign prompts of the evaluation corpus (see `wfm guard eval-corpus`).
func DefaultPromptGuard() (*PromptGuard, error) {
	bl, err := text.DefaultBlocklist()
	if err != nil {
		return nil, err
	}
	return NewPromptGuard(bl)
}

// CheckPrompt decides whether prompt may go to a model. Rules run first; classifiers run only on
// prompts the rules let through. A failing classifier blocks the prompt. The error is non-nil
// only when ctx was cancelled (the verdict then blocks too).
func (g *PromptGuard) CheckPrompt(ctx context.Context, prompt string) (Verdict, error) {
	if err := ctx.Err(); err != nil {
		return guardError(StagePrompt, err), err
	}
	if len(prompt) > MaxPromptBytes {
		return blocked(StagePrompt, Finding{Rule: RuleGuardError, Frame: -1,
			Reason: fmt.Sprintf("prompt of %d bytes is over the guard's %d-byte limit", len(prompt), MaxPromptBytes)}), nil
	}
	if ms := g.Blocklist.Check(prompt); len(ms) > 0 {
		fs := make([]Finding, len(ms))
		for i, m := range ms {
			reason := fmt.Sprintf("%q matches blocklisted %q (%s, %s rule", m.Span, m.Entry, m.Category, m.Rule)
			if m.Rule == text.RuleFuzzy {
				reason += fmt.Sprintf(", similarity %.2f", m.Ratio)
			}
			if m.View != text.ViewFolded {
				reason += ", read as " + m.View
			}
			fs[i] = Finding{Rule: "blocklist/" + m.Rule, Category: m.Category, Span: m.Span, Start: m.Start, End: m.End,
				Frame: -1, Source: m.Entry, Reason: reason + ")"}
		}
		return blocked(StagePrompt, fs...), nil
	}
	for _, c := range g.Classifiers {
		res, err := c.ClassifyText(ctx, prompt)
		if err != nil {
			v := blocked(StagePrompt, Finding{Rule: RuleClassifierError, Frame: -1, Source: c.Name(),
				Reason: fmt.Sprintf("classifier %s failed, blocking (fail closed): %v", c.Name(), err)})
			if cerr := ctx.Err(); cerr != nil {
				return v, cerr
			}
			return v, nil
		}
		if !res.Safe {
			return blocked(StagePrompt, classifierFinding(c.Name(), res, -1)), nil
		}
	}
	return Verdict{Allowed: true, Stage: StagePrompt}, nil
}

func classifierFinding(name string, res classify.Result, frame int) Finding {
	rule := RuleClassifier
	what := "prompt"
	if frame >= 0 {
		rule, what = RuleFrameClassifier, fmt.Sprintf("frame %d", frame)
	}
	reason := fmt.Sprintf("classifier %s labels the %s unsafe", name, what)
	if len(res.Categories) > 0 {
		reason += " (" + strings.Join(res.Categories, ", ") + ")"
	}
	if res.Score > 0 {
		reason += fmt.Sprintf(", score %.3f", res.Score)
	}
	return Finding{Rule: rule, Category: strings.Join(res.Categories, ","), Frame: frame, Source: name, Reason: reason}
}
