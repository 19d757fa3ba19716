package text

// Ratio is the Ratcliff/Obershelp similarity of a and b ("Pattern Matching: the Gestalt
// Approach", Dr. Dobb's Journal, 1988), the measure Python's difflib.SequenceMatcher.ratio
// returns: 2*M/(len(a)+len(b)), where M counts the characters matched by taking the longest
// common substring (the leftmost in a, then in b, on ties) and recursing on the pieces to its
// left and to its right. Two empty strings are identical (1).
func Ratio(a, b string) float64 {
	if len(a)+len(b) == 0 {
		return 1
	}
	return 2 * float64(matches(a, b)) / float64(len(a)+len(b))
}

// matches counts the characters matched by the Ratcliff/Obershelp recursion.
func matches(a, b string) int {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	i, j, n := longestCommon(a, b)
	if n == 0 {
		return 0
	}
	return n + matches(a[:i], b[:j]) + matches(a[i+n:], b[j+n:])
}

// longestCommon finds the longest common substring a[i:i+n] == b[j:j+n], the one starting
// earliest in a and then in b among equally long ones, by dynamic programming over suffix
// lengths (the strings here are words, so O(len(a)*len(b)) is small).
func longestCommon(a, b string) (bi, bj, bn int) {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				cur[j] = prev[j-1] + 1
				k := cur[j]
				si, sj := i-k, j-k
				if k > bn || k == bn && (si < bi || si == bi && sj < bj) {
					bi, bj, bn = si, sj, k
				}
			} else {
				cur[j] = 0
			}
		}
		prev, cur = cur, prev
	}
	return bi, bj, bn
}
