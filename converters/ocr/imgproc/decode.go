// Package imgproc prepares page images for OCR: it decodes them (refusing
// oversized ones from their header), turns them to grayscale, finds their
// orientation and skew, rotates them upright and binarizes them. It knows
// nothing of text or tables.
package imgproc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// Errors of Open and Page; callers wrap them in the converters' sentinels.
var (
	// ErrFormat is an image in no format this package decodes.
	ErrFormat = errors.New("not an image format that can be read (PNG, JPEG, TIFF, BMP, WebP, GIF)")
	// ErrTooLarge is an image whose header declares more pixels than allowed.
	ErrTooLarge = errors.New("image has too many pixels")
	// ErrCorrupt is an image that does not decode.
	ErrCorrupt = errors.New("image is corrupt or truncated")
)

// maxTIFFPages bounds the pages read from one TIFF, so that a loop of IFD
// offsets or a file of millions of tiny pages cannot run away.
const maxTIFFPages = 1000

// File is an image file opened for decoding page by page, so that only one
// decoded page is held at a time.
type File struct {
	Format    string // "png", "jpeg", "tiff", "bmp", "webp" or "gif"
	data      []byte
	maxPixels int64
	ifds      []uint32 // TIFF: the offset of each page's IFD
}

// Open checks data's format and, for TIFF, finds its pages. It decodes no
// pixels. maxPixels bounds each page's width times height.
func Open(data []byte, maxPixels int64) (*File, error) {
	f := &File{data: data, maxPixels: maxPixels, Format: Sniff(data)}
	switch f.Format {
	case "":
		return nil, ErrFormat
	case "tiff":
		ifds, err := tiffPages(data)
		if err != nil {
			return nil, err
		}
		f.ifds = ifds
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
		return len(f.ifds)
	}
	return 1
}

// Page decodes page i (0-based) to grayscale. The size its header declares is
// checked against the limit before any pixel is decoded.
func (f *File) Page(i int) (*image.Gray, error) {
	if i < 0 || i >= f.Pages() {
		return nil, fmt.Errorf("page %d of %d", i+1, f.Pages())
	}
	var r io.Reader = bytes.NewReader(f.data)
	if f.Format == "tiff" {
		r = tiffPage(f.data, f.ifds[i])
	}
	cfg, err := f.config(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%w: its header declares %dx%d pixels", ErrCorrupt, cfg.Width, cfg.Height)
	}
	if n := int64(cfg.Width) * int64(cfg.Height); n > f.maxPixels {
		return nil, fmt.Errorf("%w: %dx%d is %d pixels, the limit is %d", ErrTooLarge, cfg.Width, cfg.Height, n, f.maxPixels)
	}
	if f.Format == "tiff" {
		r = tiffPage(f.data, f.ifds[i])
	} else {
		r = bytes.NewReader(f.data)
	}
	img, err := f.decode(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return Gray(img), nil
}

// codecs are the decoders of each format, by File.Format.
var codecs = map[string]struct {
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}{
	"png":  {png.DecodeConfig, png.Decode},
	"jpeg": {jpeg.DecodeConfig, jpeg.Decode},
	"tiff": {tiff.DecodeConfig, tiff.Decode},
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

// tiffPages walks a TIFF's chain of image file directories and returns their
// offsets.
func tiffPages(data []byte) ([]uint32, error) {
	if len(data) < 8 {
		return nil, fmt.Errorf("%w: TIFF header cut short", ErrCorrupt)
	}
	var order binary.ByteOrder = binary.LittleEndian
	if data[0] == 'M' {
		order = binary.BigEndian
	}
	var ifds []uint32
	seen := map[uint32]bool{}
	for off := order.Uint32(data[4:8]); off != 0; {
		if seen[off] || len(ifds) == maxTIFFPages {
			break
		}
		if uint64(off)+2 > uint64(len(data)) {
			if len(ifds) == 0 {
				return nil, fmt.Errorf("%w: TIFF directory beyond the end of the file", ErrCorrupt)
			}
			break
		}
		seen[off] = true
		ifds = append(ifds, off)
		n := uint64(order.Uint16(data[off:]))
		next := uint64(off) + 2 + 12*n
		if next+4 > uint64(len(data)) {
			break
		}
		off = order.Uint32(data[next:])
	}
	if len(ifds) == 0 {
		return nil, fmt.Errorf("%w: TIFF without pages", ErrCorrupt)
	}
	return ifds, nil
}

// tiffPage returns a reader of the TIFF whose header points at the IFD at
// off, so that a decoder that reads only the first page reads that one. The
// strips stay where they are, at the same offsets: nothing is copied.
func tiffPage(data []byte, off uint32) io.Reader {
	var head [8]byte
	copy(head[:], data[:8])
	if data[0] == 'M' {
		binary.BigEndian.PutUint32(head[4:], off)
	} else {
		binary.LittleEndian.PutUint32(head[4:], off)
	}
	return &patched{head: head, data: data}
}

// patched reads data with its first 8 bytes replaced by head. It is an
// io.ReaderAt, which the TIFF decoder uses instead of buffering the file.
type patched struct {
	head [8]byte
	data []byte
	pos  int64
}

func (p *patched) ReadAt(b []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= int64(len(p.data)) {
		return 0, io.EOF
	}
	n := copy(b, p.data[off:])
	if off < 8 {
		copy(b, p.head[off:])
	}
	if n < len(b) {
		return n, io.EOF
	}
	return n, nil
}

func (p *patched) Read(b []byte) (int, error) {
	n, err := p.ReadAt(b, p.pos)
	p.pos += int64(n)
	return n, err
}
