package imgproc

import (
	"image"
	"image/color"
	"math"
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

// grayOfYCbCr is Gray of a YCbCr image written out pixel by pixel.
func grayOfYCbCr(src *image.YCbCr) *image.Gray {
	b := src.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			px, py := b.Min.X+x, b.Min.Y+y
			v := src.Y[src.YOffset(px, py)]
			i := src.COffset(px, py)
			if absDiff(src.Cb[i], 128)+absDiff(src.Cr[i], 128) >= chromaLow/2 {
				r, g, bl := color.YCbCrToRGB(v, src.Cb[i], src.Cr[i])
				v = uint8(dropInk(uint32(r), uint32(g), uint32(bl)))
			}
			out.Pix[y*out.Stride+x] = v
		}
	}
	return out
}

func TestGrayOfYCbCrPixelByPixel(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	ratios := []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410}
	for _, ratio := range ratios {
		img := image.NewYCbCr(image.Rect(-7, -5, 40, 23), ratio)
		for i := range img.Y {
			img.Y[i] = uint8(r.IntN(256))
		}
		// Stretches without colour, nearly without, and coloured.
		for i := range img.Cb {
			switch {
			case i%23 < 12:
				img.Cb[i], img.Cr[i] = uint8(128+r.IntN(5)-2), uint8(128+r.IntN(5)-2)
			case r.IntN(3) == 0:
				img.Cb[i], img.Cr[i] = uint8(r.IntN(256)), uint8(r.IntN(256))
			default:
				img.Cb[i], img.Cr[i] = uint8(128+r.IntN(9)-4), uint8(128+r.IntN(9)-4)
			}
		}
		for _, rect := range []image.Rectangle{img.Rect, image.Rect(-3, -2, 31, 17), image.Rect(3, 1, 38, 20)} {
			sub := img.SubImage(rect).(*image.YCbCr)
			if got, want := Gray(sub), grayOfYCbCr(sub); !slices.Equal(got.Pix, want.Pix) {
				t.Errorf("ratio %v, %v: differs pixel by pixel", ratio, rect)
			}
		}
	}
}

// TestBilinearInside checks the shortcut inside the image.
func TestBilinearInside(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	g := randomPage(r, 31, 17)
	for range 20000 {
		x, y := r.Float64()*40-5, r.Float64()*26-5
		if r.IntN(4) == 0 {
			x = math.Round(x) // on a pixel, as an unrotated page's points are
		}
		if got, want := bilinear(g, x, y), bilinearAnywhere(g, x, y); got != want {
			t.Fatalf("at %v, %v: %d, want %d", x, y, got, want)
		}
	}
}

// bestShearByDefinition is bestShear with its profile counted in floats,
// one set of bins.
func bestShearByDefinition(xs, ys []float64, w, h int) (float64, float64) {
	margin := int(float64(w)*math.Tan(MaxSkew*math.Pi/180)) + 2
	bins := make([]float64, h+2*margin)
	eval := func(deg float64) float64 {
		t := math.Tan(deg * math.Pi / 180)
		clear(bins)
		for i := range xs {
			bins[int(ys[i]-xs[i]*t)+margin]++
		}
		s := 0.0
		for _, c := range bins {
			s += c * c
		}
		return s
	}
	best, bestScore := searchAngle(eval)
	return best, bestScore / float64(len(xs))
}

func TestBestShearByDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for _, n := range []int{1, 2, 101, 5000} {
		// Points on a few tilted lines, and noise.
		w, h := 300, 200
		tilt := r.Float64()*6 - 3
		var xs, ys []float64
		for i := range n {
			x, y := r.IntN(w), r.IntN(h)
			if i%3 != 0 {
				y = min(h-1, max(0, (y/40)*40+int(float64(x)*math.Tan(tilt*math.Pi/180))))
			}
			xs, ys = append(xs, float64(x)), append(ys, float64(y))
		}
		ga, gs := bestShear(xs, ys, w, h)
		wa, ws := bestShearByDefinition(xs, ys, w, h)
		if ga != wa || gs != ws {
			t.Errorf("%d points tilted %.2f: %v, %v, want %v, %v", n, tilt, ga, gs, wa, ws)
		}
	}
}

func TestGray8(t *testing.T) {
	for v := range 256 {
		for k := range 8 {
			c := []uint8{128, 127, 126, 129, 128, 128, 129, 126}
			c[k] = uint8(v)
			if got, want := gray8(c), v >= 126 && v <= 129; got != want {
				t.Errorf("%v: %v, want %v", c, got, want)
			}
		}
	}
}

func TestNextBelow(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for range 2000 {
		row := make([]uint8, r.IntN(40))
		for i := range row {
			row[i] = uint8(200 + r.IntN(56))
			if r.IntN(12) == 0 {
				row[i] = uint8(r.IntN(256))
			}
		}
		x, tv := r.IntN(len(row)+1), uint8(1+r.IntN(255))
		want := x
		for want < len(row) && row[want] >= tv {
			want++
		}
		if got := NextBelow(row, x, tv); got != want {
			t.Fatalf("%v from %d below %d: %d, want %d", row, x, tv, got, want)
		}
	}
}

// spreadLightByDefinition is spreadLight written out pixel by pixel.
func spreadLightByDefinition(g *image.Gray, smooth []float64, bw, bh int) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	at := func(bx, by int) float64 { return smooth[min(bh-1, max(0, by))*bw+min(bw-1, max(0, bx))] }
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		fy := (float64(y)+0.5)/lightBlock - 0.5
		by := int(math.Floor(fy))
		ty := fy - float64(by)
		for x := range w {
			fx := (float64(x)+0.5)/lightBlock - 0.5
			bx := int(math.Floor(fx))
			tx := fx - float64(bx)
			bg := (at(bx, by)*(1-tx)+at(bx+1, by)*tx)*(1-ty) + (at(bx, by+1)*(1-tx)+at(bx+1, by+1)*tx)*ty
			out.Pix[y*out.Stride+x] = uint8(math.Min(255, float64(g.Pix[y*g.Stride+x])*paperLevel/bg))
		}
	}
	return out
}

func TestSpreadLightByDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	for _, size := range [][2]int{{1, 1}, {47, 3}, {130, 250}, {301, 97}} {
		g := randomPage(r, size[0], size[1])
		// Lit from one side.
		for y := range size[1] {
			for x := range size[0] {
				g.Pix[y*g.Stride+x] = uint8(int(g.Pix[y*g.Stride+x]) * (300 - x%300) / 300)
			}
		}
		smooth, bw, bh := paperLevels(g)
		want := spreadLightByDefinition(g, smooth, bw, bh)
		if spreadLight(g, smooth, bw, bh); !samePixels(g, want) {
			t.Errorf("%dx%d: differs pixel by pixel", size[0], size[1])
		}
	}
}

func TestThresholdInPlace(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	g := randomPage(r, 203, 170)
	packed := image.NewGray(image.Rect(0, 0, 203, 170))
	for y := range 170 {
		copy(packed.Pix[y*203:], g.Pix[y*g.Stride:y*g.Stride+203])
	}
	want := Threshold(packed, 0.12)
	in := &Bin{W: 203, H: 170, Pix: packed.Pix}
	if ThresholdInto(in, packed, 0.12); !slices.Equal(in.Pix, want.Pix) {
		t.Error("thresholded over itself, the page differs")
	}
}

func TestScaleByDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	g := randomPage(r, 97, 61)
	for _, f := range []float64{0.5, 1, 1.2, 2.7} {
		if !slices.Equal(Scale(g, f).Pix, scaleByDefinition(g, f).Pix) {
			t.Fatalf("scaled by %v: differs from bilinear pixel by pixel", f)
		}
	}
}
