package curate

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wfm-platform/wfm/internal/regfile"
)

// VideoExts are the file extensions (lower case) ListInputs picks up in a folder; other files
// (sidecars, notes) are returned as skipped.
var VideoExts = map[string]bool{".mp4": true, ".m4v": true, ".mov": true, ".mkv": true, ".webm": true,
	".avi": true, ".ts": true, ".mpg": true, ".mpeg": true, ".y4m": true, ".gif": true}

// ErrNoInputs is returned by ListInputs when the folder or list names no video file.
var ErrNoInputs = errors.New("curate: no video files")

// ErrNotListable is returned by ListInputs for an input that is neither a folder nor a regular
// list file (opening a named pipe would block until something writes to it).
var ErrNotListable = errors.New("curate: not a folder or a list file")

// ListInputs lists the videos to curate from in, as Config.Inputs wants them (sorted):
//   - a folder: every file below it whose extension is in VideoExts (folders whose name starts
//     with a dot are skipped); the other files are returned in skipped;
//   - any other file: a list of videos, one per line, relative to the list's folder; blank
//     lines and lines starting with # are ignored.
//
// An in that cannot be opened gives os.Stat's error unwrapped (an *fs.PathError); an in that
// is neither a folder nor a regular file (a named pipe, a device) an error wrapping
// ErrNotListable, without opening it; a list or folder without videos gives an error wrapping
// ErrNoInputs. Videos that are not regular files are listed (a folder entry that is a pipe
// named x.mp4): the decode stage quarantines them as not_regular.
func ListInputs(in string) (inputs, skipped []string, err error) {
	st, err := os.Stat(in)
	if err != nil {
		return nil, nil, err
	}
	if !st.IsDir() && !st.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%w: %s is %s", ErrNotListable, in, regfile.DescribeMode(st.Mode()))
	}
	if st.IsDir() {
		err = filepath.WalkDir(in, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != in && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if VideoExts[strings.ToLower(filepath.Ext(p))] {
				inputs = append(inputs, p)
			} else {
				skipped = append(skipped, p)
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("curate: list %s: %w", in, err)
		}
	} else if inputs, err = readInputList(in); err != nil {
		return nil, nil, err
	}
	sort.Strings(inputs)
	if len(inputs) == 0 {
		return nil, nil, fmt.Errorf("%w in %s", ErrNoInputs, in)
	}
	return inputs, skipped, nil
}

// readInputList reads a list file of ListInputs.
func readInputList(path string) ([]string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("curate: %w", err)
	}
	defer fh.Close()
	var inputs []string
	sc := bufio.NewScanner(fh)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.ContainsRune(line, 0) {
			return nil, fmt.Errorf("curate: %s line %d: NUL in a path", path, n)
		}
		if !filepath.IsAbs(line) {
			line = filepath.Join(filepath.Dir(path), line)
		}
		inputs = append(inputs, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("curate: read %s: %w", path, err)
	}
	return inputs, nil
}

// ReadManifest reads a run's manifest (Report.Manifest).
func ReadManifest(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	return &m, json.Unmarshal(data, &m)
}

// EvaluateRun scores a run over in against the corpus truth when in is a corpus made by
// MakeCorpus (it holds truth.json), with a shot-boundary tolerance of 2 frames; it returns nil
// when in is not a corpus or the run's manifest cannot be read.
func EvaluateRun(in string, rep *Report) *CorpusEval {
	truth, err := ReadCorpusTruth(in)
	if err != nil {
		return nil
	}
	man, err := ReadManifest(rep.Manifest)
	if err != nil {
		return nil
	}
	return EvaluateCorpus(truth, man, 2)
}
