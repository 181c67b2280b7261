package table

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
)

// runsByDefinition is runs written out: each row (column) read pixel by
// pixel, a pixel ink when it or a neighbour across is.
func runsByDefinition(out, b *imgproc.Bin, minLen, gap int, vertical bool) {
	n, m := b.H, b.W // lines, and pixels along each
	if vertical {
		n, m = b.W, b.H
	}
	at := func(i, j int) uint8 { // line i, pixel j
		if vertical {
			i, j = j, i
		}
		if i < 0 || j < 0 || i >= b.H || j >= b.W {
			return 0
		}
		return b.Pix[i*b.W+j]
	}
	for i := range n {
		start, last := -1, -1
		flush := func() {
			for j := start; start >= 0 && last-start+1 >= minLen && j <= last; j++ {
				p := i*b.W + j
				if vertical {
					p = j*b.W + i
				}
				out.Pix[p] |= b.Pix[p]
			}
		}
		for j := range m {
			if at(i-1, j)|at(i, j)|at(i+1, j) == 0 {
				continue
			}
			if start < 0 || j-last > gap+1 {
				flush()
				start = j
			}
			last = j
		}
		flush()
	}
}

// ridgesByDefinition is ridges written out, pixel by pixel.
func ridgesByDefinition(s *image.Gray, near, far int, vertical bool) *imgproc.Bin {
	w, h := s.Rect.Dx(), s.Rect.Dy()
	b := imgproc.NewBin(w, h)
	for y := range h {
		for x := range w {
			c, n, step := y, h, s.Stride
			if vertical {
				c, n, step = x, w, 1
			}
			if c < far || c+far >= n {
				continue
			}
			i := y*s.Stride + x
			var lo, hi uint8
			for d := near; d <= far; d++ {
				lo, hi = max(lo, s.Pix[i-d*step]), max(hi, s.Pix[i+d*step])
			}
			if int(s.Pix[i])*100 < int(min(lo, hi))*(100-ridgeDarker) {
				b.Pix[y*w+x] = 1
			}
		}
	}
	return b
}

func TestRunsAndRidgesByDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, size := range [][2]int{{1, 1}, {3, 9}, {9, 3}, {40, 31}, {130, 97}} {
		w, h := size[0], size[1]
		b := imgproc.NewBin(w, h)
		g := image.NewGray(image.Rect(0, 0, w, h))
		for i := range g.Pix {
			g.Pix[i] = uint8(150 + r.IntN(106))
		}
		// Lines along both axes, broken in places, and specks.
		for range max(1, w*h/200) {
			x, y, n := r.IntN(w), r.IntN(h), r.IntN(60)
			v := uint8(r.IntN(230))
			for k := range n {
				if r.IntN(8) == 0 {
					continue
				}
				if n%2 == 0 && x+k < w {
					b.Pix[y*w+x+k], g.Pix[y*w+x+k] = 1, v
				} else if n%2 == 1 && y+k < h {
					b.Pix[(y+k)*w+x], g.Pix[(y+k)*w+x] = 1, v
				}
			}
		}
		for _, vertical := range []bool{false, true} {
			for _, p := range [][2]int{{5, 2}, {1, 0}, {20, 8}} {
				got, want := imgproc.NewBin(w, h), imgproc.NewBin(w, h)
				runs(got, b, p[0], p[1], vertical)
				runsByDefinition(want, b, p[0], p[1], vertical)
				if !slices.Equal(got.Pix, want.Pix) {
					t.Errorf("%dx%d runs %v vertical %v: differ from the definition", w, h, p, vertical)
				}
			}
			for _, p := range [][2]int{{1, 2}, {3, 5}, {4, 7}} {
				got := imgproc.NewBin(w, h)
				got.Pix[0] = 1 // cleared first
				ridges(got, g, p[0], p[1], vertical)
				if want := ridgesByDefinition(g, p[0], p[1], vertical); !slices.Equal(got.Pix, want.Pix) {
					t.Errorf("%dx%d ridges %v vertical %v: differ from the definition", w, h, p, vertical)
				}
			}
		}
	}
}
