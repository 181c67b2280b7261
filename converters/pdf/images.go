package pdf

import (
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
// than Config.MaxStreamBytes, and one in Flate may not inflate past what
// it declares. Over either is an error wrapping converters.ErrTooLarge.
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
	if f.Kind() == lpdf.Name && f.Name() == "DCTDecode" {
		return nil
	}
	if err := d.checkDeclared(x); err != nil {
		return err
	}
	// Other filters, chains and predictors are left to the declared size:
	// the library reads none of them.
	if f.Kind() != lpdf.Name || f.Name() != "FlateDecode" || !x.Key("DecodeParms").IsNull() {
		return nil
	}
	size := declared(x)
	n, err := io.Copy(io.Discard, io.LimitReader(x.Reader(), size+1))
	if err != nil {
		return nil // pdfcpu reports a broken image as such
	}
	if n > size {
		return fmt.Errorf("%w: a page image inflates past the %d bytes its size declares", converters.ErrTooLarge, size)
	}
	return nil
}

// checkDeclared checks an image's declared size against MaxStreamBytes.
func (d *document) checkDeclared(x lpdf.Value) error {
	w, h := x.Key("Width").Int64(), x.Key("Height").Int64()
	if size := declared(x); w <= 0 || h <= 0 || size > d.cfg.MaxStreamBytes {
		return fmt.Errorf("%w: a page image of %d x %d pixels, over %d bytes", converters.ErrTooLarge, w, h, d.cfg.MaxStreamBytes)
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
