package pipeline

import (
	"context"
	"fmt"
	"image"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
)

// PageImage returns page n (1-based) of a scanned file as OCR was given it:
// a scanned PDF page's image, or a page of an image file. The review
// station cuts from it the place where a value was read.
func (p *Pipeline) PageImage(ctx context.Context, name string, data []byte, n int) (*image.Gray, error) {
	lim := p.ocr.Limits()
	switch format := Detect(name, data); format {
	case FormatImage:
		f, err := imgproc.Open(data, lim)
		if err != nil {
			return nil, fmt.Errorf("page image: %w", err)
		}
		if n < 1 || n > f.Pages() {
			return nil, fmt.Errorf("page image: no page %d of %d", n, f.Pages())
		}
		return f.Page(n - 1)
	case FormatPDF:
		doc, err := p.converters[FormatPDF].Convert(ctx, name, data)
		if err != nil {
			return nil, fmt.Errorf("page image: %w", err)
		}
		for _, s := range doc.Scans {
			if s.Page == n {
				f, err := imgproc.Open(s.Image, lim)
				if err != nil {
					return nil, fmt.Errorf("page image: page %d: %w", n, err)
				}
				return f.Page(0)
			}
		}
		return nil, fmt.Errorf("page image: page %d is not scanned", n)
	default:
		return nil, fmt.Errorf("page image: a %s file has no page images", format)
	}
}

// Text returns a file's text as its converter reads it, without OCR: for
// showing a value of a digital document among the lines around it.
func (p *Pipeline) Text(ctx context.Context, name string, data []byte) (string, error) {
	format := Detect(name, data)
	conv, ok := p.converters[format]
	if !ok || format == FormatImage {
		return "", fmt.Errorf("text: a %s file has no text layer", format)
	}
	doc, err := conv.Convert(ctx, name, data)
	if err != nil {
		return "", fmt.Errorf("text: %w", err)
	}
	return doc.Text(), nil
}
