package curate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The work folder (OUT/work) holds what finished clips and sources have produced, so a rerun
// after a crash skips them. Every file is written atomically, and a clip's video file is
// written before its record, so a record on disk always means a complete clip.
//
//	work/settings.json            the settings of the run; a rerun with others is refused
//	work/clips/KEY.json           ClipRecord of a finished clip (kept or dropped)
//	work/clips/KEY.mp4 (or .y4m)  its encoded video, for kept clips
//	work/sources/SOURCE.json      SourceRecord of a source whose clips are all finished
//	work/.tmp-*                   scratch files (the encoder's output before it is read back):
//	                              never a result; removed when a run starts and when it ends

// ClipRecord is what a finished clip leaves in the work folder, and (without the embedding)
// the metadata stored with it in the shards.
type ClipRecord struct {
	Key       string    `json:"key"`
	Source    Source    `json:"source"`
	Span      Span      `json:"span"`       // source frames [start, end)
	StartSec  float64   `json:"start_s"`    // source time of the first frame
	EndSec    float64   `json:"end_s"`      // source time just after the last frame
	SrcFPS    float64   `json:"source_fps"` // frame rate of the source
	Width     int       `json:"width,omitempty"`
	Height    int       `json:"height,omitempty"`
	FPS       float64   `json:"fps,omitempty"`
	Frames    int       `json:"frames,omitempty"`
	Codec     string    `json:"codec,omitempty"`
	Ext       string    `json:"ext,omitempty"`
	Scores    Scores    `json:"scores"`
	Caption   string    `json:"caption,omitempty"`
	Embedding []float32 `json:"embedding,omitempty"`
	Drop      *Drop     `json:"drop,omitempty"`
}

// SourceRecord is what a finished source leaves in the work folder.
type SourceRecord struct {
	Source       Source       `json:"source"`
	Quarantine   *Quarantine  `json:"quarantine,omitempty"`
	Width        int          `json:"width,omitempty"`
	Height       int          `json:"height,omitempty"`
	FPS          float64      `json:"fps,omitempty"`
	Frames       int          `json:"frames,omitempty"`
	VideoSeconds float64      `json:"video_seconds"`
	Transitions  []Transition `json:"transitions,omitempty"`
	Clips        []string     `json:"clips"`
}

type workDir struct{ dir string }

func (w workDir) clipJSON(key string) string { return filepath.Join(w.dir, "clips", key+".json") }
func (w workDir) clipVideo(key, ext string) string {
	return filepath.Join(w.dir, "clips", key+"."+ext)
}
func (w workDir) sourceJSON(key string) string { return filepath.Join(w.dir, "sources", key+".json") }

// tempPrefix starts the name of every scratch file in the work folder.
const tempPrefix = ".tmp-"

func (w workDir) init() error {
	for _, d := range []string{"clips", "sources"} {
		if err := os.MkdirAll(filepath.Join(w.dir, d), 0o755); err != nil {
			return fmt.Errorf("curate: work folder: %w", err)
		}
	}
	return w.removeTemp()
}

// removeTemp deletes the scratch files a killed run left in the work folder (and the
// encode-*.mp4 files of older versions, which looked like results). The caller holds the
// output folder's lock, so no other run is writing them.
func (w workDir) removeTemp() error {
	for _, pat := range []string{tempPrefix + "*", "encode-*.mp4"} {
		names, err := filepath.Glob(filepath.Join(w.dir, pat))
		if err != nil {
			return fmt.Errorf("curate: work folder: %w", err)
		}
		for _, n := range names {
			if err := os.Remove(n); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("curate: work folder: %w", err)
			}
		}
	}
	return nil
}

// readJSON reads a work file into v; a missing file gives (false, nil).
func readJSON(path string, v any) (bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("curate: %w", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("curate: work file %s is damaged (%w); remove it to redo that item", path, err)
	}
	return true, nil
}
