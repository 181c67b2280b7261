package pdf

import (
	"compress/zlib"
	"fmt"
	"io"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/converters/pdf/internal/lpdf"
	"github.com/nianbao/nianbao/internal/layout"
)

// checkImages bounds the scanned pages' images before pdfcpu takes them out:
// it inflates an image whole, whatever its size, so a Flate bomb posing as
// a scan would take gigabytes. An image pdfcpu decodes (any filter but
// DCTDecode, whose JPEG it returns as embedded) may not declare more bytes
// than Config.MaxImageBytes, and one in Flate (first in its filters) may not
// inflate past what it declares. Over either is an error wrapping converters.ErrTooLarge.
func (d *document) checkImages(pages []lpdf.Value, laid []*page, doc *layout.Document) error {
	for _, s := range doc.Scans {
		name := laid[s.Page-1].image
		x := inherited(pages[s.Page-1], "Resources").Key("XObject").Key(name)
		if x.Kind() != lpdf.Stream {
			continue // drawn by a form: pdfcpu finds it, unchecked
		}
		if err := d.checkImage(x); err != nil {
			return fmt.Errorf("page %d: %w", s.Page, err)
		}
	}
	return nil
}

func (d *document) checkImage(x lpdf.Value) error {
	f := x.Key("Filter")
	if f.Kind() == lpdf.Array {
		f = f.Index(0)
	}
	if f.Name() == "DCTDecode" {
		return nil
	}
	if err := d.checkDeclared(x); err != nil {
		return err
	}
	if f.Name() != "FlateDecode" {
		return nil // other filters are left to the declared size
	}
	zr, err := zlib.NewReader(x.RawReader())
	if err != nil {
		return nil // pdfcpu reports a broken image as such
	}
	// A PNG predictor adds a byte a row.
	size := declared(x) + x.Key("Height").Int64() + 1024
	n, _ := io.Copy(io.Discard, io.LimitReader(zr, size+1))
	if n > size {
		return fmt.Errorf("%w: a page image inflates past the %d bytes its size declares", converters.ErrTooLarge, size)
	}
	return nil
}

// checkDeclared checks an image's declared size against MaxImageBytes.
func (d *document) checkDeclared(x lpdf.Value) error {
	w, h := x.Key("Width").Int64(), x.Key("Height").Int64()
	if size := declared(x); w <= 0 || h <= 0 || size > d.cfg.MaxImageBytes {
		return fmt.Errorf("%w: a page image of %d x %d pixels, over %d bytes", converters.ErrTooLarge, w, h, d.cfg.MaxImageBytes)
	}
	return nil
}

// declared returns the bytes an image's samples take by its dictionary,
// counting an unknown colour space as four components; it saturates
// rather than overflow.
func declared(x lpdf.Value) int64 {
	w, h := x.Key("Width").Int64(), x.Key("Height").Int64()
	if w <= 0 || h <= 0 || w > 1<<20 || h > 1<<20 {
		return 1 << 62
	}
	bpc := x.Key("BitsPerComponent").Int64()
	if bpc <= 0 || bpc > 16 {
		bpc = 8
	}
	comps := int64(4)
	switch x.Key("ColorSpace").Name() {
	case "DeviceGray", "CalGray":
		comps = 1
	case "DeviceRGB", "CalRGB":
		comps = 3
	}
	if x.Key("ImageMask").Bool() {
		comps, bpc = 1, 1
	}
	return (w*comps*bpc + 7) / 8 * h
}
