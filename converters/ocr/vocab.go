package ocr

import (
	"strings"
	"unicode"

	"github.com/nianbao/nianbao/internal/textnorm"
)

// vocabulary is the closed set of labels table cells are matched to,
// compared folded (simplified script, half width, no spaces) and without
// their list numbers, since those are printed in many styles.
type vocabulary struct {
	norm    *textnorm.Tables
	entries [][]rune // folded bodies, distinct
}

func newVocabulary(labels []string) *vocabulary {
	v := &vocabulary{norm: textnorm.New()}
	seen := map[string]bool{}
	for _, l := range labels {
		body := textnorm.StripListNumber(v.norm.Fold(l))
		if body == "" || seen[body] {
			continue
		}
		seen[body] = true
		v.entries = append(v.entries, []rune(body))
	}
	return v
}

// match returns the entry closest to what was read, with the list number as
// read kept in front and in the document's script, and its similarity;
// ok is false when none is at least least similar or two are equally close.
func (v *vocabulary) match(read string, least float64, script string) (label string, sim float64, ok bool) {
	if len(v.entries) == 0 || read == "" {
		return "", 0, false
	}
	folded := v.norm.Fold(brackets.Replace(read))
	body := textnorm.StripListNumber(folded)
	prefix := strings.TrimSuffix(folded, body)
	rb := []rune(body)
	best, second := -1.0, -1.0
	var bestEntry []rune
	for _, e := range v.entries {
		s := textnorm.Similarity(rb, e)
		switch {
		case s > best:
			best, second, bestEntry = s, best, e
		case s > second:
			second = s
		}
	}
	if best < least {
		// Ink beside the label (a revision bar, a line stub) reads as
		// characters around it: look for an entry inside what was read.
		return v.within(rb, least, script)
	}
	if second >= best {
		return "", 0, false
	}
	label = prefix + string(bestEntry)
	if script == langTraditional {
		label = v.norm.Traditional(label)
	}
	return label, best, true
}

// listed reports whether read is a list number followed by Chinese text,
// two characters or more: the form of every numbered label of a table, such
// as 3.其他, and never of a value, however its characters were misread
// (3.基他 read where a blurred 其 lost strokes). Digits read from such a
// cell are its list number and strokes taken for digits.
func (v *vocabulary) listed(read string) bool {
	folded := v.norm.Fold(brackets.Replace(read))
	body := textnorm.StripListNumber(folded)
	if body == folded {
		return false
	}
	han := 0
	for _, r := range body {
		if unicode.Is(unicode.Han, r) {
			han++
		}
	}
	return han >= 2
}

// brackets writes the marks the models read for a list number's round
// brackets as those, so that the number is recognised and set apart.
var brackets = strings.NewReplacer("{", "(", "}", ")", "[", "(", "]", ")", "〈", "(", "〉", ")", "【", "(", "】", ")")

// within finds the entry that best matches a stretch of what was read,
// when it makes up at least half of it: its similarity is 1 minus the
// edit distance to the closest stretch over the entry's length, returned
// scaled by the share of the read it covers, since the rest is unexplained.
// A rest that holds another entry is two labels in a cell whose dividing
// line was lost, which neither may stand for.
func (v *vocabulary) within(read []rune, least float64, script string) (string, float64, bool) {
	least = max(least, 0.75)
	best, second := -1.0, -1.0
	var bestEntry []rune
	for _, e := range v.entries {
		if len(e) < 4 || 2*len(e) < len(read) || len(e) > len(read) {
			continue
		}
		s := 1 - float64(textnorm.InfixDistance(e, read))/float64(len(e))
		switch {
		case s > best:
			best, second, bestEntry = s, best, e
		case s > second:
			second = s
		}
	}
	if best < least || second >= best {
		return "", 0, false
	}
	for _, e := range v.entries {
		if len(e) < 4 || len(e)+len(bestEntry) > len(read)+1 ||
			1-float64(textnorm.InfixDistance(e, bestEntry))/float64(len(e)) >= least {
			continue
		}
		if 1-float64(textnorm.InfixDistance(e, read))/float64(len(e)) >= least {
			return "", 0, false
		}
	}
	label := string(bestEntry)
	if script == langTraditional {
		label = v.norm.Traditional(label)
	}
	return label, best * float64(len(bestEntry)) / float64(len(read)), true
}
