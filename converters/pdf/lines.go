package pdf

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// textLine is one line of text on a page: glyphs on one baseline, left to
// right, cut into runs where a wide gap parts them (columns of a table
// printed without rules).
type textLine struct {
	box  rect
	size float64
	runs []run
	// margin marks a line in the page's top or bottom margin: a header, a
	// footer or a page number when it repeats or reads as one.
	margin bool
}

// run is a stretch of a line without a wide gap.
type run struct {
	text string
	box  rect
}

func (l *textLine) text() string {
	if len(l.runs) == 1 {
		return l.runs[0].text
	}
	var b strings.Builder
	for i, r := range l.runs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(r.text)
	}
	return b.String()
}

// Line building, as fractions of the font size.
const (
	// sameLine is how far two glyphs' centres may be apart vertically and
	// still sit on one line.
	sameLine = 0.4
	// spaceGap is the gap between glyphs read as a space.
	spaceGap = 0.25
	// runGap is the gap that parts runs: far wider than any space or
	// justified stretch in running text.
	runGap = 1.8
)

// buildLines groups glyphs into lines, top to bottom. Glyphs set one under
// the other (vertical writing, or text turned a quarter) make a line of
// their own each, in the order they read, so a label set one character a
// line in a tall cell reads down (or up) as written.
func buildLines(glyphs []glyph) []textLine {
	if len(glyphs) == 0 {
		return nil
	}
	var gs, vert []glyph
	for _, g := range glyphs {
		if g.vertical {
			vert = append(vert, g)
		} else {
			gs = append(gs, g)
		}
	}
	byY := func(a, b glyph) int { return cmp.Compare(a.box.cy(), b.box.cy()) }
	slices.SortStableFunc(gs, byY)
	var lines []textLine
	var cur []glyph
	var cy, size float64
	flush := func() {
		if len(cur) > 0 {
			lines = append(lines, makeLine(cur))
			cur = cur[:0]
		}
	}
	for _, g := range gs {
		if len(cur) > 0 && g.box.cy()-cy <= sameLine*max(size, g.size) {
			cur = append(cur, g)
			// The line's centre follows its glyphs, weighted to the first.
			cy = (cy*float64(len(cur)-1) + g.box.cy()) / float64(len(cur))
			size = max(size, g.size)
			continue
		}
		flush()
		cur = append(cur, g)
		cy, size = g.box.cy(), g.size
	}
	flush()
	if len(vert) == 0 {
		return lines
	}
	// Vertical glyphs: their columns, each read along its direction, placed
	// among the lines by their top.
	slices.SortStableFunc(vert, byY)
	var cols [][]glyph
	for _, g := range vert {
		placed := false
		for k, c := range cols {
			if abs(c[0].box.cx()-g.box.cx()) < 0.5*g.size && c[0].up == g.up {
				cols[k] = append(c, g)
				placed = true
				break
			}
		}
		if !placed {
			cols = append(cols, []glyph{g})
		}
	}
	for _, c := range cols {
		if c[0].up {
			slices.Reverse(c)
		}
		for _, g := range c {
			lines = append(lines, textLine{box: g.box, size: g.size, runs: []run{{text: g.text, box: g.box}}})
		}
	}
	// A stable sort by top would undo an upward column's order: insert
	// each column whole where its top falls instead.
	return orderColumns(lines, len(lines)-len(vert))
}

// orderColumns moves the vertical lines (from index h on, column by column)
// among the horizontal lines before them, each column kept whole and in
// order, at the place of its topmost glyph.
func orderColumns(lines []textLine, h int) []textLine {
	out := slices.Clone(lines[:h])
	for i := h; i < len(lines); {
		j := i + 1
		for j < len(lines) && abs(lines[j].box.cx()-lines[i].box.cx()) < 0.5*lines[i].size {
			j++
		}
		top := lines[i].box.y0
		for _, l := range lines[i:j] {
			top = min(top, l.box.y0)
		}
		at := len(out)
		for k := range out {
			if out[k].box.y0 > top {
				at = k
				break
			}
		}
		out = slices.Insert(out, at, lines[i:j]...)
		i = j
	}
	return out
}

// makeLine orders a line's glyphs left to right, drops overprinted copies
// (a bold face faked by printing twice) and cuts it into runs.
func makeLine(gs []glyph) textLine {
	slices.SortStableFunc(gs, func(a, b glyph) int { return cmp.Compare(a.box.x0, b.box.x0) })
	l := textLine{box: gs[0].box}
	for _, g := range gs {
		l.size = max(l.size, g.size)
	}
	var b strings.Builder
	var rb rect
	var prev *glyph
	for i := range gs {
		g := &gs[i]
		if prev != nil && g.text == prev.text && g.box.x0-prev.box.x0 < 0.3*g.size && g.box.cy()-prev.box.cy() < 0.3*g.size {
			continue
		}
		if prev != nil {
			gap := g.box.x0 - prev.box.x1
			if gap > runGap*max(g.size, prev.size) {
				l.runs = append(l.runs, run{text: b.String(), box: rb})
				b.Reset()
				prev = nil
			} else if gap > spaceGap*max(g.size, prev.size) && needsSpace(prev.text, g.text) {
				b.WriteByte(' ')
			}
		}
		if prev == nil {
			rb = g.box
		} else {
			rb = rb.union(g.box)
		}
		b.WriteString(g.text)
		l.box = l.box.union(g.box)
		prev = g
	}
	if b.Len() > 0 {
		l.runs = append(l.runs, run{text: b.String(), box: rb})
	}
	return l
}

// needsSpace tells whether a gap between two glyphs is a space: not between
// Han characters or CJK punctuation, whose gaps are justification.
func needsSpace(a, b string) bool {
	ra, _ := utf8.DecodeLastRuneInString(a)
	rb, _ := utf8.DecodeRuneInString(b)
	return !(wide(ra) && wide(rb))
}

func wide(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// joinText joins two pieces of a reflowed line: with a space only between
// words of a script that spaces its words.
func joinText(a, b string) string {
	ra, _ := utf8.DecodeLastRuneInString(a)
	rb, _ := utf8.DecodeRuneInString(b)
	if wide(ra) || wide(rb) {
		return a + b
	}
	return a + " " + b
}
