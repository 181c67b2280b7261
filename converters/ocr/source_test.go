package ocr

import (
	"image"
	"testing"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
)

// TestFrameSource marks a box on an image, scales and turns it as readPage
// does, finds the mark there and maps its box back.
func TestFrameSource(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 60, 40))
	want := image.Rect(10, 5, 20, 12)
	for y := want.Min.Y; y < want.Max.Y; y++ {
		for x := want.Min.X; x < want.Max.X; x++ {
			src.Pix[y*src.Stride+x] = 255
		}
	}
	for _, scale := range []float64{1, 2} {
		scaled := imgproc.Scale(src, scale)
		for q := range 4 {
			turned := imgproc.Turn(scaled, q)
			var mark image.Rectangle
			for y := 0; y < turned.Rect.Dy(); y++ {
				for x := 0; x < turned.Rect.Dx(); x++ {
					if turned.Pix[y*turned.Stride+x] > 128 {
						mark = mark.Union(image.Rect(x, y, x+1, y+1))
					}
				}
			}
			f := frame{scale: scale, w: scaled.Rect.Dx(), h: scaled.Rect.Dy(), quarters: q}
			if got := f.source(mark); !near(got, want) {
				t.Errorf("scale %v, %d turns: box %v maps to %v, want %v", scale, q, mark, got, want)
			}
		}
	}
}

// near reports whether two boxes' corners are at most a pixel apart.
func near(a, b image.Rectangle) bool {
	d := func(u, v int) bool { return u-v <= 1 && v-u <= 1 }
	return d(a.Min.X, b.Min.X) && d(a.Min.Y, b.Min.Y) && d(a.Max.X, b.Max.X) && d(a.Max.Y, b.Max.Y)
}
