package imgproc

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomPage returns a w by h gray image of paper with dark strokes and
// noise, whose stride is wider than its width.
func randomPage(r *rand.Rand, w, h int) *image.Gray {
	g := &image.Gray{Pix: make([]uint8, (w+3)*h), Stride: w + 3, Rect: image.Rect(0, 0, w, h)}
	for i := range g.Pix {
		g.Pix[i] = uint8(200 + r.IntN(56))
	}
	for range w * h / 50 {
		x, y, n := r.IntN(w), r.IntN(h), 1+r.IntN(30)
		v := uint8(r.IntN(120))
		for k := range n {
			if r.IntN(2) == 0 && x+k < w {
				g.Pix[y*g.Stride+x+k] = v
			} else if y+k < h {
				g.Pix[(y+k)*g.Stride+x] = v
			}
		}
	}
	return g
}

// smoothByDefinition is Smooth written out: each pixel the mean of its
// window, the edges repeated outward.
func smoothByDefinition(g *image.Gray, radius int, vertical bool) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			sum := 0
			for d := -radius; d <= radius; d++ {
				sx, sy := min(w-1, max(0, x+d)), y
				if vertical {
					sx, sy = x, min(h-1, max(0, y+d))
				}
				sum += int(g.Pix[sy*g.Stride+sx])
			}
			out.Pix[y*out.Stride+x] = uint8(sum / (2*radius + 1))
		}
	}
	return out
}

func TestSmoothIsTheWindowMean(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, size := range [][2]int{{1, 1}, {2, 7}, {7, 2}, {37, 23}, {120, 90}} {
		g := randomPage(r, size[0], size[1])
		for _, radius := range []int{1, 2, 4, 9} {
			for _, vertical := range []bool{false, true} {
				got, want := Smooth(g, radius, vertical), smoothByDefinition(g, radius, vertical)
				if !slices.Equal(got.Pix, want.Pix) {
					t.Errorf("%dx%d radius %d vertical %v: differs from the window mean", size[0], size[1], radius, vertical)
				}
			}
		}
	}
}

// thresholdByDefinition is Threshold written out: each block's level from
// the pixels of the window of blocks around it, summed directly.
func thresholdByDefinition(g *image.Gray, darker float64) *Bin {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := NewBin(w, h)
	for y := range h {
		by := y / blockSize
		for x := range w {
			bx := x / blockSize
			s, c := 0, 0
			for yy := max(0, (by-windowBlks)*blockSize); yy < min(h, (by+windowBlks+1)*blockSize); yy++ {
				for xx := max(0, (bx-windowBlks)*blockSize); xx < min(w, (bx+windowBlks+1)*blockSize); xx++ {
					s += int(g.Pix[yy*g.Stride+xx])
					c++
				}
			}
			if g.Pix[y*g.Stride+x] < uint8(min(inkCap, float64(s)/float64(c)*(1-darker))) {
				out.Pix[y*w+x] = 1
			}
		}
	}
	return out
}

func TestThresholdIsTheWindowMean(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, size := range [][2]int{{1, 1}, {16, 16}, {17, 5}, {5, 40}, {203, 170}} {
		g := randomPage(r, size[0], size[1])
		for _, darker := range []float64{0, 0.12, 0.22} {
			if got, want := Threshold(g, darker), thresholdByDefinition(g, darker); !slices.Equal(got.Pix, want.Pix) {
				t.Errorf("%dx%d darker %v: differs from the window mean", size[0], size[1], darker)
			}
		}
	}
}

// labelByDefinition labels b's 8-connected ink by flood fill, pieces
// numbered in the order of their first pixel, row by row.
func labelByDefinition(b *Bin) []int32 {
	labels := make([]int32, b.W*b.H)
	n := int32(0)
	for i, v := range b.Pix {
		if v == 0 || labels[i] != 0 {
			continue
		}
		n++
		labels[i] = n
		for stack := []int{i}; len(stack) > 0; {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					x, y := p%b.W+dx, p/b.W+dy
					if b.At(x, y) && labels[y*b.W+x] == 0 {
						labels[y*b.W+x] = n
						stack = append(stack, y*b.W+x)
					}
				}
			}
		}
	}
	return labels
}

func TestLabelIsFloodFill(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, size := range [][2]int{{1, 1}, {9, 1}, {1, 9}, {23, 17}, {150, 110}} {
		for _, density := range []int{5, 40, 60} {
			b := NewBin(size[0], size[1])
			for i := range b.Pix {
				if r.IntN(100) < density {
					b.Pix[i] = 1
				}
			}
			if got, _ := Label(b); !slices.Equal(got, labelByDefinition(b)) {
				t.Errorf("%dx%d at %d%% ink: labels differ from a flood fill", size[0], size[1], density)
			}
		}
	}
}
