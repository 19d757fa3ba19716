package curate

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/wfm-platform/wfm/video"
)

func TestShotDetectionOnCorpus(t *testing.T) {
	dir := t.TempDir()
	o := DefaultCorpusOptions()
	o.Out, o.Format, o.Videos, o.Shots = dir, "y4m", 3, 5
	truth, err := MakeCorpus(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	total := map[string]*BoundaryScore{"cut": {Kind: "cut"}, "fade": {Kind: "fade"}}
	d := DefaultShotDetector()
	for _, vt := range truth.Videos {
		if vt.Expect != "" || vt.Duplicate != "" {
			continue
		}
		c, err := video.Read(context.Background(), filepath.Join(dir, vt.File), video.Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, found := d.Split(c)
		for k, s := range ScoreBoundaries(vt.Transitions, found, 2) {
			total[k].Add(s)
		}
		t.Logf("%s truth %v found %v", vt.File, vt.Transitions, found)
	}
	for _, s := range total {
		t.Logf("%s: %+v", s.Kind, *s)
	}
	if c := total["cut"]; c.Precision < 0.95 || c.Recall < 0.95 {
		t.Errorf("hard cuts: precision %.3f recall %.3f, want > 0.95", c.Precision, c.Recall)
	}
}
