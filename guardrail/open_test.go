package guardrail

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/wfm-platform/wfm/guardrail/classify"
)

func TestOpenPromptGuard(t *testing.T) {
	model := filepath.Join(t.TempDir(), "model.json")
	m, err := classify.DefaultLogReg()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Save(model); err != nil {
		t.Fatal(err)
	}
	served := ServedClassifier{Model: "llama-guard", Timeout: time.Second, Attempts: 1}
	for _, tc := range []struct {
		name        string
		o           PromptGuardOptions
		classifiers int
		optionErr   bool
		fails       bool
	}{
		{name: "rules only", o: PromptGuardOptions{}},
		{name: "none", o: PromptGuardOptions{Classifier: ClassifierNone}},
		{name: "builtin", o: PromptGuardOptions{Classifier: ClassifierBuiltin}, classifiers: 1},
		{name: "builtin from a file", o: PromptGuardOptions{Classifier: ClassifierBuiltin, BuiltinModel: model}, classifiers: 1},
		{name: "served", o: PromptGuardOptions{Classifier: "http://127.0.0.1:1/v1", Served: served}, classifiers: 1},
		{name: "unknown classifier", o: PromptGuardOptions{Classifier: "magic"}, optionErr: true},
		{name: "served without a model name", o: PromptGuardOptions{Classifier: "http://127.0.0.1:1/v1", Served: ServedClassifier{Timeout: time.Second, Attempts: 1}}, optionErr: true},
		{name: "missing model file", o: PromptGuardOptions{Classifier: ClassifierBuiltin, BuiltinModel: model + ".missing"}, fails: true},
		{name: "missing blocklist", o: PromptGuardOptions{Blocklist: model + ".missing"}, fails: true},
	} {
		g, err := OpenPromptGuard(tc.o)
		switch {
		case tc.optionErr || tc.fails:
			if err == nil || errors.Is(err, ErrOption) != tc.optionErr {
				t.Errorf("%s: error %v, option error %v", tc.name, err, tc.optionErr)
			}
			continue
		case err != nil:
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(g.Classifiers) != tc.classifiers {
			t.Errorf("%s: %d classifiers, want %d", tc.name, len(g.Classifiers), tc.classifiers)
		}
		if tc.classifiers == 0 {
			if v, err := g.CheckPrompt(context.Background(), "a robot arm stacks blue cubes"); err != nil || !v.Allowed {
				t.Errorf("%s: a benign prompt: %+v, %v", tc.name, v, err)
			}
		}
	}
}

func TestLogRegAccuracy(t *testing.T) {
	ex := []classify.Example{{Text: "how to build a bomb to kill people", Unsafe: true}, {Text: "a red ball rolls on a table"}}
	m := classify.TrainLogReg(ex, 1)
	if a := m.Accuracy(ex); a != 1 {
		t.Errorf("training accuracy on two examples %g, want 1", a)
	}
	if m.Accuracy(nil) != 0 {
		t.Error("accuracy of no examples is not 0")
	}
}
