package parser

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/nianbao/nianbao/internal/number"
	"github.com/nianbao/nianbao/internal/template"
)

// proseRunes is the length past which a lone line is prose, not a table cell.
const proseRunes = 60

// proseLike reports whether a lone line's folded text reads as a sentence:
// long, or ending as sentences and lead-ins do.
func proseLike(f string) bool {
	if f == "" {
		return false
	}
	// A rune is at least one byte: only a longer string needs counting.
	if len(f) > proseRunes && utf8.RuneCountInString(f) > proseRunes {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(f)
	return last == '。' || last == ':' || last == ';' || last == '!'
}

// span is a range of lines, [first, last]; first < 0 when empty.
type span struct{ first, last int }

func (s *span) add(i int) {
	if s.first < 0 || i < s.first {
		s.first = i
	}
	if i > s.last {
		s.last = i
	}
}

// maxLabelCells bounds the cells read as one label: a group cell, a subgroup
// cell, the row's own and a line or two it was broken over.
const maxLabelCells = 6

// rowScan reads a table whose rows are named by labels: each label is followed
// by its row's values, in column order. Positions alone are never trusted,
// since merged cells shift them; a label's text, possibly spread over several
// cells (a group cell, then the row's own), names the row.
type rowScan struct {
	table *template.Table
	index *rowIndex
	cand  []*cell // label cells seen since the last value
	// candNamesNone is set when cand was matched and names no row, so the
	// blanks after a header are not matched again and again.
	candNamesNone bool
	// candLine is the line of cand's first cell.
	candLine int
	// blanks are the blank cells since cand, which an orphan row takes.
	blanks []*cell
	cur    *rowHit
	hits   map[string]*rowHit
	// orphans are rows whose label was read by OCR and names no row, in
	// order; placeOrphans gives each one a row where only one can be its.
	orphans []*rowHit
	// overflows are rows with more values than columns, taken as no row.
	overflows []*rowHit
	// ambiguous are rows whose label is as near to two template rows: their
	// values are placed in neither.
	ambiguous []*rowHit
	span      span
	// The rows' hits and values are cut from these, as a table has dozens
	// of rows: a full hits array is left to the hits made from it and a
	// new one begun, and a row's values grow out of values by themselves.
	hitBuf   []rowHit
	valueBuf []*cell
}

// rowHit is a row found: the cells after its label, values and blanks alike.
type rowHit struct {
	key    string
	line   int // the line its label ended on
	values []*cell
	// label is an orphan's label as read.
	label string
	// match tells how near the label was to its row's, or which rows an
	// ambiguous label is near.
	match labelMatch
}

// started reports whether the row has a value that is not blank.
func (h *rowHit) started() bool {
	for _, c := range h.values {
		if c.val.Class != number.Empty {
			return true
		}
	}
	return false
}

// blankRow reports whether a row found by its whole label holds at least
// as many blank cells as it has columns: a row printed blank, as real
// reports print rows of zeros (the blanks past its columns are the merged
// group cells before the next row's label). A header cell that names a row
// (总计) can be followed by as many blanks under merged headers, so such a
// row gives way to a later row of its name, or to an orphan placed there.
func (s *rowScan) blankRow(h *rowHit) bool {
	return h.key != "" && h.match.whole && !h.started() && len(h.values) >= len(s.table.ColumnsOf(s.table.Row(h.key)))
}

// found reports whether a row is found, other than as a blank row.
func (s *rowScan) found(key string) bool {
	h := s.hits[key]
	return h != nil && !s.blankRow(h)
}

func scanRows(x *rowIndex, lines []line, from, to int) *rowScan {
	s := &rowScan{table: x.table, index: x, hits: make(map[string]*rowHit, len(x.table.Rows)), span: span{first: -1, last: -1}}
	s.hitBuf = make([]rowHit, 0, len(x.table.Rows))
	s.valueBuf = make([]*cell, 0, len(x.table.Rows)*len(x.table.Columns))
	for i := from; i < to; i++ {
		s.line(i, &lines[i])
	}
	s.finish()
	return s
}

func (s *rowScan) line(i int, l *line) {
	if l.prose {
		s.finish()
		s.cand = s.cand[:0]
		return
	}
	for j := range l.cells {
		c := &l.cells[j]
		switch c.val.Class {
		case number.Text:
			if s.cur != nil && l.multi() && s.cur.line == i && s.cur.started() {
				// Text among a row's values on its own line is a value that
				// cannot be read, and holds its column.
				s.cur.values = append(s.cur.values, c)
				continue
			}
			if s.cur != nil && !s.cur.started() && !s.blankRow(s.cur) {
				// Only blanks followed a label-like header cell: not a row.
				s.cur = nil
			}
			s.finish()
			if len(s.cand) == 0 {
				s.candLine = i
			}
			s.candNamesNone = false
			s.blanks = s.blanks[:0]
			if len(s.cand) == maxLabelCells {
				// Header cells far before a row are not its label.
				s.cand = append(s.cand[:0], s.cand[1:]...)
			}
			s.cand = append(s.cand, c)
		case number.Number, number.Null:
			if s.cur == nil && !s.start(i, true) {
				continue
			}
			s.cur.values = append(s.cur.values, c)
			s.span.add(i)
		case number.Empty:
			if s.cur == nil && !s.start(i, false) {
				if len(s.cand) > 0 {
					s.blanks = append(s.blanks, c)
				}
				continue
			}
			s.cur.values = append(s.cur.values, c)
		}
	}
	if l.multi() && s.cur != nil && (s.cur.started() || s.blankRow(s.cur)) {
		s.finish()
	}
}

// start begins the row the label cells name. A blank cell that follows no
// label keeps the label cells for the cells after it.
func (s *rowScan) start(i int, clear bool) bool {
	if len(s.cand) == 0 {
		return false
	}
	var m labelMatch
	if !s.candNamesNone {
		m = s.index.matchRow(s.cand, s.found)
	}
	key := m.key
	if len(m.near) > 1 {
		// Near two rows: its values are kept for the finding, placed in neither.
		s.cur = &rowHit{line: i, match: m, values: append([]*cell(nil), s.blanks...)}
		s.span.add(s.candLine)
		s.cand, s.blanks = s.cand[:0], s.blanks[:0]
		return true
	}
	if key == "" && clear && s.hits[key] == nil && readByOCR(s.cand) {
		// A label OCR could not read still heads a row of values.
		var label strings.Builder
		for _, c := range s.cand {
			label.WriteString(c.raw)
		}
		s.cur = &rowHit{line: i, label: label.String(), values: append([]*cell(nil), s.blanks...)}
		s.span.add(s.candLine)
		s.cand, s.blanks = s.cand[:0], s.blanks[:0]
		return true
	}
	if key == "" || s.found(key) {
		s.candNamesNone = true
		if clear {
			s.cand, s.blanks = s.cand[:0], s.blanks[:0]
		}
		return false
	}
	// Most rows have the table's columns: their values are cut at once.
	s.cur = s.newHit(rowHit{key: key, line: i, match: m, values: s.cutValues(len(s.table.Columns))})
	s.span.add(s.candLine)
	s.cand, s.blanks = s.cand[:0], s.blanks[:0]
	return true
}

// newHit returns h cut from the scan's hits array.
func (s *rowScan) newHit(h rowHit) *rowHit {
	if len(s.hitBuf) == cap(s.hitBuf) {
		s.hitBuf = make([]rowHit, 0, max(8, cap(s.hitBuf)))
	}
	s.hitBuf = append(s.hitBuf, h)
	return &s.hitBuf[len(s.hitBuf)-1]
}

// cutValues returns an empty slice of room n cut from the scan's values
// array; appending past n copies the row's values out of it.
func (s *rowScan) cutValues(n int) []*cell {
	if cap(s.valueBuf)-len(s.valueBuf) < n {
		return make([]*cell, 0, n)
	}
	k := len(s.valueBuf)
	s.valueBuf = s.valueBuf[:k+n]
	return s.valueBuf[k : k : k+n]
}

// readByOCR reports whether label cells came from OCR.
func readByOCR(cand []*cell) bool {
	for _, c := range cand {
		if c.conf > 0 {
			return true
		}
	}
	return false
}

func (s *rowScan) finish() {
	switch {
	case s.cur == nil:
	case len(s.cur.match.near) > 1:
		s.ambiguous = append(s.ambiguous, s.cur)
	case s.cur.key == "":
		if s.cur.started() {
			s.orphans = append(s.orphans, s.cur)
		}
	case countValues(s.cur.values) > len(s.table.ColumnsOf(s.table.Row(s.cur.key))):
		// More values than columns: the label took cells that are not its
		// row's alone (a header above another table, a misread row), and
		// which are its own cannot be told.
		s.overflows = append(s.overflows, s.cur)
	default:
		s.hits[s.cur.key] = s.cur
	}
	s.cur = nil
}

// placement is an orphan row given the row it can only be.
type placement struct {
	row          *template.Row
	label        string // as OCR read it
	before, next string // the labels of the rows found around it; "" at an end
}

// placeOrphans gives rows to the orphans that can only be one row: between
// the rows found before and after some orphans, the template has exactly as
// many rows not found as there are orphans, so they pair up in order.
// Others stay unplaced, so their rows read as missing. Rows that stand in
// for others (a single （六）其他处理) are never guessed.
func (s *rowScan) placeOrphans() []placement {
	rows := s.table.Rows
	type gap struct{ before, next int }
	groups := map[gap][]*rowHit{}
	var order []gap
	for _, o := range s.orphans {
		var g gap
		g.before, g.next = s.around(o.line)
		if groups[g] == nil {
			order = append(order, g)
		}
		groups[g] = append(groups[g], o)
	}
	var placed []placement
	for _, g := range order {
		var missing []int
		for i := g.before + 1; i < g.next; i++ {
			if !s.found(rows[i].Key) && len(rows[i].Replaces) == 0 {
				missing = append(missing, i)
			}
		}
		orphans := groups[g]
		if len(missing) != len(orphans) || !fits(s.table, missing, orphans) {
			continue
		}
		for k, o := range orphans {
			p := placement{row: &rows[missing[k]], label: o.label}
			if g.before >= 0 {
				p.before = rows[g.before].Label
			}
			if g.next < len(rows) {
				p.next = rows[g.next].Label
			}
			placed = append(placed, p)
			o.key = p.row.Key
		}
	}
	for _, o := range s.orphans {
		if o.key != "" {
			s.hits[o.key] = o
		}
	}
	return placed
}

// fits reports whether each orphan has no more values than the columns of
// the row it would be.
func fits(t *template.Table, rows []int, orphans []*rowHit) bool {
	for k, o := range orphans {
		if countValues(o.values) > len(t.ColumnsOf(&t.Rows[rows[k]])) {
			return false
		}
	}
	return true
}

// around returns the template positions of the rows found nearest before
// and after line: -1 and len(rows) where there is none.
func (s *rowScan) around(line int) (before, after int) {
	rows := s.table.Rows
	before, after = -1, len(rows)
	beforeLine, afterLine := -1, math.MaxInt
	for i := range rows {
		h := s.hits[rows[i].Key]
		switch {
		case h == nil || s.blankRow(h):
		case h.line < line && h.line > beforeLine:
			before, beforeLine = i, h.line
		case h.line > line && h.line < afterLine:
			after, afterLine = i, h.line
		}
	}
	return before, after
}

// scanFlat reads a table printed as one row of values under its headers: the
// values that follow the last header cell, in order. anchor, the folded label
// of its first row (表四's 行政复议), opens the table.
func scanFlat(lines []line, anchor string, from, to int) (values []*cell, sp span, ok bool) {
	sp = span{first: -1, last: -1}
	start := -1
	for i := from; i < to && start < 0; i++ {
		if lines[i].prose {
			continue
		}
		for _, c := range lines[i].cells {
			if strings.Contains(c.folded, anchor) {
				start = i
				break
			}
		}
	}
	if start < 0 {
		return nil, sp, false
	}
	sp.add(start)
	started := false
	for i := start; i < to; i++ {
		l := &lines[i]
		if l.prose {
			if started {
				break
			}
			continue
		}
		for j := range l.cells {
			c := &l.cells[j]
			switch c.val.Class {
			case number.Text:
				if !started {
					values = values[:0] // blanks among the headers
					continue
				}
				if l.multi() && sp.last == i {
					values = append(values, c)
					continue
				}
				return values, sp, true
			case number.Number, number.Null:
				started = true
				sp.add(i)
				values = append(values, c)
			case number.Empty:
				values = append(values, c)
			}
		}
	}
	return values, sp, started
}

// blankCell stands for a value a row lacks.
var blankCell = cell{val: number.Value{Class: number.Empty}}

// fit lines up a row's cells with its n columns. Merged cells add blanks
// before or after a row's values; a blank among them is a value left blank.
func fit(cells []*cell, n int) []*cell {
	if len(cells) == n && !slices.ContainsFunc(cells, func(c *cell) bool { return c.val.Class == number.Empty }) {
		// A row printed whole, as most are, fits as it is.
		return cells
	}
	nonBlank := make([]*cell, 0, len(cells))
	for _, c := range cells {
		if c.val.Class != number.Empty {
			nonBlank = append(nonBlank, c)
		}
	}
	if len(nonBlank) == n {
		return nonBlank
	}
	for len(cells) > n && cells[len(cells)-1].val.Class == number.Empty {
		cells = cells[:len(cells)-1]
	}
	for len(cells) > n && cells[0].val.Class == number.Empty {
		cells = cells[1:]
	}
	if len(cells) > n {
		if len(nonBlank) >= n {
			return nonBlank[:n]
		}
		cells = cells[:n]
	}
	out := make([]*cell, n)
	copy(out, cells)
	for i := range out {
		if out[i] == nil {
			out[i] = &blankCell
		}
	}
	return out
}
