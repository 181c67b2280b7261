package pdf

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/nianbao/nianbao/internal/layout"
)

// table is a table found on a page (or joined over pages): column
// boundaries, a row count, and cells on that grid.
type table struct {
	xs    []float64 // column boundaries, left to right
	ys    []float64 // row boundaries, top to bottom, on its first page
	rows  int
	cells []tcell // in row then column order of their top left unit
	// owner maps each grid unit (row-major) of a table on one page to its
	// cell.
	owner []int
	box   rect
}

// tcell is a cell covering rows [r0, r1) and columns [c0, c1).
type tcell struct {
	r0, r1, c0, c1 int
	text           string
	box            rect
	page           int
	// ended is set when the text's last line stops well short of the
	// cell's right side: its paragraph ended there, so text atop the next
	// page is not its rest (see splitRow).
	ended bool
}

// endedRoom is the room, in font sizes, left between a cell's last line
// and its right side that says the line ended its paragraph: a wrapped line
// runs to the side but for the padding and less than a glyph.
const endedRoom = 3.0

// Ruling-line geometry, in points.
const (
	// snap is how close two lines' positions are to be one line, and how
	// far a line may stop short of a crossing line and still meet it.
	snap = 2.0
	// minCell is the smallest row or column kept; closer boundaries are
	// doubled lines.
	minCell = 3.0
	// coverNeeded is the share of a cell's side a line must cover to
	// count as its border.
	coverNeeded = 0.6
)

// mergeSegments snaps segments of one direction onto common positions and
// joins those that touch along their axis.
func mergeSegments(segs []segment) []segment {
	if len(segs) == 0 {
		return nil
	}
	s := slices.Clone(segs)
	slices.SortFunc(s, func(a, b segment) int { return cmp.Compare(a.pos, b.pos) })
	var out []segment
	for i := 0; i < len(s); {
		j := i + 1
		sum := s[i].pos
		for j < len(s) && s[j].pos-s[j-1].pos <= snap/2 && s[j].pos-s[i].pos <= snap {
			sum += s[j].pos
			j++
		}
		pos := sum / float64(j-i)
		group := s[i:j]
		slices.SortFunc(group, func(a, b segment) int { return cmp.Compare(a.a, b.a) })
		cur := group[0]
		cur.pos = pos
		for _, g := range group[1:] {
			if g.a <= cur.b+snap {
				cur.b = max(cur.b, g.b)
				continue
			}
			out = append(out, cur)
			cur = g
			cur.pos = pos
		}
		out = append(out, cur)
		i = j
	}
	return out
}

// findTables finds the ruled tables among a page's segments: groups of
// horizontal and vertical lines that cross, at least two of each.
func findTables(segs []segment) []*table {
	var hs, vs []segment
	for _, s := range segs {
		if s.horiz {
			hs = append(hs, s)
		} else {
			vs = append(vs, s)
		}
	}
	hs, vs = mergeSegments(hs), mergeSegments(vs)
	if len(hs) < 2 || len(vs) < 2 {
		return nil
	}
	// Union-find over hs then vs.
	parent := make([]int, len(hs)+len(vs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i, h := range hs {
		for j, v := range vs {
			if v.pos >= h.a-snap && v.pos <= h.b+snap && h.pos >= v.a-snap && h.pos <= v.b+snap {
				parent[find(i)] = find(len(hs) + j)
			}
		}
	}
	groups := map[int][]int{}
	for i := range parent {
		r := find(i)
		groups[r] = append(groups[r], i)
	}
	var tables []*table
	for _, members := range groups {
		var gh, gv []segment
		for _, k := range members {
			if k < len(hs) {
				gh = append(gh, hs[k])
			} else {
				gv = append(gv, vs[k-len(hs)])
			}
		}
		if t := gridTable(gh, gv); t != nil {
			tables = append(tables, t)
		}
	}
	slices.SortFunc(tables, func(a, b *table) int { return cmp.Compare(a.box.y0, b.box.y0) })
	return tables
}

// boundaries clusters positions into grid lines at least minCell apart.
func boundaries(pos []float64) []float64 {
	slices.Sort(pos)
	var out []float64
	for _, p := range pos {
		if len(out) > 0 && p-out[len(out)-1] < minCell {
			continue
		}
		out = append(out, p)
	}
	return out
}

// gridTable builds a table from crossing lines: the grid of every line's
// position, and cells merged where an inner line is missing.
func gridTable(hs, vs []segment) *table {
	if len(hs) < 2 || len(vs) < 2 {
		return nil
	}
	box := rect{vs[0].pos, hs[0].pos, vs[0].pos, hs[0].pos}
	var xp, yp []float64
	for _, h := range hs {
		box = box.union(rect{h.a, h.pos, h.b, h.pos})
		yp = append(yp, h.pos)
	}
	for _, v := range vs {
		box = box.union(rect{v.pos, v.a, v.pos, v.b})
		xp = append(xp, v.pos)
	}
	xs, ys := boundaries(xp), boundaries(yp)
	if len(xs) < 2 || len(ys) < 2 {
		return nil
	}
	nr, nc := len(ys)-1, len(xs)-1
	if nr*nc < 2 || nr*nc > 10000 {
		return nil
	}
	// covered reports whether lines at pos cover enough of [a, b].
	covered := func(lines []segment, pos, a, b float64) bool {
		need := (b - a) * coverNeeded
		got := 0.0
		for _, s := range lines {
			if s.pos < pos-snap || s.pos > pos+snap {
				continue
			}
			lo, hi := max(s.a, a), min(s.b, b)
			if hi > lo {
				got += hi - lo
			}
		}
		return got >= need
	}
	// right[r][c]: a line between columns c and c+1 in row r; below[r][c]:
	// a line between rows r and r+1 in column c.
	right := make([][]bool, nr)
	below := make([][]bool, nr)
	for r := range nr {
		right[r] = make([]bool, nc)
		below[r] = make([]bool, nc)
		for c := range nc {
			right[r][c] = c == nc-1 || covered(vs, xs[c+1], ys[r], ys[r+1])
			below[r][c] = r == nr-1 || covered(hs, ys[r+1], xs[c], xs[c+1])
		}
	}
	owner := make([]int, nr*nc)
	for i := range owner {
		owner[i] = -1
	}
	t := &table{xs: xs, ys: ys, rows: nr, box: box, owner: owner}
	for r := range nr {
		for c := range nc {
			if owner[r*nc+c] >= 0 {
				continue
			}
			c1 := c + 1
			for c1 < nc && !right[r][c1-1] && owner[r*nc+c1] < 0 {
				c1++
			}
			r1 := r + 1
		grow:
			for r1 < nr {
				for k := c; k < c1; k++ {
					if below[r1-1][k] || owner[r1*nc+k] >= 0 {
						break grow
					}
				}
				r1++
			}
			id := len(t.cells)
			for rr := r; rr < r1; rr++ {
				for cc := c; cc < c1; cc++ {
					owner[rr*nc+cc] = id
				}
			}
			t.cells = append(t.cells, tcell{r0: r, r1: r1, c0: c, c1: c1,
				box: rect{xs[c], ys[r], xs[c1], ys[r1]}})
		}
	}
	if len(t.cells) < 2 {
		return nil // a frame around text, not a table
	}
	return t
}

// fill puts glyphs into the table's cells and returns the glyphs outside it.
func (t *table) fill(glyphs []glyph) []glyph {
	per := make([][]glyph, len(t.cells))
	var rest []glyph
	for _, g := range glyphs {
		k := t.cellAt(g.box.cx(), g.box.cy())
		if k < 0 {
			rest = append(rest, g)
			continue
		}
		per[k] = append(per[k], g)
	}
	for k, gs := range per {
		lines := buildLines(gs)
		t.cells[k].text = cellText(lines)
		if n := len(lines); n > 0 {
			last := lines[n-1]
			t.cells[k].ended = last.box.x1 < t.cells[k].box.x1-endedRoom*last.size
		}
	}
	return rest
}

// cellText joins a cell's lines with "\n", except that a number broken
// over lines by a narrow column is joined again.
func cellText(lines []textLine) string {
	text := ""
	for i := range lines {
		text = joinLines(text, lines[i].text())
	}
	return text
}

// joinLines joins two lines of a cell.
func joinLines(a, b string) string {
	if a == "" {
		return b
	}
	prev, _ := utf8.DecodeLastRuneInString(a)
	next, _ := utf8.DecodeRuneInString(b)
	if numeric(prev) && numeric(next) {
		return a + b
	}
	return a + "\n" + b
}

// numeric reports runes that make up a printed number: digits and
// separators, half and full width.
func numeric(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= '０' && r <= '９') || strings.ContainsRune(",.，．、", r)
}

// cellAt returns the index of the cell holding a point, or -1.
func (t *table) cellAt(x, y float64) int {
	if !t.box.contains(x, y) {
		return -1
	}
	c := slot(t.xs, x)
	r := slot(t.ys, y)
	if c < 0 || r < 0 {
		return -1
	}
	return t.owner[r*(len(t.xs)-1)+c]
}

// slot returns i with bs[i] <= v < bs[i+1], or -1.
func slot(bs []float64, v float64) int {
	i, _ := slices.BinarySearch(bs, v)
	i--
	if i < 0 || i >= len(bs)-1 {
		return -1
	}
	return i
}

// empty reports whether no cell holds text.
func (t *table) empty() bool {
	for _, c := range t.cells {
		if c.text != "" {
			return false
		}
	}
	return true
}

// grid returns the table as the layout model has it.
func (t *table) grid() *layout.TableGrid {
	rows := make([][]layout.Cell, t.rows)
	for _, c := range t.cells {
		if c.r0 >= len(rows) {
			continue
		}
		b := c.box
		rows[c.r0] = append(rows[c.r0], layout.Cell{
			Text:    c.text,
			RowSpan: c.r1 - c.r0,
			ColSpan: c.c1 - c.c0,
			Prov:    layout.Provenance{Page: c.page, Box: &layout.Box{X0: b.x0, Y0: b.y0, X1: b.x1, Y1: b.y1}},
		})
	}
	return &layout.TableGrid{Rows: rows}
}

// sortCells orders cells by their top left unit.
func (t *table) sortCells() {
	slices.SortStableFunc(t.cells, func(a, b tcell) int {
		if a.r0 != b.r0 {
			return a.r0 - b.r0
		}
		return a.c0 - b.c0
	})
}
