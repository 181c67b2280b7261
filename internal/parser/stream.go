package parser

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/nianbao/nianbao/internal/number"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/textnorm"
	"github.com/nianbao/nianbao/internal/validate"
)

// Some tools write a table in reading order rather than row by row: every
// cell on its own line, or column by column (all the row labels, then each
// column's values in turn). Where several row labels come one after another
// and their values only after them, which value is whose is not printed, so
// the row reader leaves those rows unread. The stream reader takes such a
// run of labels and the values that follow it and places them only where
// two things agree: their count is exactly the rows' cells, read row by row
// or column by column, and the template's sums (row totals, column sums,
// the balance) hold for every value so placed, for one of those orders
// alone. Anything else is left null with a finding listing the values, since
// a guessed order that passed as valid would be the worst outcome.

// streamBlock is a run of row labels, one after another, and the values
// that follow them up to the next row label.
type streamBlock struct {
	rows    []int // template row indexes, in the order printed
	matches []labelMatch
	values  []*cell
	span    span
}

// streamOrder is how a block's values may be laid over its rows.
type streamOrder int

const (
	byRow streamOrder = iota
	byColumn
)

func (o streamOrder) String() string {
	if o == byColumn {
		return "column by column"
	}
	return "row by row"
}

// readStream places the values of the blocks of labels whose rows the row
// reader left unread, adding them to scan's hits, and reports the blocks it
// cannot place. It runs only when rows are missing, so a table read row by
// row costs nothing more. It reports whether it found a block.
func (p *Parser) readStream(rec *record.Record, t *template.Table, lines []line, from, to int, scan *rowScan) bool {
	var pending []*streamBlock
	for _, b := range streamBlocks(p.rows[t], lines, from, to) {
		// One label before its values is a row the row reader read; a block
		// of which it read a row whole is not a stream.
		if len(b.rows) < 2 || b.taken(t, scan) {
			continue
		}
		pending = append(pending, b)
	}
	if len(pending) == 0 {
		return false
	}
	// A row of a block that the row reader cut short, its label's values
	// running out before the next text, was given values not its own. A
	// row printed in two blocks is placed in neither.
	claims := map[int]int{}
	for _, b := range pending {
		for _, r := range b.rows {
			delete(scan.hits, t.Rows[r].Key)
			claims[r]++
		}
	}
	if len(pending) > len(t.Rows) {
		// More runs of labels than the table has rows: not this table.
		rec.Findings = append(rec.Findings, record.Finding{
			Rule: validate.RuleDeviation, Severity: record.Warning, Table: t.Key,
			Message: fmt.Sprintf("the table's row labels are printed in %d runs, each followed by values, more than it has rows: none of those values is placed; read them from the document", len(pending)),
		})
		return true
	}
	// A block placed makes more sums checkable for the others: place until
	// no more can be.
	results := make([]streamResult, len(pending))
	for progress := true; progress; {
		progress = false
		for k, b := range pending {
			if results[k].placed || results[k].twice {
				continue
			}
			if slices.ContainsFunc(b.rows, func(r int) bool { return claims[r] > 1 }) {
				results[k].twice = true
				continue
			}
			results[k] = b.place(t, scan)
			if !results[k].placed {
				continue
			}
			progress = true
			pl := results[k].orders[0]
			for i, r := range b.rows {
				key := t.Rows[r].Key
				scan.hits[key] = &rowHit{key: key, line: b.span.last, values: pl.cells[i], match: b.matches[i]}
			}
			scan.span.add(b.span.first)
			scan.span.add(b.span.last)
		}
	}
	for k, b := range pending {
		rec.Findings = append(rec.Findings, b.finding(t, &results[k]))
	}
	return true
}

// finding says how a block was read, or why it was not.
func (b *streamBlock) finding(t *template.Table, res *streamResult) record.Finding {
	f := record.Finding{Rule: validate.RuleDeviation, Severity: record.Warning, Table: t.Key, Row: t.Rows[b.rows[0]].Key}
	if res.placed {
		f.Message = fmt.Sprintf("rows %s are printed as their labels followed by their %d values; they are read %s, the one order in which the table's sums hold for every value",
			b.labels(t), len(b.values), res.orders[0].order)
		return f
	}
	var why string
	switch {
	case res.twice:
		why = "a row of theirs is printed in another run of labels too, so which run is its cannot be told"
	case len(res.orders) > 1:
		why = "they fit them both row by row and column by column and the table's sums hold either way, so which value is whose cannot be told"
	case res.fitting > 0:
		why = "their count fits the rows, but the table's sums do not confirm an order for every value"
	default:
		why = "their count is not the rows' cells, so which value is whose cannot be told"
	}
	f.Message = fmt.Sprintf("rows %s are printed as their labels followed by %d values (%s): %s; they are left null, read them from the document",
		b.labels(t), len(b.values), joinValues(b.values), why)
	return f
}

// taken reports whether the row reader read a row of the block with as
// many cells as it has columns: then its label was followed by its values,
// not by the next label, and the block is not a stream.
func (b *streamBlock) taken(t *template.Table, scan *rowScan) bool {
	for _, r := range b.rows {
		if h := scan.hits[t.Rows[r].Key]; h != nil && len(h.values) >= len(t.ColumnsOf(&t.Rows[r])) {
			return true
		}
	}
	return false
}

// labels names the block's rows: all of a few, else the first and last.
func (b *streamBlock) labels(t *template.Table) string {
	if n := len(b.rows); n > 3 {
		return fmt.Sprintf("%s to %s (%d rows)", t.Rows[b.rows[0]].Label, t.Rows[b.rows[n-1]].Label, n)
	}
	names := make([]string, len(b.rows))
	for k, r := range b.rows {
		names[k] = t.Rows[r].Label
	}
	return strings.Join(names, ", ")
}

// streamItem is one cell of a table's region as the stream reader sees it.
type streamItem struct {
	kind  streamKind
	row   int // a label's template row
	match labelMatch
	c     *cell
	line  int
}

type streamKind int

const (
	itemText  streamKind = iota // a header, a group label, a note
	itemLabel                   // a row label
	itemValue                   // a number or a mark printed for none
	itemBreak                   // prose: a table's stream does not run past it
)

// streamBlocks cuts lines [from, to) into blocks of labels and values.
func streamBlocks(x *rowIndex, lines []line, from, to int) []*streamBlock {
	items := streamItems(x, lines, from, to)
	var blocks []*streamBlock
	var cur *streamBlock
	closeBlock := func() {
		if cur != nil && len(cur.values) > 0 {
			blocks = append(blocks, cur)
		}
		cur = nil
	}
	for i := range items {
		it := &items[i]
		switch it.kind {
		case itemBreak:
			closeBlock()
		case itemLabel:
			if x.groupOfNext(items, i) {
				continue
			}
			if cur != nil && slices.Contains(cur.rows, it.row) {
				// A header naming a row already listed (总计 over a
				// column of values): not a row of its own.
				continue
			}
			if cur == nil || len(cur.values) > 0 || it.row <= cur.rows[len(cur.rows)-1] {
				// Labels out of the template's order start afresh: the
				// earlier ones were headers, not a run of rows.
				closeBlock()
				cur = &streamBlock{span: span{first: -1, last: -1}}
			}
			cur.rows = append(cur.rows, it.row)
			cur.matches = append(cur.matches, it.match)
			cur.span.add(it.line)
		case itemValue:
			if cur != nil {
				cur.values = append(cur.values, it.c)
				cur.span.add(it.line)
			}
		}
	}
	closeBlock()
	return blocks
}

// streamItems reads the cells of lines [from, to) as labels, values and
// other text. A label broken over lines is joined again: text that names no
// row is kept to be read with the text after it.
func streamItems(x *rowIndex, lines []line, from, to int) []streamItem {
	var items []streamItem
	var pend []*cell
	none := func(string) bool { return false }
	// A column's header printed over its values (总计, 其他) may read as a
	// row's label; printed bare, it is the header.
	headers := map[string]bool{}
	for i := range x.table.Rows {
		for _, col := range x.table.ColumnsOf(&x.table.Rows[i]) {
			headers[x.norm.Fold(col.Label)] = true
		}
	}
	for i := from; i < to; i++ {
		l := &lines[i]
		if l.prose {
			items = append(items, streamItem{kind: itemBreak, line: i})
			pend = pend[:0]
			continue
		}
		for j := range l.cells {
			c := &l.cells[j]
			switch c.val.Class {
			case number.Number, number.Null:
				items = append(items, streamItem{kind: itemValue, c: c, line: i})
				pend = pend[:0]
			case number.Text:
				if len(pend) == maxLabelCells-1 {
					pend = append(pend[:0], pend[1:]...)
				}
				pend = append(pend, c)
				if isHeader(headers, pend) {
					items = append(items, streamItem{kind: itemText, c: c, line: i})
					pend = pend[:0]
					continue
				}
				m := x.matchRow(pend, none)
				switch {
				case len(m.near) > 1:
					// Near two rows: a row whose values cannot be placed.
					items = append(items, streamItem{kind: itemBreak, line: i})
					pend = pend[:0]
				case m.key != "":
					items = append(items, streamItem{kind: itemLabel, row: x.rowOf(m.key), match: m, c: c, line: i})
					pend = pend[:0]
				default:
					items = append(items, streamItem{kind: itemText, c: c, line: i})
				}
			}
		}
	}
	return items
}

// isHeader reports whether the last of the text cells, alone or joined to
// those before it (a header set vertically, a character a line), is a
// column's header.
func isHeader(headers map[string]bool, pend []*cell) bool {
	joined := ""
	for k := len(pend) - 1; k >= 0; k-- {
		joined = pend[k].folded + joined
		if headers[joined] {
			return true
		}
	}
	return false
}

// rowOf returns the template position of the row with the key.
func (x *rowIndex) rowOf(key string) int {
	for i := range x.table.Rows {
		if x.table.Rows[i].Key == key {
			return i
		}
	}
	return -1
}

// groupOfNext reports whether label item i is the group label of the next
// row label (（六）其他处理 over its rows 1.…, which a report may also print
// as a row of its own).
func (x *rowIndex) groupOfNext(items []streamItem, i int) bool {
	label := textnorm.StripListNumber(items[i].c.folded)
	for j := i + 1; j < len(items); j++ {
		switch items[j].kind {
		case itemValue, itemBreak:
			return false
		case itemLabel:
			for _, g := range x.table.Rows[items[j].row].Groups {
				if textnorm.StripListNumber(x.norm.Fold(g)) == label {
					return true
				}
			}
			return false
		}
	}
	return false
}

// streamPlacement is a block's values laid over its rows in one order: cells[k]
// are the values of its k-th row, in column order.
type streamPlacement struct {
	order streamOrder
	cells [][]*cell
}

// streamResult is what placing a block found: the orders the table's sums
// confirm (distinct placements only), how many orders the count of values
// fits, and whether one order alone is confirmed.
type streamResult struct {
	orders  []streamPlacement
	fitting int
	placed  bool
	// twice is set for a block sharing a row with another, not placed.
	twice bool
}

func (b *streamBlock) place(t *template.Table, scan *rowScan) streamResult {
	var res streamResult
	for _, o := range []streamOrder{byRow, byColumn} {
		pl, ok := b.lay(t, o)
		if !ok {
			continue
		}
		res.fitting++
		if !b.confirms(t, scan, pl) {
			continue
		}
		if len(res.orders) > 0 && samePlacement(res.orders[0], pl) {
			continue
		}
		res.orders = append(res.orders, pl)
	}
	res.placed = len(res.orders) == 1
	return res
}

// lay lays the values over the rows in order o, if their count fits it
// exactly. Column by column needs rows of as many columns, and differs from
// row by row only for two rows or more of two columns or more.
func (b *streamBlock) lay(t *template.Table, o streamOrder) (streamPlacement, bool) {
	pl := streamPlacement{order: o, cells: make([][]*cell, len(b.rows))}
	n, width := 0, -1
	for _, r := range b.rows {
		c := len(t.ColumnsOf(&t.Rows[r]))
		n += c
		if width >= 0 && c != width {
			width = 0
		} else if width < 0 {
			width = c
		}
	}
	if n != len(b.values) {
		return pl, false
	}
	switch o {
	case byRow:
		k := 0
		for i, r := range b.rows {
			c := len(t.ColumnsOf(&t.Rows[r]))
			pl.cells[i] = b.values[k : k+c : k+c]
			k += c
		}
	case byColumn:
		if width < 2 {
			return pl, false
		}
		for i := range b.rows {
			pl.cells[i] = make([]*cell, width)
			for c := range width {
				pl.cells[i][c] = b.values[c*len(b.rows)+i]
			}
		}
	}
	return pl, true
}

func samePlacement(a, b streamPlacement) bool {
	for i := range a.cells {
		for c := range a.cells[i] {
			if cellNumber(a.cells[i][c]) != cellNumber(b.cells[i][c]) {
				return false
			}
		}
	}
	return true
}

// cellNumber is a value cell as the sums read it: a mark printed for none
// is 0, as a blank count reads.
func cellNumber(c *cell) float64 {
	if c.val.Class == number.Number {
		return c.val.Num
	}
	return 0
}

// confirms reports whether the table's sums confirm a placement: every
// placed value is in a sum whose every cell is known (placed here, or read
// by the row reader), and every such sum holds.
func (b *streamBlock) confirms(t *template.Table, scan *rowScan, pl streamPlacement) bool {
	placed := map[template.Cell]float64{}
	for k, r := range b.rows {
		row := &t.Rows[r]
		for c, col := range t.ColumnsOf(row) {
			placed[template.Cell{Row: row.Key, Column: col.Key}] = cellNumber(pl.cells[k][c])
		}
	}
	printed := func(key string) bool {
		return scan.hits[key] != nil || slices.ContainsFunc(b.rows, func(r int) bool { return t.Rows[r].Key == key })
	}
	replaced := t.Replaced(printed)
	// known returns a cell's value where it is known; a row not printed
	// because another stands in for it adds nothing.
	known := func(c template.Cell) (float64, bool) {
		if v, ok := placed[c]; ok {
			return v, true
		}
		r := t.Row(c.Row)
		if !printed(c.Row) && (replaced[c.Row] || len(r.Replaces) > 0) {
			return 0, true
		}
		h := scan.hits[c.Row]
		cols := t.ColumnsOf(r)
		if h == nil || len(h.values) < len(cols) {
			// A row cut short is not known.
			return 0, false
		}
		for i, cell := range fit(h.values, len(cols)) {
			if cols[i].Key == c.Column && cell.val.Class == number.Number {
				return cell.val.Num, true
			}
		}
		return 0, false
	}
	covered := map[template.Cell]bool{}
	for _, s := range t.Sums() {
		var sides [2]float64
		touches, checkable := false, true
		for side, cells := range [2][]template.Cell{s.Left, s.Right} {
			for _, c := range cells {
				_, in := placed[c]
				touches = touches || in
				v, ok := known(c)
				checkable = checkable && ok
				sides[side] += v
			}
		}
		if !touches || !checkable {
			continue
		}
		if math.Abs(sides[0]-sides[1]) > 1e-9 {
			return false
		}
		for _, cells := range [2][]template.Cell{s.Left, s.Right} {
			for _, c := range cells {
				covered[c] = true
			}
		}
	}
	for c := range placed {
		if !covered[c] {
			return false
		}
	}
	return true
}

// missing reports whether a row the table prints is not read: a row that
// no other stands in for.
func (s *rowScan) missing() bool {
	var replaced map[string]bool
	for i := range s.table.Rows {
		r := &s.table.Rows[i]
		if s.hits[r.Key] != nil || len(r.Replaces) > 0 {
			continue
		}
		if replaced == nil {
			replaced = s.table.Replaced(func(k string) bool { return s.hits[k] != nil })
		}
		if !replaced[r.Key] {
			return true
		}
	}
	return false
}
