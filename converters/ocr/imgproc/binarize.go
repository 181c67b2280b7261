package imgproc

import "image"

// Bin is a binary image: Pix[y*W+x] is 1 for ink, 0 for paper.
type Bin struct {
	W, H int
	Pix  []uint8
}

// NewBin returns an all-paper binary image.
func NewBin(w, h int) *Bin { return &Bin{W: w, H: h, Pix: make([]uint8, w*h)} }

// At reports ink at x, y; outside the image is paper.
func (b *Bin) At(x, y int) bool {
	return x >= 0 && y >= 0 && x < b.W && y < b.H && b.Pix[y*b.W+x] != 0
}

// Binarization parameters. The window is a few text lines tall, so a shaded
// table cell or a dark scan edge sets its own level; the cap keeps faint
// noise on clean paper out of the ink.
const (
	blockSize  = 16   // pixels per side of a block of the background grid
	windowBlks = 4    // blocks on each side of a block in its local mean
	inkDarker  = 0.22 // how much darker than the local mean ink must be
	inkCap     = 200  // no pixel lighter than this is ink
)

// Binarize thresholds g against its local mean (Bradley's method over a
// block grid), so shaded cells, uneven lighting and gray backgrounds still
// give black text on white.
func Binarize(g *image.Gray) *Bin { return Threshold(g, inkDarker) }

// Threshold is Binarize with ink at least the fraction darker than its
// local mean: a smaller fraction keeps fainter marks, such as a thin ruling
// line blurred by a low-resolution scan.
func Threshold(g *image.Gray, darker float64) *Bin {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	bw, bh := (w+blockSize-1)/blockSize, (h+blockSize-1)/blockSize
	sum := make([]float64, bw*bh)
	cnt := make([]float64, bw*bh)
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		i := (y / blockSize) * bw
		// Summed a block's width at a time: this runs over whole pages.
		for x := 0; x < w; x += blockSize {
			s := 0
			part := row[x:min(w, x+blockSize)]
			for _, v := range part {
				s += int(v)
			}
			sum[i] += float64(s)
			cnt[i] += float64(len(part))
			i++
		}
	}
	// Integral over the block grid, for the window means.
	is := make([]float64, (bw+1)*(bh+1))
	ic := make([]float64, (bw+1)*(bh+1))
	for y := 0; y < bh; y++ {
		for x := 0; x < bw; x++ {
			j := (y+1)*(bw+1) + x + 1
			is[j] = sum[y*bw+x] + is[j-1] + is[j-bw-1] - is[j-bw-2]
			ic[j] = cnt[y*bw+x] + ic[j-1] + ic[j-bw-1] - ic[j-bw-2]
		}
	}
	thr := make([]uint8, bw*bh)
	for y := 0; y < bh; y++ {
		y0, y1 := max(0, y-windowBlks), min(bh, y+windowBlks+1)
		for x := 0; x < bw; x++ {
			x0, x1 := max(0, x-windowBlks), min(bw, x+windowBlks+1)
			s := is[y1*(bw+1)+x1] - is[y0*(bw+1)+x1] - is[y1*(bw+1)+x0] + is[y0*(bw+1)+x0]
			c := ic[y1*(bw+1)+x1] - ic[y0*(bw+1)+x1] - ic[y1*(bw+1)+x0] + ic[y0*(bw+1)+x0]
			thr[y*bw+x] = uint8(min(inkCap, s/c*(1-darker)))
		}
	}
	out := NewBin(w, h)
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		trow := thr[(y/blockSize)*bw:]
		orow := out.Pix[y*w : y*w+w]
		for x := 0; x < w; x += blockSize {
			t := trow[x/blockSize]
			end := min(w, x+blockSize)
			for j, v := range row[x:end] {
				if v < t {
					orow[x+j] = 1
				}
			}
		}
	}
	return out
}

// Ink returns the number of ink pixels.
func (b *Bin) Ink() int {
	n := 0
	for _, v := range b.Pix {
		n += int(v)
	}
	return n
}
