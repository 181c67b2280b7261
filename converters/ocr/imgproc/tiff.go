package imgproc

import (
	"encoding/binary"
	"fmt"
	"math"
)

// tiffPage is what a TIFF page's directory declares, read before any pixel
// is decoded: its size in pixels and its resolution on each axis (0 when
// not given).
type tiffPage struct {
	width, height int64
	xres, yres    float64
}

// TIFF tags read from a page's directory.
const (
	tagWidth  = 256
	tagHeight = 257
	tagXRes   = 282
	tagYRes   = 283
)

// tiffPages walks a TIFF's chain of image file directories and reads what
// each declares. A chain that loops, or one longer than maxPages, is an
// error: both are what a hostile or broken file looks like, and reading
// only part of a document would lose pages silently.
func tiffPages(data []byte, maxPages int) ([]tiffPage, error) {
	if len(data) < 8 {
		return nil, fmt.Errorf("%w: TIFF header cut short", ErrCorrupt)
	}
	var order binary.ByteOrder = binary.LittleEndian
	if data[0] == 'M' {
		order = binary.BigEndian
	}
	var pages []tiffPage
	seen := map[uint32]int{}
	for off := order.Uint32(data[4:8]); off != 0; {
		if first, ok := seen[off]; ok {
			return nil, fmt.Errorf("%w: the TIFF's chain of pages loops back from page %d to page %d", ErrCorrupt, len(pages), first+1)
		}
		if len(pages) == maxPages {
			return nil, fmt.Errorf("%w: the TIFF has more than %d", ErrTooManyPages, maxPages)
		}
		if uint64(off)+2 > uint64(len(data)) {
			if len(pages) == 0 {
				return nil, fmt.Errorf("%w: TIFF directory beyond the end of the file", ErrCorrupt)
			}
			// A truncated chain: the pages before it still read.
			break
		}
		seen[off] = len(pages)
		n := uint64(order.Uint16(data[off:]))
		next := uint64(off) + 2 + 12*n
		if next > uint64(len(data)) {
			return nil, fmt.Errorf("%w: TIFF directory of page %d cut short", ErrCorrupt, len(pages)+1)
		}
		pages = append(pages, tiffDir(data, order, data[off+2:next]))
		if next+4 > uint64(len(data)) {
			break
		}
		off = order.Uint32(data[next:])
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("%w: TIFF without pages", ErrCorrupt)
	}
	return pages, nil
}

// tiffDir reads the size and resolution tags of one directory's entries.
func tiffDir(data []byte, order binary.ByteOrder, entries []byte) tiffPage {
	var p tiffPage
	for e := entries; len(e) >= 12; e = e[12:] {
		tag, typ := order.Uint16(e), order.Uint16(e[2:])
		switch tag {
		case tagWidth, tagHeight:
			var v int64
			switch typ {
			case 3: // SHORT
				v = int64(order.Uint16(e[8:]))
			case 4: // LONG
				v = int64(order.Uint32(e[8:]))
			}
			if tag == tagWidth {
				p.width = v
			} else {
				p.height = v
			}
		case tagXRes, tagYRes:
			if typ != 5 { // RATIONAL, stored at an offset
				continue
			}
			at := uint64(order.Uint32(e[8:]))
			if at+8 > uint64(len(data)) {
				continue
			}
			num, den := order.Uint32(data[at:]), order.Uint32(data[at+4:])
			if den == 0 {
				continue
			}
			if r := float64(num) / float64(den); r > 0 && !math.IsInf(r, 0) {
				if tag == tagXRes {
					p.xres = r
				} else {
					p.yres = r
				}
			}
		}
	}
	return p
}

// square returns the scale on each axis that makes the page's pixels
// square: a fax at 204x98 dpi is stretched 2.08 times down its height. A
// page without both resolutions, or with a ratio beyond 4 (a broken tag,
// not a fax), is left as it is. A page turned a quarter after it was
// received, its tags left as they were, has its coarse axis across: the
// tags' stretch would make it a strip no paper is (more than maxPaper
// times as long as wide), the other one a sheet, and the sheet is taken.
func (p tiffPage) square() (sx, sy float64) {
	if p.xres <= 0 || p.yres <= 0 || p.xres == p.yres {
		return 1, 1
	}
	r := p.xres / p.yres
	switch {
	case r > 1 && r <= 4:
		sx, sy = 1, r
	case r < 1 && r >= 0.25:
		sx, sy = 1/r, 1
	default:
		return 1, 1
	}
	w, h := float64(p.width), float64(p.height)
	if aspect(w*sx, h*sy) > maxPaper && aspect(w*sy, h*sx) <= maxPaper {
		return sy, sx
	}
	return sx, sy
}

// maxPaper is the longest side of a sheet of paper over its shortest, with
// room to spare: A4 is 1.41, US legal 1.65.
const maxPaper = 1.8

// aspect is the long side of a w by h page over its short side.
func aspect(w, h float64) float64 { return max(w, h) / max(1, min(w, h)) }
