// Package table finds ruled tables in a binarized, deskewed page image: it
// detects the ruling lines, builds each table's grid, merges the cells no
// line divides, and returns every cell's box. It reads no text.
package table

import (
	"image"
	"slices"
	"sort"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
)

// Cell is one cell of a table, merged cells once, with its grid position.
type Cell struct {
	Row, Col         int
	RowSpan, ColSpan int
	Box              image.Rectangle // inside the ruling lines around it
}

// Table is one ruled table on the page.
type Table struct {
	Box   image.Rectangle
	Rows  int // grid rows
	Cols  int // grid columns
	Cells []Cell
}

// Page is what Find found on a page.
type Page struct {
	Tables []Table
	// Lines has the pixels of every ruling line (within and outside the
	// tables), so that they can be cleared before text is read.
	Lines *imgproc.Bin
}

// segment is one ruling line: horizontal (y fixed, from a to b in x) or
// vertical (x fixed, from a to b in y); pos is its centre across.
type segment struct {
	pos, a, b int
	thick     int
	label     int32 // in the mask's labels
}

// Line detection. Lines are runs of ink in the page averaged a little
// along them (JPEG blocks, noise and the dashes a black-and-white scan
// makes of a thin tilted line fade), binarized as text is; a gap a
// line's run does not bridge, such as a stretch of faint line in a
// low-resolution scan, is checked between two crossing lines against a
// lenient threshold instead (see ruled).
const (
	faintDarker = 0.12 // Threshold's fraction for a faint stretch of line
)

// Find returns the tables of the page g, binarized as b (both deskewed).
func Find(g *image.Gray, b *imgproc.Bin) *Page {
	// Sizes follow the page's short side, so a landscape page is measured
	// as a portrait one: 2480 pixels for A4 at 300 dpi.
	side := min(b.W, b.H)
	// The shortest run read as a line: longer than any stroke of a
	// character (a 一 or 丨 at a large size) or a digit with the blur
	// around it, shorter than a narrow cell.
	minH := max(24, side/28)
	minV := max(20, side/34)
	radius := max(1, side/1200)
	gap := max(3, side/400)
	hmask := runs(imgproc.Binarize(imgproc.Smooth(g, radius, false)), minH, gap, false)
	vmask := runs(imgproc.Binarize(imgproc.Smooth(g, radius, true)), minV, gap, true)
	hs, hlabels := segments(hmask, false)
	vs, vlabels := segments(vmask, true)
	tol := max(4, side/250)
	// The horizontal strokes of a line of characters, bridged from one
	// character to the next, make runs as long as a short line: a run is
	// taken for a ruling line when it is long or meets a long line, which
	// text, padded inside its cell, does not.
	long := side / 8
	hs0 := hs
	hs, hkeep := ruling(hs, vs, long, tol)
	vs, vkeep := ruling(vs, hs0, long, tol)
	lines := imgproc.NewBin(b.W, b.H)
	for i := range lines.Pix {
		if hkeep[hlabels[i]] || vkeep[vlabels[i]] {
			lines.Pix[i] = 1
		}
	}
	p := &Page{Lines: lines}
	ev := &evidence{g: g, radius: max(2, side/600), lines: lines, tol: tol}
	for _, gr := range groups(hs, vs, tol) {
		if t, ok := build(b, ev, gr.h, gr.v, tol); ok {
			p.Tables = append(p.Tables, t)
		}
	}
	sort.Slice(p.Tables, func(i, j int) bool { return p.Tables[i].Box.Min.Y < p.Tables[j].Box.Min.Y })
	return p
}

// runs marks the pixels of b in straight runs of ink at least min long,
// across rows (or down columns when vertical), bridging gaps of up to gap
// pixels that noise or JPEG blocks leave in a printed line. A pixel counts
// as ink when it or a neighbour across the run is: a thin line that a
// rotation left wavering from one row (column) to the next stays whole.
func runs(b *imgproc.Bin, minLen, gap int, vertical bool) *imgproc.Bin {
	out := imgproc.NewBin(b.W, b.H)
	n, m := b.H, b.W // lines, length along
	if vertical {
		n, m = b.W, b.H
	}
	at := func(i, j int) int {
		if vertical {
			return j*b.W + i
		}
		return i*b.W + j
	}
	ink := func(i, j int) bool {
		return b.Pix[at(i, j)] != 0 || i > 0 && b.Pix[at(i-1, j)] != 0 || i+1 < n && b.Pix[at(i+1, j)] != 0
	}
	for i := 0; i < n; i++ {
		start, last := -1, -1
		flush := func() {
			if start >= 0 && last-start+1 >= minLen {
				for j := start; j <= last; j++ {
					out.Pix[at(i, j)] = b.Pix[at(i, j)]
				}
			}
		}
		for j := 0; j < m; j++ {
			if !ink(i, j) {
				continue
			}
			if start < 0 || j-last > gap+1 {
				flush()
				start = j
			}
			last = j
		}
		flush()
	}
	return out
}

// ruling returns the segments of ss that are at least long or meet a long
// line of cross (at an end, or crossing it), and which of ss's labels they
// are, indexed by label (0, the background, is false).
func ruling(ss, cross []segment, long, tol int) ([]segment, []bool) {
	meets := func(s segment) bool {
		for _, c := range cross {
			if c.b-c.a+1 >= long && c.pos >= s.a-tol && c.pos <= s.b+tol && s.pos >= c.a-tol && s.pos <= c.b+tol {
				return true
			}
		}
		return false
	}
	var out []segment
	top := int32(0)
	for _, s := range ss {
		top = max(top, s.label)
	}
	keep := make([]bool, top+1)
	for _, s := range ss {
		if s.b-s.a+1 >= long || meets(s) {
			out = append(out, s)
			keep[s.label] = true
		}
	}
	return out, keep
}

// segments groups the marked pixels of a line mask into connected lines,
// and returns the mask's labels, by which the segments are known.
func segments(mask *imgproc.Bin, vertical bool) ([]segment, []int32) {
	labels, n := imgproc.Label(mask)
	type acc struct {
		minA, maxA, minP, maxP int
		sumP, n                int
	}
	accs := make([]*acc, n)
	for y := 0; y < mask.H; y++ {
		for x := 0; x < mask.W; x++ {
			l := labels[y*mask.W+x]
			if l == 0 {
				continue
			}
			a, p := x, y
			if vertical {
				a, p = y, x
			}
			s := accs[l]
			if s == nil {
				s = &acc{minA: a, maxA: a, minP: p, maxP: p}
				accs[l] = s
			}
			s.minA, s.maxA = min(s.minA, a), max(s.maxA, a)
			s.minP, s.maxP = min(s.minP, p), max(s.maxP, p)
			s.sumP += p
			s.n++
		}
	}
	out := make([]segment, 0, len(accs))
	for l, s := range accs {
		if s == nil {
			continue
		}
		length := s.maxA - s.minA + 1
		out = append(out, segment{pos: s.sumP / s.n, a: s.minA, b: s.maxA, thick: max(1, s.n/length), label: int32(l)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].pos < out[j].pos || out[i].pos == out[j].pos && out[i].a < out[j].a })
	return out, labels
}

type group struct{ h, v []segment }

// groups puts crossing horizontal and vertical lines together: each group is
// one table's lines.
func groups(hs, vs []segment, tol int) []group {
	n := len(hs) + len(vs)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for i, h := range hs {
		for j, v := range vs {
			if v.pos >= h.a-tol && v.pos <= h.b+tol && h.pos >= v.a-tol && h.pos <= v.b+tol {
				parent[find(i)] = find(len(hs) + j)
			}
		}
	}
	byRoot := map[int]*group{}
	var roots []int
	for i := 0; i < n; i++ {
		r := find(i)
		g := byRoot[r]
		if g == nil {
			g = &group{}
			byRoot[r] = g
			roots = append(roots, r)
		}
		if i < len(hs) {
			g.h = append(g.h, hs[i])
		} else {
			g.v = append(g.v, vs[i-len(hs)])
		}
	}
	out := make([]group, 0, len(roots))
	for _, r := range roots {
		if g := byRoot[r]; len(g.h) >= 2 && len(g.v) >= 1 {
			out = append(out, *g)
		}
	}
	return out
}

// cluster merges positions closer than tol into their mean, sorted.
func cluster(pos []int, tol int) []int {
	slices.Sort(pos)
	var out []int
	for i := 0; i < len(pos); {
		j, sum := i, 0
		for j < len(pos) && pos[j]-pos[i] <= tol {
			sum += pos[j]
			j++
		}
		out = append(out, sum/(j-i))
		i = j
	}
	return out
}

// build makes one table from its lines: the grid from the lines'
// positions (and the table's outer edges where a side is not ruled), then the
// cells, merged where no line divides them.
func build(b *imgproc.Bin, ev *evidence, hs, vs []segment, tol int) (Table, bool) {
	var ys, xs []int
	minX, maxX, minY, maxY := b.W, 0, b.H, 0
	for _, h := range hs {
		ys = append(ys, h.pos)
		minX, maxX = min(minX, h.a), max(maxX, h.b)
	}
	for _, v := range vs {
		xs = append(xs, v.pos)
		minY, maxY = min(minY, v.a), max(maxY, v.b)
	}
	xs = append(xs, minX, maxX)
	ys = append(ys, minY, maxY)
	xs, ys = cluster(xs, tol), cluster(ys, tol)
	// A table is a quarter of the page wide at least: the strokes of
	// bold or dense text can cross like a tiny grid.
	if len(xs) < 2 || len(ys) < 2 || xs[len(xs)-1]-xs[0] < min(b.W, b.H)/4 {
		return Table{}, false
	}
	rows, cols := len(ys)-1, len(xs)-1
	// vline[r][c]: a line divides grid cells (r, c-1) and (r, c);
	// hline[r][c]: a line divides (r-1, c) and (r, c).
	vline := make([][]bool, rows)
	hline := make([][]bool, rows+1)
	for r := 0; r <= rows; r++ {
		hline[r] = make([]bool, cols)
		if r < rows {
			vline[r] = make([]bool, cols+1)
		}
		for c := 0; c <= cols; c++ {
			if r < rows {
				vline[r][c] = c == 0 || c == cols || ev.ruled(xs[c], ys[r], ys[r+1], true) && !ev.crossesText(b, xs[c], ys[r], ys[r+1], true)
			}
			if c < cols {
				hline[r][c] = r == 0 || r == rows || ev.ruled(ys[r], xs[c], xs[c+1], false) && !ev.crossesText(b, ys[r], xs[c], xs[c+1], false)
			}
		}
	}
	// Merged cells are rectangles: from each grid cell not yet taken, grow
	// right while no line divides, then down while the whole row below
	// joins without a line across or within it. A line missing in one
	// place then merges two cells rather than a staircase of them.
	taken := make([]bool, rows*cols)
	t := Table{Box: image.Rect(xs[0], ys[0], xs[cols], ys[rows]), Rows: rows, Cols: cols}
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			if taken[r*cols+c] {
				continue
			}
			c1 := c
			for c1+1 < cols && !vline[r][c1+1] && !taken[r*cols+c1+1] {
				c1++
			}
			r1 := r
			for r1+1 < rows && joins(r1+1, c, c1, cols, vline, hline, taken) {
				r1++
			}
			for rr := r; rr <= r1; rr++ {
				for cc := c; cc <= c1; cc++ {
					taken[rr*cols+cc] = true
				}
			}
			t.Cells = append(t.Cells, Cell{
				Row: r, Col: c, RowSpan: r1 - r + 1, ColSpan: c1 - c + 1,
				Box: image.Rect(xs[c], ys[r], xs[c1+1], ys[r1+1]),
			})
		}
	}
	sort.Slice(t.Cells, func(i, j int) bool {
		a, c := t.Cells[i], t.Cells[j]
		return a.Row < c.Row || a.Row == c.Row && a.Col < c.Col
	})
	return t, true
}

// joins reports whether grid row r, columns c0 to c1, continues the cell
// above it: free, with no line above any of it and none within it.
func joins(r, c0, c1, cols int, vline, hline [][]bool, taken []bool) bool {
	for c := c0; c <= c1; c++ {
		if taken[r*cols+c] || hline[r][c] || c > c0 && vline[r][c] {
			return false
		}
	}
	return true
}

// evidence tells whether a line divides two grid cells.
type evidence struct {
	g      *image.Gray
	radius int
	lines  *imgproc.Bin
	tol    int
	// faint[0] (horizontal) and faint[1] (vertical): the page averaged
	// along that direction and thresholded leniently, made when first
	// needed.
	faint [2]*imgproc.Bin
}

// ruled reports whether a line runs at pos (an x when vertical, else a y)
// along the stretch from a to b: the line mask covers most of it, or a
// faint line runs along all of it, from one crossing line to the other.
// Text never touches both ends, since cells are padded.
func (ev *evidence) ruled(pos, a, b int, vertical bool) bool {
	tol := ev.tol
	at := func(m *imgproc.Bin, t, d int) bool {
		if vertical {
			return m.At(pos+d, t)
		}
		return m.At(t, pos+d)
	}
	// The line mask, leaving out the ends where the crossing lines are.
	if a2, b2 := a+tol, b-tol; b2 <= a2 {
		return true
	} else {
		hit := 0
		for t := a2; t < b2; t++ {
			for d := -tol; d <= tol; d++ {
				if at(ev.lines, t, d) {
					hit++
					break
				}
			}
		}
		if hit*10 >= (b2-a2)*6 {
			return true
		}
	}
	k := 0
	if vertical {
		k = 1
	}
	if ev.faint[k] == nil {
		ev.faint[k] = imgproc.Threshold(imgproc.Smooth(ev.g, ev.radius, vertical), faintDarker)
	}
	// A faint line, within a few pixels of where the rest of it runs.
	const near = 2
	best := 0
	for d := -near; d <= near; d++ {
		hit := 0
		for t := a; t <= b; t++ {
			for e := d - 1; e <= d+1; e++ {
				if at(ev.faint[k], t, e) {
					hit++
					break
				}
			}
		}
		best = max(best, hit)
	}
	return best*20 >= (b-a+1)*19
}

// crossesText reports whether the line at pos from a to b runs through
// characters rather than between cells: ink touches it on both sides at
// the same place along it, as where a label centred in a merged cell is
// drawn over with the line of the grid below it. Text in a cell is padded
// away from the lines that bound it.
func (ev *evidence) crossesText(bin *imgproc.Bin, pos, a, b int, vertical bool) bool {
	at := func(m *imgproc.Bin, t, d int) bool {
		if vertical {
			return m.At(pos+d, t)
		}
		return m.At(t, pos+d)
	}
	// The line's blurred edge is ink beyond its mask: a stroke reaches
	// further.
	off := max(2, ev.tol/3)
	// ink reports a stroke beyond the line's edge, going in direction dir.
	ink := func(t, dir int) bool {
		d := 0
		for d*dir < ev.tol && at(ev.lines, t, d) {
			d += dir
		}
		d += off * dir
		return at(bin, t, d) && at(bin, t, d+dir) && !at(ev.lines, t, d)
	}
	n := 0
	for t := a + ev.tol; t < b-ev.tol; t++ {
		if ink(t, -1) && ink(t, 1) {
			n++
		}
	}
	return n >= max(3, ev.tol/2)
}
