package curate

import (
	"fmt"
	"path/filepath"
	"sort"
)

// CorpusEval compares a curation run over a MakeCorpus corpus with the corpus's truth.
type CorpusEval struct {
	// Shots scores the boundaries found in the original long videos (copies and variants
	// left out, so each boundary counts once), matched within Tolerance frames.
	Cuts      BoundaryScore `json:"cuts"`
	Fades     BoundaryScore `json:"fades"`
	Tolerance int           `json:"tolerance_frames"`
	// Planted duplicates: clips that show the same true shot (in an original and its copy or
	// variant) and both passed the filters; n such clips hold n-1 duplicates. Found counts
	// those dropped as duplicates, Missed lists the extra ones kept, FalseDuplicates the drops
	// that paired clips of different shots.
	Planted         int      `json:"planted_duplicates"`
	Found           int      `json:"duplicates_found"`
	Missed          []string `json:"duplicates_missed"`
	FalseDuplicates []string `json:"false_duplicates"`
	// Expectations about whole files: quarantined, static and shaky inputs.
	Expected []string `json:"expected_ok"`
	Failed   []string `json:"expected_failed"`
}

// EvaluateCorpus scores man (the manifest of a run over a corpus) against the corpus truth.
func EvaluateCorpus(truth *CorpusTruth, man *Manifest, tol int) *CorpusEval {
	ev := &CorpusEval{Cuts: BoundaryScore{Kind: "cut"}, Fades: BoundaryScore{Kind: "fade"}, Tolerance: tol,
		Missed: []string{}, FalseDuplicates: []string{}}
	byFile := map[string]VideoTruth{}
	for _, v := range truth.Videos {
		byFile[v.File] = v
	}
	srcOf := map[string]SourceRecord{}
	for _, s := range man.Sources {
		srcOf[s.Source.Key] = s
	}
	for _, s := range man.Sources {
		vt, ok := byFile[filepath.Base(s.Source.Path)]
		if !ok || vt.Expect != "" || vt.Duplicate != "" || s.Quarantine != nil {
			continue
		}
		sc := ScoreBoundaries(vt.Transitions, s.Transitions, tol)
		ev.Cuts.Add(sc["cut"])
		ev.Fades.Add(sc["fade"])
	}
	clipSource := map[string]SourceRecord{}
	for _, s := range man.Sources {
		for _, k := range s.Clips {
			clipSource[k] = s
		}
	}
	spanOf := map[string]Span{}
	toSpan := func(key string, start, end float64) {
		fps := clipSource[key].FPS
		spanOf[key] = Span{int(start*fps + 0.5), int(end*fps + 0.5)}
	}
	for _, c := range man.Clips {
		toSpan(c.Key, c.Start, c.End)
	}
	dropReason := map[string]string{}
	for _, d := range man.Dropped {
		toSpan(d.Key, d.Start, d.End)
		dropReason[d.Key] = d.Reason
	}
	// shotID names the true shot a clip comes from: the original file and the index of the
	// shot it overlaps most.
	shotID := func(key string) string {
		s := clipSource[key]
		vt := byFile[filepath.Base(s.Source.Path)]
		file := vt.File
		if vt.DuplicateOf != "" {
			file = vt.DuplicateOf
		}
		span := spanOf[key]
		best, bestO := -1, 0
		for i, sh := range vt.Shots {
			if o := min(sh.End, span.End) - max(sh.Start, span.Start); o > bestO {
				best, bestO = i, o
			}
		}
		return fmt.Sprintf("%s#%d", file, best)
	}
	for _, d := range man.Duplicates {
		a, b := shotID(d.Of), shotID(d.Key)
		if a != b {
			ev.FalseDuplicates = append(ev.FalseDuplicates, d.Key+" ~ "+d.Of)
		}
	}
	// Group the clips that survived the filters (kept, or dropped as duplicates) by the true
	// shot they show: a group with n clips holds n-1 planted duplicates, found when dropped.
	groups := map[string][]string{}
	for _, c := range man.Clips {
		groups[shotID(c.Key)] = append(groups[shotID(c.Key)], c.Key)
	}
	for _, d := range man.Duplicates {
		groups[shotID(d.Key)] = append(groups[shotID(d.Key)], d.Key)
	}
	var ids []string
	for id := range groups {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		g := groups[id]
		sort.Strings(g)
		ev.Planted += len(g) - 1
		kept := 0
		for _, k := range g {
			if dropReason[k] == "duplicate" {
				ev.Found++
			} else {
				kept++
				if kept > 1 {
					ev.Missed = append(ev.Missed, k)
				}
			}
		}
	}
	for _, s := range man.Sources {
		vt, ok := byFile[filepath.Base(s.Source.Path)]
		if !ok || vt.Expect == "" {
			continue
		}
		var got string
		switch {
		case s.Quarantine != nil:
			got = "quarantine"
		case len(s.Clips) > 0:
			got = dropReason[s.Clips[0]]
		}
		line := fmt.Sprintf("%s: want %s, got %q", vt.File, vt.Expect, got)
		if got == vt.Expect {
			ev.Expected = append(ev.Expected, line)
		} else {
			ev.Failed = append(ev.Failed, line)
		}
	}
	sort.Strings(ev.Expected)
	sort.Strings(ev.Failed)
	return ev
}
