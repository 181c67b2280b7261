package parser

import (
	"math"
	"slices"

	"github.com/nianbao/nianbao/internal/number"
	"github.com/nianbao/nianbao/internal/template"
)

// In text laid out in columns a cell printed blank leaves no mark: a row
// with fewer values than columns says nothing, by its values' count, of
// which columns they are. Where they stand does: placeColumns puts a short
// row's values in the columns the nearest full row of the table (a value in
// every column) has them, blanks in the others: of the two nearest, the
// one whose columns its values stand nearer to. Only the nearest rows are
// rulers, as tools lay out each line on its own scale (pdftotext -layout
// squeezes a line, a page break shifts the next page's). A value that
// stands as near to two columns, or two values in one, leave the row as it
// was read.

// placeColumns places the values of the short rows of scan by where they
// stand, against the columns of the nearest full row.
func placeColumns(t *template.Table, scan *rowScan) {
	type row struct {
		hit  *rowHit
		cols []template.Column
		vals []*cell
	}
	var full, short []row
	for key, h := range scan.hits {
		cols := t.ColumnsOf(t.Row(key))
		vals, ok := placedValues(h.values)
		switch {
		case !ok || len(vals) == 0:
		case len(vals) == len(cols):
			full = append(full, row{h, cols, vals})
		case len(vals) < len(cols):
			short = append(short, row{h, cols, vals})
		}
	}
	for _, s := range short {
		var rulers []*row
		for k := range full {
			if f := &full[k]; &f.cols[0] == &s.cols[0] {
				rulers = append(rulers, f)
			}
		}
		slices.SortFunc(rulers, func(a, b *row) int { return lineDistance(a.hit, s.hit) - lineDistance(b.hit, s.hit) })
		if len(rulers) == 0 {
			continue
		}
		// Of the two nearest, the one whose columns the values stand in
		// most closely: lines laid out alike are alike squeezed.
		var placed []*cell
		best := math.Inf(1)
		for _, r := range rulers[:min(2, len(rulers))] {
			if p, off, ok := place(s.vals, r.vals, len(s.cols)); ok && off < best {
				placed, best = p, off
			}
		}
		if placed == nil {
			continue
		}
		s.hit.values = placed
	}
}

// place puts values in the columns of a ruler's values they stand nearest
// to, blanks in the others, and returns how far off they stand in all; it
// fails where a value stands as near to two, or two stand in one.
func place(vals, ruler []*cell, n int) ([]*cell, float64, bool) {
	at := make([]float64, len(ruler))
	for j, c := range ruler {
		at[j] = mid(c)
	}
	placed := make([]*cell, n)
	last := -1
	off := 0.0
	for _, c := range vals {
		j := nearestColumn(at, mid(c))
		if j <= last {
			return nil, 0, false
		}
		placed[j], last = c, j
		off += math.Abs(at[j] - mid(c))
	}
	for j := range placed {
		if placed[j] == nil {
			placed[j] = &blankCell
		}
	}
	return placed, off, true
}

func lineDistance(a, b *rowHit) int { return abs(a.line - b.line) }

// placedValues returns a row's values that are not blank, if all of them
// stand in a line laid out in columns.
func placedValues(cells []*cell) ([]*cell, bool) {
	var vals []*cell
	for _, c := range cells {
		if c.val.Class == number.Empty {
			continue
		}
		if c.end <= c.col {
			return nil, false
		}
		vals = append(vals, c)
	}
	return vals, true
}

func mid(c *cell) float64 { return float64(c.col+c.end) / 2 }

// nearestColumn returns the column standing nearest x, or -1 when x stands
// as near to two (within a quarter of their distance of the middle).
func nearestColumn(at []float64, x float64) int {
	best := -1
	for j := range at {
		if best < 0 || math.Abs(at[j]-x) < math.Abs(at[best]-x) {
			best = j
		}
	}
	for j := range at {
		if j == best {
			continue
		}
		gap := math.Abs(at[j] - at[best])
		if math.Abs(at[j]-x)-math.Abs(at[best]-x) < gap/4 {
			return -1
		}
	}
	return best
}
