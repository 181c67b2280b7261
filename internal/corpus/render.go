package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nianbao/nianbao/internal/template"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Style is a way a report reaches the parser: an HTML page, or text as one
// of the seeds' five tools extracted it.
type Style int

const (
	// HTML is the report's page on its government portal.
	HTML Style = iota
	// Word is Word's text export (seed 000).
	Word
	// Markdown is Markdown pipe tables from a PDF (seed 001).
	Markdown
	// CellPipe is a scraped web table, one cell a line (seed 002).
	CellPipe
	// WordIndent is Word's export of an indented document (seed 003).
	WordIndent
	// TSV is tab-separated rows from a PDF (seed 004).
	TSV
	// DOCX is the report as a Word document (.docx).
	DOCX
)

var styleFiles = []struct{ name, suffix string }{
	HTML:       {"html", ".html"},
	Word:       {"word", ".word.txt"},
	Markdown:   {"markdown", ".markdown.md"},
	CellPipe:   {"cellpipe", ".cellpipe.txt"},
	WordIndent: {"wordindent", ".wordindent.txt"},
	TSV:        {"tsv", ".tsv.txt"},
	DOCX:       {"docx", ".docx"},
}

// Styles returns every style, HTML first.
func Styles() []Style { return []Style{HTML, Word, Markdown, CellPipe, WordIndent, TSV, DOCX} }

func (s Style) String() string { return styleFiles[s].name }

// FileName names a report's file in the style: 007.word.txt.
func (s Style) FileName(stem string) string { return stem + styleFiles[s].suffix }

// Render returns the report printed in the style, in its file's encoding.
func (r *Report) Render(st Style) ([]byte, error) {
	var s string
	switch st {
	case HTML:
		return r.renderHTML()
	case DOCX:
		return r.renderDOCX()
	case Word, WordIndent:
		s = r.renderWord(st)
	case Markdown, TSV:
		s = r.renderPDF(st)
	case CellPipe:
		s = r.renderCellPipe()
	}
	if r.look.gb18030 == st {
		return simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	}
	return []byte(s), nil
}

// heading prints a section heading; Word prints its list numbers with a
// space after them.
func (r *Report) heading(b block, st Style) string {
	num := r.headingNumber(b.section)
	if r.look.arabicHeadings && (st == Word || st == WordIndent) {
		num += " "
	}
	return num + b.text
}

// Word's text export: a paragraph a line; a table cell a line after a tab,
// with its own line breaks kept, merged-down cells as lone tabs and a blank
// line after each row. The indented variant opens with an empty line, sets
// the title on two lines and indents prose with no-break spaces.
func (r *Report) renderWord(st Style) string {
	indent := st == WordIndent
	var b strings.Builder
	if indent {
		b.WriteString("\n")
	}
	np, nt := 0, 0
	for _, blk := range r.document() {
		switch blk.kind {
		case titleBlock:
			if indent || r.look.twoLineTitle {
				b.WriteString(strings.Join(blk.lines, "\n") + "\n")
			} else {
				b.WriteString(strings.Join(blk.lines, "") + "\n")
			}
		case headingBlock:
			if indent && blk.section == r.look.indentHeading {
				b.WriteString("\u3000\u3000")
			}
			b.WriteString(r.heading(blk, st) + "\n")
		case paraBlock:
			b.WriteString(r.wordParagraph(blk, np, st) + "\n")
			np++
		case tableBlock:
			if !indent && r.look.wordBlank[nt] {
				b.WriteString("\n")
			}
			nt++
			writeWordTable(&b, r.grid(blk.table, st))
			b.WriteString("\n")
			if !indent {
				b.WriteString("\n")
			}
		}
	}
	// Word ends its export with the document's last, empty paragraph.
	b.WriteString(" ")
	return b.String()
}

// Indents a Word document's paragraphs come out with: eight no-break spaces,
// or the same with a plain space where the author typed one.
var wordIndents = []string{
	strings.Repeat("\u00a0", 8),
	strings.Repeat("\u00a0", 8),
	"\u00a0 " + strings.Repeat("\u00a0", 6),
}

func (r *Report) wordParagraph(blk block, n int, st Style) string {
	switch {
	case st == WordIndent && n == r.look.bookmarkPara:
		return bookmark + blk.text
	case st == WordIndent && !blk.sub && utf8.RuneCountInString(blk.text) > 20:
		return wordIndents[n%len(wordIndents)] + blk.text
	}
	return blk.text
}

func writeWordTable(b *strings.Builder, g grid) {
	placed, width := g.Place()
	// below[r][c] is the column span of a cell merged down over row r at
	// column c: Word prints such a cell again, empty, in every row it covers.
	below := make([]map[int]int, len(placed))
	for _, row := range placed {
		for _, c := range row {
			rows, cols := c.Spans()
			for dr := 1; dr < rows; dr++ {
				if below[c.Row+dr] == nil {
					below[c.Row+dr] = map[int]int{}
				}
				below[c.Row+dr][c.Col] = cols
			}
		}
	}
	for i, row := range placed {
		k := 0
		for col := 0; col < width; {
			if k < len(row) && row[k].Col == col {
				b.WriteString("\t" + row[k].Text + "\n")
				_, cols := row[k].Spans()
				col += cols
				k++
			} else if cols, ok := below[i][col]; ok {
				b.WriteString("\t\n")
				col += cols
			} else {
				col++
			}
		}
		b.WriteString("\n")
	}
}

// A PDF's text, as the Markdown and TSV tools give it: blocks parted by
// blank lines, spaces where the PDF set a gap between Chinese and digits,
// tables with merged cells expanded into empty ones.
func (r *Report) renderPDF(st Style) string {
	var parts []string
	for _, blk := range r.document() {
		switch blk.kind {
		case titleBlock:
			title := pdfSpace(strings.Join(blk.lines, ""))
			if r.look.twoLineTitle {
				title = pdfSpace(blk.lines[0]) + "\n" + pdfSpace(blk.lines[1])
			} else if st == TSV && r.look.wrapTitle {
				title = strings.Replace(title, r.text("年度报告"), " "+r.text("年度报告"), 1)
			}
			parts = append(parts, title)
		case headingBlock:
			parts = append(parts, pdfSpace(r.heading(blk, st)))
		case paraBlock:
			parts = append(parts, pdfSpace(blk.text))
		case tableBlock:
			rows := r.pdfRows(blk.table, st)
			if st == Markdown {
				parts = append(parts, markdownTable(rows))
			} else {
				parts = append(parts, tsvTable(rows))
			}
		}
	}
	return "\n\n" + strings.Join(parts, "\n\n")
}

// pdfSpace puts a space between Chinese and digits, as PDF text extraction
// does where the typesetter left a gap: 2023 年 1 月.
func pdfSpace(s string) string {
	var b strings.Builder
	prev := rune(0)
	for _, c := range s {
		if prev != 0 && (han(prev) && asciiDigit(c) || asciiDigit(prev) && han(c)) {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
		prev = c
	}
	return b.String()
}

func han(r rune) bool        { return unicode.Is(unicode.Han, r) }
func asciiDigit(r rune) bool { return r >= '0' && r <= '9' }

// pdfRows expands a table as the PDF tools read it. Tables 1 and 3 come out
// as the full grid, a merged cell's text in its first position. Table 2 does
// not: its header is read one column off, a row's label cells follow one
// empty cell per group merged down from above, a label over all three label
// columns reads as two cells, and rows are padded at the end; some rows are
// shifted by a cell.
func (r *Report) pdfRows(t *table, st Style) [][]string {
	g := r.grid(t, st)
	placed, width := g.Place()
	if t.def.Key != template.Applications {
		out := make([][]string, len(placed))
		for i := range out {
			out[i] = make([]string, width)
		}
		for _, row := range placed {
			for _, c := range row {
				out[c.Row][c.Col] = flat(c.Text)
			}
		}
		return out
	}
	covers := make([]int, len(placed))
	for _, row := range placed {
		for _, c := range row {
			rows, _ := c.Spans()
			for dr := 1; dr < rows; dr++ {
				covers[c.Row+dr]++
			}
		}
	}
	out := r.pdfApplicationsHeader(t, width)
	for i := g.headerRows(); i < len(placed); i++ {
		cells := make([]string, covers[i], width)
		for _, c := range placed[i] {
			text := c.Text
			if c.Col < template.LabelColumns {
				text = pdfLabel(text)
			}
			cells = append(cells, flat(text))
			if _, cols := c.Spans(); cols == template.LabelColumns {
				cells = append(cells, "")
			}
		}
		for len(cells) < width {
			cells = append(cells, "")
		}
		out = append(out, shiftCells(cells, r.look.shifted(st, g.keys[i])))
	}
	return out
}

// pdfApplicationsHeader is table 2's header as both PDF tools read it (seeds
// 001 and 004): one column to the left of the values, 总计 pulled up.
func (r *Report) pdfApplicationsHeader(t *table, width int) [][]string {
	cols := t.def.Columns
	last := len(cols) - 1
	base := template.LabelColumns - 1
	rows := make([][]string, 3)
	for i := range rows {
		rows[i] = make([]string, width)
	}
	rows[0][0] = pdfParens(r.text(template.HeaderCheckNote))
	rows[0][base] = r.text(template.HeaderApplicants)
	rows[0][base+last] = r.text(cols[last].Label)
	rows[1][base] = r.text(cols[0].Label)
	rows[1][base+1] = r.text(template.HeaderOrganisations)
	for k, c := range cols[1:last] {
		rows[2][base+1+k] = flat(r.text(r.look.narrow(c.Label)))
	}
	return rows
}

// shiftCells moves a row a cell left (dir -1) or right (1) where it has an
// empty cell to give.
func shiftCells(cells []string, dir int) []string {
	n := len(cells)
	switch {
	case dir < 0 && cells[0] == "":
		return append(cells[1:], "")
	case dir > 0 && cells[n-1] == "":
		return append([]string{""}, cells[:n-1]...)
	}
	return cells
}

// pdfLabel prints a label of table 2 as the PDF's font sets it: half-width
// parentheses with a space outside them, a space after a list number and
// after a comma. (一)予以公开 → (一) 予以公开.
func pdfLabel(s string) string {
	s = pdfParens(s)
	var b strings.Builder
	rs := []rune(s)
	for i, c := range rs {
		next := rune(0)
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		switch {
		case c == '(' && i > 0 && rs[i-1] != ' ':
			b.WriteString(" (")
		case (c == ')' || c == ',') && next != 0 && next != ' ':
			b.WriteRune(c)
			b.WriteByte(' ')
		case c == '，':
			b.WriteString(", ")
		case c == '.' && i > 0 && asciiDigit(rs[i-1]) && next != ' ':
			b.WriteString(". ")
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

var halfParens = strings.NewReplacer("（", "(", "）", ")")

func pdfParens(s string) string { return halfParens.Replace(s) }

// flat joins a cell's lines with spaces, as tools that print a cell on one
// line do.
func flat(s string) string { return strings.ReplaceAll(s, "\n", " ") }

func markdownTable(rows [][]string) string {
	var lines []string
	for i, row := range rows {
		var b strings.Builder
		b.WriteString("|")
		for _, c := range row {
			if c != "" {
				b.WriteString(" " + c)
			}
			b.WriteString(" |")
		}
		lines = append(lines, b.String())
		if i == 0 {
			lines = append(lines, markdownRule(rows))
		}
	}
	return strings.Join(lines, "\n")
}

// markdownRule is the |---| line under the first row, a column's dashes as
// many as its longest text has characters.
func markdownRule(rows [][]string) string {
	var b strings.Builder
	b.WriteString("|")
	for col := range rows[0] {
		w := 2
		for _, row := range rows {
			w = max(w, utf8.RuneCountInString(row[col]))
		}
		b.WriteString(strings.Repeat("-", min(w, 40)) + "|")
	}
	return b.String()
}

func tsvTable(rows [][]string) string {
	lines := make([]string, len(rows))
	for i, row := range rows {
		lines[i] = strings.Join(row, "\t")
	}
	return strings.Join(lines, "\n")
}

// A scraped page's text: a paragraph a line, and a table as its cells one a
// line ending in " |", the empty cells that end a row (as HTML rows are
// padded to the table's width) as one line of "|" per run. A merged cell is
// printed once; the table's last padding is dropped.
func (r *Report) renderCellPipe() string {
	var lines []string
	for _, blk := range r.document() {
		switch blk.kind {
		case titleBlock:
			if r.look.twoLineTitle {
				lines = append(lines, blk.lines...)
			} else {
				lines = append(lines, strings.Join(blk.lines, ""))
			}
		case headingBlock:
			lines = append(lines, r.heading(blk, CellPipe))
		case paraBlock:
			lines = append(lines, blk.text)
		case tableBlock:
			lines = append(lines, r.cellPipeTable(blk.table)...)
		}
	}
	return strings.Join(lines, "\n")
}

func (r *Report) cellPipeTable(t *table) []string {
	g := r.grid(t, CellPipe)
	placed, width := g.Place()
	var lines []string
	for i, row := range placed {
		var cells []string
		if r.look.shifted(CellPipe, g.keys[i]) != 0 {
			cells = append(cells, "") // a stray empty cell the page starts the row with
		}
		for _, c := range row {
			cells = append(cells, flat(c.Text))
		}
		if i < len(placed)-1 {
			for len(cells) < width {
				cells = append(cells, "")
			}
		}
		run := 0
		for _, c := range cells {
			if c == "" {
				run++
				continue
			}
			if run > 0 {
				lines = append(lines, strings.Repeat("|", run))
				run = 0
			}
			lines = append(lines, c+" |")
		}
		if run > 0 {
			lines = append(lines, strings.Repeat("|", run))
		}
	}
	return lines
}
