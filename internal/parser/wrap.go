package parser

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/nianbao/nianbao/internal/number"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/textnorm"
)

// Text laid out in columns (pdftotext -layout, positioned web pages) prints
// a table row whose label wraps as several lines: the values stand on one of
// them (the label's first, middle or last line, as the cell centres its
// text), and the label's other lines stand alone above and below. joinWrapped
// makes each such row one line again, by geometry alone:
//
//   - a value line is a placed line with a number; the lines between two
//     value lines are the end of the first row's label and the start of the
//     next's, parted where a list number (2. （三）) starts the next label,
//     taken at the rightmost column such a number stands in, since group
//     labels (（三）不予公开) stand to the left of their rows' labels;
//   - a line joins a row only if a piece of it stands under that row's label
//     (its middle within the label's columns) and all of it stands left of
//     the values; pieces left of the label are the group's, and make a cell
//     before the label;
//   - a line naming the report (…年度报告) joins no row;
//   - nothing is joined where no list number or label anchors it: those
//     lines stay as they are, and a row left without its label has its
//     values go unread, null with a finding, rather than guessed.

// piece is a run of text in a placed line, between single spaces.
type piece struct {
	text     string
	col, end int
	numbered bool // starts with a list number
	heading  bool // a section's heading, which no label continues into
}

func (p piece) mid() int { return (p.col + p.end) / 2 }

// pieces splits a placed line's text cells into pieces; it stops at the
// first value, returning the values' first column (or -1 when none).
func (p *Parser) pieces(l *line, out []piece) ([]piece, int) {
	for _, c := range l.cells {
		if c.val.Class == number.Number || c.val.Class == number.Null {
			return out, c.col
		}
		col, pending, pendingCol := c.col, "", 0
		// A list number's mark set off by a space (4 、) is the number's.
		raw := strings.ReplaceAll(c.raw, " 、", "、")
		for tok := range strings.SplitSeq(raw, " ") {
			w := textWidth(tok)
			if tok == "" {
				col++
				continue
			}
			f := p.norm.Fold(tok)
			numbered := textnorm.HasListNumber(f)
			if pending != "" {
				// A list number set off by a space belongs to the text after it.
				tok, f, numbered = pending+tok, p.norm.Fold(pending+tok), true
				w += col - pendingCol
				col, pending = pendingCol, ""
			} else if numbered && textnorm.StripListNumber(f) == f {
				pending, pendingCol = tok, col
				col += w + 1
				continue
			}
			out = append(out, piece{text: tok, col: col, end: col + w, numbered: numbered, heading: numbered && isHeading(f)})
			col += w + 1
		}
		if pending != "" {
			out = append(out, piece{text: pending, col: pendingCol, end: col - 1, numbered: true})
		}
	}
	return out, -1
}

// wrapRow is one value line and the lines joined to it.
type wrapRow struct {
	at             int // the value line
	prefix, suffix []int
	anchor         piece // the label's piece that places the others
	hasAnchor      bool
	valueCol       int
}

// joinWrapped rejoins the wrapped rows of runs of placed lines; other lines
// pass unchanged. Joined lines' cells are allocated anew.
func (p *Parser) joinWrapped(lines []line) []line {
	out := lines[:0:0]
	for i := 0; i < len(lines); {
		if !lines[i].placed || lines[i].prose {
			out = append(out, lines[i])
			i++
			continue
		}
		j := i
		for j < len(lines) && lines[j].placed && !lines[j].prose {
			j++
		}
		out = append(out, p.joinRun(lines[i:j])...)
		i = j
	}
	return out
}

// joinRun rejoins one run of placed lines.
func (p *Parser) joinRun(run []line) []line {
	// Values' pieces are put together in the count the values stand in
	// columns by; labels are joined in display columns.
	chars := charsAlign(run)
	recount(run, chars)
	run = p.stackValues(p.joinTotals(run))
	recount(run, false)
	pcs := make([][]piece, len(run))
	valueCol := make([]int, len(run))
	var values []int
	for k := range run {
		pcs[k], valueCol[k] = p.pieces(&run[k], nil)
		if valueCol[k] >= 0 {
			values = append(values, k)
		} else if slices.ContainsFunc(run[k].cells, func(c cell) bool { return strings.Contains(c.folded, template.TitleMark) }) {
			// A line that names the report (its title, broken after the
			// year) is no part of a label: without pieces it joins none.
			pcs[k] = nil
		}
	}
	if len(values) == 0 {
		return run
	}
	rows := make([]wrapRow, len(values))
	for n, v := range values {
		r := &rows[n]
		r.at, r.valueCol = v, valueCol[v]
		if a, ok := rightmostNumbered(pcs[v]); ok {
			r.anchor, r.hasAnchor = a, true
		} else if len(pcs[v]) > 0 {
			r.anchor, r.hasAnchor = labelOf(pcs[v]), true
		}
	}
	taken := make([]bool, len(run))
	for n := range rows {
		r := &rows[n]
		from := 0
		if n > 0 {
			from = rows[n-1].at + 1
		}
		// The lines above: the next label starts at the numbered piece
		// standing furthest right; above it, the previous row's end.
		start, startCol := -1, -1
		for k := from; k < r.at; k++ {
			if a, ok := rightmostNumbered(pcs[k]); ok && a.col > startCol && inLabelArea(pcs[k], r.valueCol) {
				start, startCol = k, a.col
			}
		}
		if n > 0 {
			prev := &rows[n-1]
			end := r.at
			if start >= 0 {
				end = start
			}
			for k := from; k < end && prev.hasAnchor; k++ {
				if startsLabel(pcs[k], prev.anchor) || !under(pcs[k], prev.anchor, prev.valueCol) {
					break
				}
				prev.suffix = append(prev.suffix, k)
				taken[k] = true
			}
		}
		// A numbered piece on the value line left of the one above is a
		// group's label (（三）不予公开), not the row's.
		if own, ok := rightmostNumbered(pcs[r.at]); start >= 0 && (!ok || own.col+2 < startCol) {
			anchor, _ := rightmostNumbered(pcs[start])
			ok := true
			for k := start + 1; k < r.at && ok; k++ {
				ok = under(pcs[k], anchor, r.valueCol)
			}
			if ok {
				for k := start; k < r.at; k++ {
					r.prefix = append(r.prefix, k)
					taken[k] = true
				}
				r.anchor, r.hasAnchor = anchor, true
			}
		}
	}
	// After the last row, its label's last lines, up to a new label.
	last := &rows[len(rows)-1]
	for k := last.at + 1; k < len(run) && k <= last.at+3 && last.hasAnchor; k++ {
		if startsLabel(pcs[k], last.anchor) || !under(pcs[k], last.anchor, last.valueCol) {
			break
		}
		last.suffix = append(last.suffix, k)
		taken[k] = true
	}
	out := make([]line, 0, len(run))
	n := 0
	for k := range run {
		switch {
		case n < len(rows) && rows[n].at == k:
			r := &rows[n]
			if len(r.prefix)+len(r.suffix) == 0 {
				out = append(out, run[k])
			} else {
				out = append(out, p.joinRow(run, pcs, r))
			}
			n++
		case !taken[k]:
			out = append(out, run[k])
		}
	}
	return out
}

// joinRow makes one line of a row: a group cell of the pieces left of its
// label, the label's pieces in line order, then the values.
func (p *Parser) joinRow(run []line, pcs [][]piece, r *wrapRow) line {
	var group, label strings.Builder
	add := func(k int) {
		for _, pc := range pcs[k] {
			if pc.mid() < r.anchor.col {
				group.WriteString(pc.text)
			} else {
				label.WriteString(pc.text)
			}
		}
	}
	for _, k := range r.prefix {
		add(k)
	}
	add(r.at)
	for _, k := range r.suffix {
		add(k)
	}
	v := &run[r.at]
	cells := make([]cell, 0, len(v.cells)+2)
	if group.Len() > 0 {
		cells = append(cells, p.newCell(group.String(), 0))
	}
	cells = append(cells, p.newCell(label.String(), 0))
	for _, c := range v.cells {
		if c.val.Class == number.Text && c.col < r.valueCol {
			continue
		}
		cells = append(cells, c)
	}
	return line{cells: cells, placed: true, text: v.text}
}

// rightmostNumbered returns the piece with a list number standing furthest
// right.
func rightmostNumbered(pcs []piece) (piece, bool) {
	best, ok := piece{}, false
	for _, pc := range pcs {
		if pc.numbered && (!ok || pc.col > best.col) {
			best, ok = pc, true
		}
	}
	return best, ok
}

// startsLabel reports whether a line holds a list number where a row's
// label stands, at or right of the label at anchor: the start of another
// row's label or a heading, where the label at anchor ends. A number left
// of it is a group's.
func startsLabel(pcs []piece, anchor piece) bool {
	a, ok := rightmostNumbered(pcs)
	return ok && (a.col+2 >= anchor.col || a.heading)
}

// isHeading reports a folded, numbered text that names a section.
func isHeading(f string) bool {
	if utf8.RuneCountInString(f) > headingRunes {
		return false
	}
	for _, sec := range template.Sections() {
		if containsAny(f, sec.Match) {
			return true
		}
	}
	return false
}

// labelOf returns the piece of a value line nearest its values: its label.
func labelOf(pcs []piece) piece {
	return pcs[len(pcs)-1]
}

// inLabelArea reports whether a line's pieces all start left of the values
// (a label squeezed into its cell by the layout may reach past the first).
func inLabelArea(pcs []piece, valueCol int) bool {
	if len(pcs) == 0 {
		return false
	}
	for _, pc := range pcs {
		if valueCol >= 0 && pc.col >= valueCol {
			return false
		}
	}
	return true
}

// under reports whether a label-only line continues the row whose label
// stands at anchor: it stands left of the values, and its pieces stand
// under the label (their middle or start within its columns) or left of
// it, in the group's column.
func under(pcs []piece, anchor piece, valueCol int) bool {
	if !inLabelArea(pcs, valueCol) {
		return false
	}
	for _, pc := range pcs {
		// Its middle under the label, or its start: a line squeezed
		// beside values moves the label's first line left.
		if pc.mid() > anchor.end && pc.col >= anchor.end {
			return false
		}
	}
	return true
}

// joinTotals rejoins a row's total printed broken over the lines above and
// below the row's values (a narrow last column: １５ / ４１ １４ … ４３ / ５).
// Where the pieces stand says nothing sure, as the layout squeezes them
// under the values; so the joined number is taken as the row's last value
// only where it is the sum of the row's values, as a total is.
func (p *Parser) joinTotals(run []line) []line {
	drop := make([]bool, len(run))
	// lone returns a line's last cell where it is its only number: a lone
	// piece of a total, alone or beside a label's line.
	lone := func(k int) (cell, bool) {
		if k < 0 || k >= len(run) || len(run[k].cells) == 0 {
			return cell{}, false
		}
		cells := run[k].cells
		for _, c := range cells[:len(cells)-1] {
			if c.val.Class != number.Text {
				return cell{}, false
			}
		}
		c := cells[len(cells)-1]
		// A piece cut inside a number (1,58 / 8) does not read as one.
		return c, c.val.Class == number.Number && c.val.Note == "" || c.val.Class == number.Text && numeric(c.raw)
	}
	// take removes the total's piece from line k: the line goes, or keeps
	// its label.
	take := func(k int) {
		if len(run[k].cells) == 1 {
			drop[k] = true
			return
		}
		run[k].cells = run[k].cells[:len(run[k].cells)-1]
	}
	for k := range run {
		sum, n := 0.0, 0
		for _, c := range run[k].cells {
			if c.val.Class == number.Number {
				sum += c.val.Num
				n++
			}
		}
		if n < 2 || drop[k] {
			continue
		}
		// A piece beside a label (the row above's own value, perhaps) is
		// taken only where it stands at or right of this row's last value.
		last := run[k].cells[len(run[k].cells)-1].col
		beside := func(j int, c cell) bool { return len(run[j].cells) == 1 || c.col+2 >= last }
		above, okA := lone(k - 1)
		below, okB := lone(k + 1)
		// Both halves, above and below, are taken wherever they stand in
		// the values' columns: a squeezed line moves them left.
		both := okA && okB && above.col >= run[k].cells[0].end && below.col >= run[k].cells[0].end
		okA = okA && (both || beside(k-1, above))
		okB = okB && (both || beside(k+1, below))
		okA = okA && !drop[k-1]
		if !okA && !okB {
			continue
		}
		var text string
		if okA {
			text = above.raw
		}
		if okB {
			text += below.raw
		}
		total := p.newCell(text, 0)
		if total.val.Class != number.Number || total.val.Num != sum || sum == 0 {
			continue
		}
		total.col, total.end = max(above.col, below.col), max(above.end, below.end)
		cells := append(append(make([]cell, 0, len(run[k].cells)+1), run[k].cells...), total)
		run[k].cells = cells
		if okA {
			take(k - 1)
		}
		if okB {
			take(k + 1)
		}
	}
	out := run[:0:0]
	for k := range run {
		if !drop[k] {
			out = append(out, run[k])
		}
	}
	return out
}
