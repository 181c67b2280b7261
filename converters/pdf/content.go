package pdf

import (
	"errors"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/nianbao/nianbao/converters/pdf/internal/lpdf"
)

// glyph is one character drawn on a page, in display space.
type glyph struct {
	text string
	box  rect
	size float64 // the font size on the page, in points
	// vertical is set when the text runs down or up the page: a vertical
	// font, or horizontal text turned a quarter; up when it reads upwards.
	vertical, up bool
}

// segment is a ruling line: horizontal when horiz, from a to b along its
// axis at pos across it.
type segment struct {
	horiz bool
	pos   float64
	a, b  float64
}

// imageUse is an image drawn on a page: its resource name and where.
type imageUse struct {
	name string
	box  rect
}

// content is what a page draws that the layout pass reads.
type content struct {
	glyphs []glyph
	segs   []segment
	images []imageUse
}

// Limits on one page's content, so a hostile file cannot exhaust memory.
const (
	maxFormDepth = 8
	// maxPathPoints bounds the points of one path before it is painted.
	maxPathPoints = 1 << 16
)

// errBudget stops a page whose content goes over Config.MaxOps or
// Config.MaxGlyphs.
var errBudget = errors.New("page content over the limit")

// textState is the part of the graphics state that text uses.
type textState struct {
	font          *font
	size          float64
	charSpace     float64
	wordSpace     float64
	scale         float64 // Tz / 100
	leading       float64
	rise          float64
	fillVisible   bool
	strokeVisible bool
	lineWidth     float64
}

type gstate struct {
	ctm matrix
	textState
}

// interp interprets one page's content streams and the forms they draw.
type interp struct {
	doc   *document
	out   *content
	gs    gstate
	stack []gstate
	// res is the resource dictionary of the stream being read.
	res   lpdf.Value
	fonts map[string]*font // by resource name, for res
	depth int

	tm, tlm matrix
	// The current path, in display space.
	path     []pathPoint
	pathRect []rect // re rectangles of the current path
	start    pathPoint
	cur      pathPoint

	ops  int
	args []lpdf.Value
	nums [6]float64
}

type pathPoint struct {
	x, y float64
	move bool // starts a subpath
}

func newInterp(doc *document, out *content, base matrix) *interp {
	in := &interp{doc: doc, out: out}
	in.gs.ctm = base
	in.gs.scale = 1
	in.gs.fillVisible = true
	in.gs.strokeVisible = true
	in.gs.lineWidth = 1
	return in
}

// run interprets a content stream (or array of streams) with its resources.
func (in *interp) run(strm, res lpdf.Value) {
	saveRes, saveFonts := in.res, in.fonts
	in.res, in.fonts = res, map[string]*font{}
	lpdf.Interpret(strm, in.do)
	in.res, in.fonts = saveRes, saveFonts
}

func (in *interp) do(stk *lpdf.Stack, op string) {
	in.ops++
	if in.ops > in.doc.cfg.MaxOps || len(in.out.glyphs) > in.doc.cfg.MaxGlyphs {
		panic(errBudget)
	}
	if in.ops&0x3FFF == 0 {
		if err := in.doc.ctx.Err(); err != nil {
			panic(err)
		}
	}
	in.args = popAll(stk, in.args)
	a := in.args
	switch op {
	case "q":
		if len(in.stack) < 256 {
			in.stack = append(in.stack, in.gs)
		}
	case "Q":
		if n := len(in.stack); n > 0 {
			in.gs = in.stack[n-1]
			in.stack = in.stack[:n-1]
		}
	case "cm":
		if m, ok := in.matrix(a); ok {
			in.gs.ctm = m.mul(in.gs.ctm)
		}
	case "w":
		if in.numbers(a, 1) {
			in.gs.lineWidth = in.nums[0]
		}
	case "g", "rg", "k", "sc", "scn":
		in.gs.fillVisible = visible(a)
	case "G", "RG", "K", "SC", "SCN":
		in.gs.strokeVisible = visible(a)
	case "cs":
		in.gs.fillVisible = true
	case "CS":
		in.gs.strokeVisible = true

	// Paths.
	case "m":
		if in.numbers(a, 2) {
			in.moveTo(in.nums[0], in.nums[1])
		}
	case "l":
		if in.numbers(a, 2) {
			in.lineTo(in.nums[0], in.nums[1], false)
		}
	case "c":
		if in.numbers(a, 6) {
			in.lineTo(in.nums[4], in.nums[5], true)
		}
	case "v", "y":
		if in.numbers(a, 4) {
			in.lineTo(in.nums[2], in.nums[3], true)
		}
	case "h":
		in.closePath()
	case "re":
		if in.numbers(a, 4) {
			in.rectangle(in.nums[0], in.nums[1], in.nums[2], in.nums[3])
		}
	case "S":
		in.paint(true, false)
	case "s":
		in.closePath()
		in.paint(true, false)
	case "f", "F", "f*":
		in.paint(false, true)
	case "B", "B*":
		in.paint(true, true)
	case "b", "b*":
		in.closePath()
		in.paint(true, true)
	case "n":
		in.endPath()

	// Text.
	case "BT":
		in.tm, in.tlm = identity, identity
	case "ET":
	case "Tf":
		if len(a) == 2 {
			in.gs.font = in.font(a[0].Name())
			in.gs.size = a[1].Float64()
		}
	case "Tc":
		if in.numbers(a, 1) {
			in.gs.charSpace = in.nums[0]
		}
	case "Tw":
		if in.numbers(a, 1) {
			in.gs.wordSpace = in.nums[0]
		}
	case "Tz":
		if in.numbers(a, 1) {
			in.gs.scale = in.nums[0] / 100
		}
	case "TL":
		if in.numbers(a, 1) {
			in.gs.leading = in.nums[0]
		}
	case "Ts":
		if in.numbers(a, 1) {
			in.gs.rise = in.nums[0]
		}
	case "Td":
		if in.numbers(a, 2) {
			in.moveText(in.nums[0], in.nums[1])
		}
	case "TD":
		if in.numbers(a, 2) {
			in.gs.leading = -in.nums[1]
			in.moveText(in.nums[0], in.nums[1])
		}
	case "Tm":
		if m, ok := in.matrix(a); ok {
			in.tm, in.tlm = m, m
		}
	case "T*":
		in.moveText(0, -in.gs.leading)
	case "Tj":
		if len(a) == 1 {
			in.show(a[0].RawString())
		}
	case "'":
		in.moveText(0, -in.gs.leading)
		if len(a) == 1 {
			in.show(a[0].RawString())
		}
	case "\"":
		if len(a) == 3 {
			in.gs.wordSpace = a[0].Float64()
			in.gs.charSpace = a[1].Float64()
			in.moveText(0, -in.gs.leading)
			in.show(a[2].RawString())
		}
	case "TJ":
		if len(a) == 1 {
			in.showArray(a[0])
		}

	case "Do":
		if len(a) == 1 {
			in.xobject(a[0].Name())
		}
	}
}

// numbers reads the last n operands as numbers into in.nums.
func (in *interp) numbers(a []lpdf.Value, n int) bool {
	if len(a) < n {
		return false
	}
	a = a[len(a)-n:]
	for i, v := range a {
		k := v.Kind()
		if k != lpdf.Integer && k != lpdf.Real {
			return false
		}
		f := v.Float64()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
		in.nums[i] = f
	}
	return true
}

func (in *interp) matrix(a []lpdf.Value) (matrix, bool) {
	if !in.numbers(a, 6) {
		return matrix{}, false
	}
	return matrix(in.nums), true
}

// visible tells whether a colour's operands are dark enough to be seen on
// white: a rule drawn in white is a background, not a line.
func visible(a []lpdf.Value) bool {
	var c []float64
	for _, v := range a {
		if k := v.Kind(); k == lpdf.Integer || k == lpdf.Real {
			c = append(c, v.Float64())
		}
	}
	var lum float64
	switch len(c) {
	case 1:
		lum = c[0]
	case 3:
		lum = 0.3*c[0] + 0.59*c[1] + 0.11*c[2]
	case 4:
		lum = (1 - min(1, c[0]+c[3])) * 0.3
		lum += (1 - min(1, c[1]+c[3])) * 0.59
		lum += (1 - min(1, c[2]+c[3])) * 0.11
	default:
		return true // a pattern or an unknown space
	}
	return lum < 0.9
}

func (in *interp) font(name string) *font {
	if f, ok := in.fonts[name]; ok {
		return f
	}
	v := in.res.Key("Font").Key(name)
	var f *font
	if v.Kind() == lpdf.Dict {
		f = in.doc.font(v)
	}
	in.fonts[name] = f
	return f
}

func (in *interp) moveText(tx, ty float64) {
	in.tlm = translate(tx, ty).mul(in.tlm)
	in.tm = in.tlm
}

// show draws a string's glyphs and advances the text matrix.
func (in *interp) show(s string) {
	f := in.gs.font
	if f == nil {
		return
	}
	ts := &in.gs.textState
	// Text space to display space, without the text matrix.
	for len(s) > 0 {
		code, n := f.code(s)
		s = s[n:]
		w := f.width(code) / 1000
		text := f.text(code, n)
		space := n == 1 && code == 32
		trm := matrix{ts.size * ts.scale, 0, 0, ts.size, 0, ts.rise}.mul(in.tm).mul(in.gs.ctm)
		var g glyph
		if f.vertical {
			// The glyph hangs from the pen, centred on it.
			g.box = bounds(trm, -w/2, -1, w/2, 0)
			dx, dy := trm.vec(0, -1)
			g.vertical, g.up = math.Abs(dy) >= math.Abs(dx), dy < 0
		} else {
			g.box = bounds(trm, 0, -0.12, max(w, 0.05), 0.88)
			dx, dy := trm.vec(1, 0)
			g.vertical, g.up = math.Abs(dy) > math.Abs(dx), dy < 0
		}
		g.size = trm.scale()
		if strings.TrimSpace(text) != "" && g.size > 0.5 {
			g.text = text
			in.out.glyphs = append(in.out.glyphs, g)
		}
		var adv float64
		if f.vertical {
			adv = f.dw2/1000*ts.size + ts.charSpace
			if space {
				adv += ts.wordSpace
			}
			in.tm = translate(0, adv).mul(in.tm)
		} else {
			adv = w*ts.size + ts.charSpace
			if space {
				adv += ts.wordSpace
			}
			in.tm = translate(adv*ts.scale, 0).mul(in.tm)
		}
	}
}

// showArray draws a TJ array: strings, and numbers that move the pen back
// by thousandths of an em.
func (in *interp) showArray(arr lpdf.Value) {
	n := arr.Len()
	for i := range n {
		v := arr.Index(i)
		switch v.Kind() {
		case lpdf.String:
			in.show(v.RawString())
		case lpdf.Integer, lpdf.Real:
			if in.gs.font == nil {
				continue
			}
			d := -v.Float64() / 1000 * in.gs.size
			if in.gs.font.vertical {
				in.tm = translate(0, d).mul(in.tm)
			} else {
				in.tm = translate(d*in.gs.scale, 0).mul(in.tm)
			}
		}
	}
}

// xobject draws a form (interpreting it) or notes an image.
func (in *interp) xobject(name string) {
	x := in.res.Key("XObject").Key(name)
	switch x.Key("Subtype").Name() {
	case "Image":
		in.out.images = append(in.out.images, imageUse{name: name, box: bounds(in.gs.ctm, 0, 0, 1, 1)})
	case "Form":
		if in.depth >= maxFormDepth {
			return
		}
		save, saveStack := in.gs, len(in.stack)
		if m := x.Key("Matrix"); m.Len() == 6 {
			var fm matrix
			for i := range fm {
				fm[i] = m.Index(i).Float64()
			}
			in.gs.ctm = fm.mul(in.gs.ctm)
		}
		res := x.Key("Resources")
		if res.IsNull() {
			res = in.res
		}
		tm, tlm := in.tm, in.tlm
		in.depth++
		in.run(x, res)
		in.depth--
		in.gs, in.stack = save, in.stack[:saveStack]
		in.tm, in.tlm = tm, tlm
	}
}

// Paths.

func (in *interp) moveTo(x, y float64) {
	px, py := in.gs.ctm.apply(x, y)
	in.cur = pathPoint{px, py, true}
	in.start = in.cur
	in.addPoint(in.cur)
}

func (in *interp) lineTo(x, y float64, curve bool) {
	px, py := in.gs.ctm.apply(x, y)
	in.cur = pathPoint{px, py, false}
	if curve {
		// A curve is no ruling line: start a new subpath at its end.
		in.cur.move = true
	}
	in.addPoint(in.cur)
}

func (in *interp) closePath() {
	if len(in.path) > 0 && !in.cur.move {
		p := in.start
		p.move = false
		in.addPoint(p)
		in.cur = p
	}
}

func (in *interp) addPoint(p pathPoint) {
	if len(in.path) < maxPathPoints {
		in.path = append(in.path, p)
	}
}

func (in *interp) rectangle(x, y, w, h float64) {
	r := bounds(in.gs.ctm, x, y, x+w, y+h)
	if len(in.pathRect) < maxPathPoints {
		in.pathRect = append(in.pathRect, r)
	}
	in.moveTo(x, y)
}

func (in *interp) endPath() {
	in.path = in.path[:0]
	in.pathRect = in.pathRect[:0]
}

// Thresholds for ruling lines, in points.
const (
	// maxRuleWidth is the thickest filled rectangle read as a line.
	maxRuleWidth = 3
	// minRuleLength is the shortest line kept.
	minRuleLength = 2
	// axisSlack is how far a line may lean and still count as straight.
	axisSlack = 0.5
)

// paint turns the current path into ruling lines: its straight axis-aligned
// segments when stroked, its thin rectangles when filled.
func (in *interp) paint(stroke, fill bool) {
	if stroke && in.gs.strokeVisible {
		for _, r := range in.pathRect {
			in.addSeg(true, r.y0, r.x0, r.x1)
			in.addSeg(true, r.y1, r.x0, r.x1)
			in.addSeg(false, r.x0, r.y0, r.y1)
			in.addSeg(false, r.x1, r.y0, r.y1)
		}
		for i := 1; i < len(in.path); i++ {
			p, q := in.path[i-1], in.path[i]
			if q.move {
				continue
			}
			in.line(p.x, p.y, q.x, q.y)
		}
	}
	if fill && in.gs.fillVisible {
		for _, r := range in.pathRect {
			in.thinRect(r)
		}
		// Filled polygons of four corners drawn with m/l: a box.
		for i := 0; i < len(in.path); {
			j := i + 1
			for j < len(in.path) && !in.path[j].move {
				j++
			}
			if n := j - i; n == 4 || n == 5 {
				r := rect{in.path[i].x, in.path[i].y, in.path[i].x, in.path[i].y}
				axis := true
				for k := i + 1; k < j; k++ {
					p, q := in.path[k-1], in.path[k]
					axis = axis && (math.Abs(p.x-q.x) < axisSlack || math.Abs(p.y-q.y) < axisSlack)
					r = r.union(rect{q.x, q.y, q.x, q.y})
				}
				if axis {
					in.thinRect(r)
				}
			}
			i = j
		}
	}
	in.endPath()
}

func (in *interp) thinRect(r rect) {
	switch {
	case r.h() <= maxRuleWidth && r.w() >= minRuleLength:
		in.addSeg(true, r.cy(), r.x0, r.x1)
	case r.w() <= maxRuleWidth && r.h() >= minRuleLength:
		in.addSeg(false, r.cx(), r.y0, r.y1)
	}
}

func (in *interp) line(x0, y0, x1, y1 float64) {
	switch {
	case math.Abs(y0-y1) < axisSlack:
		in.addSeg(true, (y0+y1)/2, min(x0, x1), max(x0, x1))
	case math.Abs(x0-x1) < axisSlack:
		in.addSeg(false, (x0+x1)/2, min(y0, y1), max(y0, y1))
	}
}

func (in *interp) addSeg(horiz bool, pos, a, b float64) {
	if b-a < minRuleLength || len(in.out.segs) >= maxPathPoints {
		return
	}
	in.out.segs = append(in.out.segs, segment{horiz: horiz, pos: pos, a: a, b: b})
}

// usable tells whether a glyph's text is real text, not the private-use or
// control characters that a font without a Unicode mapping yields.
func usable(s string) bool {
	for _, r := range s {
		switch {
		case r == utf8.RuneError, r < 0x20, r >= 0x7F && r < 0xA0,
			r >= 0xE000 && r <= 0xF8FF, r >= 0xF0000:
			return false
		}
	}
	return true
}
