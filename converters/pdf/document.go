package pdf

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/converters/pdf/internal/lpdf"
	"github.com/nianbao/nianbao/internal/layout"
)

// document is one conversion: the open file and what is shared by its pages.
type document struct {
	ctx   context.Context
	cfg   Config
	r     *lpdf.Reader
	data  []byte
	fonts map[string]*font // by the font dictionary as printed
}

// font returns the font of a dictionary, read once per document. The
// library parses an object again at every access, so fonts are kept by
// their dictionary's text, which names the streams it refers to.
func (d *document) font(v lpdf.Value) *font {
	key := v.String()
	if f, ok := d.fonts[key]; ok {
		return f
	}
	f := newFont(v)
	d.fonts[key] = f
	return f
}

// maxTreeDepth bounds the page tree's nesting.
const maxTreeDepth = 64

// pages returns the page dictionaries in order.
func (d *document) pages() ([]lpdf.Value, error) {
	root := d.r.Trailer().Key("Root").Key("Pages")
	if root.Kind() != lpdf.Dict {
		return nil, fmt.Errorf("%w: it has no page tree", converters.ErrCorrupt)
	}
	if n := root.Key("Count").Int64(); n > int64(d.cfg.MaxPages) {
		return nil, fmt.Errorf("%w: %d pages, the limit is %d", converters.ErrTooLarge, n, d.cfg.MaxPages)
	}
	var out []lpdf.Value
	// A tree whose kids point back up would be walked forever.
	visits := 0
	var walk func(v lpdf.Value, depth int) error
	walk = func(v lpdf.Value, depth int) error {
		if depth > maxTreeDepth {
			return fmt.Errorf("%w: its page tree nests too deep", converters.ErrCorrupt)
		}
		if visits++; visits > 4*d.cfg.MaxPages+1000 {
			return fmt.Errorf("%w: its page tree loops", converters.ErrCorrupt)
		}
		kids := v.Key("Kids")
		if v.Key("Type").Name() == "Page" || (kids.Kind() != lpdf.Array && v.Key("Contents").Kind() != lpdf.Null) {
			if len(out) >= d.cfg.MaxPages {
				return fmt.Errorf("%w: more than %d pages", converters.ErrTooLarge, d.cfg.MaxPages)
			}
			out = append(out, v)
			return nil
		}
		for i := range kids.Len() {
			if err := walk(kids.Index(i), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// inherited returns a page attribute, looking up the page tree.
func inherited(p lpdf.Value, key string) lpdf.Value {
	for i := 0; i < maxTreeDepth && !p.IsNull(); i++ {
		if v := p.Key(key); !v.IsNull() {
			return v
		}
		p = p.Key("Parent")
	}
	return lpdf.Value{}
}

// pageBox returns the page's visible box in user space: its CropBox within
// its MediaBox.
func pageBox(p lpdf.Value) (x0, y0, x1, y1 float64) {
	read := func(v lpdf.Value) (float64, float64, float64, float64, bool) {
		if v.Len() != 4 {
			return 0, 0, 0, 0, false
		}
		a, b, c, e := v.Index(0).Float64(), v.Index(1).Float64(), v.Index(2).Float64(), v.Index(3).Float64()
		if math.Abs(c-a) < 1 || math.Abs(e-b) < 1 {
			return 0, 0, 0, 0, false
		}
		return min(a, c), min(b, e), max(a, c), max(b, e), true
	}
	x0, y0, x1, y1, ok := read(inherited(p, "MediaBox"))
	if !ok {
		x0, y0, x1, y1 = 0, 0, 612, 792 // US Letter, the standard's default
	}
	if cx0, cy0, cx1, cy1, ok := read(inherited(p, "CropBox")); ok {
		nx0, ny0, nx1, ny1 := max(x0, cx0), max(y0, cy0), min(x1, cx1), min(y1, cy1)
		if nx1-nx0 >= 1 && ny1-ny0 >= 1 {
			x0, y0, x1, y1 = nx0, ny0, nx1, ny1
		}
	}
	return x0, y0, x1, y1
}

// displayMatrix maps user space to display space (points, origin at the top
// left of the page as shown, y down), honouring the crop box and /Rotate. It
// returns the displayed page's width and height too.
func displayMatrix(p lpdf.Value) (matrix, float64, float64) {
	x0, y0, x1, y1 := pageBox(p)
	w, h := x1-x0, y1-y0
	m := matrix{1, 0, 0, -1, -x0, y1}
	rot := int(inherited(p, "Rotate").Int64()) % 360
	if rot < 0 {
		rot += 360
	}
	switch rot {
	case 90:
		return m.mul(matrix{0, 1, -1, 0, h, 0}), h, w
	case 180:
		return m.mul(matrix{-1, 0, 0, -1, w, h}), w, h
	case 270:
		return m.mul(matrix{0, -1, 1, 0, 0, w}), h, w
	}
	return m, w, h
}

// pageContent interprets one page. A panic of the library inside the page
// keeps what was read before it and is returned as an error; going over a
// limit or a cancelled context stops the page.
func (d *document) pageContent(p lpdf.Value) (c *content, w, h float64, err error) {
	base, w, h := displayMatrix(p)
	c = &content{}
	in := newInterp(d, c, base)
	func() {
		defer func() {
			if x := recover(); x != nil {
				err = panicError(x)
				if e, ok := x.(error); ok && errors.Is(e, errBudget) {
					err = fmt.Errorf("%w: a page draws more than %d operators or %d glyphs", converters.ErrTooLarge, d.cfg.MaxOps, d.cfg.MaxGlyphs)
				}
			}
		}()
		contents := p.Key("Contents")
		if contents.IsNull() {
			return
		}
		in.run(contents, inherited(p, "Resources"))
	}()
	return c, w, h, err
}

// convert reads every page and assembles the document.
func (d *document) convert() (*layout.Document, error) {
	pages, err := d.pages()
	if err != nil {
		return nil, err
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("%w: it has no pages", converters.ErrEmpty)
	}
	laid := make([]*page, len(pages))
	var pageErr error
	failed := 0
	for i, p := range pages {
		if err := d.ctx.Err(); err != nil {
			return nil, err
		}
		c, w, h, err := d.pageContent(p)
		if err != nil {
			if errors.Is(err, converters.ErrTooLarge) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return nil, fmt.Errorf("page %d: %w", i+1, err)
			}
			pageErr = fmt.Errorf("page %d: %w", i+1, err)
			failed++
		}
		laid[i] = layoutPage(i+1, c, w, h)
	}
	if failed == len(pages) {
		return nil, pageErr
	}
	doc := assemble(laid)
	var scanErr error
	if len(doc.Scans) > 0 {
		if err := d.checkImages(pages, laid, doc); err != nil {
			return nil, err
		}
		scanErr = d.scanImages(laid, doc)
	}
	if !hasText(doc) && len(doc.Scans) == 0 {
		if scanErr != nil {
			return nil, fmt.Errorf("%w: its pages are scans whose images could not be taken out: %s", converters.ErrUnsupported, clean(scanErr.Error()))
		}
		if unmapped(laid) {
			return nil, fmt.Errorf("%w: its fonts map to no Unicode text and it has no page images to read", converters.ErrUnsupported)
		}
		return nil, fmt.Errorf("%w: it has no text and no scanned pages", converters.ErrEmpty)
	}
	return doc, nil
}

// scanImages fills in the image of each scanned page; a page whose image
// cannot be taken out is dropped from Scans (its page break stays), and the
// reason returned.
func (d *document) scanImages(laid []*page, doc *layout.Document) error {
	want := map[int]string{}
	for _, s := range doc.Scans {
		want[s.Page] = laid[s.Page-1].image
	}
	imgs, err := pageImages(d.data, want)
	kept := doc.Scans[:0]
	for _, s := range doc.Scans {
		if b := imgs[s.Page]; len(b) > 0 {
			s.Image = b
			kept = append(kept, s)
		}
	}
	doc.Scans = kept
	return err
}

func hasText(doc *layout.Document) bool {
	for _, b := range doc.Blocks {
		if b.Kind == layout.Paragraph || b.Kind == layout.Table {
			return true
		}
	}
	return false
}

func unmapped(laid []*page) bool {
	for _, p := range laid {
		if p.unmapped {
			return true
		}
	}
	return false
}
