package html

import (
	"cmp"
	"context"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/width"

	"github.com/nianbao/nianbao/internal/layout"
)

// Pages converted from PDF (pdftohtml -c and other PDF-to-HTML converters)
// are made of absolutely positioned pieces of text: in document order they
// are a jumble of single characters and cells. Such a page is rebuilt into
// lines by the pieces' coordinates: pieces whose tops agree make a line, in
// order of their left edges, and the gaps between them become runs of
// spaces in proportion, so the line reads as text laid out in columns
// (pdftotext -layout), which the parser reads by column.

// spot is one positioned piece of text.
type spot struct {
	page      int
	top, left float64
	size      float64 // font size, px
	// width is the widest of its lines, in columns: a piece broken by
	// <br> stands as wide as that, not as its lines joined.
	width int
	text  string
}

// maxColumn is the furthest column a piece is written at.
const maxColumn = 1000

// Unknown font sizes are taken as this, px.
const defaultFontSize = 16

// positionedShare is the share of a page's text that must be positioned
// for the page to be read by coordinates.
const positionedShare = 0.5

var (
	fontSizeRule = regexp.MustCompile(`\.([\w-]+)\s*\{[^}]*?font-size:\s*([\d.]+)px`)
	styleLength  = regexp.MustCompile(`(top|left|font-size)\s*:\s*(-?[\d.]+)px`)
)

// positioned returns the page's lines rebuilt from its positioned pieces,
// or nil when most of its text is not positioned.
func positioned(ctx context.Context, root *html.Node) ([]layout.Block, error) {
	sizes := map[string]float64{}
	var spots []spot
	total, page, seen := 0, 0, 0
	var visit func(n *html.Node, page int) error
	visit = func(n *html.Node, pg int) error {
		if seen++; seen%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		switch n.Type {
		case html.TextNode:
			total += len(strings.TrimSpace(n.Data))
			return nil
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Style:
				if n.FirstChild != nil {
					for _, m := range fontSizeRule.FindAllStringSubmatch(n.FirstChild.Data, -1) {
						sizes[m[1]], _ = strconv.ParseFloat(m[2], 64)
					}
				}
				return nil
			case atom.Script:
				return nil
			}
			style := attr(n, "style")
			if strings.Contains(style, "position:relative") || strings.Contains(style, "position: relative") {
				page++
				pg = page
			}
			if s, ok := spotOf(n, style, sizes); ok {
				s.page = pg
				spots = append(spots, s)
				total += len(strings.TrimSpace(s.text))
				return nil
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if err := visit(c, pg); err != nil {
				return err
			}
		}
		return nil
	}
	if err := visit(root, 0); err != nil {
		return nil, err
	}
	positionedText := 0
	for _, s := range spots {
		positionedText += len(strings.TrimSpace(s.text))
	}
	if len(spots) == 0 || float64(positionedText) < positionedShare*float64(total) {
		return nil, nil
	}
	return spotLines(spots), nil
}

// spotOf reads an absolutely positioned element as a piece of text. A
// positioned element holding others is a container, not a piece.
func spotOf(n *html.Node, style string, sizes map[string]float64) (spot, bool) {
	if !strings.Contains(style, "absolute") {
		return spot{}, false
	}
	s := spot{size: -1, top: math.NaN(), left: math.NaN()}
	for _, m := range styleLength.FindAllStringSubmatch(style, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		switch m[1] {
		case "top":
			s.top = v
		case "left":
			s.left = v
		case "font-size":
			s.size = v
		}
	}
	if math.IsNaN(s.top) || math.IsNaN(s.left) {
		return spot{}, false
	}
	var b strings.Builder
	nested := false
	var text func(*html.Node)
	text = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				b.WriteString(c.Data)
			case html.ElementNode:
				if strings.Contains(attr(c, "style"), "absolute") {
					nested = true
					continue
				}
				if c.DataAtom == atom.Br {
					b.WriteByte('\n')
				}
				if s.size < 0 {
					s.size = classSize(c, sizes)
				}
				text(c)
			}
		}
	}
	text(n)
	if nested {
		return spot{}, false
	}
	if s.size < 0 {
		s.size = classSize(n, sizes)
	}
	if s.size <= 0 {
		s.size = defaultFontSize
	}
	for l := range strings.SplitSeq(b.String(), "\n") {
		s.width = max(s.width, textWidth(strings.Join(strings.Fields(strings.ReplaceAll(l, "\u00a0", " ")), " ")))
	}
	s.text = strings.Join(strings.Fields(strings.ReplaceAll(joinBroken(b.String()), "\u00a0", " ")), " ")
	return s, s.text != ""
}

// joinBroken joins the lines of a piece broken by <br>: a cell's text
// wrapped in its box, a number's digits too (１４<br>３４ is 1434), so
// without a space, but with one between two words of Latin letters.
func joinBroken(s string) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	var b strings.Builder
	for i, part := range strings.Split(s, "\n") {
		part = strings.TrimSpace(part)
		if i > 0 && part != "" && b.Len() > 0 {
			last, _ := utf8.DecodeLastRuneInString(b.String())
			first, _ := utf8.DecodeRuneInString(part)
			if latin(last) && latin(first) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(part)
	}
	return b.String()
}

func latin(r rune) bool { return r < utf8.RuneSelf && unicode.IsLetter(r) }

// classSize returns the font size the element's classes give, or -1.
func classSize(n *html.Node, sizes map[string]float64) float64 {
	for c := range strings.FieldsSeq(attr(n, "class")) {
		if v, ok := sizes[c]; ok {
			return v
		}
	}
	return -1
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// spotLines groups each page's pieces into lines and writes them out laid
// out in columns, a column being half the page's usual font size (a CJK
// character is two columns wide).
func spotLines(spots []spot) []layout.Block {
	slices.SortStableFunc(spots, func(a, b spot) int {
		if a.page != b.page {
			return a.page - b.page
		}
		return cmp.Compare(a.top, b.top)
	})
	var blocks []layout.Block
	for start := 0; start < len(spots); {
		end := start
		for end < len(spots) && spots[end].page == spots[start].page {
			end++
		}
		if len(blocks) > 0 {
			blocks = append(blocks, layout.Block{Kind: layout.PageBreak})
		}
		blocks = pageLines(spots[start:end], blocks)
		start = end
	}
	return blocks
}

// pageLines writes one page's pieces as lines.
func pageLines(spots []spot, blocks []layout.Block) []layout.Block {
	sizes := make([]float64, len(spots))
	for i, s := range spots {
		sizes[i] = s.size
	}
	slices.Sort(sizes)
	unit := sizes[len(sizes)/2] / 2
	for i := 0; i < len(spots); {
		// Pieces whose tops are within a quarter of their font size of the
		// line's first share its baseline.
		j := i + 1
		for j < len(spots) && spots[j].top-spots[i].top <= 0.25*max(spots[i].size, spots[j].size) {
			j++
		}
		line := spots[i:j]
		slices.SortStableFunc(line, func(a, b spot) int { return cmp.Compare(a.left, b.left) })
		blocks = append(blocks, layout.Block{Kind: layout.Paragraph, Text: columnLine(line, unit)})
		i = j
	}
	return blocks
}

// columnLine writes a line's pieces at their columns: a piece that starts
// close after the one before joins it (PDF text comes in pieces wherever the
// font changes); a gap of about a character or more parts cells, with at
// least two spaces.
func columnLine(line []spot, unit float64) string {
	var b strings.Builder
	col := 0        // columns written
	prevEnd := -1.0 // where the previous piece ends, px
	for _, s := range line {
		w := s.width
		// Pieces off the page's left or far right are clamped, so a hostile
		// page cannot ask for a line of a billion spaces.
		at := int(math.Round(min(max(s.left/unit, 0), maxColumn)))
		gap := s.left - prevEnd
		switch {
		case prevEnd < 0:
			b.WriteString(strings.Repeat(" ", at))
			col = at
		case gap < 0.4*s.size:
		case gap < 0.9*s.size:
			b.WriteByte(' ')
			col++
		default:
			pad := max(at-col, 2)
			b.WriteString(strings.Repeat(" ", pad))
			col += pad
		}
		b.WriteString(s.text)
		col += textWidth(s.text)
		prevEnd = s.left + float64(w)*s.size/2
	}
	return b.String()
}

// textWidth is the text's width in columns: two for a wide character.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
