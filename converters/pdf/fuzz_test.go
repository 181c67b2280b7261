package pdf_test

import (
	"context"
	"errors"
	"testing"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/converters/pdf"
)

// FuzzConvert feeds the converter broken PDFs: it must return a document or
// an error wrapping one of the converters' sentinels, and never panic.
func FuzzConvert(f *testing.F) {
	b := newBuilder()
	xs := []float64{50, 200, 300}
	b.page(grid(xs, []float64{700, 680, 660})+text(55, 685, 10, "Label")+text(205, 685, 10, "12")+
		text(55, 665, 10, "Other")+text(205, 665, 10, "3")+text(290, 40, 10, "- 1 -"), "", nil)
	b.page("BT /F1 12 Tf 0 1 -1 0 100 100 Tm (Turned) Tj ET\nBT /F2 9 Tf 50 50 Td <00010002> Tj ET\n", "/Rotate 90", nil)
	b.page("q 2 0 0 2 10 10 cm 0 0 100 1 re f 0 0 m 0 100 l S Q BT /F1 10 Tf 12 TL (a) ' 1 2 (b) \" [(c) -300 (d)] TJ T* ET", "/CropBox [0 0 300 300]", nil)
	f.Add(b.bytes())
	one := newBuilder()
	one.page(text(50, 700, 12, "Hello"), "", nil)
	f.Add(one.bytes())
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"))
	sentinels := []error{converters.ErrEmpty, converters.ErrCorrupt, converters.ErrEncrypted,
		converters.ErrTooLarge, converters.ErrUnsupported}
	conv := pdf.New(pdf.Config{MaxPages: 50, MaxOps: 100_000, MaxGlyphs: 20_000})
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := conv.Convert(context.Background(), "fuzz.pdf", data)
		if err != nil {
			for _, s := range sentinels {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error wraps no sentinel: %v", err)
		}
		if doc == nil {
			t.Fatal("no document and no error")
		}
		for _, blk := range doc.Blocks {
			if blk.Table != nil {
				blk.Table.Place()
			}
		}
	})
}
