package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wfm-platform/wfm/internal/atomicfile"
	"github.com/wfm-platform/wfm/video"
)

// VideoExts are the extensions of the video files ListVideos picks up (the formats video.Read
// knows).
var VideoExts = []string{".y4m", ".gif", ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi"}

// ErrMixedInputs is returned by PairVideos when one side is a video and the other a folder of
// videos.
var ErrMixedInputs = errors.New("the prediction and the reference must both be videos or both folders of videos")

// ErrMismatch is wrapped by MeasureFidelity's error when a prediction and its reference differ
// in frame count or frame size: found for every pair before any is measured.
var ErrMismatch = errors.New("the prediction and the reference differ")

// IsFrameFolder reports whether dir is one video stored as a PNG sequence (video.DefaultPattern).
func IsFrameFolder(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, fmt.Sprintf(video.DefaultPattern, 0)))
	return err == nil
}

// isSingle reports whether path (with its FileInfo) is one video rather than a folder of them.
func isSingle(path string, st os.FileInfo) bool { return !st.IsDir() || IsFrameFolder(path) }

// ListVideos returns the videos in dir by name (the file name without its extension): files
// with an extension of VideoExts and sub-folders holding a PNG sequence; names sorted.
func ListVideos(dir string) (paths map[string]string, names []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	paths = map[string]string{}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() && !IsFrameFolder(p) || !e.IsDir() && !slices.Contains(VideoExts, strings.ToLower(filepath.Ext(e.Name()))) {
			continue
		}
		name := strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))
		if e.IsDir() {
			name = e.Name()
		}
		if prev, dup := paths[name]; dup {
			return nil, nil, fmt.Errorf("%s and %s are both named %q", prev, p, name)
		}
		paths[name] = p
		names = append(names, name)
	}
	slices.Sort(names)
	return paths, names, nil
}

// noVideoError says that a folder holds no video.
func noVideoError(dir string) error {
	return fmt.Errorf("no video in %s (extensions %s, or PNG-sequence folders)", dir, strings.Join(VideoExts, " "))
}

// PairVideos reads the videos to compare for MeasureFidelity: pred and ref are two videos (files
// or PNG-sequence folders), or two folders of videos paired by name. A prediction without a
// reference is an error; one side a video and the other a folder is ErrMixedInputs.
func PairVideos(ctx context.Context, pred, ref string) ([]VideoPair, error) {
	ps, err1 := os.Stat(pred)
	rs, err2 := os.Stat(ref)
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	var names, preds, refs []string
	switch {
	case isSingle(pred, ps) && isSingle(ref, rs):
		names, preds, refs = []string{strings.TrimSuffix(filepath.Base(pred), filepath.Ext(pred))}, []string{pred}, []string{ref}
	case isSingle(pred, ps) || isSingle(ref, rs):
		return nil, ErrMixedInputs
	default:
		pp, pn, err := ListVideos(pred)
		if err != nil {
			return nil, err
		}
		rp, _, err := ListVideos(ref)
		if err != nil {
			return nil, err
		}
		var missing []string
		for _, n := range pn {
			if r, ok := rp[n]; ok {
				names, preds, refs = append(names, n), append(preds, pp[n]), append(refs, r)
			} else {
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("no reference in %s for %s", ref, strings.Join(missing, ", "))
		}
		if len(names) == 0 {
			return nil, noVideoError(pred)
		}
	}
	var pairs []VideoPair
	for i := range names {
		p, err := video.Read(ctx, preds[i], video.Options{})
		if err != nil {
			return nil, err
		}
		r, err := video.Read(ctx, refs[i], video.Options{})
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, VideoPair{Name: names[i], PredPath: preds[i], RefPath: refs[i], Pred: p, Ref: r})
	}
	return pairs, nil
}

// ReadVideos reads the videos to measure for MeasureConsistency: path is one video (a file or
// a PNG-sequence folder) or a folder of videos (ListVideos).
func ReadVideos(ctx context.Context, path string) ([]NamedClip, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	paths, names := map[string]string{}, []string(nil)
	if isSingle(path, st) {
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		paths[name], names = path, []string{name}
	} else if paths, names, err = ListVideos(path); err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, noVideoError(path)
	}
	var clips []NamedClip
	for _, n := range names {
		c, err := video.Read(ctx, paths[n], video.Options{})
		if err != nil {
			return nil, err
		}
		clips = append(clips, NamedClip{Name: n, Path: paths[n], Clip: c})
	}
	return clips, nil
}

// WriteOutputs writes a benchmark's result as indented JSON to out/jsonName and its report to
// out/index.html, creating out, and returns both paths.
func WriteOutputs(out, jsonName string, result any, doc *Document) (jsonPath, htmlPath string, err error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", "", err
	}
	data, err := json.MarshalIndent(result, "", "  ")
	if err != nil {
		return "", "", fmt.Errorf("encode %s: %w", jsonName, err)
	}
	jsonPath, htmlPath = filepath.Join(out, jsonName), filepath.Join(out, "index.html")
	if err := atomicfile.WriteFile(jsonPath, append(data, '\n'), 0o644); err != nil {
		return "", "", err
	}
	if err := doc.Write(htmlPath); err != nil {
		return "", "", err
	}
	return jsonPath, htmlPath, nil
}
