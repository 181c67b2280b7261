// Package imgproc prepares page images for OCR: it decodes them (refusing
// oversized ones from their header), turns them to grayscale, finds their
// orientation and skew, rotates them upright and binarizes them. It knows
// nothing of text or tables.
package imgproc

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math"

	"golang.org/x/image/bmp"
	"golang.org/x/image/webp"
)

// Errors of Open and Page; callers wrap them in the converters' sentinels.
var (
	// ErrFormat is an image in no format this package decodes.
	ErrFormat = errors.New("not an image format that can be read (PNG, JPEG, TIFF, BMP, WebP, GIF)")
	// ErrTooLarge is an image whose header declares more pixels than allowed.
	ErrTooLarge = errors.New("image has too many pixels")
	// ErrTooManyPages is a file holding more pages than allowed.
	ErrTooManyPages = errors.New("image file has too many pages")
	// ErrCorrupt is an image that does not decode.
	ErrCorrupt = errors.New("image is corrupt or truncated")
)

// Limits bound what Open and Page accept; a zero field has no limit.
type Limits struct {
	// MaxPixels bounds each page's width times height, as its header
	// declares it (after a fax's pixels are made square).
	MaxPixels int64
	// MaxPages bounds a TIFF's pages: a file with more is refused whole.
	MaxPages int
}

// File is an image file opened for decoding page by page, so that only one
// decoded page is held at a time.
type File struct {
	Format string // "png", "jpeg", "tiff", "bmp", "webp" or "gif"
	data   []byte
	lim    Limits
	tiff   []tiffPage // TIFF: what each page's directory declares
}

// Open checks data's format and, for TIFF, reads its pages' directories.
// It decodes no pixels.
func Open(data []byte, lim Limits) (*File, error) {
	f := &File{data: data, lim: lim, Format: Sniff(data)}
	switch f.Format {
	case "":
		return nil, ErrFormat
	case "tiff":
		maxPages := lim.MaxPages
		if maxPages <= 0 {
			maxPages = math.MaxInt
		}
		pages, err := tiffPages(data, maxPages)
		if err != nil {
			return nil, err
		}
		f.tiff = pages
	}
	return f, nil
}

// Sniff names an image format from its magic number, or returns "".
func Sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(data, []byte("\xFF\xD8\xFF")):
		return "jpeg"
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return "tiff"
	case bytes.HasPrefix(data, []byte("BM")):
		return "bmp"
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return "webp"
	case bytes.HasPrefix(data, []byte("GIF8")):
		return "gif"
	}
	return ""
}

// Pages returns the number of pages: a TIFF's pages, else 1.
func (f *File) Pages() int {
	if f.Format == "tiff" {
		return len(f.tiff)
	}
	return 1
}

// Page decodes page i (0-based) to grayscale. The size its header declares is
// checked against the limit before any pixel is decoded.
func (f *File) Page(i int) (*image.Gray, error) {
	if i < 0 || i >= f.Pages() {
		return nil, fmt.Errorf("page %d of %d", i+1, f.Pages())
	}
	if f.Format == "tiff" {
		return f.tiffPage(i)
	}
	cfg, err := f.config(bytes.NewReader(f.data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if err := f.check(int64(cfg.Width), int64(cfg.Height)); err != nil {
		return nil, err
	}
	if f.Format == "jpeg" && cfg.ColorModel == color.GrayModel {
		if g, ok := leptGrayJPEG(f.data); ok {
			return g, nil
		}
	}
	img, err := f.decode(bytes.NewReader(f.data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return Gray(img), nil
}

// tiffPage decodes page i of a TIFF, its pixels made square.
func (f *File) tiffPage(i int) (*image.Gray, error) {
	p := f.tiff[i]
	sx, sy := p.square()
	if err := f.check(p.width, p.height); err != nil {
		return nil, err
	}
	if err := f.check(int64(float64(p.width)*sx+1), int64(float64(p.height)*sy+1)); err != nil {
		return nil, err
	}
	img, err := leptTIFFPage(f.data, i, sx, sy)
	if err != nil {
		return nil, fmt.Errorf("%w: page %d: %v", ErrCorrupt, i+1, err)
	}
	return Gray(img), nil
}

// check refuses a page whose declared size is empty or over the limit.
func (f *File) check(w, h int64) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("%w: its header declares %dx%d pixels", ErrCorrupt, w, h)
	}
	if w > math.MaxInt32 || h > math.MaxInt32 {
		return fmt.Errorf("%w: its header declares %dx%d pixels", ErrTooLarge, w, h)
	}
	if n := w * h; f.lim.MaxPixels > 0 && n > f.lim.MaxPixels {
		return fmt.Errorf("%w: %dx%d is %d pixels, the limit is %d", ErrTooLarge, w, h, n, f.lim.MaxPixels)
	}
	return nil
}

// codecs are the decoders of each format, by File.Format.
var codecs = map[string]struct {
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}{
	"png":  {png.DecodeConfig, png.Decode},
	"jpeg": {jpeg.DecodeConfig, jpeg.Decode},
	"bmp":  {bmp.DecodeConfig, bmp.Decode},
	"webp": {webp.DecodeConfig, webp.Decode},
	"gif":  {gif.DecodeConfig, gif.Decode},
}

func (f *File) config(r io.Reader) (image.Config, error) {
	c, ok := codecs[f.Format]
	if !ok {
		return image.Config{}, ErrFormat
	}
	return c.config(r)
}

// decode decodes one image; a GIF gives its first frame. Decoders panic on
// some malformed input, which is turned into an error here.
func (f *File) decode(r io.Reader) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("decoder failed: %v", p)
		}
	}()
	c, ok := codecs[f.Format]
	if !ok {
		return nil, ErrFormat
	}
	return c.decode(r)
}
