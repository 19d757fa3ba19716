package train

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/wfm-platform/wfm/internal/atomicfile"
)

// MetricsFile is the name of the JSON Lines log in the run folder.
const MetricsFile = "metrics.jsonl"

// maxMetricsLine bounds one line of the log (eval maps included).
const maxMetricsLine = 1 << 20

// Float32 is a float32 that encodes to JSON as the shortest decimal that reads back to the
// same bits (strconv's 'g', -1, 32), and non-finite values as the strings "NaN", "+Inf" and
// "-Inf", which plain JSON numbers cannot hold.
type Float32 float32

// MarshalJSON implements json.Marshaler.
func (f Float32) MarshalJSON() ([]byte, error) { return appendNumber(nil, float64(f), 32), nil }

// UnmarshalJSON implements json.Unmarshaler.
func (f *Float32) UnmarshalJSON(data []byte) error {
	v, err := parseNumber(data, 32)
	*f = Float32(v)
	return err
}

// Float64 is Float32's float64 counterpart (used for evaluation metrics).
type Float64 float64

// MarshalJSON implements json.Marshaler.
func (f Float64) MarshalJSON() ([]byte, error) { return appendNumber(nil, float64(f), 64), nil }

// UnmarshalJSON implements json.Unmarshaler.
func (f *Float64) UnmarshalJSON(data []byte) error {
	v, err := parseNumber(data, 64)
	*f = Float64(v)
	return err
}

func appendNumber(b []byte, v float64, bits int) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, `"NaN"`...)
	case math.IsInf(v, 1):
		return append(b, `"+Inf"`...)
	case math.IsInf(v, -1):
		return append(b, `"-Inf"`...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, bits)
}

func parseNumber(data []byte, bits int) (float64, error) {
	switch string(data) {
	case `"NaN"`:
		return math.NaN(), nil
	case `"+Inf"`:
		return math.Inf(1), nil
	case `"-Inf"`:
		return math.Inf(-1), nil
	}
	var n json.Number
	if err := json.Unmarshal(data, &n); err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(string(n), bits)
	if err != nil {
		return 0, fmt.Errorf("number %s: %w", n, err)
	}
	return v, nil
}

// Metrics is one line of metrics.jsonl. Loss is the loss of that step's batch (not an average
// over the logging interval), so a resumed run can be compared bit for bit with an
// uninterrupted one. ItPerSec is measured over the steps since the previous line of the same
// process; Elapsed counts the training time of all runs of this folder.
type Metrics struct {
	Step     int                `json:"step"`
	Loss     Float32            `json:"loss"`
	LR       float64            `json:"lr"`
	GradNorm Float32            `json:"grad_norm"`
	ItPerSec float64            `json:"it_per_s"`
	Elapsed  float64            `json:"elapsed_s"`
	Eval     map[string]Float64 `json:"eval,omitempty"`
}

// MetricsError reports a malformed line of a metrics log.
type MetricsError struct {
	Path string
	Line int
	Err  error
}

func (e *MetricsError) Error() string {
	return fmt.Sprintf("train: metrics %s line %d: %v", e.Path, e.Line, e.Err)
}
func (e *MetricsError) Unwrap() error { return e.Err }

// ParseMetrics decodes a metrics log. A last line without its newline was cut short (the
// process was killed while writing it) and is dropped. Any other malformed line, or a step that does not
// increase, is a *MetricsError (with path as given). It also returns, for each entry, the
// byte offset just after its line.
func ParseMetrics(path string, data []byte) ([]Metrics, []int, error) {
	var out []Metrics
	var ends []int
	offset := 0
	for lineNo := 1; offset < len(data); lineNo++ {
		line := data[offset:]
		complete := false
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line, complete = line[:i], true
		}
		if !complete {
			break // a last line without its newline was cut short by a crash
		}
		if len(line) > maxMetricsLine {
			return nil, nil, &MetricsError{Path: path, Line: lineNo, Err: fmt.Errorf("line longer than %d bytes", maxMetricsLine)}
		}
		next := offset + len(line) + 1
		var m Metrics
		if err := json.Unmarshal(line, &m); err != nil {
			return nil, nil, &MetricsError{Path: path, Line: lineNo, Err: err}
		}
		if len(out) > 0 && m.Step <= out[len(out)-1].Step {
			return nil, nil, &MetricsError{Path: path, Line: lineNo,
				Err: fmt.Errorf("step %d after step %d", m.Step, out[len(out)-1].Step)}
		}
		out = append(out, m)
		ends = append(ends, next)
		offset = next
	}
	return out, ends, nil
}

// ReadMetrics reads a metrics log written by Run; a missing file has no entries.
func ReadMetrics(path string) ([]Metrics, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("train: read metrics: %w", err)
	}
	m, _, err := ParseMetrics(path, data)
	return m, err
}

// metricsLog appends lines to metrics.jsonl, one write per line so that readers (and a
// process killed at any moment) see whole lines, except at worst a torn last one.
type metricsLog struct {
	f *os.File
}

// openMetrics opens the log at path for a run that resumes after step: lines of later steps
// (written after the checkpoint being resumed) are cut, atomically, so no step appears twice.
// It returns the entries kept.
func openMetrics(path string, step int) (*metricsLog, []Metrics, error) {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("train: read metrics: %w", err)
	}
	entries, ends, err := ParseMetrics(path, data)
	if err != nil {
		return nil, nil, err
	}
	keep := 0
	for keep < len(entries) && entries[keep].Step <= step {
		keep++
	}
	kept := 0
	if keep > 0 {
		kept = ends[keep-1]
	}
	if kept != len(data) || data == nil {
		if err := atomicfile.WriteFile(path, data[:kept], 0o644); err != nil {
			return nil, nil, fmt.Errorf("train: truncate metrics: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("train: open metrics: %w", err)
	}
	return &metricsLog{f: f}, entries[:keep], nil
}

// Append writes one line (Sync makes it durable).
func (l *metricsLog) Append(m Metrics) error {
	data, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("train: encode metrics: %w", err)
	}
	if _, err := l.f.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("train: write metrics: %w", err)
	}
	return nil
}

// Sync makes the lines written so far durable.
func (l *metricsLog) Sync() error {
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("train: sync metrics: %w", err)
	}
	return nil
}

// Close syncs and closes the log.
func (l *metricsLog) Close() error {
	err := l.Sync()
	if cerr := l.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("train: close metrics: %w", cerr)
	}
	return err
}
