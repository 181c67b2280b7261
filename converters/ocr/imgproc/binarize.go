package imgproc

import (
	"encoding/binary"
	"image"
)

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

// BinarizeInto is Binarize writing into out, of g's size, every pixel:
// a page's passes reuse one image rather than clear a new one each.
func BinarizeInto(out *Bin, g *image.Gray) { ThresholdInto(out, g, inkDarker) }

// Threshold is Binarize with ink at least the fraction darker than its
// local mean: a smaller fraction keeps fainter marks, such as a thin ruling
// line blurred by a low-resolution scan.
func Threshold(g *image.Gray, darker float64) *Bin {
	out := NewBin(g.Rect.Dx(), g.Rect.Dy())
	ThresholdInto(out, g, darker)
	return out
}

// ThresholdInto is Threshold writing into out, of g's size, every pixel.
// out may be g itself (its pixels, g's stride its width): each row is
// read before it is written.
func ThresholdInto(out *Bin, g *image.Gray, darker float64) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	bw, bh := (w+blockSize-1)/blockSize, (h+blockSize-1)/blockSize
	full := w / blockSize // blocks a whole block wide
	sum := make([]int, bw*bh)
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		bsum := sum[(y/blockSize)*bw:][:bw]
		// Summed a block's width at a time: this runs over whole pages.
		for k := range bsum[:full] {
			bsum[k] += sum16((*[blockSize]uint8)(row[k*blockSize:]))
		}
		if full < bw {
			for _, v := range row[full*blockSize:] {
				bsum[full] += int(v)
			}
		}
	}
	// Integral over the block grid, for the window means: of the sums and
	// of the pixels counted.
	is := make([]float64, (bw+1)*(bh+1))
	ic := make([]float64, (bw+1)*(bh+1))
	for y := 0; y < bh; y++ {
		rows := min(blockSize, h-y*blockSize)
		for x := 0; x < bw; x++ {
			j := (y+1)*(bw+1) + x + 1
			is[j] = float64(sum[y*bw+x]) + is[j-1] + is[j-bw-1] - is[j-bw-2]
			ic[j] = float64(rows*min(blockSize, w-x*blockSize)) + ic[j-1] + ic[j-bw-1] - ic[j-bw-2]
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
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		trow := thr[(y/blockSize)*bw:][:bw]
		orow := out.Pix[y*w : y*w+w]
		for k, t := range trow[:full] {
			below16((*[blockSize]uint8)(orow[k*blockSize:]), (*[blockSize]uint8)(row[k*blockSize:]), t)
		}
		if full < bw {
			t := trow[full]
			for x, v := range row[full*blockSize:] {
				orow[full*blockSize+x] = 0
				if v < t {
					orow[full*blockSize+x] = 1
				}
			}
		}
	}
}

// The pixels of a block's row are summed and compared eight at a time, as
// the bytes of a word, in 16-bit lanes (even bytes, then odd ones) that
// hold any sum or difference of them without a carry into the next.
const (
	lanes = 0x00FF00FF00FF00FF // the low byte of each 16-bit lane
	ones  = 0x0001000100010001 // 1 in each lane
	bit8  = ones << 8          // bit 8 of each lane, above its byte
)

// sum16 returns the sum of 16 pixels.
func sum16(p *[blockSize]uint8) int {
	a, b := binary.LittleEndian.Uint64(p[:8]), binary.LittleEndian.Uint64(p[8:])
	s := a&lanes + a>>8&lanes + b&lanes + b>>8&lanes // at most 4*255 a lane
	return int(s * ones >> 48)                       // the lanes added up
}

// below16 sets out[i] to 1 where p[i] < t, else to 0.
func below16(out, p *[blockSize]uint8, t uint8) {
	tt := uint64(t) * ones
	binary.LittleEndian.PutUint64(out[:8], below8(binary.LittleEndian.Uint64(p[:8]), tt))
	binary.LittleEndian.PutUint64(out[8:], below8(binary.LittleEndian.Uint64(p[8:]), tt))
}

// below8 returns 1 in each byte of v below t, else 0, t in every lane.
// A lane of 256+v-t has its bit 8 set exactly when v >= t.
func below8(v, tt uint64) uint64 {
	even := (v&lanes | bit8) - tt
	odd := (v>>8&lanes | bit8) - tt
	return (^even&bit8)>>8 | ^odd&bit8
}

// NextBelow returns the index of the first byte of row from x on that is
// below t, or len(row), passing over eight others at a time: most of a
// page is paper, lighter than anything looked for.
func NextBelow(row []uint8, x int, t uint8) int {
	tt := uint64(t) * ones
	for ; x+8 <= len(row); x += 8 {
		if below8(binary.LittleEndian.Uint64(row[x:]), tt) != 0 {
			break
		}
	}
	for ; x < len(row) && row[x] >= t; x++ {
	}
	return x
}

// Ink returns the number of ink pixels.
func (b *Bin) Ink() int {
	n, i := 0, 0
	// Eight pixels at a time: the bytes of a word, each 0 or 1, added up
	// in its top byte.
	for ; i+8 <= len(b.Pix); i += 8 {
		n += int(binary.LittleEndian.Uint64(b.Pix[i:]) * 0x0101010101010101 >> 56)
	}
	for _, v := range b.Pix[i:] {
		n += int(v)
	}
	return n
}
