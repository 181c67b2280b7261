package pdf

import (
	"slices"
	"strings"
)

// textKey folds a cell's text for comparing headers: no whitespace.
func textKey(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\t' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
}

// joinSlack is how far a continued table's sides may be from the first
// part's, in points.
const joinSlack = 4.0

// continues reports whether b, first on its page, continues a, last on the
// page before: ruled, with the same left and right sides.
func continues(a, b *table) bool {
	if a.xs == nil || b.xs == nil {
		return false
	}
	return abs(a.xs[0]-b.xs[0]) <= joinSlack && abs(a.xs[len(a.xs)-1]-b.xs[len(b.xs)-1]) <= joinSlack
}

// join appends the rows of b, the table's continuation on the next page, to
// t. The columns of both are put on one set of boundaries; rows of b that
// repeat t's header are dropped; an empty cell at the top of b, left of its
// row's text, under a cell that ran to the bottom of t continues that cell;
// and a row broken by the
// page (its label's last line atop b, its values all in t) is made whole.
func (t *table) join(b *table) {
	xs := boundaries(append(slices.Clone(t.xs), b.xs...))
	remap := func(cells []tcell, from []float64) {
		for k := range cells {
			cells[k].c0 = nearestIndex(xs, from[cells[k].c0])
			cells[k].c1 = max(nearestIndex(xs, from[cells[k].c1]), cells[k].c0+1)
		}
	}
	remap(t.cells, t.xs)
	bcells := slices.Clone(b.cells)
	remap(bcells, b.xs)
	t.xs = xs
	// A repeated header: b's first rows read as t's first rows.
	skip := 0
	for k := 1; k < b.rows && k < t.rows; k++ {
		if rowsText(bcells, 0, k) == rowsText(t.cells, 0, k) && rowsText(bcells, 0, k) != "" {
			skip = k
		}
	}
	off := t.rows - skip
	split := t.splitRow(bcells, skip)
	if split {
		off--
	}
	// Atop b, an empty cell left of the row's first text is a merged group
	// cell running on from t; one right of it is a blank cell of the row.
	firstText := len(xs)
	for _, c := range bcells {
		if c.r0 == skip && textKey(c.text) != "" {
			firstText = min(firstText, c.c0)
		}
	}
	for _, c := range bcells {
		if c.r0 < skip {
			continue
		}
		c.r0 += off
		c.r1 += off
		if c.r0 <= t.rows-1 || (c.r0 == t.rows && textKey(c.text) == "" && c.c1 <= firstText) {
			if k := t.cellEnding(c.c0, c.c1); k >= 0 {
				if c.text != "" {
					t.cells[k].text = joinLines(t.cells[k].text, c.text)
				}
				t.cells[k].r1 = c.r1
				continue
			}
		}
		t.cells = append(t.cells, c)
	}
	t.rows += b.rows - skip
	if split {
		t.rows--
	}
	t.sortCells()
}

// splitRow reports whether row r of cells (b's first after its header) is
// the rest of t's last row, broken by the page: each of its cells continues
// a cell that ends t, at least half of them are empty where the cell above
// holds text (the values printed whole above the break), and no text of it
// sits under a cell whose text ended short of its side. A row printed with
// blank values (zeros left empty) atop a page looks the same but for that:
// the label above it ended its line, where a label broken by the page runs
// to the cell's side.
func (t *table) splitRow(cells []tcell, r int) bool {
	n, e := 0, 0
	for _, c := range cells {
		if c.r0 != r {
			continue
		}
		k := t.cellEnding(c.c0, c.c1)
		if k < 0 {
			return false
		}
		n++
		text, above := textKey(c.text) != "", textKey(t.cells[k].text) != ""
		if text && above && t.cells[k].ended {
			return false
		}
		if !text && above {
			e++
		}
	}
	return n > 0 && 2*e >= n
}

// cellEnding returns the cell covering exactly columns [c0, c1) that ends
// at the table's last row, or -1.
func (t *table) cellEnding(c0, c1 int) int {
	for k, c := range t.cells {
		if c.c0 == c0 && c.c1 == c1 && c.r1 == t.rows {
			return k
		}
	}
	return -1
}

// rowsText is the text of the cells starting in rows [r0, r1), in order.
func rowsText(cells []tcell, r0, r1 int) string {
	var b strings.Builder
	for _, c := range cells {
		if c.r0 >= r0 && c.r0 < r1 {
			b.WriteString(textKey(c.text))
			b.WriteByte('|')
		}
	}
	return b.String()
}

func nearestIndex(bs []float64, v float64) int {
	best := 0
	for i, b := range bs {
		if abs(b-v) < abs(bs[best]-v) {
			best = i
		}
	}
	return best
}
