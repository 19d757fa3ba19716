package curate

// BoundaryScore is the precision and recall of detected shot boundaries of one kind.
type BoundaryScore struct {
	Kind      string  `json:"kind"`
	Truth     int     `json:"truth"`
	Found     int     `json:"found"`
	TruePos   int     `json:"true_positives"` // true boundaries matched
	Matched   int     `json:"matched"`        // found boundaries matched
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
}

// ScoreBoundaries matches found transitions to true ones, one to one. A hard cut matches when
// its frame is within tol frames of the true cut; a fade matches when the two frame ranges,
// widened by tol, overlap. Precision for a kind counts the found transitions of that kind that
// match any true boundary; recall counts the true transitions of that kind that some found
// boundary matches. Scores add up over calls through Add.
func ScoreBoundaries(truth, found []Transition, tol int) map[string]*BoundaryScore {
	out := map[string]*BoundaryScore{"cut": {Kind: "cut"}, "fade": {Kind: "fade"}}
	used := make([]bool, len(found))
	matchedTruth := make([]bool, len(truth))
	for i, tr := range truth {
		best, bestDist := -1, 1<<30
		for j, f := range found {
			if used[j] {
				continue
			}
			if d := rangeDistance(tr, f); d <= tol && d < bestDist {
				best, bestDist = j, d
			}
		}
		if best >= 0 {
			used[best], matchedTruth[i] = true, true
		}
	}
	for i, tr := range truth {
		s := out[tr.Kind]
		if s == nil {
			continue
		}
		s.Truth++
		if matchedTruth[i] {
			s.TruePos++
		}
	}
	for j, f := range found {
		s := out[f.Kind]
		if s == nil {
			continue
		}
		s.Found++
		if used[j] {
			s.Matched++
		}
	}
	for _, s := range out {
		s.finish()
	}
	return out
}

// Add accumulates b into s.
func (s *BoundaryScore) Add(b *BoundaryScore) {
	s.Truth += b.Truth
	s.Found += b.Found
	s.TruePos += b.TruePos
	s.Matched += b.Matched
	s.finish()
}

func (s *BoundaryScore) finish() {
	s.Precision, s.Recall = 1, 1
	if s.Found > 0 {
		s.Precision = float64(s.Matched) / float64(s.Found)
	}
	if s.Truth > 0 {
		s.Recall = float64(s.TruePos) / float64(s.Truth)
	}
}

// rangeDistance is the gap in frames between two transitions' ranges [Start, max(End,
// Start+1)), 0 when they overlap.
func rangeDistance(a, b Transition) int {
	ae, be := max(a.End, a.Start+1), max(b.End, b.Start+1)
	switch {
	case ae <= b.Start:
		return b.Start - ae + 1
	case be <= a.Start:
		return a.Start - be + 1
	}
	return 0
}
