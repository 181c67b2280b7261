package parser

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/textnorm"
)

// rowIndex finds the rows of one template table that a label names. Labels
// are matched against every row's phrases many times a report, so the
// phrases are indexed by their first rune: a label is read once, not once
// per phrase.
type rowIndex struct {
	table *template.Table
	// labels maps the official row labels, folded and without their list
	// numbers, to their rows, for labels printed as the template has them.
	labels map[string]string
	// phrases maps a first rune to the phrases that start with it.
	phrases map[rune][]phrase
	exact   []phrase
	// norm converts labels by phrase when the rune table's fold names no row.
	norm *textnorm.Tables
	// variants are the rows' labels and phrases as near matching compares
	// them (see bare); groups are the group labels bare strips.
	variants []variant
	groups   []string
}

// variant is one way the template names a row, bare: its whole label, or
// one of its phrases, which a label holds among other words.
type variant struct {
	text   []rune
	row    int
	phrase bool
}

// phrase is one of a row's Match or Exact phrases.
type phrase struct {
	text string
	row  int // index in table.Rows
	id   int // index among the table's Match phrases, for matchText's seen set
}

// The per-call state of matchText lives on the stack, so a table is bounded.
const (
	maxRows    = 64
	maxPhrases = 256
)

func newRowIndex(norm *textnorm.Tables, t *template.Table) *rowIndex {
	x := &rowIndex{table: t, labels: map[string]string{}, phrases: map[rune][]phrase{}, norm: norm}
	id := 0
	seenGroup := map[string]bool{}
	for i, r := range t.Rows {
		x.labels[textnorm.StripListNumber(norm.Fold(r.Label))] = r.Key
		for _, m := range r.Match {
			first, _ := utf8.DecodeRuneInString(m)
			x.phrases[first] = append(x.phrases[first], phrase{text: m, row: i, id: id})
			id++
		}
		for _, e := range r.Exact {
			x.exact = append(x.exact, phrase{text: e, row: i})
		}
		for k, v := range append(append([]string{norm.Fold(r.Label)}, r.Exact...), r.Match...) {
			if b := bare(v, nil); b != "" {
				x.variants = append(x.variants, variant{text: []rune(b), row: i, phrase: k > len(r.Exact)})
			}
		}
		for _, g := range r.Groups {
			if b := textnorm.StripListNumber(norm.Fold(g)); !seenGroup[b] {
				seenGroup[b] = true
				x.groups = append(x.groups, b)
			}
		}
	}
	if len(t.Rows) > maxRows || id > maxPhrases {
		// Template data is fixed at build time; a test builds every index.
		panic(fmt.Sprintf("parser: table %s has %d rows and %d phrases, more than the index holds", t.Key, len(t.Rows), id))
	}
	return x
}

// labelMatch is what label cells were found to name.
type labelMatch struct {
	key string
	// distance is how many characters a near match differs by, 0 when the
	// label names its row exactly (in either script).
	distance int
	// near are the template rows an ambiguous label is as near to: then key
	// is "".
	near []int
	// label is the label as printed, for a near or ambiguous match; like,
	// the template's label or phrase a near match is nearest to.
	label, like string
	// whole is set when the label is the row's whole official label (its
	// list number aside), not a phrase of it: a row printed all blank is
	// taken only then, since a row cut by a page break leaves the rest of
	// its label over blank cells.
	whole bool
}

// matchRow names the row that label cells stand for. found tells the rows
// already found, which a near match does not consider.
func (x *rowIndex) matchRow(cand []*cell, found func(key string) bool) labelMatch {
	var buf [maxLabelCells]string
	folded := buf[:0]
	for _, c := range cand {
		folded = append(folded, c.folded)
	}
	if key := x.matchExact(folded); key != "" {
		return labelMatch{key: key, whole: x.whole(folded, key)}
	}
	// The label names no row as the rune table folded it: allow a typo or
	// two. A label near a row may differ from it only by script, in a word
	// that converts as a phrase (反覆 is 反复): converting by phrase is slow,
	// so it is done only then, and settles the match as exact.
	m := x.matchNear(folded, found)
	if m.key == "" && len(m.near) == 0 {
		return m
	}
	for i, c := range cand {
		f, err := x.norm.FoldPhrases(c.raw)
		if err != nil {
			// The dictionaries are embedded: this is a broken build, and the
			// label is matched as the rune table folded it.
			return m
		}
		folded[i] = f
	}
	if key := x.matchExact(folded); key != "" {
		return labelMatch{key: key, whole: x.whole(folded, key)}
	}
	return x.matchNear(folded, found)
}

// whole reports whether label cells, the last or all of them joined, are
// the row's whole official label.
func (x *rowIndex) whole(folded []string, key string) bool {
	if x.labels[textnorm.StripListNumber(folded[len(folded)-1])] == key {
		return true
	}
	for k := 2; k <= len(folded); k++ {
		if x.labels[textnorm.StripListNumber(strings.Join(folded[len(folded)-k:], ""))] == key {
			return true
		}
	}
	return false
}

// matchExact names the row whose label or phrase folded label cells hold: of
// every row whose phrase occurs in them, the one whose phrase ends last,
// since a row's own label follows the labels of its groups.
func (x *rowIndex) matchExact(folded []string) string {
	last := textnorm.StripListNumber(folded[len(folded)-1])
	if key, ok := x.labels[last]; ok {
		return key
	}
	// Most labels are whole in their last cell; join the cells only when the
	// last names no row, as when a label is broken over lines.
	if key := x.matchText(folded[len(folded)-1], last); key != "" || len(folded) == 1 {
		return key
	}
	return x.matchText(strings.Join(folded, ""), last)
}

// matchNear names the row, not yet found, whose label or phrase is within
// a typo or two of the label: its last cell, else its last cells joined (a
// label broken over lines), each bare. A label as near to two rows names
// neither and comes back ambiguous.
func (x *rowIndex) matchNear(folded []string, found func(key string) bool) labelMatch {
	var dist [maxRows]int
	var like [maxRows]*variant
	var runes [128]rune
	for k := 1; k <= len(folded); k++ {
		joined := folded[len(folded)-1]
		if k > 1 {
			joined = strings.Join(folded[len(folded)-k:], "")
		}
		text := runes[:0]
		for _, r := range bare(joined, x.groups) {
			text = append(text, r)
		}
		if len(text) == 0 {
			continue
		}
		for i := range x.table.Rows {
			dist[i] = -1
		}
		var bits uint64
		for _, r := range text {
			bits |= 1 << (r % 64)
		}
		for j := range x.variants {
			v := &x.variants[j]
			d, ok := v.near(text, bits)
			if ok && !found(x.table.Rows[v.row].Key) && (dist[v.row] < 0 || d < dist[v.row]) {
				dist[v.row], like[v.row] = d, v
			}
		}
		m := labelMatch{label: joined, distance: -1}
		for i, d := range dist[:len(x.table.Rows)] {
			switch {
			case d < 0:
			case m.distance < 0 || d < m.distance:
				m.key, m.distance, m.near = x.table.Rows[i].Key, d, append(m.near[:0], i)
			case d == m.distance:
				m.near = append(m.near, i)
			}
		}
		switch {
		case len(m.near) == 1:
			m.like, m.near = string(like[m.near[0]].text), nil
			return m
		case len(m.near) > 1:
			m.key = ""
			return m
		}
	}
	return labelMatch{}
}

// near reports whether a bare label is within a typo or two of the variant,
// and by how much. A whole label may differ by none in two characters, one
// in up to five, two in more. A label printed short, as one of the row's
// phrases of four or more characters (部分公开 for the whole （二）部分公开
// （区分处理的…）), may be one character off it, with at most two more
// around it: a phrase one character off inside a longer text (本年收费 in
// 本年收费金额) says nothing.
//
// bits has a bit set for each rune of the label (by the rune modulo 64):
// each rune of the variant whose bit is unset must be edited, which bounds
// the distance from below without computing it, as most labels compared
// are far from most variants.
func (v *variant) near(label []rune, bits uint64) (int, bool) {
	allowed := 0
	switch n := len(v.text); {
	case v.phrase:
		if n < 4 || len(label) < n || len(label) > n+2 {
			return 0, false
		}
		allowed = 1
	case n >= 6:
		allowed = 2
	case n >= 3:
		allowed = 1
	}
	if !v.phrase && abs(len(label)-len(v.text)) > allowed {
		return 0, false
	}
	missing := 0
	for _, r := range v.text {
		if bits&(1<<(r%64)) == 0 {
			if missing++; missing > allowed {
				return 0, false
			}
		}
	}
	var d int
	if v.phrase {
		d = textnorm.InfixDistance(v.text, label)
	} else {
		d = textnorm.Distance(label, v.text)
	}
	return d, d <= allowed
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// bare returns a folded label as near matching compares it: without the
// group labels (groups, bare) and list numbers at its start, and without
// punctuation, which renderings print in many ways.
func bare(folded string, groups []string) string {
	for {
		s := textnorm.StripListNumber(folded)
		for _, g := range groups {
			if g != "" && strings.HasPrefix(s, g) && len(s) > len(g) {
				s = s[len(g):]
			}
		}
		if s == folded {
			break
		}
		folded = s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return -1
		}
		return r
	}, folded)
}

// matchText names the row whose phrase ends last in text (where first found), or whose exact
// label last is; on a tie the earlier row.
func (x *rowIndex) matchText(text, last string) string {
	var ends [maxRows]int
	var seen [maxPhrases / 64]uint64
	for i := range x.table.Rows {
		ends[i] = -1
	}
	for k, r := range text {
		for _, p := range x.phrases[r] {
			if seen[p.id/64]&(1<<(p.id%64)) != 0 || !strings.HasPrefix(text[k:], p.text) {
				continue
			}
			seen[p.id/64] |= 1 << (p.id % 64)
			ends[p.row] = max(ends[p.row], k+len(p.text))
		}
	}
	for _, e := range x.exact {
		if last == e.text {
			ends[e.row] = len(text) + 1
		}
	}
	best, bestEnd := "", -1
	for i := range x.table.Rows {
		if ends[i] > bestEnd {
			best, bestEnd = x.table.Rows[i].Key, ends[i]
		}
	}
	return best
}
