package imgproc

import (
	"encoding/binary"
	"image"
	"image/color"
)

// Gray returns img as an 8-bit grayscale image with its origin at 0,0.
// Transparent pixels count as white paper. Coloured ink (a red or blue
// seal, a stamp) becomes as light as the colour channel it does not
// absorb, so that print under it reads as if it were not there.
func Gray(img image.Image) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	switch src := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			copy(out.Pix[y*out.Stride:y*out.Stride+w], src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):])
		}
	case *image.YCbCr:
		// The luma plane is the gray image, where the pixel has no colour.
		// Pixels per chroma sample across: COffset(x, y) is the row's
		// offset plus x/across less its value at the row's start.
		// A shift, but for a negative x, where the quotient is truncated.
		across, shift := 1, 0
		switch src.SubsampleRatio {
		case image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420:
			across, shift = 2, 1
		case image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410:
			across, shift = 4, 2
		}
		for y := 0; y < h; y++ {
			luma := src.Y[src.YOffset(b.Min.X, b.Min.Y+y):][:w]
			orow := out.Pix[y*out.Stride : y*out.Stride+w]
			copy(orow, luma)
			if len(src.Cb) == 0 {
				continue
			}
			c0 := src.COffset(b.Min.X, b.Min.Y+y) - b.Min.X/across
			for x := 0; x < w; x++ {
				sx := b.Min.X + x
				i := c0 + sx>>shift
				if sx < 0 {
					i = c0 + sx/across
				} else if i+8 <= len(src.Cb) && gray8(src.Cb[i:]) && gray8(src.Cr[i:]) {
					// Eight samples without colour: on to the pixel of
					// the next, less the loop's step.
					x = (sx>>shift+8)<<shift - b.Min.X - 1
					continue
				}
				cb, cr := src.Cb[i], src.Cr[i]
				if absDiff(cb, 128)+absDiff(cr, 128) < chromaLow/2 {
					continue
				}
				r, g, bl := color.YCbCrToRGB(luma[x], cb, cr)
				orow[x] = uint8(dropInk(uint32(r), uint32(g), uint32(bl)))
			}
		}
	case *image.RGBA:
		for y := 0; y < h; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < w; x++ {
				p := row[4*x : 4*x+4]
				out.Pix[y*out.Stride+x] = onWhite(dropInk(uint32(p[0]), uint32(p[1]), uint32(p[2])), uint32(p[3]), true)
			}
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < w; x++ {
				p := row[4*x : 4*x+4]
				out.Pix[y*out.Stride+x] = onWhite(dropInk(uint32(p[0]), uint32(p[1]), uint32(p[2])), uint32(p[3]), false)
			}
		}
	case *image.Paletted:
		lut := make([]uint8, len(src.Palette))
		for i, c := range src.Palette {
			lut[i] = grayOf(c)
		}
		for y := 0; y < h; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := 0; x < w; x++ {
				if int(row[x]) < len(lut) {
					out.Pix[y*out.Stride+x] = lut[row[x]]
				} else {
					out.Pix[y*out.Stride+x] = 255
				}
			}
		}
	default:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				out.Pix[y*out.Stride+x] = grayOf(img.At(b.Min.X+x, b.Min.Y+y))
			}
		}
	}
	return out
}

// gray8 reports whether the first eight chroma samples of c are all
// within 2 of 128: with the other channel's so, too little colour to
// drop (chromaLow). In 16-bit lanes (even bytes, then odd ones), 256+v-126
// is 256 to 259 exactly when v is 126 to 129.
func gray8(c []uint8) bool {
	const keep = 0x01FC01FC01FC01FC // bits 2 to 8 of each lane
	v := binary.LittleEndian.Uint64(c)
	const low = 126 * ones
	even := ((v&lanes | bit8) - low) & keep
	odd := ((v>>8&lanes | bit8) - low) & keep
	return even == bit8 && odd == bit8
}

// luma is the Rec. 601 luma of 8-bit r, g, b.
func luma(r, g, b uint32) uint32 { return (299*r + 587*g + 114*b + 500) / 1000 }

// Chroma (the spread of r, g, b) below chromaLow is gray print or paper;
// at chromaHigh and above it is coloured ink. Black print under a seal
// absorbs every channel, so it stays dark and gray.
const (
	chromaLow  = 16
	chromaHigh = 48
)

// dropInk is the gray level of 8-bit r, g, b with coloured ink dropped
// out: its luma where it has little colour, its brightest channel (the one
// the ink lets through, red for a red seal) where it has much, and a blend
// between.
func dropInk(r, g, b uint32) uint32 {
	l := luma(r, g, b)
	hi, lo := max(r, g, b), min(r, g, b)
	switch c := hi - lo; {
	case c <= chromaLow:
		return l
	case c >= chromaHigh:
		return hi
	default:
		return l + (hi-l)*(c-chromaLow)/(chromaHigh-chromaLow)
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// onWhite composites gray level v of alpha a on white; premultiplied tells
// whether v was already multiplied by a.
func onWhite(v, a uint32, premultiplied bool) uint8 {
	if a == 255 {
		return uint8(v)
	}
	if !premultiplied {
		v = v * a / 255
	}
	return uint8(v + 255 - a)
}

func grayOf(c color.Color) uint8 {
	r, g, b, a := c.RGBA() // premultiplied, 16 bits
	return onWhite(dropInk(r>>8, g>>8, b>>8), a>>8, true)
}

// Smooth returns g averaged along one axis over 2*radius+1 pixels (down
// the columns when vertical, else along the rows): a line along that axis
// keeps its darkness while noise and the gaps JPEG loss leaves in it fade.
// The edges are repeated outward. It runs over whole pages several times a
// page, so it keeps running sums and reads and writes whole rows.
func Smooth(g *image.Gray, radius int, vertical bool) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, g.Rect.Dx(), g.Rect.Dy()))
	SmoothInto(out, g, radius, vertical)
	return out
}

// SmoothInto is Smooth writing into out, of g's size, every pixel: a
// page's passes reuse one image rather than clear a new one each.
func SmoothInto(out, g *image.Gray, radius int, vertical bool) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	if w == 0 || h == 0 {
		return
	}
	k := 2*radius + 1
	// The quotients by k looked up, not divided.
	quot := make([]uint8, 255*k+1)
	for s := range quot {
		quot[s] = uint8(s / k)
	}
	if vertical {
		smoothColumns(out, g, radius, quot)
	} else {
		smoothRows(out, g, radius, quot)
	}
}

// smoothRows averages each row of g into out over 2*radius+1 pixels.
func smoothRows(out, g *image.Gray, radius int, quot []uint8) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	// The row with radius pixels repeated beyond each end, and one more
	// past the right one read by the last step of the running sum.
	pad := make([]uint8, w+2*radius+1)
	for y := 0; y < h; y++ {
		src := g.Pix[y*g.Stride : y*g.Stride+w]
		for j := 0; j < radius; j++ {
			pad[j] = src[0]
		}
		copy(pad[radius:], src)
		for j := radius + w; j < len(pad); j++ {
			pad[j] = src[w-1]
		}
		sum := 0
		for _, v := range pad[:2*radius+1] {
			sum += int(v)
		}
		dst := out.Pix[y*out.Stride : y*out.Stride+w]
		in, gone := pad[2*radius+1:], pad[:w]
		for j := range dst {
			dst[j] = quot[sum]
			sum += int(in[j]) - int(gone[j])
		}
	}
}

// smoothColumns averages each column of g into out over 2*radius+1
// pixels, with a running sum per column carried from row to row.
func smoothColumns(out, g *image.Gray, radius int, quot []uint8) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	row := func(y int) []uint8 {
		y = min(h-1, max(0, y))
		return g.Pix[y*g.Stride : y*g.Stride+w]
	}
	sums := make([]int32, w)
	for j := -radius; j <= radius; j++ {
		for x, v := range row(j) {
			sums[x] += int32(v)
		}
	}
	for y := 0; y < h; y++ {
		dst := out.Pix[y*out.Stride : y*out.Stride+w]
		in, gone := row(y+radius+1), row(y-radius)
		dst, in, gone = dst[:len(sums)], in[:len(sums)], gone[:len(sums)]
		for x, s := range sums {
			dst[x] = quot[s]
			sums[x] = s + int32(in[x]) - int32(gone[x])
		}
	}
}

// Bilevel reports whether g is a black-and-white image, such as a fax or a
// thresholded scan: all but a few of its pixels black or white.
func Bilevel(g *image.Gray) bool {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	mid := 0
	for y := 0; y < h; y++ {
		for _, v := range g.Pix[y*g.Stride : y*g.Stride+w] {
			if v > 15 && v < 240 {
				mid++
			}
		}
	}
	return mid*200 < w*h
}
