package pdf

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/nianbao/nianbao/internal/layout"
)

// page is one page laid out: its ruled tables and its lines of text outside
// them, or the image to read it from when it has no usable text.
type page struct {
	num    int
	w, h   float64
	tables []*table
	lines  []textLine
	// scan is set for a page to be read by OCR from image, the resource
	// name of its largest image.
	scan  bool
	image string
	// unmapped is set when most of the page's glyphs have no Unicode text.
	unmapped bool
	// render is set for a page to be read by OCR from its rendering: its
	// text can be seen but not read (glyphs without Unicode text, or text
	// drawn as outlines) and no image holds it.
	render bool
}

// Scanned-page detection.
const (
	// minTextGlyphs is the fewest usable glyphs a page with a page-sized
	// image must have to be read from its text layer.
	minTextGlyphs = 20
	// scanArea is the share of the page an image must cover to be a scan.
	scanArea = 0.25
	// minOutlines is the fewest filled curves that make a page without
	// text one of text drawn as outlines: a line of Chinese drawn so has
	// hundreds, a logo or a seal's ring far fewer than a page's worth.
	minOutlines = 2000
)

// layoutPage lays out one page's content.
func layoutPage(num int, c *content, w, h float64) *page {
	p := &page{num: num, w: w, h: h}
	good := c.glyphs[:0:0]
	bad := 0
	for _, g := range c.glyphs {
		if usable(g.text) {
			good = append(good, g)
		} else {
			bad++
		}
	}
	p.unmapped = bad > len(good)
	var best imageUse
	bestArea := 0.0
	for _, im := range c.images {
		if a := im.box.w() * im.box.h(); a > bestArea {
			best, bestArea = im, a
		}
	}
	if (len(good) < minTextGlyphs || p.unmapped) && bestArea >= scanArea*w*h {
		p.scan, p.image = true, best.name
		return p
	}
	if p.unmapped || (len(good) < minTextGlyphs && c.outlines >= minOutlines) {
		p.render = true
		return p
	}
	// What lies outside the crop box is not shown; struck-out text is
	// deleted text (a tracked change printed with its markup).
	rest := good[:0]
	for _, g := range good {
		if g.box.cx() >= 0 && g.box.cx() <= w && g.box.cy() >= 0 && g.box.cy() <= h && !struck(g, c.segs) {
			rest = append(rest, g)
		}
	}
	for _, t := range findTables(c.segs) {
		rest = t.fill(rest)
		if t.empty() {
			continue
		}
		for k := range t.cells {
			t.cells[k].page = num
		}
		p.tables = append(p.tables, t)
	}
	p.lines = buildLines(rest)
	return p
}

// struck reports whether a horizontal line runs through the middle of a
// glyph. Ruling lines run between lines of text, underlines below them.
func struck(g glyph, segs []segment) bool {
	if g.vertical {
		return false
	}
	mid, band := g.box.cy(), g.box.h()/4
	for _, s := range segs {
		if s.horiz && s.pos > mid-band && s.pos < mid+band && s.a <= g.box.cx() && s.b >= g.box.cx() {
			return true
		}
	}
	return false
}

// runningSlack is how far, in points, a running header's height may vary
// from page to page.
const runningSlack = 6

// marginShare is the share of the page height at its top and at its bottom
// where headers, footers and page numbers are looked for.
const marginShare = 0.12

// pageNumber matches the ways page numbers are printed: 3, -3-, — 3 —, 第3页,
// 第 3 页 共 5 页, 3/5, Page 3.
var pageNumber = regexp.MustCompile(`^(?:[-—–－‒―~·•\s]*\d+[-—–－‒―~·•\s]*|第\s*\d+\s*页(?:\s*[,，]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|(?i:page)\s*\d+(?:\s*of\s*\d+)?)$`)

// markMargins marks the lines in each page's top and bottom margin that
// are page numbers, or that repeat on other pages (running headers and
// footers; digits are ignored when comparing, as they count pages).
func markMargins(pages []*page) {
	inMargin := func(p *page, l *textLine) bool {
		return l.box.y1 <= p.h*marginShare || l.box.y0 >= p.h*(1-marginShare)
	}
	seen := map[string]int{}
	// A running header or footer sits at one height on every page; the
	// title on the first page is not one, even when a header repeats it.
	key := func(l *textLine) string {
		return fmt.Sprintf("%d|", int(math.Round(l.box.y0/runningSlack))) + strings.Map(func(r rune) rune {
			switch {
			case r >= '0' && r <= '9':
				return '#'
			case r == ' ':
				return -1
			}
			return r
		}, l.text())
	}
	for _, p := range pages {
		keys := map[string]bool{}
		for i := range p.lines {
			if l := &p.lines[i]; inMargin(p, l) {
				keys[key(l)] = true
			}
		}
		for k := range keys {
			seen[k]++
		}
	}
	repeatMin := max(2, (len(pages)+1)/2)
	for _, p := range pages {
		for i := range p.lines {
			l := &p.lines[i]
			if !inMargin(p, l) {
				continue
			}
			text := strings.TrimSpace(l.text())
			if pageNumber.MatchString(text) || seen[key(l)] >= repeatMin {
				l.margin = true
			}
		}
	}
}

// item is a table or a logical line of text on a page, for ordering.
type item struct {
	top   float64
	table *table
	line  string
	box   rect
}

// Reflow, as fractions of the font size.
const (
	// reachRight is how far short of the right margin a line may end and
	// still run on into the next.
	reachRight = 1.5
	// indent is how far right of the left margin a line must start to
	// begin a paragraph.
	indent = 1.0
	// leading is the widest gap between lines of one paragraph.
	leading = 1.2
	// minReflowWidth is the share of the page's width a line must span to
	// run on into the next: body text does, short lines end where they do.
	minReflowWidth = 0.5
)

// items returns a page's tables and its text as logical lines, lines broken
// only by the page's width joined again, in reading order. Lines that hold
// columns parted by wide gaps make a table of their own.
func (p *page) items() []item {
	var lines []*textLine
	for i := range p.lines {
		if !p.lines[i].margin {
			lines = append(lines, &p.lines[i])
		}
	}
	var out []item
	if len(lines) > 0 {
		left, right := lines[0].box.x0, lines[0].box.x1
		for _, l := range lines {
			left, right = min(left, l.box.x0), max(right, l.box.x1)
		}
		for i := 0; i < len(lines); {
			if t, n := alignedTable(lines[i:]); t != nil {
				for k := range t.cells {
					t.cells[k].page = p.num
				}
				out = append(out, item{top: t.box.y0, table: t, box: t.box})
				i += n
				continue
			}
			l := lines[i]
			text, box := l.text(), l.box
			j := i + 1
			for ; j < len(lines); j++ {
				prev, next := lines[j-1], lines[j]
				if centredWrap(prev, next, p.w) {
					text = joinText(text, next.text())
					box = box.union(next.box)
					continue
				}
				if len(prev.runs) > 1 || len(next.runs) > 1 ||
					listStart.MatchString(next.text()) ||
					prev.box.w() < minReflowWidth*p.w ||
					prev.box.x1 < right-reachRight*prev.size ||
					next.box.x0 > left+indent*next.size ||
					next.box.y0-prev.box.y1 > leading*max(prev.size, next.size) ||
					next.size > prev.size*1.2 || prev.size > next.size*1.2 ||
					p.tableBetween(prev.box.y1, next.box.y0) {
					break
				}
				text = joinText(text, next.text())
				box = box.union(next.box)
			}
			out = append(out, item{top: box.y0, line: text, box: box})
			i = j
		}
	}
	// Lines are in reading order already; each ruled table goes before the
	// first line below its top.
	for _, t := range p.tables {
		at := len(out)
		for k := range out {
			if out[k].top > t.box.y0 {
				at = k
				break
			}
		}
		out = slices.Insert(out, at, item{top: t.box.y0, table: t, box: t.box})
	}
	return out
}

// listStart matches the start of a numbered heading or item: 一、 （一）
// (1) 1. 1、 第一, which begins a line of its own even flush left.
var listStart = regexp.MustCompile(`^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]\D|第[一二三四五六七八九十\d]+[章节条部])`)

// centredWrap reports whether next continues prev as a centred heading
// (a title) broken because it was too wide: both centred on the page, in
// one large size, prev wide and without a gap between.
func centredWrap(prev, next *textLine, pageW float64) bool {
	centred := func(l *textLine) bool { return abs(l.box.cx()-pageW/2) < 2*l.size }
	return centred(prev) && centred(next) && prev.box.w() >= minReflowWidth*pageW &&
		abs(prev.size-next.size) < 0.1*prev.size && prev.size >= titleSize &&
		next.box.y0-prev.box.y1 < leading*prev.size && len(prev.runs) == 1 && len(next.runs) == 1
}

// titleSize is the smallest font size, in points, of a title.
const titleSize = 14

// tableBetween reports whether a table lies between two heights.
func (p *page) tableBetween(y0, y1 float64) bool {
	for _, t := range p.tables {
		if t.box.y0 >= y0-1 && t.box.y1 <= y1+1 {
			return true
		}
	}
	return false
}

// alignedTable reads the lines at the start of ls as a table without ruling
// lines when at least two of them hold columns parted by wide gaps. Lines of
// one run between such lines (a label broken over lines) belong to it. It
// returns the table and how many lines it took, or nil.
func alignedTable(ls []*textLine) (*table, int) {
	if len(ls[0].runs) < 2 {
		return nil, 0
	}
	n, multi := 1, 1
	for n < len(ls) {
		l := ls[n]
		gap := l.box.y0 - ls[n-1].box.y1
		if gap > 2*max(l.size, ls[n-1].size) {
			break
		}
		if len(l.runs) > 1 {
			multi++
			n++
			continue
		}
		// A one-run line stays only when a columned line follows closely.
		if n+1 < len(ls) && len(ls[n+1].runs) > 1 && ls[n+1].box.y0-l.box.y1 <= 2*l.size {
			n++
			continue
		}
		break
	}
	for n > 0 && len(ls[n-1].runs) < 2 {
		n--
	}
	if multi < 2 {
		return nil, 0
	}
	ls = ls[:n]
	// Columns from the lines with the most runs.
	most := 0
	for _, l := range ls {
		most = max(most, len(l.runs))
	}
	var cols []rect
	for _, l := range ls {
		if len(l.runs) != most {
			continue
		}
		for _, r := range l.runs {
			merged := false
			for k := range cols {
				if r.box.x0 <= cols[k].x1 && r.box.x1 >= cols[k].x0 {
					cols[k] = cols[k].union(r.box)
					merged = true
					break
				}
			}
			if !merged {
				cols = append(cols, r.box)
			}
		}
	}
	slices.SortFunc(cols, func(a, b rect) int { return cmp.Compare(a.x0, b.x0) })
	t := &table{rows: len(ls)}
	t.box = ls[0].box
	for r, l := range ls {
		t.box = t.box.union(l.box)
		texts := make([]string, len(cols))
		span := make([]int, len(cols))
		for _, run := range l.runs {
			c0, c1 := -1, -1
			for k, c := range cols {
				if run.box.x0 <= c.x1 && run.box.x1 >= c.x0 {
					if c0 < 0 {
						c0 = k
					}
					c1 = k
				}
			}
			if c0 < 0 {
				c0 = nearest(cols, run.box.cx())
				c1 = c0
			}
			if texts[c0] != "" {
				texts[c0] += " "
			}
			texts[c0] += run.text
			span[c0] = max(span[c0], c1-c0+1)
		}
		for c := 0; c < len(cols); {
			s := max(span[c], 1)
			t.cells = append(t.cells, tcell{r0: r, r1: r + 1, c0: c, c1: min(c+s, len(cols)), text: texts[c], box: l.box})
			c += s
		}
	}
	return t, n
}

func nearest(cols []rect, x float64) int {
	best, bestD := 0, -1.0
	for k, c := range cols {
		d := c.cx() - x
		if d < 0 {
			d = -d
		}
		if bestD < 0 || d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// assemble builds the document from its laid-out pages: margins dropped,
// lines reflowed, tables continued over a page break joined, page breaks
// between pages.
func assemble(pages []*page) *layout.Document {
	markMargins(pages)
	doc := &layout.Document{Pages: len(pages), Method: "pdf-text"}
	var last *table // the table that ended the previous page, to continue
	var lastBlock int
	for i, p := range pages {
		if i > 0 {
			doc.Blocks = append(doc.Blocks, layout.Block{Kind: layout.PageBreak, Prov: layout.Provenance{Page: p.num - 1}})
		}
		if p.scan || p.render {
			reason := "no text layer"
			if p.render {
				reason = "text layer unreadable"
			}
			doc.Scans = append(doc.Scans, layout.Scan{Page: p.num, Reason: reason})
			last = nil
			continue
		}
		items := p.items()
		var para []string
		var paraBox rect
		flush := func() {
			if len(para) == 0 {
				return
			}
			b := paraBox
			doc.Blocks = append(doc.Blocks, layout.Block{Kind: layout.Paragraph, Text: strings.Join(para, "\n"),
				Prov: layout.Provenance{Page: p.num, Box: &layout.Box{X0: b.x0, Y0: b.y0, X1: b.x1, Y1: b.y1}}})
			para = para[:0]
		}
		for k, it := range items {
			if it.table == nil {
				if len(para) == 0 {
					paraBox = it.box
				}
				para = append(para, it.line)
				paraBox = paraBox.union(it.box)
				continue
			}
			flush()
			if k == 0 && last != nil && continues(last, it.table) {
				last.join(it.table)
				doc.Blocks[lastBlock].Table = last.grid()
			} else {
				it.table.sortCells()
				doc.Blocks = append(doc.Blocks, layout.Block{Kind: layout.Table, Table: it.table.grid(),
					Prov: layout.Provenance{Page: p.num, Box: &layout.Box{X0: it.box.x0, Y0: it.box.y0, X1: it.box.x1, Y1: it.box.y1}}})
				last, lastBlock = it.table, len(doc.Blocks)-1
			}
		}
		flush()
		if len(items) == 0 || items[len(items)-1].table == nil {
			last = nil
		}
	}
	return doc
}
