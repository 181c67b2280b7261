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
// squeezes a line, a page break shifts the next page's). Where two ways to
// place the values are about as near, the row is left as it was read.

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
		// Rows come from a map: ties in distance go to the earlier line,
		// so that a document always reads the same.
		slices.SortFunc(rulers, func(a, b *row) int {
			if d := lineDistance(a.hit, s.hit) - lineDistance(b.hit, s.hit); d != 0 {
				return d
			}
			return a.hit.line - b.hit.line
		})
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

// place puts values in the columns of a ruler's values, in order, blanks
// in the others: of the ways to leave columns blank, the one where the
// values stand nearest their columns in all, if no other comes within half
// a column's width of it. It returns how far off they stand in all.
func place(vals, ruler []*cell, n int) ([]*cell, float64, bool) {
	if len(ruler) != n || len(vals) > n {
		return nil, 0, false
	}
	at := make([]float64, n)
	width := math.Inf(1)
	for j, c := range ruler {
		at[j] = mid(c)
		if j > 0 {
			width = min(width, at[j]-at[j-1])
		}
	}
	var best, cols []int
	bestOff, second := math.Inf(1), math.Inf(1)
	tries := 0
	// Each choice of the columns the values stand in, in order.
	var choose func(v, from int, off float64)
	choose = func(v, from int, off float64) {
		if tries++; tries > maxPlacings {
			return
		}
		if v == len(vals) {
			switch {
			case off < bestOff:
				best, bestOff, second = slices.Clone(cols), off, bestOff
			case off < second:
				second = off
			}
			return
		}
		for j := from; j <= n-(len(vals)-v); j++ {
			cols = append(cols, j)
			choose(v+1, j+1, off+math.Abs(at[j]-mid(vals[v])))
			cols = cols[:len(cols)-1]
		}
	}
	choose(0, 0, 0)
	if best == nil || tries > maxPlacings || bestOff+width/2 >= second {
		return nil, 0, false
	}
	placed := make([]*cell, n)
	for j := range placed {
		placed[j] = &blankCell
	}
	for v, j := range best {
		placed[j] = vals[v]
	}
	return placed, bestOff, true
}

// maxPlacings bounds the choices of columns place weighs.
const maxPlacings = 4096

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
