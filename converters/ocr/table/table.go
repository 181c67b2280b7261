// Package table finds ruled tables in a binarized, deskewed page image: it
// detects the ruling lines, builds each table's grid, merges the cells no
// line divides, and returns every cell's box. It reads no text.
package table

import (
	"encoding/binary"
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
// makes of a thin tilted line fade), binarized as text is or, for thin
// faint lines, against the paper beside them; a gap a line's run does
// not bridge, such as a stretch of faint line in a low-resolution scan,
// is checked between two crossing lines against a lenient threshold
// instead (see ruled).
const (
	faintDarker = 0.12 // Threshold's fraction for a faint stretch of line
	ridgeDarker = 15   // percent darker than the paper beside it a faint line is
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
	// Thin lines too faint for that binarization are found as ridges (see
	// ridges), taken only from a longer run: the strokes of characters and
	// their blur make ridges too, but short ones. near to far is the paper
	// beside a thin line blurred at 200 dpi and upscaled.
	near := max(3, side/600)
	far := near + max(2, side/800)
	minFaint := side / 14
	// The page smoothed along each direction in turn, its binarized ink
	// and ridges in turn, and the mask of its lines along it, in the same
	// three images: the page's images are large, and made anew each
	// would be cleared anew.
	sm, ink, mask := image.NewGray(image.Rect(0, 0, b.W, b.H)), imgproc.NewBin(b.W, b.H), imgproc.NewBin(b.W, b.H)
	fresh := true // the mask as made, clear
	along := func(vertical bool, minLen int) ([]segment, []imgproc.Run) {
		if !fresh {
			clear(mask.Pix)
		}
		fresh = false
		imgproc.SmoothInto(sm, g, radius, vertical)
		imgproc.BinarizeInto(ink, sm)
		runs(mask, ink, minLen, gap, vertical)
		ridges(ink, sm, near, far, vertical)
		runs(mask, ink, minFaint, gap, vertical)
		return segments(mask, vertical)
	}
	hs, hruns := along(false, minH)
	vs, vruns := along(true, minV)
	tol := max(4, side/250)
	// The horizontal strokes of a line of characters, bridged from one
	// character to the next, make runs as long as a short line: a run is
	// taken for a ruling line when it is long or meets a long line, which
	// text, padded inside its cell, does not.
	long := side / 8
	hs0 := hs
	hs, hkeep := ruling(hs, vs, long, tol)
	vs, vkeep := ruling(vs, hs0, long, tol)
	lines := ink
	clear(lines.Pix)
	mark(lines, hruns, hkeep)
	mark(lines, vruns, vkeep)
	// Thin lines that a black-and-white scan at low resolution dropped,
	// but for the dots left where two of them cross (darker there), are
	// drawn from dot to dot: into the mask the grid is checked against,
	// while the dots alone join the lines cleared before text is read.
	// Dots line up more closely than lines are taken to cross.
	dtol := max(4, side/400)
	ds := lattice(dots(b, lines, side), hs, vs, dtol)
	dh := dotted(ds, hs, vs, dtol, false)
	dv := dotted(ds, vs, hs, dtol, true)
	marked := lines
	if len(dh)+len(dv) > 0 {
		marked = &imgproc.Bin{W: lines.W, H: lines.H, Pix: slices.Clone(lines.Pix)}
		for _, d := range ds {
			for y := d.box.Min.Y; y < d.box.Max.Y; y++ {
				for x := d.box.Min.X; x < d.box.Max.X; x++ {
					lines.Pix[y*b.W+x] |= b.Pix[y*b.W+x]
				}
			}
		}
		for _, s := range dh {
			for x := s.a; x <= s.b; x++ {
				marked.Pix[s.pos*b.W+x] = 1
			}
		}
		for _, s := range dv {
			for y := s.a; y <= s.b; y++ {
				marked.Pix[y*b.W+s.pos] = 1
			}
		}
		hs = append(hs, dh...)
		vs = append(vs, dv...)
		slices.SortFunc(hs, bySegment)
		slices.SortFunc(vs, bySegment)
	}
	p := &Page{Lines: lines}
	ev := &evidence{g: g, radius: max(2, side/600), lines: marked, tol: tol, smooth: sm, spare: mask}
	for _, gr := range groups(hs, vs, tol) {
		if t, ok := build(b, ev, gr.h, gr.v, tol); ok {
			p.Tables = append(p.Tables, t)
		}
	}
	sort.Slice(p.Tables, func(i, j int) bool { return p.Tables[i].Box.Min.Y < p.Tables[j].Box.Min.Y })
	return p
}

// ridges sets in out, of s's size, the pixels of s, a page averaged along
// one axis, darker by ridgeDarker than the paper on both sides of them
// across, near to far pixels away (and clears the rest): thin lines along
// that axis, however faint. Text is
// binarized against a local mean, which dense text nearby lowers so far
// that a thin gray line between lines of characters falls short of it;
// the paper beside the line does not.
func ridges(out *imgproc.Bin, s *image.Gray, near, far int, vertical bool) {
	w, h := s.Rect.Dx(), s.Rect.Dy()
	// Lines across within far of the edge have no paper on one side.
	y0, y1, x0, x1 := far, h-far, 0, w
	if vertical {
		y0, y1, x0, x1 = 0, h, far, w-far
	}
	if y0 >= y1 || x0 >= x1 {
		clear(out.Pix)
		return
	}
	// Every pixel is written, those near the edge cleared.
	clear(out.Pix[:y0*w])
	clear(out.Pix[y1*w:])
	// The paper beside a pixel lies step apart in s.Pix, near to far
	// steps before and after it.
	step := s.Stride
	if vertical {
		step = 1
	}
	pix := s.Pix
	for y := y0; y < y1; y++ {
		orow, i := out.Pix[y*w:y*w+w], y*s.Stride
		clear(orow[:x0])
		clear(orow[x1:])
		x := x0
		for ; x+8 <= x1; x += 8 {
			binary.LittleEndian.PutUint64(orow[x:], ridge8(pix, i+x, step, near, far))
		}
		for ; x < x1; x++ {
			var lo, hi uint8
			for d := near; d <= far; d++ {
				lo, hi = max(lo, pix[i+x-d*step]), max(hi, pix[i+x+d*step])
			}
			orow[x] = 0
			if int(pix[i+x])*100 < int(min(lo, hi))*(100-ridgeDarker) {
				orow[x] = 1
			}
		}
	}
}

// Eight pixels of a page are looked at together, as the bytes of a word,
// in 16-bit lanes (even bytes, then odd ones) that hold a pixel times 100
// below bit 15.
const (
	lanes = 0x00FF00FF00FF00FF // the low byte of each lane
	ones  = 0x0001000100010001 // 1 in each lane
	bit8  = ones << 8          // bit 8 of each lane, above its byte
	bit15 = ones << 15
)

// ridge8 returns 1 in each byte of the word of pix at i that is a ridge
// pixel (see ridges), else 0: the paper beside it step apart.
func ridge8(pix []uint8, i, step, near, far int) uint64 {
	le := binary.LittleEndian
	v := le.Uint64(pix[i:])
	ve, vo := v&lanes, v>>8&lanes
	// Lighter than any ridge pixel can be, as most of a page is: v*100
	// at least 255*keep.
	const lightest = 255 * (100 - ridgeDarker) / 100
	const paper = (lightest + 1) * ones
	if ((ve|bit8)-paper)&bit8 == bit8 && ((vo|bit8)-paper)&bit8 == bit8 {
		return 0
	}
	var loE, loO, hiE, hiO uint64
	for d := near; d <= far; d++ {
		a, b := le.Uint64(pix[i-d*step:]), le.Uint64(pix[i+d*step:])
		loE, loO = max16(loE, a&lanes), max16(loO, a>>8&lanes)
		hiE, hiO = max16(hiE, b&lanes), max16(hiO, b>>8&lanes)
	}
	return darker(ve, min16(loE, hiE)) | darker(vo, min16(loO, hiO))<<8
}

// darker returns 1 in each lane where v*100 < m*(100-ridgeDarker), else
// 0: bit 15 of 2^15 + m*keep - (v*100 + 1), no lane borrowing.
func darker(v, m uint64) uint64 {
	return ((m*(100-ridgeDarker) | bit15) - (v*100 + ones)) >> 15 & ones
}

// max16 and min16 return the larger and the smaller of each lane of a
// and b, bytes: bit 8 of a lane of 256+a-b is set exactly when a >= b.
func max16(a, b uint64) uint64 { return b ^ (a^b)&geMask(a, b) }
func min16(a, b uint64) uint64 { return a ^ (a^b)&geMask(a, b) }

// geMask returns 0xFF in each lane where a >= b, else 0.
func geMask(a, b uint64) uint64 {
	ge := ((a | bit8) - b) & bit8
	return ge - ge>>8
}

// runs marks in out the pixels of b in straight runs of ink at least min long,
// across rows (or down columns when vertical), bridging gaps of up to gap
// pixels that noise or JPEG blocks leave in a printed line. A pixel counts
// as ink when it or a neighbour across the run is: a thin line that a
// rotation left wavering from one row (column) to the next stays whole.
// The page is read row by row, the runs down columns followed side by
// side, as reading down each column in turn is several times slower; the
// blank stretches of a row are skipped eight pixels at a time.
func runs(out, b *imgproc.Bin, minLen, gap int, vertical bool) {
	w, h := b.W, b.H
	if w == 0 {
		return
	}
	ink := make([]uint8, w) // a row's ink with its neighbours across
	if !vertical {
		for y := 0; y < h; y++ {
			row, orow := b.Pix[y*w:(y+1)*w], out.Pix[y*w:(y+1)*w]
			above, below := row, row // beyond the edges, the row itself
			if y > 0 {
				above = b.Pix[(y-1)*w : y*w]
			}
			if y+1 < h {
				below = b.Pix[(y+1)*w : (y+2)*w]
			}
			or3(ink, above, row, below)
			// flush marks the run from start to last, if long.
			start, last := -1, -1
			flush := func() {
				if start >= 0 && last-start+1 >= minLen {
					imgproc.Or(orow[start:last+1], row[start:last+1])
				}
			}
			// Stretch by stretch of ink, which a run takes whole.
			for x := imgproc.NextInk(ink, 0); x < w; x = imgproc.NextInk(ink, last+1) {
				if start < 0 || x-last > gap+1 {
					flush()
					start = x
				}
				last = nextPaper(ink, x) - 1
			}
			flush()
		}
		return
	}
	// The run being followed in each column, from start to last; -1 for
	// none.
	start, last := make([]int, w), make([]int, w)
	for k := range start {
		start[k], last[k] = -1, -1
	}
	// flush marks the run of column k, if long.
	flush := func(k int) {
		if start[k] < 0 || last[k]-start[k]+1 < minLen {
			return
		}
		for j := start[k]; j <= last[k]; j++ {
			out.Pix[j*w+k] |= b.Pix[j*w+k]
		}
	}
	for y := 0; y < h; y++ {
		row := b.Pix[y*w : (y+1)*w]
		ink[0], ink[w-1] = row[0]|row[min(1, w-1)], row[max(0, w-2)]|row[w-1]
		if w > 2 {
			or3(ink[1:w-1], row[:w-2], row[1:w-1], row[2:])
		}
		// Stretch by stretch of ink, each pixel's column in turn.
		for x := imgproc.NextInk(ink, 0); x < w; x = imgproc.NextInk(ink, x) {
			for e := nextPaper(ink, x); x < e; x++ {
				if start[x] < 0 || y-last[x] > gap+1 {
					flush(x)
					start[x] = y
				}
				last[x] = y
			}
		}
	}
	for k := range start {
		flush(k)
	}
}

// or3 sets each byte of dst to that of a, b and c ORed, eight bytes at a
// time: ink gathered from neighbours.
func or3(dst, a, b, c []uint8) {
	a, b, c = a[:len(dst)], b[:len(dst)], c[:len(dst)]
	le := binary.LittleEndian
	i := 0
	for ; i+8 <= len(dst); i += 8 {
		le.PutUint64(dst[i:], le.Uint64(a[i:])|le.Uint64(b[i:])|le.Uint64(c[i:]))
	}
	for ; i < len(dst); i++ {
		dst[i] = a[i] | b[i] | c[i]
	}
}

// nextPaper returns the index of the first zero byte of row from x on, or
// len(row), passing over eight ink pixels (ones) at a time.
func nextPaper(row []uint8, x int) int {
	for ; x+8 <= len(row) && binary.LittleEndian.Uint64(row[x:]) == 0x0101010101010101; x += 8 {
	}
	for ; x < len(row) && row[x] != 0; x++ {
	}
	return x
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
// and returns the mask's runs, whose labels the segments are known by.
func segments(mask *imgproc.Bin, vertical bool) ([]segment, []imgproc.Run) {
	runs, n := imgproc.Runs(mask)
	type acc struct {
		minA, maxA int
		sumP, n    int
	}
	accs := make([]*acc, n)
	for _, r := range runs {
		x0, x1, y, k := int(r.X0), int(r.X1), int(r.Y), int(r.X1-r.X0)
		// Along and across the line: a run lies along a horizontal line
		// and across a vertical one.
		a0, a1, sumP := x0, x1-1, y*k
		if vertical {
			a0, a1, sumP = y, y, (x0+x1-1)*k/2
		}
		s := accs[r.L]
		if s == nil {
			s = &acc{minA: a0, maxA: a1}
			accs[r.L] = s
		}
		s.minA, s.maxA = min(s.minA, a0), max(s.maxA, a1)
		s.sumP += sumP
		s.n += k
	}
	out := make([]segment, 0, len(accs))
	for l, s := range accs {
		if s == nil {
			continue
		}
		length := s.maxA - s.minA + 1
		out = append(out, segment{pos: s.sumP / s.n, a: s.minA, b: s.maxA, thick: max(1, s.n/length), label: int32(l)})
	}
	slices.SortFunc(out, bySegment)
	return out, runs
}

// mark sets in b the pixels of the runs whose labels are kept.
func mark(b *imgproc.Bin, runs []imgproc.Run, keep []bool) {
	for _, r := range runs {
		if keep[r.L] {
			row := b.Pix[int(r.Y)*b.W:]
			for x := r.X0; x < r.X1; x++ {
				row[x] = 1
			}
		}
	}
}

func bySegment(s, t segment) int {
	if s.pos != t.pos {
		return s.pos - t.pos
	}
	return s.a - t.a
}

// dot is a speck of ink, at the centre of box.
type dot struct {
	x, y int
	box  image.Rectangle
}

// dots returns the specks of b that may be crossings of lost lines:
// small, roundish, and with no ink around them but ruling lines and
// crumbs (what else is left of a lost line). Specks in text sit close to
// characters (a decimal point, a broken stroke) and are not alone.
func dots(b, lines *imgproc.Bin, side int) []dot {
	minDot, maxDot := max(3, side/800), max(8, side/160)
	iso := max(4, side/300)
	runs, pieces := imgproc.Components(b)
	// first[y] is the index of row y's first run: runs go row by row.
	first := make([]int, b.H+1)
	for y, k := 0, 0; y <= b.H; y++ {
		for k < len(runs) && int(runs[k].Y) < y {
			k++
		}
		first[y] = k
	}
	var out []dot
	for l, c := range pieces {
		w, h := c.Box.Dx(), c.Box.Dy()
		if l == 0 || w < minDot || h < minDot || w > maxDot || h > maxDot || c.Area*3 < w*h || c.Area < 2*minDot {
			continue
		}
		box := c.Box
		r := box.Inset(-iso).Intersect(image.Rect(0, 0, b.W, b.H))
		// Alone: no pixel around it of another piece, not a speck, off
		// the ruling lines.
		alone := true
		for y := r.Min.Y; y < r.Max.Y && alone; y++ {
			row := lines.Pix[y*b.W : (y+1)*b.W]
			for _, run := range runs[first[y]:first[y+1]] {
				x0, x1 := max(int(run.X0), r.Min.X), min(int(run.X1), r.Max.X)
				if x0 >= x1 || run.L == int32(l) || pieces[run.L].Area < 2*minDot {
					continue
				}
				if slices.Contains(row[x0:x1], 0) {
					alone = false
					break
				}
			}
		}
		if alone {
			out = append(out, dot{x: (box.Min.X + box.Max.X) / 2, y: (box.Min.Y + box.Max.Y) / 2, box: box})
		}
	}
	return out
}

// covers reports whether segment s runs through the point at along a and
// across p (its own axis), within tol.
func covers(s segment, along, across, tol int) bool {
	return s.pos >= across-tol && s.pos <= across+tol && along >= s.a-tol && along <= s.b+tol
}

// lattice keeps the dots that lie on a grid, in line both across and down
// with a ruling line or other dots, in one direction at least with a solid
// line or two more dots. Stray specks of noise seldom line up so.
func lattice(ds []dot, hs, vs []segment, tol int) []dot {
	// Where a lost line crosses a solid one no dot shows, the crossing
	// being part of the solid line: a speck beside a solid line, away
	// from its ends, is noise.
	ds = slices.DeleteFunc(slices.Clone(ds), func(d dot) bool {
		inside := func(s segment, along, across int) bool {
			return abs(s.pos-across) <= tol && along > s.a+tol && along < s.b-tol
		}
		return slices.ContainsFunc(hs, func(h segment) bool { return inside(h, d.x, d.y) }) ||
			slices.ContainsFunc(vs, func(v segment) bool { return inside(v, d.y, d.x) })
	})
	for {
		var out []dot
		for i, d := range ds {
			row, col := 0, 0
			for j, e := range ds {
				if i != j && abs(e.y-d.y) <= tol && abs(e.x-d.x) > tol {
					row++
				}
				if i != j && abs(e.x-d.x) <= tol && abs(e.y-d.y) > tol {
					col++
				}
			}
			if slices.ContainsFunc(hs, func(h segment) bool { return covers(h, d.x, d.y, tol) }) {
				row += 2
			}
			if slices.ContainsFunc(vs, func(v segment) bool { return covers(v, d.y, d.x, tol) }) {
				col += 2
			}
			if row >= 1 && col >= 1 && max(row, col) >= 2 {
				out = append(out, d)
			}
		}
		if len(out) == len(ds) {
			return out
		}
		ds = out
	}
}

func abs(x int) int { return max(x, -x) }

// dotted returns the lines the dots draw, horizontal (vertical when
// vertical is set): two or more dots in line, from the first to the last,
// split where a line of dots across passes between them without a dot
// there. Where a line meets a solid line across, no dot shows, so a line
// is carried on over solid lines across as long as other lines along it
// frame the stretch on both sides (it stays within the table), up to a
// line of dots across. same are the solid lines along, cross those across.
func dotted(ds []dot, same, cross []segment, tol int, vertical bool) []segment {
	// Along a line of dots, a is the position along it and p across.
	type pt struct{ a, p int }
	pts := make([]pt, len(ds))
	for i, d := range ds {
		pts[i] = pt{d.x, d.y}
		if vertical {
			pts[i] = pt{d.y, d.x}
		}
	}
	// lines groups points by position across, into segments.
	lines := func(pts []pt, across func(pt) (int, int)) [][]pt {
		pts = slices.Clone(pts)
		slices.SortFunc(pts, func(s, t pt) int { p, _ := across(s); q, _ := across(t); return p - q })
		var out [][]pt
		for i := 0; i < len(pts); {
			j := i
			p0, _ := across(pts[i])
			for j < len(pts) {
				if p, _ := across(pts[j]); p-p0 > tol {
					break
				}
				j++
			}
			if j-i >= 2 {
				line := pts[i:j]
				slices.SortFunc(line, func(s, t pt) int { _, p := across(s); _, q := across(t); return p - q })
				out = append(out, line)
			}
			i = j
		}
		return out
	}
	span := func(line []pt, across func(pt) (int, int)) segment {
		sum := 0
		for _, q := range line {
			p, _ := across(q)
			sum += p
		}
		_, a := across(line[0])
		_, b := across(line[len(line)-1])
		return segment{pos: sum / len(line), a: a, b: b, thick: 1}
	}
	// The lines of dots across.
	var dcross []segment
	for _, l := range lines(pts, func(q pt) (int, int) { return q.a, q.p }) {
		dcross = append(dcross, span(l, func(q pt) (int, int) { return q.a, q.p }))
	}
	// The lines of dots along, split where two lines of dots across pass
	// between two dots (one dot lost is common, two seldom), or where no
	// other line along runs beside the gap between them (it leaves the
	// table: a gap between two tables).
	along := func(q pt) (int, int) { return q.p, q.a }
	dlines := lines(pts, along)
	beside := slices.Clone(same)
	for _, l := range dlines {
		beside = append(beside, span(l, along))
	}
	joined := func(p, a, b int) bool {
		missed := 0
		for _, c := range dcross {
			if c.pos > a+tol && c.pos < b-tol && covers(c, p, c.pos, tol) {
				missed++
			}
		}
		return missed < 2 && slices.ContainsFunc(beside, func(t segment) bool {
			return abs(t.pos-p) > tol && t.a <= a+tol && t.b >= b-tol
		})
	}
	var raw []segment
	for _, l := range dlines {
		k := 0
		for m := 1; m <= len(l); m++ {
			if m < len(l) && joined(l[m].p, l[m-1].a, l[m].a) {
				continue
			}
			if m-k >= 2 {
				raw = append(raw, span(l[k:m], along))
			}
			k = m
		}
	}
	// framed reports whether lines along run on both sides of pos over
	// the whole stretch from a to b.
	framed := func(pos, a, b int) bool {
		var below, above bool
		for _, list := range [][]segment{same, raw} {
			for _, t := range list {
				if t.a <= a+tol && t.b >= b-tol {
					below = below || t.pos < pos-tol
					above = above || t.pos > pos+tol
				}
			}
		}
		return below && above
	}
	// next returns the nearest line across beyond position a at pos,
	// going in direction dir, and whether it is solid.
	next := func(a, pos, dir int) (int, bool, bool) {
		best, solid, ok := 0, false, false
		try := func(c segment, isSolid bool) {
			if d := (c.pos - a) * dir; d > tol && c.a-tol <= pos && pos <= c.b+tol && (!ok || d < (best-a)*dir) {
				best, solid, ok = c.pos, isSolid, true
			}
		}
		for _, c := range cross {
			try(c, true)
		}
		for _, c := range dcross {
			try(c, false)
		}
		return best, solid, ok
	}
	var out []segment
	for _, s := range raw {
		for {
			n, solid, ok := next(s.a, s.pos, -1)
			if !ok || !solid || !framed(s.pos, n, s.a) {
				break
			}
			s.a = n
		}
		for {
			n, solid, ok := next(s.b, s.pos, 1)
			if !ok || !solid || !framed(s.pos, s.b, n) {
				break
			}
			s.b = n
		}
		if !slices.ContainsFunc(same, func(t segment) bool { return covers(t, (s.a+s.b)/2, s.pos, tol) }) {
			out = append(out, s)
		}
	}
	return out
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
				vline[r][c] = c == 0 || c == cols || ev.ruled(xs[c], ys[r], ys[r+1], true) && !ev.crossesText(b, xs[c], ys[r], ys[r+1], true) ||
					ev.broken(b, xs[c], ys[r], ys[r+1], xs[c-1], xs[c+1], true)
			}
			if c < cols {
				hline[r][c] = r == 0 || r == rows || ev.ruled(ys[r], xs[c], xs[c+1], false) && !ev.crossesText(b, ys[r], xs[c], xs[c+1], false) ||
					ev.broken(b, ys[r], xs[c], xs[c+1], ys[r-1], ys[r+1], false)
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
	// smooth holds the page averaged, while faint is made, and spare
	// the first faint made, until then: images of the page's size Find is
	// done with. The second faint is made over smooth.
	smooth *image.Gray
	spare  *imgproc.Bin
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
	// A faint line, within a few pixels of where the rest of it runs, along
	// all of it; or along nearly all with no gap wider than a crossing
	// line's tolerance: a thin line in a photo, lit unevenly and sampled
	// at an angle, fades out for a few pixels. The stretches the line mask
	// holds count too, so that a line broken into a dark piece and a faint
	// one is whole.
	n := b - a + 1
	for d := -nearLine; d <= nearLine; d++ {
		hit, widest := ev.along(pos, a, b, d, vertical)
		if hit*20 >= n*19 || hit*10 >= n*9 && widest <= tol {
			return true
		}
	}
	return false
}

// nearLine is how far, in pixels, a faint line may run from where the rest
// of it was found.
const nearLine = 2

// along returns how many points from a to b a faint line or the line mask
// covers at offset d from pos, and the widest gap between them.
func (ev *evidence) along(pos, a, b, d int, vertical bool) (hit, widest int) {
	k := 0
	if vertical {
		k = 1
	}
	if ev.faint[k] == nil {
		imgproc.SmoothInto(ev.smooth, ev.g, ev.radius, vertical)
		if ev.spare != nil {
			imgproc.ThresholdInto(ev.spare, ev.smooth, faintDarker)
			ev.faint[k], ev.spare = ev.spare, nil
		} else {
			// The second, over the page averaged, which is then spent.
			s := ev.smooth
			ev.faint[k] = &imgproc.Bin{W: s.Rect.Dx(), H: s.Rect.Dy(), Pix: s.Pix}
			imgproc.ThresholdInto(ev.faint[k], s, faintDarker)
			ev.smooth = nil
		}
	}
	at := func(m *imgproc.Bin, t, e int) bool {
		if vertical {
			return m.At(pos+e, t)
		}
		return m.At(t, pos+e)
	}
	gap := 0
	for t := a; t <= b; t++ {
		on := false
		for e := d - 1; e <= d+1 && !on; e++ {
			on = at(ev.faint[k], t, e) || at(ev.lines, t, e)
		}
		if on {
			hit, gap = hit+1, 0
		} else {
			gap++
			widest = max(widest, gap)
		}
	}
	return hit, widest
}

// broken reports whether a line runs at pos from a to b in pieces, as a
// thin line in a photo fades out in places: the ruled test fails, but the
// line shows along part of the stretch, and the ink of the cells it would
// part stands on both sides of it, lo to hi across, with no text within
// a band around it. Text in a cell no line divides runs across where the
// line would be, or leaves only the gap between two characters.
func (ev *evidence) broken(bin *imgproc.Bin, pos, a, b, lo, hi int, vertical bool) bool {
	tol := ev.tol
	a2, b2 := a+tol, b-tol
	if b2 <= a2 {
		return false
	}
	best, off := 0, 0
	for d := -nearLine; d <= nearLine; d++ {
		if hit, _ := ev.along(pos, a, b, d, vertical); hit > best {
			best, off = hit, d
		}
	}
	if best*minBroken < b-a+1 {
		return false
	}
	at := func(t, u int) bool {
		if vertical {
			return bin.At(u, t) && !ev.lines.At(u, t)
		}
		return bin.At(t, u) && !ev.lines.At(t, u)
	}
	line, band := pos+off, 2*tol
	left, right := 0, 0
	for u := lo + tol; u < hi-tol; u++ {
		if abs(u-line) <= tol/2 {
			continue // the line's own pieces
		}
		ink := 0
		for t := a2; t < b2; t++ {
			if at(t, u) {
				ink++
			}
		}
		switch {
		case ink == 0:
		case abs(u-line) <= band:
			return false
		case u < line:
			left += ink
		default:
			right += ink
		}
	}
	return left >= tol && right >= tol
}

// minBroken is the least share of its stretch, one in minBroken, a line
// broken into pieces shows along.
const minBroken = 4

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
