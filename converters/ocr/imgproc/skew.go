package imgproc

import (
	"image"
	"math"
)

// MaxSkew is the largest tilt, in degrees, that Skew looks for.
const MaxSkew = 5.0

// maxSkewPoints bounds the ink pixels the skew search projects; more add
// time, not precision.
const maxSkewPoints = 400_000

// Skew estimates the angle, in degrees, by which the text lines and ruling
// lines of b are tilted (positive: falling to the right, in image
// coordinates), by finding the shear whose row projection of the ink is the
// most peaked.
func Skew(b *Bin) float64 { return lean(b, false) }

// Shear estimates the angle, in degrees, by which the upright lines of b
// (ruling lines, the columns of characters set on a grid) lean from
// vertical (positive: the foot to the left, as in Skew's tilt turned a
// quarter), found as Skew finds the tilt, along the other axis. On a page
// whose tilt is straightened it is near 0, unless the page was sheared: a
// tilted page sampled with oblong pixels and made square, as a fax turned
// after it was received is, has its upright lines lean more than its
// level ones.
func Shear(b *Bin) float64 { return lean(b, true) }

// lean is the angle of b's lines from level, or from upright when upright
// is set.
func lean(b *Bin, upright bool) float64 {
	xs, ys := inkPoints(b)
	if len(xs) < 100 {
		return 0
	}
	if upright {
		angle, _ := bestShear(ys, xs, b.H, b.W)
		return angle
	}
	angle, _ := bestShear(xs, ys, b.W, b.H)
	return angle
}

// Unshear returns g with its rows slid sideways so that lines leaning by
// deg degrees (as Shear measures) stand upright, about the middle row;
// what comes in from outside is white.
func Unshear(g *image.Gray, deg float64) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	t := math.Tan(deg * math.Pi / 180)
	cy := float64(h-1) / 2
	for y := 0; y < h; y++ {
		dx := (float64(y) - cy) * t
		orow := out.Pix[y*out.Stride : y*out.Stride+w]
		for x := range orow {
			orow[x] = bilinear(g, float64(x)+dx, float64(y))
		}
	}
	return out
}

// inkPoints samples the coordinates of b's ink pixels, at most
// maxSkewPoints of them, whole rows and columns kept in proportion, as
// floats: each is projected at some 70 angles.
func inkPoints(b *Bin) (xs, ys []float64) {
	n := b.Ink()
	step := 1
	for n/step > maxSkewPoints {
		step++
	}
	xs = make([]float64, 0, n/step+1)
	ys = make([]float64, 0, n/step+1)
	// Every step-th ink pixel: the k-th, with k counted down.
	k := 0
	for y := 0; y < b.H; y++ {
		row := b.Pix[y*b.W : y*b.W+b.W]
		for x := NextInk(row, 0); x < len(row); x = NextInk(row, x+1) {
			if k == 0 {
				xs = append(xs, float64(x))
				ys = append(ys, float64(y))
				k = step
			}
			k--
		}
	}
	return xs, ys
}

// bestShear searches angles in [-MaxSkew, MaxSkew], coarse then fine, for the
// one that maximises the profile score of the points projected on the
// y axis; w and h are the extent of the points.
func bestShear(fx, fy []float64, w, h int) (angle, score float64) {
	margin := int(float64(w)*math.Tan(MaxSkew*math.Pi/180)) + 2
	// Counted in integers: the sum of their squares is below the square
	// of maxSkewPoints, exact as a float. Points in turn go to two sets
	// of bins, added up after: neighbours along a row mostly fall in the
	// same bin, and each count would otherwise wait for the one before.
	n := h + 2*margin
	bins := make([]int32, 2*n)
	even, odd := bins[:n], bins[n:]
	fy = fy[:len(fx)]
	pairs := len(fx) &^ 1
	eval := func(deg float64) float64 {
		t := math.Tan(deg * math.Pi / 180)
		clear(bins)
		for i := 0; i < pairs; i += 2 {
			even[int(fy[i]-fx[i]*t)+margin]++
			odd[int(fy[i+1]-fx[i+1]*t)+margin]++
		}
		if pairs < len(fx) {
			even[int(fy[pairs]-fx[pairs]*t)+margin]++
		}
		s := int64(0)
		for k, c := range even {
			c += odd[k]
			s += int64(c) * int64(c)
		}
		return float64(s)
	}
	best, bestScore := searchAngle(eval)
	return best, bestScore / float64(len(fx))
}

// searchAngle returns the angle in [-MaxSkew, MaxSkew], coarse then fine,
// with the highest score, and the score.
func searchAngle(score func(deg float64) float64) (float64, float64) {
	best, bestScore := 0.0, score(0)
	for deg := -MaxSkew; deg <= MaxSkew+1e-9; deg += 0.25 {
		if s := score(deg); s > bestScore {
			best, bestScore = deg, s
		}
	}
	center := best
	for deg := center - 0.25; deg <= center+0.25+1e-9; deg += 0.02 {
		if s := score(deg); s > bestScore {
			best, bestScore = deg, s
		}
	}
	return best, bestScore
}

// Rotate returns g turned by deg degrees about its centre, counterclockwise
// for a positive angle in image coordinates (y down) undoing a Skew of the
// same sign; what comes in from outside is white.
func Rotate(g *image.Gray, deg float64) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	sin, cos := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(w-1)/2, float64(h-1)/2
	for y := 0; y < h; y++ {
		dy := float64(y) - cy
		sdy, cdy := sin*dy, cos*dy
		orow := out.Pix[y*out.Stride : y*out.Stride+w]
		for x := range orow {
			dx := float64(x) - cx
			// The source point that lands on x, y.
			sx := cos*dx - sdy + cx
			sy := sin*dx + cdy + cy
			orow[x] = bilinear(g, sx, sy)
		}
	}
	return out
}

// bilinear samples g at a fractional point; outside is white.
func bilinear(g *image.Gray, x, y float64) uint8 {
	if x >= 0 && y >= 0 {
		// Inside, as most points are: the floors truncated, the four
		// pixels read directly. (A point too far for an int converts to
		// a negative one.)
		x0, y0 := int(x), int(y)
		if x0 >= 0 && y0 >= 0 && x0+1 < g.Rect.Dx() && y0+1 < g.Rect.Dy() {
			fx, fy := x-float64(x0), y-float64(y0)
			i := y0 * g.Stride
			return lerp(g.Pix[i:], g.Pix[i+g.Stride:], x0, fx, 1-fx, fy, 1-fy)
		}
	}
	return bilinearAnywhere(g, x, y)
}

// lerp is bilinear's weighting of the pixels x0 and x0+1 of rows top and
// bot: fx and gx = 1-fx across, fy and gy = 1-fy down.
func lerp(top, bot []uint8, x0 int, fx, gx, fy, gy float64) uint8 {
	t := float64(top[x0])*gx + float64(top[x0+1])*fx
	b := float64(bot[x0])*gx + float64(bot[x0+1])*fx
	return uint8(t*gy + b*fy + 0.5)
}

// bilinearAnywhere is bilinear at any point, near or beyond the edge.
func bilinearAnywhere(g *image.Gray, x, y float64) uint8 {
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(x0), y-float64(y0)
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= g.Rect.Dx() || y >= g.Rect.Dy() {
			return 255
		}
		return float64(g.Pix[y*g.Stride+x])
	}
	top := at(x0, y0)*(1-fx) + at(x0+1, y0)*fx
	bot := at(x0, y0+1)*(1-fx) + at(x0+1, y0+1)*fx
	return uint8(top*(1-fy) + bot*fy + 0.5)
}

// Turn returns g turned clockwise by quarter turns (0 to 3).
func Turn(g *image.Gray, quarters int) *image.Gray {
	pix, w, h := turn(g.Pix, g.Stride, g.Rect.Dx(), g.Rect.Dy(), quarters)
	if pix == nil {
		return g
	}
	return &image.Gray{Pix: pix, Stride: w, Rect: image.Rect(0, 0, w, h)}
}

// Turn returns b turned clockwise by quarter turns (0 to 3).
func (b *Bin) Turn(quarters int) *Bin {
	pix, w, h := turn(b.Pix, b.W, b.W, b.H, quarters)
	if pix == nil {
		return b
	}
	return &Bin{W: w, H: h, Pix: pix}
}

// turn returns the w by h pixels of pix, stride apart, turned clockwise by
// quarter turns, and their new width and height; nil for no turn.
func turn(pix []uint8, stride, w, h, quarters int) ([]uint8, int, int) {
	quarters = ((quarters % 4) + 4) % 4
	if quarters == 0 {
		return nil, w, h
	}
	ow, oh := w, h
	if quarters%2 == 1 {
		ow, oh = h, w
	}
	out := make([]uint8, ow*oh)
	for y := 0; y < h; y++ {
		row := pix[y*stride : y*stride+w]
		for x, v := range row {
			var nx, ny int
			switch quarters {
			case 1: // clockwise
				nx, ny = h-1-y, x
			case 2:
				nx, ny = w-1-x, h-1-y
			case 3:
				nx, ny = y, w-1-x
			}
			out[ny*ow+nx] = v
		}
	}
	return out, ow, oh
}

// Scale returns g resized by factor f (bilinear).
func Scale(g *image.Gray, f float64) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	ow, oh := max(1, int(float64(w)*f+0.5)), max(1, int(float64(h)*f+0.5))
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	// Each column's point in g, its pixel and its weights, the same in
	// every row: a row inside g is then sampled as bilinear would, with
	// nothing left to work out but the weighted sums.
	sxs := make([]float64, ow)
	cols := make([]lerpCol, ow)
	for x := range sxs {
		sx := (float64(x)+0.5)/f - 0.5
		sxs[x] = sx
		if x0 := int(sx); sx >= 0 && x0 >= 0 && x0+1 < w {
			cols[x] = lerpCol{x0: x0, fx: sx - float64(x0), gx: 1 - (sx - float64(x0))}
		} else {
			cols[x].x0 = -1
		}
	}
	for y := 0; y < oh; y++ {
		sy := (float64(y)+0.5)/f - 0.5
		orow := out.Pix[y*out.Stride : y*out.Stride+ow]
		y0 := int(sy)
		if !(sy >= 0 && y0 >= 0 && y0+1 < h) {
			for x, sx := range sxs {
				orow[x] = bilinear(g, sx, sy)
			}
			continue
		}
		fy := sy - float64(y0)
		gy := 1 - fy
		top := g.Pix[y0*g.Stride : y0*g.Stride+w]
		bot := g.Pix[(y0+1)*g.Stride : (y0+1)*g.Stride+w]
		for x, c := range cols {
			if c.x0 < 0 {
				orow[x] = bilinearAnywhere(g, sxs[x], sy)
				continue
			}
			orow[x] = lerp(top, bot, c.x0, c.fx, c.gx, fy, gy)
		}
	}
	return out
}

// lerpCol is a column's pixel x0 in the source (-1 for a point near or
// beyond its edge) and its weights: fx for the pixel after, gx = 1-fx for
// x0.
type lerpCol struct {
	x0     int
	fx, gx float64
}
