package ocr

import (
	"image"
	"strings"
)

// A value cell of one glyph (a 0 most of all: a table of counts is mostly
// zeros) costs three of its width to read surely, as its two first reads
// are the glyph beside a copy of itself and the glyph alone (loneReads);
// a number of several, two reads. The glyphs of one page are printed in
// one font and scanned alike, so a glyph drawn as one already read surely
// on the page is that digit again: its likeness stands in for the second
// read, and one read must still agree with it.

// Size of the grid a lone glyph's ink is sampled on.
const (
	shapeCols = 8
	shapeRows = 12
)

// shape is a lone glyph's ink sampled on a grid: each cell the share of
// its pixels that are ink, 0 to 255.
type shape struct {
	grid [shapeCols * shapeRows]uint8
	w, h int // the glyph's box, in pixels
}

// glyphShape samples the glyph in box of rg's image, its ink told from
// the paper at the midpoint of the darkest and lightest pixels there; ok
// is false for a glyph too small or too faint to sample.
func glyphShape(rg *region, box image.Rectangle) (s shape, ok bool) {
	box = box.Intersect(rg.img.Rect)
	w, h := box.Dx(), box.Dy()
	if w < 2 || h < shapeRows/2 {
		return s, false
	}
	lo, hi := uint8(255), uint8(0)
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for _, v := range rg.img.Pix[rg.img.PixOffset(box.Min.X, y):][:w] {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if int(hi)-int(lo) < minShapeContrast {
		return s, false
	}
	mid := uint8((int(lo) + int(hi)) / 2)
	var ink, all [shapeCols * shapeRows]int
	for y := 0; y < h; y++ {
		row := rg.img.Pix[rg.img.PixOffset(box.Min.X, box.Min.Y+y):][:w]
		gy := y * shapeRows / h
		for x, v := range row {
			k := gy*shapeCols + x*shapeCols/w
			all[k]++
			if v < mid {
				ink[k]++
			}
		}
	}
	for k := range s.grid {
		if all[k] > 0 {
			s.grid[k] = uint8(ink[k] * 255 / all[k])
		}
	}
	s.w, s.h = w, h
	return s, true
}

// minShapeContrast is the least difference, in gray levels, between a
// glyph's ink and its paper for its shape to be sampled.
const minShapeContrast = 64

// distance is how unlike two shapes are, 0 to 1: the mean difference of
// their grids, or 1 for glyphs of other sizes or proportions, which are
// not of one font.
func (s shape) distance(o shape) float64 {
	if !closeTo(s.h, o.h, 5) || !closeTo(s.w*o.h, o.w*s.h, 5) {
		return 1
	}
	sum := 0
	for k := range s.grid {
		sum += abs(int(s.grid[k]) - int(o.grid[k]))
	}
	return float64(sum) / float64(255*len(s.grid))
}

// closeTo reports whether a and b differ by at most one part in parts of
// the larger.
func closeTo(a, b, parts int) bool {
	return abs(a-b)*parts <= max(a, b)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// knownGlyph is a glyph read surely on the page: a lone glyph, or a digit
// of a number.
type knownGlyph struct {
	shape
	text string
	conf float64
}

// glyphMemo holds the glyphs of one page read surely, for telling the
// page's other numbers by their likeness. A page is read by one
// goroutine, and so is its memo.
type glyphMemo struct {
	known []knownGlyph
}

// Likeness test: a lone glyph within sameShape of a glyph known on the
// page is taken to be drawn as it, unless a glyph known as another digit
// is within shapeLead beyond that. On the two scan sets (1,269 lone
// glyphs on 56 pages, every condition, each read the full way), glyphs
// of other digits on one page were never nearer than 0.087 (a 5 and a 9
// at 200 dpi); within 0.05, 392 glyphs would have been told, none wrong.
// Told so, digits of numbers of two to four glyphs, with their one read,
// gave what reading them the full way gives on all 513 such numbers of
// the scan sets and 403 of renderings by other tools.
// memoConfidence is the least confidence a number's reads must agree with
// for its glyphs to be known.
const (
	sameShape      = 0.05
	shapeLead      = 0.05
	memoConfidence = 0.8
)

// like returns the text of the known glyph s is drawn as, with that
// glyph's confidence; ok is false when none is near enough, or a glyph
// known as another text is nearly as near.
func (m *glyphMemo) like(s shape) (text string, conf float64, ok bool) {
	if m == nil {
		return "", 0, false
	}
	type nearest struct {
		d, conf float64
	}
	byText := map[string]nearest{}
	for _, k := range m.known {
		d := s.distance(k.shape)
		if n, seen := byText[k.text]; !seen || d < n.d {
			byText[k.text] = nearest{d, k.conf}
		}
	}
	best, other := 1.0, 1.0
	for t, n := range byText {
		if n.d < best {
			other = min(other, best)
			best, text, conf = n.d, t, n.conf
		} else {
			other = min(other, n.d)
		}
	}
	if best > sameShape || other <= best+shapeLead {
		return "", 0, false
	}
	return text, conf, true
}

// likeAll returns the digits the glyphs are drawn as, one known glyph
// each (see like), with the least of their confidences; ok is false when
// any is not known, or for no glyphs.
func (m *glyphMemo) likeAll(glyphs []shape) (text string, conf float64, ok bool) {
	if len(glyphs) == 0 {
		return "", 0, false
	}
	conf = 1
	for _, g := range glyphs {
		t, c, ok := m.like(g)
		if !ok {
			return "", 0, false
		}
		text, conf = text+t, min(conf, c)
	}
	return text, conf, true
}

// addAll remembers the glyphs of a number read surely as text, each as its
// digit. Only a number of digits alone, one a glyph, is kept: a sign or a
// separator is not among its glyphs.
func (m *glyphMemo) addAll(glyphs []shape, text string, conf float64) {
	if m == nil || len(glyphs) != len(text) || strings.Trim(text, "0123456789") != "" {
		return
	}
	for i, g := range glyphs {
		m.known = append(m.known, knownGlyph{g, text[i : i+1], conf})
	}
}
