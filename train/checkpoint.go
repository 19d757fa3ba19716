package train

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gomlx/gomlx/ml/model"

	"github.com/wfm-platform/wfm/internal/atomicfile"
	"github.com/wfm-platform/wfm/weights"
)

// Files of a checkpoint folder.
const (
	ModelFile = "model.safetensors" // every variable of the Store (weights.SaveStore)
	StateFile = "state.json"        // CheckpointState, written last
)

const (
	checkpointPrefix = "ckpt-"
	tempPrefix       = ".tmp-ckpt-" // a checkpoint being written
	trashPrefix      = ".del-ckpt-" // a checkpoint being deleted
	stateFormat      = 1
	maxStateBytes    = 64 << 20
)

// CheckpointState is the content of state.json: everything besides the variables that a run
// needs to resume exactly, and what is needed to check the checkpoint is complete.
type CheckpointState struct {
	Format         int     `json:"format"`
	Step           int     `json:"step"`
	Loader         []byte  `json:"loader"`    // Loader.State(), base64 in JSON
	ElapsedSeconds float64 `json:"elapsed_s"` // training time of all runs up to Step
	ModelBytes     int64   `json:"model_bytes"`
	ModelSHA256    string  `json:"model_sha256"` // hex SHA-256 of model.safetensors
	Config         Config  `json:"config"`       // the run's config when it was written
}

// Checkpoint is a complete checkpoint folder.
type Checkpoint struct {
	Dir   string
	Step  int
	State CheckpointState
}

// ModelPath is the path of the checkpoint's safetensors file.
func (c *Checkpoint) ModelPath() string { return filepath.Join(c.Dir, ModelFile) }

// CheckpointError says why a checkpoint folder is not usable.
type CheckpointError struct {
	Path string
	Err  error
}

func (e *CheckpointError) Error() string {
	return fmt.Sprintf("train: checkpoint %s: %v", e.Path, e.Err)
}
func (e *CheckpointError) Unwrap() error { return e.Err }

// CheckpointName returns the folder name of the checkpoint at step: "ckpt-" and the step
// zero-padded to 8 digits, so names sort by step up to 10^8 steps (and parse beyond).
func CheckpointName(step int) string { return fmt.Sprintf("%s%08d", checkpointPrefix, step) }

// parseCheckpointName returns the step of a checkpoint folder name.
func parseCheckpointName(name string) (int, bool) {
	digits, ok := strings.CutPrefix(name, checkpointPrefix)
	if !ok || len(digits) < 8 || strings.TrimLeft(digits, "0123456789") != "" {
		return 0, false
	}
	step, err := strconv.Atoi(digits)
	return step, err == nil
}

// ParseCheckpointState decodes and checks a state.json document.
func ParseCheckpointState(data []byte) (CheckpointState, error) {
	var s CheckpointState
	if err := json.Unmarshal(data, &s); err != nil {
		return CheckpointState{}, fmt.Errorf("%s: %w", StateFile, err)
	}
	switch {
	case s.Format != stateFormat:
		return CheckpointState{}, fmt.Errorf("%s: format %d, want %d", StateFile, s.Format, stateFormat)
	case s.Step < 0:
		return CheckpointState{}, fmt.Errorf("%s: negative step %d", StateFile, s.Step)
	case s.ModelBytes < 0:
		return CheckpointState{}, fmt.Errorf("%s: negative model_bytes %d", StateFile, s.ModelBytes)
	case len(s.ModelSHA256) != 2*sha256.Size || strings.Trim(s.ModelSHA256, "0123456789abcdef") != "":
		return CheckpointState{}, fmt.Errorf("%s: model_sha256 %q is not a hex SHA-256", StateFile, s.ModelSHA256)
	}
	return s, nil
}

// ReadCheckpoint reads the checkpoint folder dir and verifies it is complete: state.json
// parses, its step matches the folder name, and model.safetensors has the recorded size and
// SHA-256. Any failure is a *CheckpointError.
func ReadCheckpoint(dir string) (*Checkpoint, error) { return readCheckpoint(dir, true) }

// readCheckpoint is ReadCheckpoint; without hash it checks the model file's size only.
func readCheckpoint(dir string, hash bool) (*Checkpoint, error) {
	fail := func(err error) (*Checkpoint, error) { return nil, &CheckpointError{Path: dir, Err: err} }
	step, ok := parseCheckpointName(filepath.Base(dir))
	if !ok {
		return fail(fmt.Errorf("folder name is not %s<step>", checkpointPrefix))
	}
	f, err := os.Open(filepath.Join(dir, StateFile))
	if err != nil {
		return fail(err)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxStateBytes+1))
	_ = f.Close()
	if err != nil {
		return fail(err)
	}
	if len(data) > maxStateBytes {
		return fail(fmt.Errorf("%s is larger than %d bytes", StateFile, maxStateBytes))
	}
	state, err := ParseCheckpointState(data)
	if err != nil {
		return fail(err)
	}
	if state.Step != step {
		return fail(fmt.Errorf("%s says step %d, the folder name says %d", StateFile, state.Step, step))
	}
	modelPath := filepath.Join(dir, ModelFile)
	if !hash {
		info, err := os.Stat(modelPath)
		if err != nil {
			return fail(err)
		}
		if info.Size() != state.ModelBytes {
			return fail(fmt.Errorf("%s has %d bytes, %s recorded %d", ModelFile, info.Size(), StateFile, state.ModelBytes))
		}
		return &Checkpoint{Dir: dir, Step: step, State: state}, nil
	}
	size, sum, err := hashFile(modelPath)
	if err != nil {
		return fail(err)
	}
	if size != state.ModelBytes || sum != state.ModelSHA256 {
		return fail(fmt.Errorf("%s has %d bytes with SHA-256 %s, %s recorded %d bytes with %s",
			ModelFile, size, sum, StateFile, state.ModelBytes, state.ModelSHA256))
	}
	return &Checkpoint{Dir: dir, Step: step, State: state}, nil
}

// hashFile returns the size and hex SHA-256 of the file at path.
func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", fmt.Errorf("read %s: %w", path, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// Checkpoints lists the checkpoint folders of dir: the complete ones (see ReadCheckpoint)
// sorted by step, and a *CheckpointError for each folder named like a checkpoint that is not
// complete. Folders being written or deleted (hidden temporary names) are not looked at. A
// missing dir has none.
func Checkpoints(dir string) (valid []*Checkpoint, invalid []error, err error) {
	return listCheckpoints(dir, true)
}

// checkpointDirs returns the checkpoint folders of dir, newest first.
func checkpointDirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("train: list checkpoints: %w", err)
	}
	type named struct {
		path string
		step int
	}
	var found []named
	for _, e := range entries {
		if step, ok := parseCheckpointName(e.Name()); ok && e.IsDir() {
			found = append(found, named{filepath.Join(dir, e.Name()), step})
		}
	}
	slices.SortFunc(found, func(a, b named) int { return b.step - a.step })
	paths := make([]string, len(found))
	for i, f := range found {
		paths[i] = f.path
	}
	return paths, nil
}

// listCheckpoints is Checkpoints; without hash the model files are checked by size only.
func listCheckpoints(dir string, hash bool) (valid []*Checkpoint, invalid []error, err error) {
	dirs, err := checkpointDirs(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range slices.Backward(dirs) {
		c, err := readCheckpoint(d, hash)
		if err != nil {
			invalid = append(invalid, err)
			continue
		}
		valid = append(valid, c)
	}
	return valid, invalid, nil
}

// LatestCheckpoint returns the complete checkpoint with the highest step in dir, or nil if
// there is none. Incomplete or corrupt checkpoint folders newer than it are skipped with a
// warning on slog's default logger: a run killed while writing never leaves one under its
// final name, so such a folder means outside damage, and the previous checkpoint is the one
// to trust.
func LatestCheckpoint(dir string) (*Checkpoint, error) {
	return latestCheckpoint(dir, slog.Default())
}

func latestCheckpoint(dir string, logger *slog.Logger) (*Checkpoint, error) {
	dirs, err := checkpointDirs(dir)
	if err != nil {
		return nil, err
	}
	for _, d := range dirs {
		c, err := ReadCheckpoint(d)
		if err == nil {
			return c, nil
		}
		logger.Warn("train: skipping unusable checkpoint", "error", err)
	}
	return nil, nil
}

// writeCheckpoint writes the checkpoint of step into dir crash-safely: everything goes to a
// hidden temporary folder, and that folder is renamed to ckpt-<step> once complete.
// state.ModelBytes and ModelSHA256 are filled in here.
func writeCheckpoint(dir string, store *model.Store, modelConfig any, state CheckpointState) (*Checkpoint, error) {
	final := filepath.Join(dir, CheckpointName(state.Step))
	if c, err := ReadCheckpoint(final); err == nil {
		return c, nil // this very state was saved already (a resumed run that ends where it began)
	}
	tmp, err := os.MkdirTemp(dir, tempPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("train: write checkpoint: %w", err)
	}
	fail := func(err error) (*Checkpoint, error) {
		_ = os.RemoveAll(tmp)
		return nil, &CheckpointError{Path: final, Err: err}
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it private
		return fail(err)
	}
	if err := weights.SaveStore(filepath.Join(tmp, ModelFile), store, modelConfig); err != nil {
		return fail(err)
	}
	state.Format = stateFormat
	if state.ModelBytes, state.ModelSHA256, err = hashFile(filepath.Join(tmp, ModelFile)); err != nil {
		return fail(err)
	}
	data, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		return fail(err)
	}
	if err := atomicfile.WriteFile(filepath.Join(tmp, StateFile), append(data, '\n'), 0o644); err != nil {
		return fail(err)
	}
	if _, err := os.Stat(final); err == nil {
		// A folder with this name that did not verify: damaged; replace it.
		if err := removeCheckpointDir(final); err != nil {
			return fail(err)
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		return fail(err)
	}
	if err := atomicfile.SyncDir(dir); err != nil {
		return nil, &CheckpointError{Path: final, Err: err}
	}
	return &Checkpoint{Dir: final, Step: state.Step, State: state}, nil
}

// removeCheckpointDir renames a checkpoint folder to a hidden name before deleting it, so
// that a crash halfway through the deletion never leaves a partial folder under a
// checkpoint's name.
func removeCheckpointDir(path string) error {
	trash, err := os.MkdirTemp(filepath.Dir(path), trashPrefix+"*")
	if err != nil {
		return err
	}
	target := filepath.Join(trash, filepath.Base(path))
	if err := os.Rename(path, target); err != nil {
		_ = os.Remove(trash)
		return err
	}
	return os.RemoveAll(trash)
}

// pruneCheckpoints deletes the oldest complete checkpoints of dir so that keep remain
// (keep == 0 keeps all). The newest complete checkpoint is never deleted; folders that do not
// verify are left alone for a person to look at. Model files are checked by size only here,
// so that each save does not re-read every kept checkpoint.
func pruneCheckpoints(dir string, keep int) error {
	if keep <= 0 {
		return nil
	}
	valid, _, err := listCheckpoints(dir, false)
	if err != nil {
		return err
	}
	for len(valid) > keep {
		if err := removeCheckpointDir(valid[0].Dir); err != nil {
			return fmt.Errorf("train: delete old checkpoint %s: %w", valid[0].Dir, err)
		}
		valid = valid[1:]
	}
	return nil
}

// removeStaleTemporaries deletes what writers and deleters killed midway left behind.
func removeStaleTemporaries(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("train: clean %s: %w", dir, err)
	}
	for _, e := range entries {
		if e.IsDir() && (strings.HasPrefix(e.Name(), tempPrefix) || strings.HasPrefix(e.Name(), trashPrefix)) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("train: clean %s: %w", dir, err)
			}
		}
	}
	return nil
}
