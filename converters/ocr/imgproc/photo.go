package imgproc

import (
	"cmp"
	"image"
	"math"
	"slices"
)

// A phone photo of a page shows the page as a bright quadrilateral on a
// darker surface, seen at an angle and lit unevenly. Leptonica has the
// warps but no page finder; both are short enough to keep here, on the
// package's own images.

// Page-finding parameters.
const (
	findSide = 600 // the longer side of the copy the page is looked for on
	// minPageShare and maxPageShare bound the share of the photo the page
	// covers: less is no page, more is a scan (the page fills the image).
	minPageShare = 0.25
	maxPageShare = 0.93
	// minContrast is how much brighter the page must be than what lies
	// around it, in gray levels.
	minContrast = 40
)

// Flatten finds the page in a photo, warps it to a rectangle and evens its
// lighting. A scan, or an image where no page stands out from a darker
// surround, comes back as it is, with false.
func Flatten(g *image.Gray) (*image.Gray, bool) {
	quad, ok := findPage(g)
	if !ok {
		return g, false
	}
	d := func(a, b [2]float64) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }
	w := (d(quad[0], quad[1]) + d(quad[3], quad[2])) / 2
	h := (d(quad[0], quad[3]) + d(quad[1], quad[2])) / 2
	rect := [4][2]float64{{0, 0}, {w - 1, 0}, {w - 1, h - 1}, {0, h - 1}}
	p, ok := NewPerspective(rect, quad)
	if !ok {
		return g, false
	}
	flat := Warp(g, p, int(w), int(h))
	EvenLight(flat)
	return flat, true
}

// findPage returns the page's corners (top left, top right, bottom right,
// bottom left) in g's pixels: the largest bright region of a small copy,
// its corners the extremes of x+y and x-y, then its sides fitted to the
// page's edges at full size (refine).
func findPage(g *image.Gray) ([4][2]float64, bool) {
	var quad [4][2]float64
	w, h := g.Rect.Dx(), g.Rect.Dy()
	f := min(1, float64(findSide)/float64(max(w, h)))
	small := Scale(g, f)
	sw, sh := small.Rect.Dx(), small.Rect.Dy()
	t := otsu(small)
	bright := NewBin(sw, sh)
	for y := 0; y < sh; y++ {
		for x := 0; x < sw; x++ {
			if small.Pix[y*small.Stride+x] > t {
				bright.Pix[y*sw+x] = 1
			}
		}
	}
	labels, n := Label(bright)
	if n <= 1 {
		return quad, false
	}
	sizes := make([]int, n)
	for _, l := range labels {
		sizes[l]++
	}
	sizes[0] = 0
	page := int32(slices.Index(sizes, slices.Max(sizes)))
	// Corners: extremes of x+y (top left, bottom right) and x-y (bottom
	// left, top right).
	minS, maxS, minD, maxD := math.MaxInt, math.MinInt, math.MaxInt, math.MinInt
	var tl, br, bl, tr [2]int
	var in, out, inN, outN float64
	for y := 0; y < sh; y++ {
		for x := 0; x < sw; x++ {
			v := float64(small.Pix[y*small.Stride+x])
			if labels[y*sw+x] != page {
				out += v
				outN++
				continue
			}
			in += v
			inN++
			if s := x + y; s < minS {
				minS, tl = s, [2]int{x, y}
			}
			if s := x + y; s > maxS {
				maxS, br = s, [2]int{x, y}
			}
			if d := x - y; d < minD {
				minD, bl = d, [2]int{x, y}
			}
			if d := x - y; d > maxD {
				maxD, tr = d, [2]int{x, y}
			}
		}
	}
	corners := [4][2]int{tl, tr, br, bl}
	area := 0.0 // shoelace
	for i := range 4 {
		a, b := corners[i], corners[(i+1)%4]
		area += float64(a[0]*b[1] - b[0]*a[1])
	}
	share := math.Abs(area) / 2 / float64(sw*sh)
	if share < minPageShare || share > maxPageShare || outN == 0 || in/inN-out/outN < minContrast {
		return quad, false
	}
	for i, c := range corners {
		quad[i] = [2]float64{(float64(c[0]) + 0.5) / f, (float64(c[1]) + 0.5) / f}
	}
	return refine(g, quad, 2/f+2), true
}

// Edge refinement: the corners found on the small copy are a few pixels
// off at full size, enough to leave the squared page's long ruling lines
// leaning one way at one end and the other at the other, and broken where
// they cross a row. Each side is found again at full size as the line
// through the points where the light falls most steeply across it.
const (
	edgeSamples = 48   // points looked for along each side
	edgeTrim    = 0.08 // share of each side left out at its ends, near the corners
	edgeInliers = 0.6  // share of the points the line is fitted to again, the closest
)

// refine returns quad with each side fitted to the page's edge in g,
// looked for within reach pixels of it; a side where too few points are
// found keeps its first place.
func refine(g *image.Gray, quad [4][2]float64, reach float64) [4][2]float64 {
	var lines [4][3]float64 // a x + b y = c, (a, b) the unit normal
	for i := range 4 {
		p, q := quad[i], quad[(i+1)%4]
		dx, dy := q[0]-p[0], q[1]-p[1]
		n := math.Hypot(dx, dy)
		// The normal pointing out of the page: the corners run clockwise
		// on the image (y down), so outward is to the left of p→q.
		nx, ny := dy/n, -dx/n
		var pts [][2]float64
		for k := range edgeSamples {
			t := edgeTrim + (1-2*edgeTrim)*float64(k)/float64(edgeSamples-1)
			x, y := p[0]+t*dx, p[1]+t*dy
			if d, ok := steepest(g, x, y, nx, ny, reach); ok {
				pts = append(pts, [2]float64{x + d*nx, y + d*ny})
			}
		}
		l, ok := fitLine(pts, nx, ny)
		if !ok {
			l = [3]float64{nx, ny, nx*p[0] + ny*p[1]}
		}
		lines[i] = l
	}
	out := quad
	for i := range 4 {
		// Corner i is where side i-1 (ending at it) meets side i.
		a, b := lines[(i+3)%4], lines[i]
		det := a[0]*b[1] - a[1]*b[0]
		if math.Abs(det) < 1e-9 {
			continue
		}
		x, y := (a[2]*b[1]-a[1]*b[2])/det, (a[0]*b[2]-a[2]*b[0])/det
		if math.Hypot(x-quad[i][0], y-quad[i][1]) <= 2*reach {
			out[i] = [2]float64{x, y}
		}
	}
	return out
}

// steepest returns the offset along (nx, ny) from x, y, within reach, where
// the page (inside, at negative offsets) is most brighter than what lies
// outside, a pixel either way (the middle of the offsets where it is
// nearly so, since a step blurred over pixels gives a plateau); false when
// nothing there is at least minContrast/4 brighter.
func steepest(g *image.Gray, x, y, nx, ny, reach float64) (float64, bool) {
	at := func(d float64) float64 { return float64(bilinear(g, x+d*nx, y+d*ny)) }
	var ds, ss []float64
	best := float64(minContrast) / 4
	for d := -reach; d <= reach; d += 0.5 {
		px, py := x+d*nx, y+d*ny
		if px < 2 || py < 2 || px > float64(g.Rect.Dx()-3) || py > float64(g.Rect.Dy()-3) {
			continue
		}
		s := at(d-1) - at(d+1)
		ds, ss = append(ds, d), append(ss, s)
		best = max(best, s)
	}
	sum, n := 0.0, 0.0
	for i, s := range ss {
		if s >= best*0.9 {
			sum += ds[i]
			n++
		}
	}
	return sum / max(1, n), n > 0
}

// fitLine fits a line a x + b y = c to pts by least squares across the
// expected normal (nx, ny), then again to the points closest to that
// line, so that a stray point (a shadow, a dog-ear) does not pull it.
func fitLine(pts [][2]float64, nx, ny float64) ([3]float64, bool) {
	if len(pts) < edgeSamples/3 {
		return [3]float64{}, false
	}
	fit := func(pts [][2]float64) [3]float64 {
		// Along the side t, across it u: fit u = m t + k.
		var st, su, stt, stu float64
		for _, p := range pts {
			t, u := -ny*p[0]+nx*p[1], nx*p[0]+ny*p[1]
			st, su, stt, stu = st+t, su+u, stt+t*t, stu+t*u
		}
		n := float64(len(pts))
		m := (n*stu - st*su) / (n*stt - st*st)
		k := (su - m*st) / n
		// u - m t = k, in x and y, normalised.
		a, b := nx+m*ny, ny-m*nx
		h := math.Hypot(a, b)
		return [3]float64{a / h, b / h, k / h}
	}
	l := fit(pts)
	dist := func(p [2]float64) float64 { return math.Abs(l[0]*p[0] + l[1]*p[1] - l[2]) }
	slices.SortFunc(pts, func(p, q [2]float64) int { return cmp.Compare(dist(p), dist(q)) })
	return fit(pts[:max(2, int(float64(len(pts))*edgeInliers))]), true
}

// otsu returns the gray level that best splits g into two classes.
func otsu(g *image.Gray) uint8 {
	var hist [256]float64
	w, h := g.Rect.Dx(), g.Rect.Dy()
	for y := 0; y < h; y++ {
		for _, v := range g.Pix[y*g.Stride : y*g.Stride+w] {
			hist[v]++
		}
	}
	total, sum := float64(w*h), 0.0
	for i, c := range hist {
		sum += float64(i) * c
	}
	best, bestVar := 0, -1.0
	wB, sumB := 0.0, 0.0
	for t := range 256 {
		wB += hist[t]
		if wB == 0 || wB == total {
			continue
		}
		sumB += float64(t) * hist[t]
		mB, mF := sumB/wB, (sum-sumB)/(total-wB)
		if v := wB * (total - wB) * (mB - mF) * (mB - mF); v > bestVar {
			best, bestVar = t, v
		}
	}
	return uint8(best)
}

// Perspective maps points of one plane to another (a homography).
type Perspective [9]float64

// NewPerspective returns the perspective that takes the four points from
// to the four points to; false when they are degenerate.
func NewPerspective(from, to [4][2]float64) (Perspective, bool) {
	// Solve for h0..h7 (h8 = 1): u = (h0 x + h1 y + h2) / (h6 x + h7 y + 1),
	// v = (h3 x + h4 y + h5) / (h6 x + h7 y + 1).
	var a [8][9]float64
	for i := range 4 {
		x, y, u, v := from[i][0], from[i][1], to[i][0], to[i][1]
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	for c := range 8 {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-12 {
			return Perspective{}, false
		}
		a[c], a[p] = a[p], a[c]
		for r := range 8 {
			if r == c {
				continue
			}
			k := a[r][c] / a[c][c]
			for j := c; j < 9; j++ {
				a[r][j] -= k * a[c][j]
			}
		}
	}
	var p Perspective
	for i := range 8 {
		p[i] = a[i][8] / a[i][i]
	}
	p[8] = 1
	return p, true
}

// Map returns the image of x, y.
func (p Perspective) Map(x, y float64) (float64, float64) {
	d := p[6]*x + p[7]*y + p[8]
	return (p[0]*x + p[1]*y + p[2]) / d, (p[3]*x + p[4]*y + p[5]) / d
}

// Warp returns a w x h image whose pixel x, y is g's at p.Map(x, y)
// (bilinear; outside g is white). Along a row the point is mapped exactly
// every warpSpan pixels and stepped evenly between, in fixed point, where
// the path bends less than warpBend over the span, as a photo's does
// (mapped at every pixel elsewhere): a pixel is then within a level of one
// sampled at Map's point, and a page is squared in about 70% of the time.
func Warp(g *image.Gray, p Perspective, w, h int) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, w, h))
	gw, gh := g.Rect.Dx(), g.Rect.Dy()
	for y := 0; y < h; y++ {
		row := out.Pix[y*out.Stride : y*out.Stride+w]
		fy := float64(y)
		ax, ay := p.Map(0, fy)
		for x0 := 0; x0 < w; x0 += warpSpan {
			x1 := min(w, x0+warpSpan)
			bx, by := p.Map(float64(x1), fy)
			mx, my := p.Map(float64(x0+x1)/2, fy)
			if math.Abs(mx-(ax+bx)/2) > warpBend || math.Abs(my-(ay+by)/2) > warpBend {
				for x := x0; x < x1; x++ {
					sx, sy := p.Map(float64(x), fy)
					row[x] = bilinear(g, sx, sy)
				}
				ax, ay = bx, by
				continue
			}
			n := float64(x1 - x0)
			sx, sy := fixed(ax), fixed(ay)
			dx, dy := fixed((bx-ax)/n), fixed((by-ay)/n)
			for x := x0; x < x1; x++ {
				ix, iy := int(sx>>warpShift), int(sy>>warpShift)
				if ix >= 0 && iy >= 0 && ix+1 < gw && iy+1 < gh {
					// The weights of the pixels after, across and down.
					wx, wy := sx&(warpOne-1), sy&(warpOne-1)
					i := iy*g.Stride + ix
					top := int64(g.Pix[i])*(warpOne-wx) + int64(g.Pix[i+1])*wx
					bot := int64(g.Pix[i+g.Stride])*(warpOne-wx) + int64(g.Pix[i+g.Stride+1])*wx
					row[x] = uint8((top*(warpOne-wy) + bot*wy + warpOne*warpOne/2) >> (2 * warpShift))
				} else {
					row[x] = bilinearAnywhere(g, float64(sx)/warpOne, float64(sy)/warpOne)
				}
				sx, sy = sx+dx, sy+dy
			}
			ax, ay = bx, by
		}
	}
	return out
}

// Warp's sampling: warpSpan pixels mapped by even steps where the path
// strays from a straight one by at most warpBend pixels, positions in fixed
// point with warpShift bits of fraction (warpOne is 1).
const (
	warpSpan  = 16
	warpBend  = 1.0 / 1024
	warpShift = 16
	warpOne   = 1 << warpShift
)

// fixed returns v in Warp's fixed point, rounded down.
func fixed(v float64) int64 { return int64(math.Floor(v * warpOne)) }

// Background estimation: the paper's level is taken in blocks of this
// side, as a high percentile of each (ink never fills a block), and spread
// smoothly between their centres.
const (
	lightBlock      = 48
	lightPercentile = 0.9
	paperLevel      = 235
)

// EvenLight divides g, in place, by an estimate of its paper's
// brightness, so that a page lit brightly on one side and dimly on the
// other is paper-white throughout and its ink keeps its contrast. In
// place, as a page's image is large and the one lit unevenly is spent.
func EvenLight(g *image.Gray) {
	smooth, bw, bh := paperLevels(g)
	spreadLight(g, smooth, bw, bh)
}

// paperLevels returns the level of g's paper in each block of a bw by bh
// grid, row by row.
func paperLevels(g *image.Gray) (smooth []float64, bw, bh int) {
	level, bw, bh := blockLevels(g)
	// Smooth the grid once, so a block of solid ink takes its neighbours'.
	smooth = make([]float64, len(level))
	for by := range bh {
		for bx := range bw {
			best := 0.0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if x, y := bx+dx, by+dy; x >= 0 && y >= 0 && x < bw && y < bh {
						best = math.Max(best, level[y*bw+x])
					}
				}
			}
			smooth[by*bw+bx] = best
		}
	}
	return smooth, bw, bh
}

// blockLevels returns the level of g's paper in each block of a bw by bh
// grid, row by row, before smoothing.
func blockLevels(g *image.Gray) (level []float64, bw, bh int) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	bw, bh = (w+lightBlock-1)/lightBlock, (h+lightBlock-1)/lightBlock
	level = make([]float64, bw*bh)
	// Pixels in turn go to two histograms, added up after: paper is
	// mostly of one level, and each count would otherwise wait for the
	// one before.
	var hist [2][256]int
	for by := range bh {
		for bx := range bw {
			clear(hist[0][:])
			clear(hist[1][:])
			n := 0
			for y := by * lightBlock; y < min(h, (by+1)*lightBlock); y++ {
				row := g.Pix[y*g.Stride+bx*lightBlock : y*g.Stride+min(w, (bx+1)*lightBlock)]
				i := 0
				for ; i+2 <= len(row); i += 2 {
					hist[0][row[i]]++
					hist[1][row[i+1]]++
				}
				if i < len(row) {
					hist[0][row[i]]++
				}
				n += len(row)
			}
			k, acc := 255, 0
			for ; k > 0; k-- {
				if acc += hist[0][k] + hist[1][k]; float64(acc) >= (1-lightPercentile)*float64(n) {
					break
				}
			}
			level[by*bw+bx] = math.Max(32, float64(k))
		}
	}
	return level, bw, bh
}

// spreadLight divides g, in place, by its paper's level, spread
// bilinearly between the centres of the blocks of the bw by bh grid smooth.
func spreadLight(g *image.Gray, smooth []float64, bw, bh int) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	// The blocks left and right of each column (clamped to the grid) and
	// its weight between them, the same for every row.
	left, right, tx := make([]int, w), make([]int, w), make([]float64, w)
	for x := range w {
		fx := (float64(x)+0.5)/lightBlock - 0.5
		bx := int(math.Floor(fx))
		left[x], right[x] = min(bw-1, max(0, bx)), min(bw-1, max(0, bx+1))
		tx[x] = fx - float64(bx)
	}
	// The paper's level spread across between the block rows above and
	// below, the same for the lightBlock rows between their centres.
	across := func(dst, blocks []float64) {
		for x := range dst {
			l, r, t := left[x], right[x], tx[x]
			dst[x] = blocks[l]*(1-t) + blocks[r]*t
		}
	}
	top, bottom := make([]float64, w), make([]float64, w)
	prev := math.MinInt // the first row's by is -1
	for y := 0; y < h; y++ {
		fy := (float64(y)+0.5)/lightBlock - 0.5
		by := int(math.Floor(fy))
		ty := fy - float64(by)
		if by != prev {
			across(top, smooth[min(bh-1, max(0, by))*bw:][:bw])
			across(bottom, smooth[min(bh-1, max(0, by+1))*bw:][:bw])
			prev = by
		}
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		top, bottom := top[:len(row)], bottom[:len(row)]
		for x, v := range row {
			bg := top[x]*(1-ty) + bottom[x]*ty
			row[x] = uint8(min(255, float64(v)*paperLevel/bg))
		}
	}
}
