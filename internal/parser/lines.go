package parser

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/nianbao/nianbao/internal/layout"
	"github.com/nianbao/nianbao/internal/number"
	"github.com/nianbao/nianbao/internal/textnorm"
)

// line is one row of cells as the document gives it: a table row, or one line
// of a paragraph, split into cells where it is a table printed as text.
type line struct {
	cells []cell
	// grid is set for rows of a table block.
	grid bool
	// text is a paragraph line's text, trimmed, for prose and titles.
	text string
	// prose is set for a paragraph line that is a sentence of the report's
	// text rather than a table cell printed as text.
	prose bool
	// placed is set for a line laid out in columns: its cells' col and end
	// hold where they stand.
	placed bool
	// pageStart is set for a page's first line: a value's pieces never
	// run across a page break.
	pageStart bool
	// chars is set while a placed line's cells' col and end count
	// characters rather than display columns (see charsAlign).
	chars bool
	// readings are the paragraph's other readings (layout.Block.Readings)
	// for a paragraph of one line; else nil.
	readings []string
}

// multi reports whether the line holds several cells, so that its end is a
// row's end.
func (l *line) multi() bool { return len(l.cells) > 1 }

// single returns the folded text of a paragraph line of one cell, or "".
func (l *line) single() string {
	if l.grid || len(l.cells) != 1 {
		return ""
	}
	return l.cells[0].folded
}

// cell is one cell's text, folded for matching and read as a value.
type cell struct {
	raw    string
	folded string
	val    number.Value
	conf   float64
	// col and end are the display columns the cell spans in a line laid
	// out in columns (a CJK character is two); both 0 elsewhere.
	col, end int
	// prov is where an OCR'd table cell was read (page and box); zero else.
	prov layout.Provenance
	// reread reads an OCR'd table cell again; nil else.
	reread layout.Rereader
	// unconfirmed marks a value joined from pieces on several lines by
	// where they stand alone, no sum confirming it: only a column a sum
	// checks takes it (see Parser.rowValues).
	unconfirmed bool
}

func (p *Parser) newCell(text string, conf float64) cell {
	raw := strings.TrimSpace(textnorm.StripArtefacts(text))
	return cell{raw: raw, folded: p.norm.Fold(raw), val: number.Parse(raw), conf: conf}
}

// scratch holds the buffers one Parse call cuts its lines and cells from.
// A report splits into hundreds of each, so they are reused across calls
// rather than allocated and collected each time.
type scratch struct {
	lines []line
	cells []cell
}

// release clears what the buffers refer to, so that a pooled scratch keeps
// no document alive.
func (s *scratch) release() {
	clear(s.lines)
	clear(s.cells)
	s.lines, s.cells = s.lines[:0], s.cells[:0]
}

// lines flattens the document into lines, in reading order, cut from s.
// Page breaks vanish, so a table cut by one reads on as one.
func (p *Parser) lines(doc *layout.Document, s *scratch) []line {
	out := slices.Grow(s.lines[:0], len(doc.Blocks))
	// Every line's cells are cut from one buffer, never reallocated, so the
	// lines' slices of it stay valid: a report has hundreds of small lines,
	// and a slice each would cost more than reading them.
	buf := slices.Grow(s.cells[:0], cellCount(doc))
	defer func() { s.lines, s.cells = out, buf }()
	placed := false
	blanks := 0 // covered grid positions kept as blanks
	pageStart := false
	for _, b := range doc.Blocks {
		switch b.Kind {
		case layout.PageBreak:
			pageStart = true
		case layout.Paragraph:
			for text := range strings.SplitSeq(b.Text, "\n") {
				var l line
				var ok bool
				if l, buf, ok = p.textLine(text, b.Prov.Confidence, buf); ok {
					if text == b.Text {
						l.readings = b.Readings
					}
					l.pageStart, pageStart = pageStart, false
					out = append(out, l)
					placed = placed || l.placed
				}
			}
		case layout.Table:
			if b.Table == nil {
				continue
			}
			cols, _ := b.Table.Columns()
			for r, row := range b.Table.Rows {
				start := len(buf)
				col := 0
				for i := range row {
					c := &row[i]
					// Place skips only positions covered by a cell merged
					// down from above: each keeps its column as a blank, or
					// the row's values after it would shift left. A budget
					// keeps a hostile span from filling memory with blanks.
					for ; col < cols[r][i] && blanks < maxCoveredBlanks; col++ {
						buf = append(buf, cell{val: number.Value{Class: number.Empty}})
						blanks++
					}
					buf = append(buf, p.newCell(c.Text, c.Prov.Confidence))
					if c.Prov.Confidence > 0 {
						buf[len(buf)-1].prov = c.Prov
					}
					buf[len(buf)-1].reread = c.Reread
					_, cs := c.Spans()
					col = cols[r][i] + cs
				}
				if len(buf) > start {
					out = append(out, line{grid: true, cells: buf[start:len(buf):len(buf)]})
				}
			}
		}
	}
	if placed {
		// A label alone on its line (a row's whose values stand on the
		// lines around it) stands at the line's start.
		for i := range out {
			if l := &out[i]; !l.placed && !l.prose && !l.grid && len(l.cells) == 1 && l.cells[0].val.Class == number.Text {
				l.placed = true
				l.cells[0].end = textWidth(l.cells[0].raw)
			}
		}
		return p.joinWrapped(out)
	}
	return out
}

// cellCount bounds the cells a document splits into, so that one buffer
// holds them all.
func cellCount(doc *layout.Document) int {
	n, split, covered := 0, 0, 0
	for _, b := range doc.Blocks {
		switch b.Kind {
		case layout.Paragraph:
			for text := range strings.SplitSeq(b.Text, "\n") {
				n++
				split += textCells(text) - 1
			}
		case layout.Table:
			if b.Table != nil {
				// A cell, and a blank for each position below it that it
				// covers, within the blanks' budget.
				rows := b.Table.Rows
				for r, row := range rows {
					for _, c := range row {
						rs, cs := c.Spans()
						n++
						covered += (min(rs, len(rows)-r) - 1) * min(cs, len(row))
					}
				}
			}
		}
	}
	return n + min(split, maxSplitCells+maxTextCells) + min(covered, maxCoveredBlanks)
}

// textLine splits a paragraph line into cells, appended to buf. Tables
// printed as text come as Markdown pipes (| a | b |), cells ending in a pipe
// (a |), tab-separated fields, or one cell a line indented by a tab.
func (p *Parser) textLine(text string, conf float64, buf []cell) (line, []cell, bool) {
	text = strings.TrimRight(text, "\r")
	trimmed := strings.TrimSpace(textnorm.StripArtefacts(text))
	if trimmed == "" && !strings.Contains(text, "\t") {
		// A blank line; a lone tab is an empty cell of a table printed one
		// cell a line.
		return line{}, buf, false
	}
	sep := ""
	switch {
	case hasBoxBar(text):
		text = strings.Map(func(r rune) rune {
			if boxBar(r) {
				return '|'
			}
			return r
		}, text)
		fallthrough
	case strings.Contains(text, "|"):
		if markdownRule(text) {
			return line{}, buf, false
		}
		// A closing pipe ends the last cell rather than opening one.
		if k := strings.LastIndexByte(text, '|'); strings.TrimSpace(text[k+1:]) == "" {
			text = text[:k]
		}
		sep = "|"
	case strings.Count(text, "\t") > 1 || (strings.Contains(text, "\t") && !strings.HasPrefix(text, "\t")):
		sep = "\t"
	}
	if sep != "" && (strings.Count(text, sep) >= maxTextCells || len(buf) >= maxSplitCells) {
		// No report's row has so many cells, nor a report so many; split,
		// pipes would cost a cell each, many times their bytes.
		sep = ""
	}
	l := line{text: trimmed}
	start := len(buf)
	switch {
	case sep == "" && len(trimmed) > longProseRunes && utf8.RuneCountInString(trimmed) > longProseRunes && strings.Count(trimmed, "  ") < 2:
		// Too long to be a heading, title or cell: no need to fold it.
		buf = append(buf, cell{raw: trimmed, val: number.Value{Class: number.Text}})
		l.prose = true
	case sep == "" && (aligned(trimmed) || text[0] == ' '):
		// Laid out in columns (pdftotext -layout): the cells keep where
		// they stand, so that a label wrapped over lines is joined again.
		for _, f := range p.alignedFields(text) {
			c := p.newCell(f.text, conf)
			c.col, c.end = f.col, f.end
			buf = append(buf, c)
		}
		l.placed = true
	case sep == "":
		buf = append(buf, p.newCell(text, conf))
	default:
		for part := range strings.SplitSeq(text, sep) {
			buf = append(buf, p.newCell(part, conf))
		}
	}
	l.cells = buf[start:len(buf):len(buf)]
	l.prose = l.prose || proseLike(l.single())
	return l, buf, true
}

// longProseRunes is the length past which a line is prose for every purpose.
const longProseRunes = 100

// maxTextCells is the most cells a line of text splits into; a line of more
// is read as one.
const maxTextCells = 64

// maxCoveredBlanks is the most grid positions covered by merged cells that a
// document's tables keep as blanks; report tables have a few hundred.
const maxCoveredBlanks = 100_000

// maxSplitCells is the most cells there may be before a line of text is
// still split into cells: memory stays linear in a text of pipes.
const maxSplitCells = 200_000

// textCells bounds the cells textLine splits text into.
func textCells(text string) int {
	sep := strings.Count(text, "|")
	if sep == 0 {
		sep = strings.Count(text, "\t")
	}
	if sep >= maxTextCells {
		return 1
	}
	return sep + 1
}

// markdownRule reports a Markdown table's header rule: |---|:---:|. A
// line of one lone - is a cell printed blank ("- |"), not a rule.
func markdownRule(text string) bool {
	parts, dashes := 0, 0
	for part := range strings.SplitSeq(text, "|") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if strings.Trim(part, "-:") != "" {
			return false
		}
		parts++
		dashes += strings.Count(part, "-")
	}
	return parts > 1 || dashes > 1
}

// boxBar reports a box-drawing character that parts cells in a line: │ ┃ ║
// and the junctions ├ ┼ ┤ ….
func boxBar(r rune) bool {
	return r == '│' || r == '┃' || r == '║' || r >= 0x251C && r <= 0x254B || r >= 0x255E && r <= 0x256C
}

// hasBoxBar reports a box-drawing bar in text. The box-drawing block
// (U+2500–U+257F) starts with bytes E2 94 or E2 95 in UTF-8, so most lines
// are passed over by a byte search.
func hasBoxBar(text string) bool {
	// One pass over the E2 bytes, which also start common punctuation
	// (“ ” — …), rather than one for each second byte.
	for i := 0; ; {
		j := strings.IndexByte(text[i:], 0xE2)
		if j < 0 || i+j+1 >= len(text) {
			return false
		}
		i += j + 1
		if b := text[i]; b == 0x94 || b == 0x95 {
			return strings.ContainsFunc(text, boxBar)
		}
	}
}

// aligned reports a line whose cells are parted by spaces, as text laid out
// in columns is (pdftotext -layout, a page's positioned spans): a run of
// two or more spaces inside it, or a space between two numbers.
func aligned(trimmed string) bool {
	if strings.Contains(trimmed, "  ") || strings.Contains(trimmed, "\u3000") {
		return true
	}
	if strings.IndexByte(trimmed, ' ') < 0 {
		return false
	}
	prev := ""
	for f := range strings.FieldsSeq(trimmed) {
		if numeric(prev) && numeric(f) {
			return true
		}
		prev = f
	}
	return false
}

// numeric reports a token of digits, with separators and a sign.
func numeric(s string) bool {
	digit := false
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			digit = true
		case strings.ContainsRune(",.，．-+", r):
		default:
			return false
		}
	}
	return digit
}

// field is a cell's text in a line laid out in columns, with the display
// columns it spans.
type field struct {
	text     string
	col, end int
}

// alignedFields splits an aligned line into its cells: at runs of two or
// more spaces, and at single spaces between numbers. A field that is only a
// list number (2、 before a heading set off by spaces) joins the next, unless
// that is a number.
func (p *Parser) alignedFields(text string) []field {
	var fields []field
	col, start, startCol, spaces := 0, -1, 0, 0
	cut := func(i int) {
		if start >= 0 {
			fields = append(fields, field{text: strings.TrimRight(text[start:i], " \u3000"), col: startCol, end: col - spaces})
			start = -1
		}
	}
	prevTok, tokStart := "", 0
	for i, r := range text {
		if r == ' ' || r == '\u3000' || r == '\t' {
			if spaces == 0 && start >= 0 {
				prevTok = text[tokStart:i]
			}
			spaces += runeWidth(r)
			col += runeWidth(r)
			continue
		}
		if start >= 0 && spaces >= 2 {
			cut(i)
		} else if start >= 0 && spaces == 1 && numeric(tokenAt(text[i:])) && (numeric(prevTok) || valuesEnd(text[start:i], text[i:])) {
			cut(i)
		}
		if spaces > 0 || start < 0 {
			tokStart = i
		}
		if start < 0 {
			start, startCol = i, col
		}
		spaces = 0
		col += runeWidth(r)
	}
	cut(len(text))
	for k := 0; k+1 < len(fields); k++ {
		if numeric(fields[k+1].text) {
			// A list number before a value (3.   1   0) numbers a label
			// printed on another line; 3.1 is no value.
			continue
		}
		f := p.norm.Fold(fields[k].text)
		if textnorm.HasListNumber(f) && textnorm.StripListNumber(f) == f {
			fields[k+1].text = fields[k].text + fields[k+1].text
			fields[k+1].col = fields[k].col
			fields = append(fields[:k], fields[k+1:]...)
		}
	}
	return fields
}

// valuesEnd reports whether rest, after a label in a cell (规范性文件 29 7),
// is numbers only up to the cell's end, and the label holds no bracket left
// open (208（含修订 7 is one value and its note).
func valuesEnd(label, rest string) bool {
	if strings.Count(label, "（")+strings.Count(label, "(") > strings.Count(label, "）")+strings.Count(label, ")") {
		return false
	}
	if end := strings.Index(rest, "  "); end >= 0 {
		rest = rest[:end]
	}
	for tok := range strings.FieldsSeq(rest) {
		if !numeric(tok) {
			return false
		}
	}
	return true
}

// tokenAt returns the text up to the first space.
func tokenAt(s string) string {
	if i := strings.IndexAny(s, " \u3000\t"); i >= 0 {
		return s[:i]
	}
	return s
}

// textWidth is a text's display width.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// runeWidth is a character's display width: two for East Asian wide and
// full-width characters, as text laid out in columns counts them.
func runeWidth(r rune) int {
	if r < 0x1100 {
		return 1
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}
