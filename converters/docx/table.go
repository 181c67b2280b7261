package docx

import (
	"strings"

	"github.com/nianbao/nianbao/internal/layout"
)

// tc is one w:tc as written: its grid span, how it merges, and its blocks.
type tc struct {
	span   int
	vMerge int // 0 none, vRestart, vContinue
	hCont  bool
	blocks []layout.Block
}

const (
	vRestart = iota + 1
	vContinue
)

// tr is one w:tr.
type tr struct {
	before int // w:gridBefore: grid columns left empty at its start
	cells  []tc
}

// table reads a w:tbl. A table that holds another table, or has a single
// cell, lays out the page rather than holding data: its cells' blocks go to
// the sink in order, as the HTML converter reads such tables. Any other
// becomes a Table block, merged cells once with their spans.
func (w *walker) table() error {
	var rows []tr
	if err := w.rows(&rows); err != nil {
		return err
	}
	cells, nested := 0, false
	for _, r := range rows {
		for _, c := range r.cells {
			cells++
			for _, b := range c.blocks {
				nested = nested || b.Kind == layout.Table
			}
		}
	}
	if nested || cells == 1 {
		for _, r := range rows {
			for _, c := range r.cells {
				*w.sink = append(*w.sink, c.blocks...)
			}
		}
		return nil
	}
	if grid := buildGrid(rows); grid != nil {
		*w.sink = append(*w.sink, layout.Block{Kind: layout.Table, Table: grid})
	}
	return nil
}

// rows reads the rows of the element whose start tag is current: a w:tbl,
// or a content control or custom XML element wrapping rows.
func (w *walker) rows(rows *[]tr) error {
	return w.s.descend(func(bool) error {
		switch {
		case w.s.ns == nsW && skipped[string(w.s.local)]:
			return w.s.skip()
		case w.s.is(nsW, "tr"):
			var r tr
			err := w.cells(&r)
			*rows = append(*rows, r)
			return err
		default:
			return w.rows(rows)
		}
	})
}

// cells reads the cells of a w:tr, or of an element wrapping cells.
func (w *walker) cells(r *tr) error {
	return w.s.descend(func(bool) error {
		switch {
		case w.s.is(nsW, "trPr"):
			return w.rowProps(r)
		case w.s.ns == nsW && skipped[string(w.s.local)]:
			return w.s.skip()
		case w.s.is(nsW, "tc"):
			return w.cell(r)
		default:
			return w.cells(r)
		}
	})
}

func (w *walker) rowProps(r *tr) error {
	return w.s.descend(func(child bool) error {
		if child && w.s.is(nsW, "gridBefore") {
			if n, ok := intAttr(w.s, "val"); ok {
				r.before = min(max(n, 0), maxSpan)
			}
		}
		return nil
	})
}

// cell reads a w:tc: its properties, then its paragraphs and tables into a
// list of its own.
func (w *walker) cell(r *tr) error {
	c := tc{span: 1}
	saved := w.sink
	w.sink = &c.blocks
	err := w.s.descend(func(bool) error {
		if w.s.is(nsW, "tcPr") {
			return w.cellProps(&c)
		}
		return w.element()
	})
	w.sink = saved
	if err != nil {
		return err
	}
	r.cells = append(r.cells, c)
	return nil
}

func (w *walker) cellProps(c *tc) error {
	return w.s.descend(func(child bool) error {
		if !child || w.s.ns != nsW {
			return nil
		}
		switch string(w.s.local) {
		case "gridSpan":
			if n, ok := intAttr(w.s, "val"); ok {
				c.span = min(max(n, 1), maxSpan)
			}
		case "vMerge":
			// A bare <w:vMerge/> continues the cell above.
			c.vMerge = vContinue
			if v, _ := w.s.attr("val"); v == "restart" {
				c.vMerge = vRestart
			}
		case "hMerge":
			v, _ := w.s.attr("val")
			c.hCont = v != "restart"
		}
		return nil
	})
}

// buildGrid lays the rows out as the layout model wants them: a cell merged
// down (w:vMerge) appears once, in its first row, with its row span; the
// cells that continue it are dropped. A cell continuing a horizontal merge
// (the old w:hMerge) widens the one before it. nil when no row has a cell.
func buildGrid(rows []tr) *layout.TableGrid {
	type ref struct{ row, idx, span int }
	// open maps a grid column to the merged cell starting there that the
	// next row may continue.
	open := map[int]ref{}
	grid := &layout.TableGrid{Rows: make([][]layout.Cell, 0, len(rows))}
	cells := 0
	for _, r := range rows {
		ri := len(grid.Rows)
		var out []layout.Cell
		next := map[int]ref{}
		col := 0
		if r.before > 0 {
			out = append(out, layout.Cell{RowSpan: 1, ColSpan: r.before})
			col = r.before
		}
		for _, c := range r.cells {
			if c.hCont && len(out) > 0 {
				out[len(out)-1].ColSpan += c.span
				col += c.span
				continue
			}
			if o, ok := open[col]; ok && c.vMerge == vContinue {
				grid.Rows[o.row][o.idx].RowSpan++
				next[col] = o
				col += o.span
				continue
			}
			out = append(out, layout.Cell{Text: cellText(c.blocks), RowSpan: 1, ColSpan: c.span})
			if c.vMerge != 0 {
				next[col] = ref{row: ri, idx: len(out) - 1, span: c.span}
			}
			col += c.span
		}
		open = next
		cells += len(out)
		grid.Rows = append(grid.Rows, out)
	}
	if cells == 0 {
		return nil
	}
	return grid
}

// cellText joins a cell's paragraphs, and the lines they break into, each
// trimmed, blank ones dropped, with "\n".
func cellText(blocks []layout.Block) string {
	if len(blocks) == 1 && !strings.ContainsRune(blocks[0].Text, '\n') {
		return strings.TrimSpace(blocks[0].Text)
	}
	var b strings.Builder
	for _, blk := range blocks {
		for line := range strings.SplitSeq(blk.Text, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				if b.Len() > 0 {
					b.WriteByte('\n')
				}
				b.WriteString(line)
			}
		}
	}
	return b.String()
}
