package postmortem

import (
	"slices"
	"strings"
)

// maxMergeCells bounds the line-matching table of one changed region of a
// merge (lines of one side times lines of the other): beyond it the region
// is treated as wholly changed instead of matched line by line.
const maxMergeCells = 4 << 20

// Merge3 applies to ours (the document a person wrote) the change from base
// to theirs (the document rendered from the post-mortem as it was imported,
// and as it is now), line by line, as diff3 does. Lines only ours changed
// keep the person's text; lines only theirs changed take the new text;
// where both changed the same lines, theirs wins, since the store holds the
// newer facts; where both added lines, both are kept. Line endings and trailing spaces are kept as they are.
func Merge3(ours, base, theirs string) string {
	if base == theirs {
		return ours
	}
	o, b, t := splitLines(ours), splitLines(base), splitLines(theirs)
	mo, mt := matchLines(b, o), matchLines(b, t)
	var out strings.Builder
	i, io, it := 0, 0, 0
	for i < len(b) || io < len(o) || it < len(t) {
		if i < len(b) && mo[i] == io && mt[i] == it {
			out.WriteString(b[i])
			i, io, it = i+1, io+1, it+1
			continue
		}
		j := i
		for j < len(b) && (mo[j] < 0 || mt[j] < 0) {
			j++
		}
		eo, et := len(o), len(t)
		if j < len(b) {
			eo, et = mo[j], mt[j]
		}
		bc, oc, tc := b[i:j], o[io:eo], t[it:et]
		switch {
		case slices.Equal(oc, bc):
			writeLines(&out, tc)
		case slices.Equal(tc, bc):
			writeLines(&out, oc)
		case len(bc) == 0:
			// Both sides added lines here: keep the person's, then the new.
			writeLines(&out, oc)
			writeLines(&out, tc)
		case len(oc) == len(bc):
			mergeInPlace(&out, oc, bc, tc)
		default:
			writeLines(&out, tc)
		}
		i, io, it = j, eo, et
	}
	return out.String()
}

// mergeInPlace resolves a region both sides changed when ours only
// rewrote lines in place (same count as base: trailing spaces, a figure):
// the lines theirs kept from base take ours' text, the rest is theirs.
func mergeInPlace(w *strings.Builder, ours, base, theirs []string) {
	m := matchLines(theirs, base)
	for k, j := range m {
		if j >= 0 {
			w.WriteString(ours[j])
		} else {
			w.WriteString(theirs[k])
		}
	}
}

// splitLines splits s after each newline, keeping it.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func writeLines(w *strings.Builder, lines []string) {
	for _, l := range lines {
		w.WriteString(l)
	}
}

// matchLines returns, for each line of a, the index of the line of b it is
// matched with in a longest common subsequence, or -1. Common leading and
// trailing lines are matched first, so the table covers only the changed
// middle.
func matchLines(a, b []string) []int {
	m := make([]int, len(a))
	for i := range m {
		m[i] = -1
	}
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		m[pre] = pre
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		m[len(a)-1-suf] = len(b) - 1 - suf
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(ma) == 0 || len(mb) == 0 || (len(ma)+1)*(len(mb)+1) > maxMergeCells {
		return m
	}
	for i, j := range MatchCommon(ma, mb) {
		if j >= 0 {
			m[pre+i] = pre + j
		}
	}
	return m
}

// MatchCommon pairs each element of a with the element of b it is matched
// with along a longest common subsequence, -1 where none, by dynamic
// programming (len(a)×len(b) cells: callers bound the inputs). The merge
// matches lines with it, the importer timeline rows.
func MatchCommon[T comparable](a, b []T) []int {
	n, k := len(a), len(b)
	dp := make([][]int32, n+1)
	for i := range dp {
		dp[i] = make([]int32, k+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := k - 1; j >= 0; j-- {
			switch {
			case a[i] == b[j]:
				dp[i][j] = dp[i+1][j+1] + 1
			case dp[i+1][j] >= dp[i][j+1]:
				dp[i][j] = dp[i+1][j]
			default:
				dp[i][j] = dp[i][j+1]
			}
		}
	}
	m := make([]int, n)
	for i := range m {
		m[i] = -1
	}
	for i, j := 0, 0; i < n && j < k; {
		switch {
		case a[i] == b[j]:
			m[i] = j
			i, j = i+1, j+1
		case dp[i+1][j] >= dp[i][j+1]:
			i++
		default:
			j++
		}
	}
	return m
}
