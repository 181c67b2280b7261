package textnorm

import "slices"

// Distance is the edit distance (insertions, deletions and substitutions of
// one rune each) from a to b.
func Distance(a, b []rune) int { return editDistance(a, b, false) }

// InfixDistance is the edit distance from a to the closest stretch of b:
// skipping b's start and end is free.
func InfixDistance(a, b []rune) int { return editDistance(a, b, true) }

// Similarity is 1 minus the edit distance over the longer length.
func Similarity(a, b []rune) float64 {
	n := max(len(a), len(b))
	if n == 0 {
		return 1
	}
	return 1 - float64(Distance(a, b))/float64(n)
}

// shortRunes is the length up to which editDistance keeps its rows on the
// stack: labels are short, and near matching compares many.
const shortRunes = 63

func editDistance(a, b []rune, infix bool) int {
	var rows [2 * (shortRunes + 1)]int
	var prev, cur []int
	if len(b) <= shortRunes {
		prev, cur = rows[:len(b)+1], rows[shortRunes+1:shortRunes+2+len(b)]
	} else {
		prev, cur = make([]int, len(b)+1), make([]int, len(b)+1)
	}
	if !infix {
		// Else row 0 stays 0: any start in b is free.
		for j := range prev {
			prev[j] = j
		}
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	if infix {
		return slices.Min(prev) // any end in b is free
	}
	return prev[len(b)]
}
