package weights

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/safetensors"
)

// CheckOptions configure LoadStoreChecked.
type CheckOptions struct {
	// RejectExtra makes tensors of the file that the model does not use an error. By default
	// they are only reported (LoadReport.Extra): a training checkpoint holds optimizer moments,
	// step counters and moving averages beside the weights, and official checkpoints hold
	// modules the forward pass never runs (see tokenizer.ImportOfficial's unused keys).
	RejectExtra bool
	// Optional, when not nil, names variables of the model that may be absent from the file
	// (they keep their values). Those in DefaultAllowed always may.
	Optional func(variablePath string) bool
}

// LoadReport says how a file matched the model it was loaded for.
type LoadReport struct {
	// Loaded is the number of variables set from the file.
	Loaded int
	// Extra are the tensors of the file that the model does not use, sorted.
	Extra []string
}

// MismatchError says why a weights file does not fit a model: variables the model needs that
// the file lacks, tensors whose shape or dtype differ, and (with CheckOptions.RejectExtra)
// tensors the model does not use. Each list is sorted and complete.
type MismatchError struct {
	Path string
	// Missing are the model's variables the file does not hold, as "name (Float32)[3, 4]".
	Missing []string
	// Wrong are the tensors whose dtype or shape differ, as "name: file ..., model ...".
	Wrong []string
	// Extra are tensors the model does not use (an error only with RejectExtra).
	Extra []string
	// Found is the number of the model's variables the file does hold, with the right shape.
	Found int
}

// listed shows at most n entries of list.
func listed(list []string, n int) string {
	if len(list) <= n {
		return strings.Join(list, ", ")
	}
	return strings.Join(list[:n], ", ") + fmt.Sprintf(", ... and %d more", len(list)-n)
}

func (e *MismatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "weights: %s does not fit the model", e.Path)
	if e.Found == 0 && len(e.Wrong) == 0 {
		fmt.Fprintf(&b, ": it holds none of the model's %d variables (is it the weights of another model?)", len(e.Missing))
	}
	var parts []string
	if len(e.Missing) > 0 {
		parts = append(parts, fmt.Sprintf("%d missing: %s", len(e.Missing), listed(e.Missing, 5)))
	}
	if len(e.Wrong) > 0 {
		parts = append(parts, fmt.Sprintf("%d with another shape or dtype: %s", len(e.Wrong), listed(e.Wrong, 5)))
	}
	if len(e.Extra) > 0 {
		parts = append(parts, fmt.Sprintf("%d in the file the model does not use: %s", len(e.Extra), listed(e.Extra, 5)))
	}
	if len(parts) > 0 {
		b.WriteString("; ")
		b.WriteString(strings.Join(parts, "; "))
	}
	return b.String()
}

// LoadStoreChecked loads the safetensors file path into store, which must already declare
// every variable of the model (as a graph build or an initialisation such as
// tokenizer.InitStore leaves it; the variables need not have values). Every such variable must
// be in the file (by TensorName) with exactly its dtype and shape; otherwise nothing changes and
// the error is a *MismatchError listing everything missing or different. Tensors of the file
// the store does not declare are not loaded: they are listed in the report, or are part of the
// error with opts.RejectExtra.
func LoadStoreChecked(path string, store *model.Store, opts CheckOptions) (*LoadReport, error) {
	f, err := safetensors.Open(path)
	if err != nil {
		return nil, fmt.Errorf("weights: load: %w", err)
	}
	defer f.Close()
	mm := &MismatchError{Path: path}
	want := map[string]bool{}
	var load []*model.Variable
	for v := range store.IterVariables() {
		name := TensorName(v.Path())
		want[name] = true
		if slices.Contains(DefaultAllowed, v.Path()) {
			if _, ok := f.Info(name); !ok {
				continue
			}
		}
		info, ok := f.Info(name)
		if !ok {
			if !slices.Contains(DefaultAllowed, v.Path()) && (opts.Optional == nil || !opts.Optional(v.Path())) {
				mm.Missing = append(mm.Missing, fmt.Sprintf("%s %s", name, v.Shape()))
			}
			continue
		}
		dt, ok := toGoMLX[info.DType]
		if !ok {
			mm.Wrong = append(mm.Wrong, fmt.Sprintf("%s: file %s%v (no GoMLX dtype), model %s", name, info.DType, info.Shape, v.Shape()))
			continue
		}
		if got := shapes.Make(dt, info.Shape...); !got.Equal(v.Shape()) {
			mm.Wrong = append(mm.Wrong, fmt.Sprintf("%s: file %s, model %s", name, got, v.Shape()))
			continue
		}
		mm.Found++
		load = append(load, v)
	}
	var extra []string
	for _, name := range f.Names() {
		if !want[name] {
			extra = append(extra, name)
		}
	}
	slices.Sort(extra)
	slices.Sort(mm.Missing)
	slices.Sort(mm.Wrong)
	if opts.RejectExtra {
		mm.Extra = extra
	}
	if len(mm.Missing) > 0 || len(mm.Wrong) > 0 || len(mm.Extra) > 0 {
		return nil, mm
	}
	for _, v := range load {
		name := TensorName(v.Path())
		info, _ := f.Info(name)
		value, err := newGoMLXTensor(name, info.DType, info.Shape, func(data []byte) error { return f.ReadInto(name, data) })
		if err != nil {
			return nil, fmt.Errorf("weights: load %s: %w", path, err)
		}
		if err := v.SetValue(value); err != nil {
			return nil, fmt.Errorf("weights: load %s: variable %q: %w", path, v.Path(), err)
		}
	}
	return &LoadReport{Loaded: len(load), Extra: extra}, nil
}

// MissingVariableError is the error a store guarded by Require fails with when a model asks it
// for a variable its weights file did not hold.
type MissingVariableError struct {
	// Source is the weights file, Variable the variable path the model asked for.
	Source, Variable string
	// Held is the number of tensors the store received from the file; Examples are some of
	// their names.
	Held     int
	Examples []string
}

func (e *MissingVariableError) Error() string {
	msg := fmt.Sprintf("weights: the model needs variable %q, which %s does not hold", TensorName(e.Variable), e.Source)
	if len(e.Examples) > 0 {
		msg += fmt.Sprintf(" (it holds %d tensors such as %s: the weights of another model, or of another configuration?)",
			e.Held, strings.Join(e.Examples, ", "))
	}
	return msg
}

// DefaultAllowed are the variables Require lets a model create although its weights file lacks
// them: the random generator's state, which inference draws from and no exported model holds.
var DefaultAllowed = []string{model.ScopeSeparator + model.RNGStateVariableName}

// Require guards a store loaded from the weights file source (by LoadStore, or a loader built
// on it such as diffusion.LoadWeights) for inference: from now on, a model whose graph asks the
// store for a variable it does not hold fails the graph build (the Exec call returns a
// *MissingVariableError naming the variable and the file) instead of creating the variable with
// its initial values and running on them. Variables in DefaultAllowed and allow (variable
// paths, "/..."; a path ending in "/" allows a scope) may still be created. A graph build whose
// variables all come from the file is unaffected; shape and dtype differences are refused by
// the store itself. Do not use it on a store that training will add variables to (optimizer
// state).
func Require(store *model.Store, source string, allow ...string) {
	r := &requireLoader{source: source, next: store.Loader(), allow: append(slices.Clone(DefaultAllowed), allow...)}
	var names []string
	for v := range store.IterVariables() {
		names = append(names, TensorName(v.Path()))
	}
	slices.Sort(names)
	r.held, r.examples = len(names), names[:min(3, len(names))]
	store.SetLoader(r)
}

type requireLoader struct {
	source   string
	next     model.Loader
	allow    []string
	held     int
	examples []string
}

// LoadVariable implements model.Loader: it is called for every variable the store lacks.
func (r *requireLoader) LoadVariable(store *model.Store, fullPath string) (*tensors.Tensor, bool) {
	if r.next != nil {
		if value, ok := r.next.LoadVariable(store, fullPath); ok {
			return value, true
		}
	}
	for _, a := range r.allow {
		if fullPath == a || (strings.HasSuffix(a, "/") && strings.HasPrefix(fullPath, a)) {
			return nil, false
		}
	}
	panic(&MissingVariableError{Source: r.source, Variable: fullPath, Held: r.held, Examples: r.examples})
}

// DeleteVariable implements model.Loader.
func (r *requireLoader) DeleteVariable(store *model.Store, fullPath string) error {
	if r.next != nil {
		return r.next.DeleteVariable(store, fullPath)
	}
	return nil
}
