package ocr

import (
	"context"
	"encoding/binary"
	"image"
	"slices"
	"strings"
	"unicode"

	"github.com/otiai10/gosseract/v2"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
	"github.com/nianbao/nianbao/converters/ocr/table"
	"github.com/nianbao/nianbao/internal/layout"
)

// region is the ink of part of a page, cleared of ruling lines and specks.
type region struct {
	img   *image.Gray // the ink's gray pixels, white around them, with a margin
	box   image.Rectangle
	comps []imgproc.Component // in img's coordinates
	tall  int                 // height of the tallest piece
}

// margin is the white border, in pixels, around a region's ink.
const margin = 3

// clean returns the ink within r without the ruling lines and specks, or
// nil when there is none.
func (p *page) clean(r image.Rectangle) *region {
	r = r.Intersect(image.Rect(0, 0, p.bin.W, p.bin.H))
	if r.Empty() {
		return nil
	}
	w, h := r.Dx(), r.Dy()
	sub := imgproc.NewBin(w, h)
	lines := p.found.Lines
	near, scratch := make([]uint8, w), make([]uint8, w+2)
	for y := 0; y < h; y++ {
		py := r.Min.Y + y
		// A line's anti-aliased edge is a pixel wider than its mask.
		inkNear(near, scratch, lines, r.Min.X, py)
		// Ink but where near, both 0 or 1, eight pixels at a time.
		dst, src := sub.Pix[y*w:y*w+w], p.bin.Pix[py*p.bin.W+r.Min.X:py*p.bin.W+r.Max.X]
		x := 0
		for le := binary.LittleEndian; x+8 <= w; x += 8 {
			le.PutUint64(dst[x:], le.Uint64(src[x:])&^le.Uint64(near[x:]))
		}
		for ; x < w; x++ {
			dst[x] = src[x] &^ near[x]
		}
	}
	runs, comps := imgproc.Components(sub)
	minArea := max(4, int(12*p.unit*p.unit))
	thin := max(2, int(3*p.unit))
	keep := make([]bool, len(comps))
	var box image.Rectangle
	var kept []imgproc.Component
	for l := 1; l < len(comps); l++ {
		c := comps[l]
		if c.Area < minArea {
			continue
		}
		// A stub of a ruling line left at the edge of the region.
		edge := c.Box.Min.X == 0 || c.Box.Min.Y == 0 || c.Box.Max.X == w || c.Box.Max.Y == h
		if edge && (c.Box.Dx() <= thin || c.Box.Dy() <= thin) {
			continue
		}
		keep[l] = true
		box = box.Union(c.Box)
		kept = append(kept, c)
	}
	if len(kept) == 0 {
		return nil
	}
	// The pieces kept, drawn where the ink was, now labelled.
	keptInk := sub
	clear(keptInk.Pix)
	for _, run := range runs {
		if keep[run.L] {
			row := keptInk.Pix[int(run.Y)*w:]
			for x := run.X0; x < run.X1; x++ {
				row[x] = 1
			}
		}
	}
	box = box.Inset(-margin).Intersect(image.Rect(0, 0, w, h))
	img := image.NewGray(image.Rect(0, 0, box.Dx(), box.Dy()))
	near, scratch = near[:box.Dx()], scratch[:box.Dx()+2]
	for y := 0; y < box.Dy(); y++ {
		sy := box.Min.Y + y
		inkNear(near, scratch, keptInk, box.Min.X, sy)
		src := p.gray.Pix[(r.Min.Y+sy)*p.gray.Stride+r.Min.X+box.Min.X:]
		dst := img.Pix[y*img.Stride : y*img.Stride+box.Dx()]
		for x, n := range near {
			dst[x] = 255
			if n != 0 {
				dst[x] = src[x]
			}
		}
	}
	out := &region{img: img, box: box.Add(r.Min)}
	for _, c := range kept {
		c.Box = c.Box.Sub(box.Min)
		out.comps = append(out.comps, c)
		out.tall = max(out.tall, c.Box.Dy())
	}
	// A digit broken into pieces is taller than any of them.
	for _, b := range out.glyphBoxes() {
		out.tall = max(out.tall, b.Dy())
	}
	return out
}

// inkNear sets near[i] to nonzero where b has ink at x0+i, y or a pixel
// beside it (outside b is paper), else to 0, a row at a time; scratch is
// len(near)+2 long.
func inkNear(near, scratch []uint8, b *imgproc.Bin, x0, y int) {
	// scratch[j]: ink in column x0-1+j, rows y-1 to y+1.
	clear(scratch)
	lo, hi := max(0, x0-1), min(b.W, x0+len(near)+1)
	for ny := max(0, y-1); ny <= min(b.H-1, y+1) && lo < hi; ny++ {
		imgproc.Or(scratch[lo-(x0-1):hi-(x0-1)], b.Pix[ny*b.W+lo:ny*b.W+hi])
	}
	// Each column with those on either side, eight at a time.
	i := 0
	for ; i+8 <= len(near); i += 8 {
		le := binary.LittleEndian
		le.PutUint64(near[i:], le.Uint64(scratch[i:])|le.Uint64(scratch[i+1:])|le.Uint64(scratch[i+2:]))
	}
	for ; i < len(near); i++ {
		near[i] = scratch[i] | scratch[i+1] | scratch[i+2]
	}
}

// lines groups the region's pieces into text lines: pieces whose vertical
// extents overlap, tallest first, so a dot joins the line it sits on.
func (rg *region) lines() [][]imgproc.Component {
	comps := slices.Clone(rg.comps)
	slices.SortFunc(comps, func(a, b imgproc.Component) int { return b.Box.Dy() - a.Box.Dy() })
	var lines [][]imgproc.Component
	var spans [][2]int
	for _, c := range comps {
		placed := false
		for i, sp := range spans {
			if c.Box.Min.Y < sp[1] && c.Box.Max.Y > sp[0] {
				lines[i] = append(lines[i], c)
				spans[i] = [2]int{min(sp[0], c.Box.Min.Y), max(sp[1], c.Box.Max.Y)}
				placed = true
				break
			}
		}
		if !placed {
			lines = append(lines, []imgproc.Component{c})
			spans = append(spans, [2]int{c.Box.Min.Y, c.Box.Max.Y})
		}
	}
	order := make([]int, len(lines))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return spans[a][0] - spans[b][0] })
	out := make([][]imgproc.Component, 0, len(lines))
	var outSpans [][2]int
	for _, k := range order {
		out = append(out, lines[k])
		outSpans = append(outSpans, spans[k])
	}
	// A line lower than half the tallest piece and no wider than it, just
	// above or below another and across it, is a piece of a digit whose
	// thin stroke a blurred scan lost (the bar of a 5 parted from its
	// bowl): it joins the nearer such line. A line of digits is taller; a
	// stub of a ruling line or an underline is wider.
	for i := 0; i < len(out); i++ {
		if (outSpans[i][1]-outSpans[i][0])*2 >= rg.tall || extent(out[i]).Dx() > rg.tall {
			continue
		}
		best, bestGap := -1, rg.tall/2+1
		for _, j := range []int{i - 1, i + 1} {
			if j < 0 || j >= len(out) || !acrossLine(out[i], out[j]) {
				continue
			}
			gap := max(outSpans[j][0]-outSpans[i][1], outSpans[i][0]-outSpans[j][1])
			if gap < bestGap {
				best, bestGap = j, gap
			}
		}
		if best < 0 {
			continue
		}
		out[best] = append(out[best], out[i]...)
		outSpans[best] = [2]int{min(outSpans[best][0], outSpans[i][0]), max(outSpans[best][1], outSpans[i][1])}
		out = slices.Delete(out, i, i+1)
		outSpans = slices.Delete(outSpans, i, i+1)
		i--
	}
	return out
}

// acrossLine reports whether the pieces of a lie across those of b: their
// extents along the line overlap.
func acrossLine(a, b []imgproc.Component) bool {
	return overlapX(extent(a), extent(b)) > 0
}

// extent is the box of pieces.
func extent(pieces []imgproc.Component) image.Rectangle {
	var r image.Rectangle
	for _, c := range pieces {
		r = r.Union(c.Box)
	}
	return r
}

// numeric tells from the shapes of its pieces whether a cell holds digits,
// on one line or wrapped over several: every piece but dots and commas is
// about as tall as the tallest and narrower than it is tall, while Chinese
// characters have pieces of every size.
func (rg *region) numeric() bool {
	if len(rg.comps) > 24 {
		return false
	}
	// Glyphs rather than pieces: a digit broken into pieces one above the
	// other is as tall as a whole one.
	glyphs := rg.glyphBoxes()
	for _, b := range glyphs {
		if b.Dy()*10 < rg.tall*6 {
			return false
		}
		// Wider than a digit: digits run together, as tall as the
		// tallest and clearly wider than a square character.
		if wideGlyph(b, rg.tall) && (b.Dy()*10 < rg.tall*8 || b.Dx()*4 < rg.tall*5 || b.Dx() > 4*rg.tall) {
			return false
		}
	}
	for _, l := range rg.lines() {
		top, bottom := rg.img.Rect.Dy(), 0
		for _, c := range l {
			top, bottom = min(top, c.Box.Min.Y), max(bottom, c.Box.Max.Y)
		}
		if bottom-top > rg.tall*13/10 {
			return false
		}
		// Between the digits, a dot sits at their foot: the small
		// strokes of characters are anywhere. One speck may not.
		left, right, foot, off := rg.img.Rect.Dx(), 0, 0, 0
		for _, c := range l {
			if !dot(c, rg.tall) && !sign(c, rg.tall) {
				left, right, foot = min(left, c.Box.Min.X), max(right, c.Box.Max.X), max(foot, c.Box.Max.Y)
			}
		}
		for _, c := range l {
			if mid := (c.Box.Min.X + c.Box.Max.X) / 2; dot(c, rg.tall) && mid > left && mid < right && c.Box.Max.Y < foot-rg.tall/3 && !within(c.Box, glyphs) {
				off++
			}
		}
		if off > 1 {
			return false
		}
	}
	return true
}

// within reports whether b lies across one of the glyphs, as a piece of a
// broken digit does.
func within(b image.Rectangle, glyphs []image.Rectangle) bool {
	for _, g := range glyphs {
		if overlapX(b, g)*2 > b.Dx() {
			return true
		}
	}
	return false
}

// dot reports a piece too small to be a digit: a decimal point or comma.
func dot(c imgproc.Component, tall int) bool {
	return c.Box.Dy()*2 < tall && c.Box.Dx()*3 < tall
}

// sign reports a flat piece, wider than a dot: a minus sign.
func sign(c imgproc.Component, tall int) bool {
	return !dot(c, tall) && c.Box.Dy()*3 < tall && c.Box.Dx() < tall
}

// wideGlyph reports a piece, of box b, wider than one digit.
func wideGlyph(b image.Rectangle, tall int) bool {
	return b.Dx()*20 > tall*17
}

// unspecked returns the region without the dots that cannot be a decimal
// point or a thousands comma, which noise leaves and the model reads as
// points: those not between two digits of their line, or not at its foot.
func (rg *region) unspecked() *region {
	var drop []image.Rectangle
	for _, l := range rg.lines() {
		left, right, bottom := rg.img.Rect.Dx(), 0, 0
		for _, c := range l {
			if !dot(c, rg.tall) {
				left, right, bottom = min(left, c.Box.Min.X), max(right, c.Box.Max.X), max(bottom, c.Box.Max.Y)
			}
		}
		for _, c := range l {
			if !dot(c, rg.tall) {
				continue
			}
			mid := (c.Box.Min.X + c.Box.Max.X) / 2
			// A minus sign: flat, just left of the digits, about halfway
			// up. A speck there is smaller, as tall as it is wide.
			if midY := (c.Box.Min.Y + c.Box.Max.Y) / 2; mid < left && c.Box.Max.X >= left-rg.tall/2 &&
				midY > bottom-rg.tall*3/4 && midY < bottom-rg.tall/4 &&
				2*c.Box.Dx() >= 3*c.Box.Dy() && 6*c.Box.Dx() >= rg.tall {
				continue
			}
			if mid < left || mid > right || c.Box.Max.Y < bottom-rg.tall/3 {
				drop = append(drop, c.Box)
			}
		}
	}
	if len(drop) == 0 {
		return rg
	}
	// The ink left, cropped to its pieces with the margin.
	var kept []imgproc.Component
	var box image.Rectangle
	for _, c := range rg.comps {
		if !slices.Contains(drop, c.Box) {
			kept = append(kept, c)
			box = box.Union(c.Box)
		}
	}
	box = box.Inset(-margin).Intersect(rg.img.Rect)
	img := image.NewGray(image.Rect(0, 0, box.Dx(), box.Dy()))
	for y := 0; y < box.Dy(); y++ {
		copy(img.Pix[y*img.Stride:], rg.img.Pix[(box.Min.Y+y)*rg.img.Stride+box.Min.X:(box.Min.Y+y)*rg.img.Stride+box.Max.X])
	}
	for _, r := range drop {
		r = r.Intersect(box).Sub(box.Min)
		overlaps := false
		for _, c := range kept {
			overlaps = overlaps || c.Box.Sub(box.Min).Overlaps(r)
		}
		if overlaps {
			continue
		}
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				img.Pix[y*img.Stride+x] = 255
			}
		}
	}
	out := &region{img: img, box: box.Add(rg.box.Min), tall: rg.tall}
	for _, c := range kept {
		c.Box = c.Box.Sub(box.Min)
		out.comps = append(out.comps, c)
	}
	return out
}

// separator tells what the dots between the digits of a one-line numeric
// region are: ',' when all are commas (reaching below the digits' foot or
// taller than wide), '.' when none is, 0 when the region has none, several
// lines, or both kinds. The model reads a comma for a point and the
// reverse.
func (rg *region) separator() byte {
	lines := rg.lines()
	if len(lines) != 1 {
		return 0
	}
	left, right, bottom := rg.img.Rect.Dx(), 0, 0
	for _, c := range lines[0] {
		if !dot(c, rg.tall) {
			left, right, bottom = min(left, c.Box.Min.X), max(right, c.Box.Max.X), max(bottom, c.Box.Max.Y)
		}
	}
	commas, points := 0, 0
	for _, c := range lines[0] {
		if mid := (c.Box.Min.X + c.Box.Max.X) / 2; !dot(c, rg.tall) || mid < left || mid > right {
			continue
		}
		if c.Box.Max.Y > bottom+max(1, rg.tall/10) || c.Box.Dy()*10 > c.Box.Dx()*14 {
			commas++
		} else {
			points++
		}
	}
	switch {
	case commas > 0 && points == 0:
		return ','
	case points > 0 && commas == 0:
		return '.'
	}
	return 0
}

// glyphBoxes returns the boxes of the glyphs of a numeric region in
// reading order, dots and minus signs left out. A thin stroke lost in a
// black-and-white scan breaks a digit into pieces, joined again here:
// pieces one above the other (digits of a line stand side by side), a flat
// piece at the top or foot of the line (the bar of a 5 or a 2; a minus
// sign sits halfway up), and a piece too short for a digit touching its
// neighbour (the bowl of a 9 parted from its stem).
func (rg *region) glyphBoxes() []image.Rectangle {
	var out []image.Rectangle
	for _, l := range rg.lines() {
		top, foot := rg.img.Rect.Dy(), 0
		for _, c := range l {
			if !dot(c, rg.tall) && !sign(c, rg.tall) {
				top, foot = min(top, c.Box.Min.Y), max(foot, c.Box.Max.Y)
			}
		}
		var boxes []image.Rectangle
		for _, c := range l {
			if mid := (c.Box.Min.Y + c.Box.Max.Y) / 2; dot(c, rg.tall) ||
				sign(c, rg.tall) && mid > top+(foot-top)/4 && mid < foot-(foot-top)/4 {
				continue
			}
			boxes = append(boxes, c.Box)
		}
		slices.SortFunc(boxes, func(a, b image.Rectangle) int { return a.Min.X - b.Min.X })
		start := len(out)
		for _, b := range boxes {
			if n := len(out); n > start && rg.joined(out[n-1], b) {
				out[n-1] = out[n-1].Union(b)
				continue
			}
			out = append(out, b)
		}
	}
	return out
}

// joined reports whether the piece b, starting right of where the glyph a
// starts, is part of it (see glyphBoxes).
func (rg *region) joined(a, b image.Rectangle) bool {
	if overlapX(a, b)*2 > min(a.Dx(), b.Dx()) {
		return true
	}
	short := min(a.Dy(), b.Dy())*4 < rg.tall*3
	return short && b.Min.X-a.Max.X <= max(1, rg.tall/10) && max(a.Max.X, b.Max.X)-a.Min.X <= rg.tall*3/4
}

// glyphs returns the least and most characters the glyphs of a numeric
// region, in boxes, can be, for checking the digits read: a piece wider
// than a digit is two or more run together.
func (rg *region) glyphs(boxes []image.Rectangle) (lo, hi int) {
	for _, b := range boxes {
		if wideGlyph(b, rg.tall) {
			lo += 2
			hi += max(2, b.Dx()*20/(rg.tall*9))
		} else {
			lo++
			hi++
		}
	}
	return lo, hi
}

// stroke reports whether the glyph in box b is one narrow upright stroke
// through the middle of its height, as a 1 is, where a 4 has its slant and
// its upright side by side, and no bar across just below the middle, as a
// 4 whose slant a black-and-white scan lost still has (a serif 1's foot is
// lower).
func (rg *region) stroke(b image.Rectangle) bool {
	stem := 0
	for y := b.Min.Y + b.Dy()*4/10; y < b.Min.Y+b.Dy()*62/100; y++ {
		runs, ink := rg.inkRuns(b, y)
		if runs != 1 || ink*20 > b.Dx()*9 {
			return false
		}
		stem = max(stem, ink)
	}
	for y := b.Min.Y + b.Dy()*62/100; y < b.Min.Y+b.Dy()*3/4; y++ {
		if _, ink := rg.inkRuns(b, y); ink > 2*stem+1 {
			return false
		}
	}
	return true
}

// inkRuns returns the runs of ink along row y of box b and their pixels.
func (rg *region) inkRuns(b image.Rectangle, y int) (runs, ink int) {
	in := false
	for x := b.Min.X; x < b.Max.X; x++ {
		// Any ink: a thin slant is pale in a gray scan.
		dark := rg.img.Pix[y*rg.img.Stride+x] < 224
		if dark {
			ink++
			if !in {
				runs++
			}
		}
		in = dark
	}
	return runs, ink
}

// overlapX is how many columns a and b share.
func overlapX(a, b image.Rectangle) int {
	return max(0, min(a.Max.X, b.Max.X)-max(a.Min.X, b.Min.X))
}

// oneLine returns the region's ink with its lines set side by side, so that
// a number wrapped in a narrow cell reads as the one number it is.
func (rg *region) oneLine() *image.Gray {
	lines := rg.lines()
	if len(lines) == 1 {
		return rg.img
	}
	var pieces []image.Rectangle
	for _, l := range lines {
		pieces = append(pieces, extent(l).Inset(-1).Intersect(rg.img.Rect))
	}
	return rg.sideBySide(pieces)
}

// sideBySide returns the pieces of the region's image set side by side,
// their bottoms aligned, as the characters of one line are.
func (rg *region) sideBySide(pieces []image.Rectangle) *image.Gray {
	gap := max(2, rg.tall/4)
	w, h := 0, 0
	for _, r := range pieces {
		w += r.Dx() + gap
		h = max(h, r.Dy())
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	for i := range out.Pix {
		out.Pix[i] = 255
	}
	x := 0
	for _, r := range pieces {
		y0 := h - r.Dy()
		for y := 0; y < r.Dy(); y++ {
			copy(out.Pix[(y0+y)*out.Stride+x:], rg.img.Pix[(r.Min.Y+y)*rg.img.Stride+r.Min.X:(r.Min.Y+y)*rg.img.Stride+r.Max.X])
		}
		x += r.Dx() + gap
	}
	return out
}

// bands returns the boxes of the region's bands of ink one above the
// other: its pieces whose heights overlap, chained, with no blank row
// between them. A character whose pieces do not all overlap the tallest
// (the dots of 心 under 總) stays whole, as it does not in lines.
func (rg *region) bands() []image.Rectangle {
	comps := slices.Clone(rg.comps)
	slices.SortFunc(comps, func(a, b imgproc.Component) int { return a.Box.Min.Y - b.Box.Min.Y })
	var out []image.Rectangle
	for _, c := range comps {
		if n := len(out); n > 0 && c.Box.Min.Y < out[n-1].Max.Y {
			out[n-1] = out[n-1].Union(c.Box)
			continue
		}
		out = append(out, c.Box)
	}
	return out
}

// stacked returns the region's bands when they are two or more of one
// character each (none wider than a square character, none shorter than
// half one): a label set one character a line down a narrow column. A
// speck between the characters (a quarter of one or less each way) is a
// band of its own, left out.
func (rg *region) stacked() []image.Rectangle {
	var bands []image.Rectangle
	for _, b := range rg.bands() {
		if b.Dx()*4 <= rg.tall && b.Dy()*4 <= rg.tall {
			continue
		}
		if b.Dx()*10 > rg.tall*13 || b.Dy()*2 < rg.tall {
			return nil
		}
		bands = append(bands, b)
	}
	if len(bands) < 2 {
		return nil
	}
	return bands
}

// Glyph height, in pixels, text crops are scaled to (numbers: see
// numberHeights): Tesseract's models read best at about this size.
const (
	hanziHeight = 40
	cropPad     = 12 // white border around a crop handed to Tesseract
)

// prepared scales img, whose tallest piece is tall pixels, so that it is
// about height pixels, and pads it.
func prepared(img *image.Gray, tall, height int) *image.Gray {
	if f := float64(height) / float64(max(1, tall)); f > 1.15 || f < 0.85 {
		img = imgproc.Scale(img, min(4, max(0.3, f)))
	}
	return padded(img)
}

// padded returns img with a white border of cropPad pixels.
func padded(img *image.Gray) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, img.Rect.Dx()+2*cropPad, img.Rect.Dy()+2*cropPad))
	for i := range out.Pix {
		out.Pix[i] = 255
	}
	for y := 0; y < img.Rect.Dy(); y++ {
		copy(out.Pix[(y+cropPad)*out.Stride+cropPad:], img.Pix[y*img.Stride:y*img.Stride+img.Rect.Dx()])
	}
	return out
}

// langDigits is the model numbers are read with: the Chinese models misread
// the digits of Latin serif fonts (2776 as 2770, 7545 as 7345, with high
// confidence), the English one reads them right at this size.
const langDigits = "eng"

// digitWhitelist is what a numeric cell may hold: digits, a decimal point,
// thousands commas, a sign, and the slash some tables print for "none".
const digitWhitelist = "0123456789.,+-/"

// readCell reads one table cell (see readRegion). A black-and-white page
// whose first read of the cell is doubtful has it read again softened (see
// page.softened), and a sure read there wins.
func (c *Converter) readCell(e *engine, p *page, tc table.Cell, lang string) (layout.Cell, error) {
	box := tc.Box.Inset(max(3, int(8*p.unit)))
	cell := layout.Cell{RowSpan: tc.RowSpan, ColSpan: tc.ColSpan}
	cell.Prov.Box = rectBox(p.frame.source(tc.Box))
	rg := p.clean(box)
	rd, err := c.readRegion(e, rg, p.lone, lang)
	if err != nil {
		return cell, err
	}
	if !rd.sure && p.soft != nil {
		alt, err := c.readRegion(e, p.soft.clean(box), p.soft.lone, lang)
		if err != nil {
			return cell, err
		}
		if alt.sure || rd.text == "" {
			rd = alt
		}
	}
	cell.Text, cell.Prov.Confidence = rd.text, rd.conf
	if rg != nil && numberText(rd.text) {
		cell.Reread = &rereader{c: c, rg: rg}
	}
	return cell, nil
}

// cellRead is what a cell's ink was read as.
type cellRead struct {
	text string
	conf float64
	sure bool // a number whose reads agreed, or a label matched
}

// readRegion reads the ink of a table cell, nil for an empty cell. A
// numeric cell is read as one line of whitelisted characters (see
// readNumber). Any other cell, or one whose number reads did not settle,
// is read as Chinese text and matched to the vocabulary.
func (c *Converter) readRegion(e *engine, rg *region, known *glyphMemo, lang string) (cellRead, error) {
	if rg == nil {
		return cellRead{}, nil
	}
	var number string
	var numberConf float64
	if rg.numeric() {
		text, conf, err := c.readNumber(e, rg.unspecked(), known)
		if err != nil {
			return cellRead{}, err
		}
		number, numberConf = text, max(conf, minConfidence)
		// Characters can pass for digits by their shapes (总计 stacked
		// in a narrow header cell): a cell whose reads do not settle is
		// read as text too, and a label matched wins.
		if text != "" && conf > lowConfidence {
			return cellRead{text: number, conf: numberConf, sure: conf > majorityConfidence}, nil
		}
	}
	text, conf, matched, err := c.readLabel(e, rg, lang)
	if err != nil {
		return cellRead{}, err
	}
	switch {
	case number != "" && !matched && !c.vocab.listed(text):
		text, conf = number, numberConf
	case numberText(text):
		// A number read as text, from ink that is not a number's (a
		// value struck out and written again, a stamp over it) or that
		// the digit reads could not settle: the Chinese models misread
		// digits with high confidence.
		conf = min(conf, lowConfidence)
	case !matched && valueLike(text):
		// Digits with a stray character or two (a struck-out value
		// read as 一8304): a value that cannot be read, which must keep
		// its column rather than pass for a label.
		text = strings.Map(func(r rune) rune {
			if strings.ContainsRune(digitWhitelist, r) {
				return r
			}
			return -1
		}, text)
		conf = min(conf, splitConfidence)
	}
	return cellRead{text: foldBrackets(text), conf: conf, sure: matched}, nil
}

// valueLike reports whether s, read as text, is a value read with stray
// characters rather than a label: at least two thirds of it, and two
// characters or more, are digits, or it holds a digit and no Chinese
// character (a number wrapped over three lines of a narrow cell read as
// trAi4), when every label of the templates is Chinese.
func valueLike(s string) bool {
	digits, n, han := 0, 0, false
	for _, r := range s {
		n++
		if r >= '0' && r <= '9' {
			digits++
		}
		han = han || unicode.Is(unicode.Han, r)
	}
	return digits >= 2 && 3*digits >= 2*n || digits > 0 && !han
}

// numberText reports whether s holds digits and nothing a number may not.
func numberText(s string) bool {
	return strings.ContainsAny(s, "0123456789") && strings.Trim(s, digitWhitelist) == ""
}

// labelReads are the ways a text cell is read, in turn until a read
// matches the vocabulary: a block at the usual glyph height, then larger
// and smaller. A label misread at one size (a stroke lost in a speck, two
// characters run together) is often read right at another; a cell read
// as none of the labels is read all three ways.
var labelReads = [...]struct{ height, psm int }{{hanziHeight, psmBlock}, {56, psmBlock}, {30, psmBlock}}

// readLabel reads a text cell and matches it to the vocabulary. It returns
// the entry matched with its similarity as the confidence, or the first
// read with its OCR confidence when none matches.
func (c *Converter) readLabel(e *engine, rg *region, lang string) (text string, conf float64, matched bool, err error) {
	for i, how := range labelReads {
		syms, err := e.read(prepared(rg.img, rg.tall, how.height), lang, how.psm, "", gosseract.RIL_SYMBOL)
		if err != nil {
			return "", 0, false, err
		}
		read, readConf := joinSymbols(syms)
		if i == 0 {
			text, conf = read, max(readConf, minConfidence)
		}
		if label, sim, ok := c.vocab.match(read, c.cfg.MinLabelSimilarity, lang); ok {
			return label, sim, true, nil
		}
		// Nothing Tesseract takes for text (specks, a stamp), a number,
		// or no vocabulary: no other read would match.
		if i == 0 && (read == "" || numberText(read) || len(c.vocab.entries) == 0) {
			return text, conf, false, nil
		}
	}
	// A label set one character a line down a narrow column, its lines
	// far apart in a tall cell, reads with characters lost or made up as a
	// block: its characters side by side read as the one line they are.
	if bands := rg.stacked(); bands != nil {
		syms, err := e.read(prepared(rg.sideBySide(bands), rg.tall, hanziHeight), lang, psmLine, "", gosseract.RIL_SYMBOL)
		if err != nil {
			return "", 0, false, err
		}
		read, _ := joinSymbols(syms)
		if label, sim, ok := c.vocab.match(read, c.cfg.MinLabelSimilarity, lang); ok {
			return label, sim, true, nil
		}
	}
	return text, conf, false, nil
}

// numberRead is one way of reading a numeric region: scaled so its digits
// are height pixels tall, and set beside a copy of itself or not.
type numberRead struct {
	height  int
	doubled bool
}

// The ways a numeric region is read, in turn until two reads agree. The
// English model misreads some digits at one size and reads them right at
// another, depending on the font and the scan: a sans-serif 11 reads as 44
// below about 36 pixels, a serif 11 as 1 above 40, and the digits of a
// black-and-white fax right at 20 pixels only. A copy beside the digits
// settles many such reads, and a lone glyph, a 0 most of all, often reads
// as nothing or another digit on its own but right when doubled; but
// doubling makes a sans-serif 1 read as 14 at some sizes, so a lone glyph
// is read both ways.
var (
	numberReads = [...]numberRead{{30, false}, {40, false}, {48, false}, {20, false}, {32, true}, {20, true}}
	loneReads   = [...]numberRead{{30, true}, {30, false}, {40, true}, {40, false}, {20, true}, {20, false}}
	// loneAlone is the read of a lone glyph drawn as one known (glyphMemo).
	loneAlone = loneReads[1]
)

// Confidences of a number whose reads disagree: settled by two agreeing
// reads after a disagreement (a warning), or not at all (below the floor
// where the value is taken as unread). A read below voteConfidence does
// not vote: the model's wrong reads at a bad size are mostly unsure.
const (
	majorityConfidence = 0.55
	splitConfidence    = 0.2
	voteConfidence     = 0.5
)

// readNumber reads a numeric region in the ways of numberReads (loneReads
// for a single glyph) until two reads agree, each sure enough and with as
// many digits as the ink has glyphs. A number no sure read contradicted
// keeps the lower confidence of the two, one settled over another sure
// read at most majorityConfidence. Failing that, two reads agreeing on a
// count of digits the ink does not show give their number, and with no
// two agreeing the first non-empty read is returned with splitConfidence.
// If the count of characters read differs from the glyphs seen, a digit
// was lost or made up and the confidence is capped at lowConfidence.
//
// A number whose every glyph is drawn as one in known (a lone glyph, or a
// digit of a number settled surely on the page) is first read once, and
// kept if that read gives the digits the glyphs show: their likeness
// stands in for the second read. Its glyphs join known once its reads
// settle surely.
func (c *Converter) readNumber(e *engine, rg *region, known *glyphMemo) (string, float64, error) {
	line := rg.oneLine()
	boxes := rg.glyphBoxes()
	lo, hi := rg.glyphs(boxes)
	lone := lo == 1 && hi == 1
	reads, first := numberReads[:], numberReads[0]
	if lone {
		reads, first = loneReads[:], loneAlone
	}
	glyphs := digitShapes(rg, boxes, lo, hi)
	// The read made to check the glyphs' likeness, not made again below.
	var pre *numberRead
	var preText string
	var preConf float64
	if t, kc, ok := known.likeAll(glyphs); ok {
		read, rc, err := readWay(e, line, rg.tall, first, lone)
		if err != nil {
			return "", 0, err
		}
		if read == t && rc >= voteConfidence {
			text, conf := rg.settle(t, min(rc, kc), boxes, lo, hi)
			return text, conf, nil
		}
		pre, preText, preConf = &first, read, rc
	}
	var pair *image.Gray
	type vote struct {
		text string
		conf float64
	}
	var votes []vote
	firstText, unfit := "", ""
	unfitConf := 0.0
	text, conf := "", 0.0
	for _, how := range reads {
		var t string
		var tc float64
		if pre != nil && how == *pre {
			t, tc = preText, preConf
		} else {
			img := line
			if how.doubled {
				if pair == nil {
					pair = doubled(line, rg.tall)
				}
				img = pair
			}
			var err error
			if t, tc, err = readWay(e, img, rg.tall, how, lone); err != nil {
				return "", 0, err
			}
		}
		if firstText == "" {
			firstText, conf = t, tc
		}
		if t == "" || tc < voteConfidence {
			continue
		}
		if k := slices.IndexFunc(votes, func(v vote) bool { return v.text == t }); k >= 0 {
			agreed := min(tc, votes[k].conf)
			if len(votes) > 1 {
				agreed = min(agreed, majorityConfidence)
			}
			if fits(t, lo, hi) {
				text, conf = t, agreed
				break
			}
			// Agreed, but not with the ink: kept if no read fits, and
			// flagged below.
			if unfit == "" {
				unfit, unfitConf = t, agreed
			}
			continue
		}
		votes = append(votes, vote{t, tc})
	}
	switch {
	case text == "" && unfit != "":
		text, conf = unfit, unfitConf
	case text == "":
		text, conf = firstText, min(conf, splitConfidence)
	}
	// A read settled over another sure read, or not at all, has its
	// confidence capped below memoConfidence and is not remembered.
	if conf >= memoConfidence {
		known.addAll(glyphs, text, conf)
	}
	text, conf = rg.settle(text, conf, boxes, lo, hi)
	return text, conf, nil
}

// digitShapes returns the shapes of a numeric region's glyphs (boxes, lo
// to hi characters) when each is one digit's, on one line; else nil.
func digitShapes(rg *region, boxes []image.Rectangle, lo, hi int) []shape {
	// Several glyphs are read side by side as one line: only a number
	// on one line has its glyphs in the order read.
	if len(boxes) == 0 || lo != len(boxes) || hi != len(boxes) || len(boxes) > 1 && len(rg.lines()) != 1 {
		return nil
	}
	out := make([]shape, len(boxes))
	for i, b := range boxes {
		s, ok := glyphShape(rg, b)
		if !ok {
			return nil
		}
		out[i] = s
	}
	return out
}

// readWay reads img, a numeric region's line of glyphs tall pixels high or
// that line doubled, as how says; lone tells a single glyph.
func readWay(e *engine, img *image.Gray, tall int, how numberRead, lone bool) (string, float64, error) {
	syms, err := e.read(prepared(img, tall, how.height), langDigits, psmLine, digitWhitelist, gosseract.RIL_SYMBOL)
	if err != nil {
		return "", 0, err
	}
	t, tc := joinSymbols(syms)
	if how.doubled {
		// No separator belongs between the copies of one glyph, and
		// the copies read differently count as nothing read.
		if lone {
			t = strings.NewReplacer(".", "", ",", "").Replace(t)
		}
		t = half(t)
	}
	// A number neither starts nor ends with a separator: one read there
	// is a speck beside the digits.
	return strings.Trim(t, ".,"), tc, nil
}

// settle writes the separators of a number read from the region as its ink
// shows them, and caps the confidence of a read whose characters the
// region's glyphs (boxes, lo to hi characters) do not account for.
func (rg *region) settle(text string, conf float64, boxes []image.Rectangle, lo, hi int) (string, float64) {
	switch rg.separator() {
	case ',':
		text = strings.ReplaceAll(text, ".", ",")
	case '.':
		text = strings.ReplaceAll(text, ",", ".")
		fallthrough
	default:
		// 1.878 is far more likely 1,878 with its commas' tails lost at
		// low resolution than a value with three decimals (counts are
		// whole, money has two): read so, with a warning.
		if thousands(text) {
			text = strings.ReplaceAll(text, ".", ",")
			conf = min(conf, majorityConfidence)
		}
	}
	// A comma before one or two digits separates no thousands: a decimal
	// point taken for a comma (on a fax's pixels made square a point is
	// taller than wide). Read so, with a warning.
	if decimalComma(text) {
		text = strings.Replace(text, ",", ".", 1)
		conf = min(conf, majorityConfidence)
	}
	if !fits(text, lo, hi) {
		return text, min(conf, lowConfidence)
	}
	return rg.checkFours(text, conf, boxes)
}

// checkFours writes 1 for each 4 read from a glyph (of boxes, the
// region's) that is one upright stroke: in some sans-serif faces, the flag
// of a 1 makes the English model read a 4 at most sizes, often with reads
// agreeing. A value so corrected gets a warning.
func (rg *region) checkFours(text string, conf float64, boxes []image.Rectangle) (string, float64) {
	if !strings.Contains(text, "4") {
		return text, conf
	}
	if len(boxes) != len(text)-strings.Count(text, ".")-strings.Count(text, ",")-strings.Count(text, "-") {
		return text, conf // digits run together: no glyph per character
	}
	out := []byte(text)
	k := 0
	for i, ch := range out {
		if ch == '.' || ch == ',' || ch == '-' {
			continue
		}
		if ch == '4' && rg.stroke(boxes[k]) {
			out[i] = '1'
			conf = min(conf, majorityConfidence)
		}
		k++
	}
	return string(out), conf
}

// fits reports whether the characters of s other than separators and a
// minus sign are between lo and hi in number, the glyphs the ink can hold
// (a plus sign is as tall as a digit and counted as one).
func fits(s string, lo, hi int) bool {
	n := len(s)
	for _, sep := range ".,-" {
		n -= strings.Count(s, string(sep))
	}
	return n >= lo && n <= hi
}

// thousands reports whether s reads as a number with points where
// thousands commas would be: 1.878, 12.345.678.
func thousands(s string) bool {
	s = strings.TrimLeft(s, "+-")
	i := strings.IndexByte(s, '.')
	// 0.125 has no thousands to separate.
	if i < 1 || i > 3 || s[0] == '0' {
		return false
	}
	for _, g := range strings.Split(s[i+1:], ".") {
		if len(g) != 3 || strings.Trim(g, "0123456789") != "" {
			return false
		}
	}
	return strings.Trim(s[:i], "0123456789") == ""
}

// decimalComma reports whether s is digits, one comma and one or two
// digits: 83,38 or 0,5.
func decimalComma(s string) bool {
	s = strings.TrimLeft(s, "+-")
	i := strings.IndexByte(s, ',')
	if i < 1 || len(s)-i-1 < 1 || len(s)-i-1 > 2 {
		return false
	}
	return strings.Trim(s[:i], "0123456789") == "" && strings.Trim(s[i+1:], "0123456789") == ""
}

// doubled returns img beside a copy of itself, a glyph's width apart at
// most.
func doubled(img *image.Gray, tall int) *image.Gray {
	gap := max(2, tall/3)
	w, h := img.Rect.Dx(), img.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, 2*w+gap, h))
	for i := range out.Pix {
		out.Pix[i] = 255
	}
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+w]
		copy(out.Pix[y*out.Stride:], row)
		copy(out.Pix[y*out.Stride+w+gap:], row)
	}
	return out
}

// half returns the first half of a read of a doubled image when its two
// halves are the same, else "".
func half(s string) string {
	if n := len(s); n%2 == 0 && s[:n/2] == s[n/2:] {
		return s[:n/2]
	}
	return ""
}

// foldBrackets writes the angle bracket the Chinese models often read for
// an opening parenthesis as the parenthesis, where a closing one follows.
func foldBrackets(s string) string {
	if i := strings.IndexRune(s, '〈'); i >= 0 && strings.ContainsAny(s[i:], ")）") {
		return strings.ReplaceAll(s, "〈", "（")
	}
	return s
}

// Confidences set on values that Tesseract's own confidence would not flag:
// lowConfidence on a number whose character count disagrees with its ink,
// minConfidence as the floor, since 0 means "not read by OCR".
const (
	lowConfidence = 0.3
	minConfidence = 0.01
)

// joinSymbols joins characters read into a cell's text, dropping spaces,
// and returns their confidence: the lowest over digits when there are
// digits (the value is what matters), else the mean.
func joinSymbols(syms []symbol) (string, float64) {
	var b strings.Builder
	low, sum, n, digits := 1.0, 0.0, 0, 0
	for _, s := range syms {
		t := strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || r == '|' {
				return -1
			}
			return r
		}, s.text)
		if t == "" {
			continue
		}
		b.WriteString(t)
		sum += s.conf
		n++
		if strings.ContainsAny(t, "0123456789") {
			digits++
			low = min(low, s.conf)
		}
	}
	switch {
	case n == 0:
		return "", 0
	case digits > 0:
		return b.String(), low
	}
	return b.String(), sum / float64(n)
}

// readTable reads every cell of a table into a grid: a row holds the cells
// that start in it. A grid row in which no cell starts is dropped, and the
// spans of the merged cells over it shortened.
func (c *Converter) readTable(ctx context.Context, e *engine, p *page, t table.Table, num int, lang string) (*layout.TableGrid, error) {
	starts := make([]bool, t.Rows)
	for _, tc := range t.Cells {
		starts[tc.Row] = true
	}
	// before[r] is the number of dropped rows above row r.
	before := make([]int, t.Rows+1)
	for r := 0; r < t.Rows; r++ {
		before[r+1] = before[r]
		if !starts[r] {
			before[r+1]++
		}
	}
	grid := &layout.TableGrid{Rows: make([][]layout.Cell, t.Rows-before[t.Rows])}
	for _, tc := range t.Cells {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cell, err := c.readCell(e, p, tc, lang)
		if err != nil {
			return nil, err
		}
		cell.Prov.Page = num
		cell.RowSpan -= before[tc.Row+tc.RowSpan] - before[tc.Row]
		row := tc.Row - before[tc.Row]
		grid.Rows[row] = append(grid.Rows[row], cell)
	}
	return grid, nil
}

func rectBox(r image.Rectangle) *layout.Box {
	return &layout.Box{X0: float64(r.Min.X), Y0: float64(r.Min.Y), X1: float64(r.Max.X), Y1: float64(r.Max.Y)}
}
