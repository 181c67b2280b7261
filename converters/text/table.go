package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/nianbao/nianbao/internal/layout"
)

// Tables drawn in text by extraction tools come in two kinds, read here into
// grids so that a cell whose text wraps over several lines is one cell:
//
//   - ruled tables, whose cells are parted by box-drawing characters
//     (w3m -dump: │ ├ ┼ …) or ASCII grid borders (+---+ and |, as pandoc and
//     reStructuredText grid tables print them): a rule line ends a row;
//   - dashed tables (pandoc's simple and multiline tables): a line of dash
//     runs gives the columns by their character offsets, and blank lines
//     part the rows of a multiline table.
//
// Columns are measured in display columns (a CJK character is two), as the
// tools align them. Text that is not such a table stays paragraph lines, for
// the parser's own reading of text tables.

// boxVertical are the characters that part cells within a line.
func boxVertical(r rune) bool {
	switch r {
	case '|', '│', '┃', '║', '┆', '┇', '┊', '┋', '╎', '╏':
		return true
	}
	// Junctions (├ ┼ ┤ …) part cells in a rule line.
	return r >= 0x251C && r <= 0x254B || r >= 0x255E && r <= 0x256C
}

// ruleRune reports a character a rule line is drawn with.
func ruleRune(r rune) bool {
	return r >= 0x2500 && r <= 0x257F || strings.ContainsRune("+-=:|", r)
}

// ruleLine reports a line drawn only with rule characters and spaces, with
// at least one horizontal stroke: a border between rows.
func ruleLine(s string) bool {
	horizontal := false
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t':
		case !ruleRune(r):
			return false
		case r == '-' || r == '=' || r == '─' || r == '━' || r == '═' || r == '┄' || r == '┅':
			horizontal = true
		}
	}
	return horizontal
}

// opensRuled reports a top border or first row of a ruled table: a rule line
// starting with a corner or junction.
func opensRuled(s string) bool {
	t := strings.TrimSpace(s)
	if !ruleLine(t) || strings.Count(t, "-")+strings.Count(t, "=") == len(t) {
		// A line of dashes alone is a dashed table's, or a Markdown rule.
		return false
	}
	r, _ := utf8.DecodeRuneInString(t)
	return r == '+' || r >= 0x250C && r <= 0x254B || r >= 0x2552 && r <= 0x256C
}

// inRuled reports a line that continues a ruled table: it starts with a
// vertical bar, a junction or a corner.
func inRuled(s string) bool {
	t := strings.TrimLeft(s, " ")
	r, _ := utf8.DecodeRuneInString(t)
	return r == '+' || boxVertical(r) || r >= 0x2500 && r <= 0x257F
}

// dashColumns returns the display columns where a dashed table's column
// rule line (dash runs parted by spaces, as pandoc prints) starts each
// column; nil if s is not one.
func dashColumns(s string) []int {
	var cols []int
	col, in := 0, false
	for _, r := range s {
		switch r {
		case '-':
			if !in {
				cols = append(cols, col)
			}
			in = true
		case ' ':
			in = false
		default:
			return nil
		}
		col++
	}
	if len(cols) == 0 || len(strings.TrimSpace(s)) < 3 {
		return nil
	}
	return cols
}

// runeWidth is a character's display width: two for East Asian wide and
// full-width characters, one for others (ambiguous ones included, as the
// tools print box-drawing characters and quotation marks).
func runeWidth(r rune) int {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// blocks turns one page's lines into paragraph and table blocks.
func blocks(lines []string, out []layout.Block) []layout.Block {
	i := 0
	if len(out) == 0 {
		i, out = frontMatter(lines, out)
	}
	for i < len(lines) {
		// Drawn tables start with a rule: +, - or a box-drawing character
		// (bytes E2 94/95), after spaces; most lines are passed at once.
		if t := strings.TrimLeft(lines[i], " "); t == "" || (t[0] != '+' && t[0] != '-' && t[0] != 0xE2) {
			if lines[i] != "" {
				out = append(out, layout.Block{Kind: layout.Paragraph, Text: lines[i]})
			}
			i++
			continue
		}
		if n, grid := ruledTable(lines[i:]); grid != nil {
			out = append(out, layout.Block{Kind: layout.Table, Table: grid})
			i += n
			continue
		}
		if n, grid := dashedTable(lines[i:]); grid != nil {
			out = append(out, layout.Block{Kind: layout.Table, Table: grid})
			i += n
			continue
		}
		if lines[i] != "" {
			out = append(out, layout.Block{Kind: layout.Paragraph, Text: lines[i]})
		}
		i++
	}
	return out
}

// frontMatter reads a Markdown document's YAML front matter (--- first,
// then key: value lines, then --- or ...), as pandoc -s writes the title:
// the title's value is the document's first line. It returns the lines taken.
func frontMatter(lines []string, out []layout.Block) (int, []layout.Block) {
	if len(lines) < 3 || strings.TrimSpace(lines[0]) != "---" {
		return 0, out
	}
	for i := 1; i < len(lines) && i < 64; i++ {
		switch l := strings.TrimSpace(lines[i]); {
		case l == "---" || l == "...":
			return i + 1, out
		case strings.HasPrefix(l, "title:"):
			title := strings.Trim(strings.TrimSpace(l[len("title:"):]), `"'`)
			if strings.HasPrefix(title, "|") || strings.HasPrefix(title, ">") {
				// A block scalar: the title's lines follow, indented.
				for i+1 < len(lines) && (strings.HasPrefix(lines[i+1], " ") || strings.TrimSpace(lines[i+1]) == "") {
					i++
					if t := strings.TrimSpace(lines[i]); t != "" {
						out = append(out, layout.Block{Kind: layout.Paragraph, Text: t})
					}
				}
				continue
			}
			if title != "" {
				out = append(out, layout.Block{Kind: layout.Paragraph, Text: title})
			}
		}
	}
	return 0, out[:0]
}

// ruledTable reads a ruled table at the start of lines: it returns the lines
// it took and its grid, or nil when lines do not open one.
func ruledTable(lines []string) (int, *layout.TableGrid) {
	if len(lines) == 0 || !opensRuled(lines[0]) {
		return 0, nil
	}
	n := 1
	for n < len(lines) && inRuled(lines[n]) {
		n++
	}
	var rows [][]string
	grid := &layout.TableGrid{}
	flush := func() {
		if row := mergeRow(rows); row != nil {
			grid.Rows = append(grid.Rows, row)
		}
		rows = rows[:0]
	}
	for _, l := range lines[1:n] {
		if ruleLine(l) {
			flush()
			continue
		}
		cells := splitRuled(l)
		// A rule under some columns only ends the rows there; the text
		// beside it belongs to a cell merged down over them, and goes
		// with the row below.
		partial := false
		for k, c := range cells {
			if c = strings.TrimSpace(c); c != "" && ruleLine(c) {
				cells[k], partial = "", true
			}
		}
		if partial {
			flush()
		}
		rows = append(rows, cells)
	}
	flush()
	if len(grid.Rows) == 0 {
		return 0, nil
	}
	return n, grid
}

// splitRuled splits a ruled table's line at its vertical bars.
func splitRuled(l string) []string {
	var cells []string
	start := -1
	for i, r := range l {
		if boxVertical(r) {
			if start >= 0 {
				cells = append(cells, l[start:i])
			}
			start = i + utf8.RuneLen(r)
		}
	}
	if start >= 0 && strings.TrimSpace(l[start:]) != "" {
		cells = append(cells, l[start:])
	}
	return cells
}

// mergeRow joins the lines of one table row cell by cell: a cell's text
// wrapped over lines is one text again.
func mergeRow(lines [][]string) []layout.Cell {
	n := 0
	for _, l := range lines {
		n = max(n, len(l))
	}
	if n == 0 {
		return nil
	}
	texts := make([]string, n)
	for _, l := range lines {
		for k, c := range l {
			texts[k] = joinWrapped(texts[k], strings.TrimSpace(c))
		}
	}
	row := make([]layout.Cell, n)
	blank := true
	for k, t := range texts {
		row[k] = layout.Cell{Text: t}
		blank = blank && t == ""
	}
	if blank {
		return nil
	}
	return row
}

// joinWrapped joins a cell's text with its next line: without a space, as
// Chinese text and wrapped numbers are broken, but with one between words.
func joinWrapped(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	last, _ := utf8.DecodeLastRuneInString(a)
	first, _ := utf8.DecodeRuneInString(b)
	if last < utf8.RuneSelf && unicode.IsLetter(last) && first < utf8.RuneSelf && unicode.IsLetter(first) {
		return a + " " + b
	}
	return a + b
}

// dashedTable reads a dashed table at the start of lines: a column rule
// line, the rows, and a closing dash line, or the blank line that ends a
// simple table. Rows are parted by blank lines when any row spans several
// lines (a multiline table), else each line is a row.
func dashedTable(lines []string) (int, *layout.TableGrid) {
	if len(lines) == 0 {
		return 0, nil
	}
	cols := dashColumns(lines[0])
	if cols == nil {
		return 0, nil
	}
	// The table's extent: to a closing dash line, or to a blank line
	// followed by text that is not indented as the table is.
	end, closed := 1, false
	for ; end < len(lines); end++ {
		l := lines[end]
		if c := dashColumns(l); c != nil {
			if len(c) > 1 {
				cols = c // a header's rule gives the columns below it
			}
			if end+1 >= len(lines) || strings.TrimSpace(lines[end+1]) == "" {
				closed = true
				break
			}
			continue
		}
		if strings.TrimSpace(l) == "" && (end+1 >= len(lines) || !indentedLike(lines[end+1], lines[0])) {
			break
		}
	}
	if len(cols) < 2 {
		return 0, nil
	}
	body := lines[1:end]
	grid := &layout.TableGrid{}
	var group [][]string
	flush := func() {
		if row := mergeRow(group); row != nil {
			grid.Rows = append(grid.Rows, row)
		}
		group = group[:0]
	}
	multiline := closed && hasBlank(body)
	for _, l := range body {
		switch {
		case dashColumns(l) != nil, strings.TrimSpace(l) == "":
			flush()
		default:
			group = append(group, cutColumns(l, cols))
			if !multiline {
				flush()
			}
		}
	}
	flush()
	if len(grid.Rows) == 0 {
		return 0, nil
	}
	if closed {
		end++
	}
	return end, grid
}

func hasBlank(lines []string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			return true
		}
	}
	return false
}

// indentedLike reports whether s starts with at least the indent of ref.
func indentedLike(s, ref string) bool {
	in := len(ref) - len(strings.TrimLeft(ref, " "))
	return len(s)-len(strings.TrimLeft(s, " ")) >= in && strings.TrimSpace(s) != ""
}

// cutColumns cuts a line into the cells of columns starting at display
// columns cols: each character goes to the last column starting at or
// before it.
func cutColumns(l string, cols []int) []string {
	cells := make([]string, len(cols))
	col, k, start := 0, 0, 0
	for i, r := range l {
		for k+1 < len(cols) && col >= cols[k+1] {
			cells[k] = l[start:i]
			k++
			start = i
		}
		col += runeWidth(r)
	}
	cells[k] = l[start:]
	return cells
}
