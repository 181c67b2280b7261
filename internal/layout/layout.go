// Package layout is the document model every converter produces and the report
// parser reads: an ordered list of blocks (paragraphs, tables, page breaks),
// each with where it came from when the converter knows.
//
// A converter fills it from a file's layout and knows nothing of reports; the
// parser reads it and knows nothing of file formats.
package layout

import (
	"context"
	"slices"
	"strings"
)

// Kind tells what a Block holds.
type Kind int

const (
	// Paragraph is a run of text; Block.Text holds it, lines parted by "\n".
	Paragraph Kind = iota
	// Table is a grid of cells; Block.Table holds it.
	Table
	// PageBreak marks the end of a page, so a table cut by it can be joined.
	PageBreak
)

func (k Kind) String() string {
	switch k {
	case Paragraph:
		return "paragraph"
	case Table:
		return "table"
	case PageBreak:
		return "page-break"
	}
	return "unknown"
}

// Document is one converted file.
type Document struct {
	Blocks []Block
	// Pages is the page count where the format has pages, else 0.
	Pages int
	// Method tells how the text was obtained: "text", "html", "docx",
	// "pdf-text", "pdf-ocr", "image-ocr" (the record's source.method).
	Method string
	// Scans are the pages whose text must come from their image: scanned
	// pages, or pages whose fonts map to no Unicode text. A converter that
	// cannot read them leaves them here for OCR; Blocks then hold a
	// PageBreak where each such page's blocks belong.
	Scans []Scan
	// Doubts are what a converter could not tell surely of the document
	// as a whole and that bears on its title and agency (the script of a
	// scan), each in plain words for people.
	Doubts []string
}

// Scan is one page to be read by OCR.
type Scan struct {
	Page int // 1-based page number
	// Image is the page's image, encoded (JPEG, PNG or TIFF), as it was
	// embedded in the file.
	Image []byte
	// Reason says why the page needs OCR, for people: "no text layer".
	Reason string
}

// Block is one paragraph, table or page break, in reading order.
type Block struct {
	Kind  Kind
	Text  string     // Paragraph only
	Table *TableGrid // Table only
	Prov  Provenance
	// Readings, set only by a converter that read a paragraph of one line
	// from an image several ways (at several sizes, by several models),
	// are those readings, one for each way; Text is the reading they
	// support character by character. nil where the text was read once.
	Readings []string
}

// Provenance says where a block or cell was found. Zero fields are unknown.
type Provenance struct {
	Page int  // 1-based page number
	Box  *Box // position on the page, in the converter's units
	// Confidence is the OCR confidence in [0, 1]; 0 means not read by OCR.
	Confidence float64
}

// Box is a rectangle on a page: X0,Y0 top left, X1,Y1 bottom right.
type Box struct {
	X0, Y0, X1, Y1 float64
}

// TableGrid is a table as printed: rows of cells, where a merged cell appears
// once, in the row and column where it starts, with its spans. A row holds only
// the cells that start in it, so rows below a tall merged cell are shorter.
type TableGrid struct {
	Rows [][]Cell
}

// Cell is one table cell. Text keeps the cell's line breaks as "\n".
type Cell struct {
	Text    string
	RowSpan int // 1 when not merged down; 0 is read as 1
	ColSpan int // 1 when not merged across; 0 is read as 1
	Prov    Provenance
	// Reread, set only by a converter that read the cell's text from an
	// image, reads it again other ways; nil where a reading is final.
	Reread Rereader
}

// Rereader reads a cell's image again in other ways than the first time (at
// other scales, with another threshold), on demand: a reading is costly and
// most cells never need one.
type Rereader interface {
	// Reread returns the distinct texts read, each with its confidence in
	// [0, 1]; the first reading may be among them.
	Reread(ctx context.Context) ([]Reading, error)
}

// Reading is one text read from an image, with its confidence in [0, 1].
type Reading struct {
	Text       string
	Confidence float64
}

// Spans returns the cell's row and column spans, reading 0 as 1.
func (c Cell) Spans() (rows, cols int) {
	rows, cols = c.RowSpan, c.ColSpan
	if rows < 1 {
		rows = 1
	}
	if cols < 1 {
		cols = 1
	}
	return rows, cols
}

// Placed is a cell with the grid position it starts at.
type Placed struct {
	Cell
	Row, Col int
}

// Place lays the table's cells on a grid, honouring spans: each cell goes in
// the first column of its row not covered by a cell merged down from above. It
// returns the cells row by row, in that order, and the grid's column count.
func (t *TableGrid) Place() (rows [][]Placed, width int) {
	cols, width := t.Columns()
	rows = make([][]Placed, len(t.Rows))
	all := make([]Placed, 0, cellsIn(t)) // one array for all rows
	for r, cells := range t.Rows {
		for i, c := range cells {
			all = append(all, Placed{Cell: c, Row: r, Col: cols[r][i]})
		}
		if len(cells) > 0 {
			rows[r] = all[len(all)-len(cells) : len(all) : len(all)]
		}
	}
	return rows, width
}

// Columns returns the column Place puts each cell in, row by row, and the
// grid's column count: what Place tells without copying the cells.
func (t *TableGrid) Columns() (cols [][]int, width int) {
	// down lists the cells merged down from earlier rows, sorted by column:
	// memory stays in the cell count, however far the spans reach.
	type span struct{ col, cols, last int }
	var down []span
	cols = make([][]int, len(t.Rows))
	all := make([]int, 0, cellsIn(t)) // one array for all rows
	for r, cells := range t.Rows {
		live := down[:0]
		for _, s := range down {
			if s.last >= r {
				live = append(live, s)
			}
		}
		down = live
		col, k := 0, 0 // k: the first span of down not left behind
		var added []span
		for _, c := range cells {
			for ; k < len(down) && down[k].col+down[k].cols <= col; k++ {
			}
			for ; k < len(down) && down[k].col <= col; k++ {
				col = max(col, down[k].col+down[k].cols)
			}
			rs, cs := c.Spans()
			all = append(all, col)
			if rs > 1 {
				added = append(added, span{col, cs, r + rs - 1})
			}
			col += cs
			width = max(width, col)
		}
		if len(cells) > 0 {
			cols[r] = all[len(all)-len(cells) : len(all) : len(all)]
		}
		if len(added) > 0 {
			down = append(down, added...)
			slices.SortFunc(down, func(a, b span) int { return a.col - b.col })
		}
	}
	return cols, width
}

// cellsIn counts the table's cells.
func cellsIn(t *TableGrid) int {
	n := 0
	for _, cells := range t.Rows {
		n += len(cells)
	}
	return n
}

// Text returns the document's text: paragraphs as lines, table rows as their
// cells joined by tabs. It is for previews and debugging, not for parsing.
func (d *Document) Text() string {
	var b strings.Builder
	for _, blk := range d.Blocks {
		switch blk.Kind {
		case Paragraph:
			b.WriteString(blk.Text)
			b.WriteByte('\n')
		case Table:
			for _, row := range blk.Table.Rows {
				for i, c := range row {
					if i > 0 {
						b.WriteByte('\t')
					}
					b.WriteString(strings.ReplaceAll(c.Text, "\n", " "))
				}
				b.WriteByte('\n')
			}
		case PageBreak:
			b.WriteString("\f\n")
		}
	}
	return b.String()
}
