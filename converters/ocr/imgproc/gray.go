package imgproc

import (
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
		for y := 0; y < h; y++ {
			copy(out.Pix[y*out.Stride:y*out.Stride+w], src.Y[src.YOffset(b.Min.X, b.Min.Y+y):])
			if len(src.Cb) == 0 {
				continue
			}
			for x := 0; x < w; x++ {
				i := src.COffset(b.Min.X+x, b.Min.Y+y)
				cb, cr := src.Cb[i], src.Cr[i]
				if absDiff(cb, 128)+absDiff(cr, 128) < chromaLow/2 {
					continue
				}
				r, g, bl := color.YCbCrToRGB(src.Y[src.YOffset(b.Min.X+x, b.Min.Y+y)], cb, cr)
				out.Pix[y*out.Stride+x] = uint8(dropInk(uint32(r), uint32(g), uint32(bl)))
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
func Smooth(g *image.Gray, radius int, vertical bool) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	n, m, step, stride := h, w, 1, g.Stride // lines, length along, pixel step
	if vertical {
		n, m, step = w, h, g.Stride
		stride = 1
	}
	ostep, ostride := 1, out.Stride
	if vertical {
		ostep, ostride = out.Stride, 1
	}
	for i := 0; i < n; i++ {
		src := g.Pix[i*stride:]
		dst := out.Pix[i*ostride:]
		// A running sum over the window, the edges repeated outward.
		at := func(j int) int { return int(src[min(m-1, max(0, j))*step]) }
		sum := 0
		for j := -radius; j <= radius; j++ {
			sum += at(j)
		}
		k := 2*radius + 1
		for j := 0; j < m; j++ {
			dst[j*ostep] = uint8(sum / k)
			sum += at(j+radius+1) - at(j-radius)
		}
	}
	return out
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
