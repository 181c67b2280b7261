package html

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/width"

	"github.com/nianbao/nianbao/internal/layout"
)

// chromeWords name parts of a site rather than of a text. An element whose id
// or class has one of them as a word (see hasChromeWord) is dropped with all
// it holds.
var chromeWords = map[string]bool{
	"nav":        true,
	"menu":       true,
	"breadcrumb": true,
	"crumb":      true,
	"footer":     true,
	"foot":       true,
	"header":     true,
	"sidebar":    true,
	"share":      true,
	"copyright":  true,
	"toolbar":    true,
	"login":      true,
	"search":     true,
}

// chromeRoles are the ARIA landmark roles of site chrome.
var chromeRoles = map[string]bool{
	"banner":        true,
	"navigation":    true,
	"contentinfo":   true,
	"complementary": true,
	"search":        true,
}

// ignored reports whether elements a never hold a page's text. The
// <head> is among them: the <title> is the tab's, not the text's.
func ignored(a atom.Atom) bool {
	switch a {
	case atom.Head, atom.Title, atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Iframe,
		atom.Object, atom.Embed, atom.Select, atom.Option, atom.Button, atom.Input, atom.Textarea,
		atom.Svg, atom.Canvas, atom.Audio, atom.Video:
		return true
	}
	return false
}

// blockLevel reports whether elements a start and end a paragraph. All
// others are inline.
func blockLevel(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Body, atom.Caption,
		atom.Center, atom.Dd, atom.Details, atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Dt,
		atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer, atom.Form, atom.H1, atom.H2, atom.H3,
		atom.H4, atom.H5, atom.H6, atom.Header, atom.Hgroup, atom.Hr, atom.Html, atom.Legend, atom.Li,
		atom.Listing, atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.P, atom.Plaintext, atom.Pre,
		atom.Section, atom.Summary, atom.Table, atom.Tbody, atom.Td, atom.Tfoot, atom.Th, atom.Thead,
		atom.Tr, atom.Ul, atom.Xmp:
		return true
	}
	return false
}

// Span limits, as browsers clamp them.
const (
	maxColSpan = 1000
	maxRowSpan = 65534
)

// checkEvery is how many nodes pass between checks of the context.
const checkEvery = 4096

// walker turns a parsed page into blocks.
type walker struct {
	ctx    context.Context
	chrome bool // drop site chrome
	blocks []layout.Block
	line   line
	pre    int     // depth of open <pre> elements, where whitespace is kept
	seen   int     // nodes visited
	cell   *walker // reads the cells of data tables
}

// extract returns the blocks of the page rooted at root, dropping site
// chrome if chrome is set.
func extract(ctx context.Context, root *html.Node, chrome bool) ([]layout.Block, error) {
	w := &walker{ctx: ctx, chrome: chrome}
	if err := w.walk(root); err != nil {
		return nil, err
	}
	w.flush()
	return w.blocks, nil
}

func (w *walker) walk(n *html.Node) error {
	if w.seen++; w.seen%checkEvery == 0 {
		if err := w.ctx.Err(); err != nil {
			return err
		}
	}
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return nil
	case html.DocumentNode:
		return w.children(n)
	case html.ElementNode:
	default:
		return nil
	}
	if w.skip(n) {
		return nil
	}
	switch {
	case n.DataAtom == atom.Br:
		w.flush()
		return nil
	case n.DataAtom == atom.Table && !layoutTable(n):
		w.flush()
		return w.table(n)
	}

	block := blockLevel(n.DataAtom)
	if block {
		w.flush()
	}
	if n.DataAtom == atom.Pre {
		w.pre++
	}
	err := w.children(n)
	if n.DataAtom == atom.Pre {
		w.pre--
	}
	if block {
		w.flush()
	}
	return err
}

func (w *walker) children(n *html.Node) error {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if err := w.walk(c); err != nil {
			return err
		}
	}
	return nil
}

// text adds a text node's text to the current paragraph.
func (w *walker) text(s string) {
	if w.pre == 0 {
		w.line.collapse(s)
		return
	}
	for i, part := range strings.Split(s, "\n") {
		if i > 0 {
			w.flush()
		}
		w.line.raw(part)
	}
}

// flush ends the current paragraph, dropping it if it is blank.
func (w *walker) flush() {
	if s := w.line.take(); strings.TrimSpace(s) != "" {
		w.blocks = append(w.blocks, layout.Block{Kind: layout.Paragraph, Text: s})
	}
}

// skip reports whether n and all it holds are not the page's text.
func (w *walker) skip(n *html.Node) bool {
	if ignored(n.DataAtom) {
		return true
	}
	if !w.chrome {
		return false
	}
	switch n.DataAtom {
	case atom.Html, atom.Body:
		// Classes such as "has-header" on these would drop the whole page.
		return false
	case atom.Nav, atom.Aside:
		return true
	case atom.Header, atom.Footer:
		return !inText(n)
	}
	for _, a := range n.Attr {
		if chromeAttr(a.Key, a.Val) {
			return true
		}
	}
	return false
}

// chromeAttr reports whether an attribute names a part of a site: an id or
// class with a chrome word, or a chrome role. The builder gives it values
// as they are in the page, the walker those of the tree.
func chromeAttr[T string | []byte](key string, val T) bool {
	switch key {
	case "id", "class":
		return hasChromeWord(val)
	case "role":
		return chromeRoles[strings.ToLower(strings.TrimSpace(string(val)))]
	}
	return false
}

// inText reports whether n is inside an article or main element, where a
// header or footer holds the text's title or signature, not the site's.
func inText(n *html.Node) bool {
	for a := range n.Ancestors() {
		if a.DataAtom == atom.Article || a.DataAtom == atom.Main {
			return true
		}
	}
	return false
}

// hasChromeWord reports whether one of the words of s is a chrome word.
// Words are runs of ASCII letters, also split where camel case turns to upper
// case: "site-nav", "footer_wrap", "nav2" and "topNavBar" have one,
// "navigation-free-content" and "footnote" have none.
func hasChromeWord[T string | []byte](s T) bool {
	start := -1 // start of the current word, or -1 between words
	for i := 0; i <= len(s); i++ {
		var c byte
		if i < len(s) {
			c = s[i]
		}
		lower, upper := 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z'
		switch {
		case !lower && !upper:
			if start >= 0 && chromeWord(s[start:i]) {
				return true
			}
			start = -1
		case start < 0:
			start = i
		case upper && 'a' <= s[i-1] && s[i-1] <= 'z':
			if chromeWord(s[start:i]) {
				return true
			}
			start = i
		}
	}
	return false
}

// chromeWord reports whether the ASCII letters w, in any case, are one of
// chromeWords. A word of the length of one is lower-cased on the stack,
// not into a new string.
func chromeWord[T string | []byte](w T) bool {
	var buf [16]byte
	if len(w) > len(buf) {
		return chromeWords[strings.ToLower(string(w))]
	}
	for i := range len(w) {
		buf[i] = w[i] | 0x20
	}
	return chromeWords[string(buf[:len(w)])]
}

// layoutTable reports whether t lays out a page rather than holding data: it
// holds another table, or has a single cell.
func layoutTable(t *html.Node) bool {
	cells := 0
	for d := range t.Descendants() {
		if d.Type != html.ElementNode {
			continue
		}
		switch d.DataAtom {
		case atom.Table:
			return true
		case atom.Td, atom.Th:
			cells++
		}
	}
	return cells == 1
}

// table adds data table t as a Table block, after its caption. The tree
// builder has put every row in a thead, tbody or tfoot.
func (w *walker) table(t *html.Node) error {
	var grid layout.TableGrid
	// The rows' cells are cut from one array: a table has hundreds.
	var cells []layout.Cell
	if n := countCells(t); n > 0 {
		cells = make([]layout.Cell, 0, n)
	}
	for c := t.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Caption:
			if err := w.walk(c); err != nil {
				return err
			}
		case atom.Thead, atom.Tbody, atom.Tfoot:
			left := 0
			for r := c.FirstChild; r != nil; r = r.NextSibling {
				if r.Type == html.ElementNode && r.DataAtom == atom.Tr {
					left++
				}
			}
			for tr := c.FirstChild; tr != nil; tr = tr.NextSibling {
				if tr.Type != html.ElementNode || tr.DataAtom != atom.Tr {
					continue
				}
				start := len(cells)
				var err error
				if cells, err = w.row(tr, left, cells); err != nil {
					return err
				}
				var row []layout.Cell
				if len(cells) > start {
					row = cells[start:len(cells):len(cells)]
				}
				grid.Rows = append(grid.Rows, row)
				left--
			}
		}
	}
	if len(cells) > 0 {
		clampColumns(&grid)
		w.blocks = append(w.blocks, layout.Block{Kind: layout.Table, Table: &grid})
	}
	return nil
}

// countCells counts the cells of table t's rows.
func countCells(t *html.Node) int {
	n := 0
	for c := t.FirstChild; c != nil; c = c.NextSibling {
		if c.DataAtom != atom.Thead && c.DataAtom != atom.Tbody && c.DataAtom != atom.Tfoot {
			continue
		}
		for tr := c.FirstChild; tr != nil; tr = tr.NextSibling {
			if tr.DataAtom != atom.Tr {
				continue
			}
			for td := tr.FirstChild; td != nil; td = td.NextSibling {
				if td.DataAtom == atom.Td || td.DataAtom == atom.Th {
					n++
				}
			}
		}
	}
	return n
}

// clampColumns cuts each colspan at the last column some cell starts in,
// as browsers drop the columns no cell starts in: a cell spanning a
// thousand columns past the table's edge ends at its edge.
func clampColumns(g *layout.TableGrid) {
	if !spansColumns(g) {
		// Every cell starts a column of its own.
		return
	}
	cols, _ := g.Columns()
	width := 0
	for _, row := range cols {
		for _, col := range row {
			width = max(width, col+1)
		}
	}
	for r, row := range cols {
		for i, col := range row {
			c := &g.Rows[r][i]
			if _, cs := c.Spans(); col+cs > width {
				c.ColSpan = width - col
			}
		}
	}
}

// spansColumns reports whether a cell of g spans more than one column.
func spansColumns(g *layout.TableGrid) bool {
	for _, row := range g.Rows {
		for _, c := range row {
			if _, cs := c.Spans(); cs > 1 {
				return true
			}
		}
	}
	return false
}

// row appends the cells of tr, which has left rows in its row group counting
// itself, to cells. Browsers end a row span at the end of its group, and so
// does row.
func (w *walker) row(tr *html.Node, left int, cells []layout.Cell) ([]layout.Cell, error) {
	for td := tr.FirstChild; td != nil; td = td.NextSibling {
		if td.Type != html.ElementNode || td.DataAtom != atom.Td && td.DataAtom != atom.Th {
			continue
		}
		text, err := w.cellText(td)
		if err != nil {
			return nil, err
		}
		cells = append(cells, layout.Cell{
			Text:    text,
			RowSpan: min(span(td, "rowspan", maxRowSpan), left),
			ColSpan: span(td, "colspan", maxColSpan),
		})
	}
	return cells, nil
}

// cellText returns the text of a data table's cell: its paragraphs and lines,
// trimmed, parted by "\n". An empty cell has empty text.
func (w *walker) cellText(td *html.Node) (string, error) {
	// One walker serves all of a table's cells.
	if w.cell == nil {
		w.cell = &walker{ctx: w.ctx, chrome: w.chrome}
	}
	sub := w.cell
	sub.blocks, sub.seen = sub.blocks[:0], w.seen
	err := sub.children(td)
	w.seen = sub.seen
	if err != nil {
		return "", err
	}
	sub.flush()
	// A data table holds no tables, so these are all paragraphs.
	switch len(sub.blocks) {
	case 0:
		return "", nil
	case 1:
		return strings.TrimSpace(sub.blocks[0].Text), nil
	}
	lines := make([]string, len(sub.blocks))
	for i, b := range sub.blocks {
		lines[i] = strings.TrimSpace(b.Text)
	}
	return strings.Join(lines, "\n"), nil
}

// span returns the value of n's rowspan or colspan attribute key, read as
// browsers read it: leading whitespace skipped, then digits, anything after
// them ignored; missing, unreadable or 0 is 1, and more than limit is limit.
func span(n *html.Node, key string, limit int) int {
	for _, a := range n.Attr {
		if a.Namespace != "" || a.Key != key {
			continue
		}
		s := strings.TrimLeft(a.Val, " \t\n\f\r")
		s = strings.TrimPrefix(s, "+")
		v := 0
		for i := 0; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
			v = min(v*10+int(s[i]-'0'), limit)
		}
		return max(v, 1)
	}
	return 1
}

// line gathers the text of one paragraph, collapsing each run of whitespace
// into one space and dropping it at either end.
type line struct {
	buf []byte // the paragraph so far, but for whole; kept from one to the next
	// whole is the paragraph while it is one text with no whitespace to
	// collapse (most table cells), taken as it is rather than copied.
	whole string
	last  rune // last rune written
	// The run of whitespace since the last rune written: whether there is
	// one, whether it has a line break, and whether it has a space that
	// browsers do not collapse, such as &nbsp; or U+3000.
	space, newline, hard bool
}

// collapse adds s, collapsing whitespace. A run of plain whitespace holding a
// line break between two Chinese characters is dropped rather than made a
// space, as CSS Text 3 says: such breaks are where an editor wrapped a line.
func (l *line) collapse(s string) {
	if l.whole == "" && len(l.buf) == 0 && plain(s) {
		// The paragraph's first text, with no whitespace to collapse (most
		// table cells): taken as it is.
		if s != "" {
			l.whole = s
			l.last, _ = utf8.DecodeLastRuneInString(s)
			l.space, l.newline, l.hard = false, false, false
		}
		return
	}
	l.spill()
	fresh, spaced := len(l.buf) == 0, false
	for _, r := range s {
		if spaceRune(r) {
			spaced = true
			l.space = true
			l.newline = l.newline || r == '\n'
			l.hard = l.hard || !strings.ContainsRune(" \t\n\f\r", r)
			continue
		}
		if l.space && len(l.buf) > 0 && (l.hard || !l.newline || !wide(l.last) || !wide(r)) {
			l.buf = append(l.buf, ' ')
		}
		l.space, l.newline, l.hard = false, false, false
		l.buf = utf8.AppendRune(l.buf, r)
		l.last = r
	}
	if fresh && !spaced && string(l.buf) == s {
		l.whole, l.buf = s, l.buf[:0]
	}
}

// plain reports whether s is valid UTF-8 with no whitespace, which collapse
// would copy as it is.
func plain(s string) bool {
	for _, r := range s {
		if spaceRune(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// spill moves whole into buf, for more text to follow it.
func (l *line) spill() {
	if l.whole != "" {
		l.buf = append(l.buf, l.whole...)
		l.whole = ""
	}
}

// spaceRune is unicode.IsSpace, quicker for the CJK characters past the last
// space (U+3000) that most of a report's text is.
func spaceRune(r rune) bool { return r <= '\u3000' && unicode.IsSpace(r) }

// raw adds s as it is, for preformatted text. A <pre> is a block, so its
// lines never share a paragraph with collapsed text.
func (l *line) raw(s string) {
	l.spill()
	l.buf = append(l.buf, s...)
}

// take returns the paragraph and starts a new one.
func (l *line) take() string {
	s := l.whole
	if s == "" {
		s = string(l.buf)
	}
	*l = line{buf: l.buf[:0]}
	return s
}

// wide reports whether r is an East Asian wide, full-width or half-width
// character other than Hangul: where CSS drops line breaks between two.
func wide(r rune) bool {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianHalfwidth:
		return !unicode.Is(unicode.Hangul, r)
	}
	return false
}
