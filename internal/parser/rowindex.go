package parser

import (
	"fmt"
	"strings"
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
	x := &rowIndex{table: t, labels: map[string]string{}, phrases: map[rune][]phrase{}}
	id := 0
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
	}
	if len(t.Rows) > maxRows || id > maxPhrases {
		// Template data is fixed at build time; a test builds every index.
		panic(fmt.Sprintf("parser: table %s has %d rows and %d phrases, more than the index holds", t.Key, len(t.Rows), id))
	}
	return x
}

// matchRow names the row that label cells stand for: of every row whose
// phrase occurs in them, the one whose phrase ends last, since a row's own
// label follows the labels of its groups.
func (x *rowIndex) matchRow(cand []*cell) string {
	last := textnorm.StripListNumber(cand[len(cand)-1].folded)
	if key, ok := x.labels[last]; ok {
		return key
	}
	// Most labels are whole in their last cell; join the cells only when the
	// last names no row, as when a label is broken over lines.
	if key := x.matchText(cand[len(cand)-1].folded, last); key != "" || len(cand) == 1 {
		return key
	}
	var joined strings.Builder
	for _, c := range cand {
		joined.WriteString(c.folded)
	}
	return x.matchText(joined.String(), last)
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
