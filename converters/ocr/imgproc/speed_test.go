package imgproc

import (
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// The page functions are checked against their earlier, plainer forms on
// real pages, and timed against them side by side.

// realPage renders page 2 of the real report (a table page) in gray at dpi
// with pdftoppm, or skips. scans.Render renders pages too, but scans
// imports imgproc, and these tests must be inside it to reach the
// unexported forms they compare.
func realPage(tb testing.TB, dpi string) *image.Gray {
	tb.Helper()
	src := filepath.Join("..", "..", "..", "..", "shared", "real", "hzq2024.pdf")
	if _, err := os.Stat(src); err != nil {
		tb.Skipf("%s is absent: %v", src, err)
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		tb.Skip("pdftoppm is not installed")
	}
	out := filepath.Join(tb.TempDir(), "p")
	cmd := exec.Command("pdftoppm", "-r", dpi, "-gray", "-png", "-singlefile", "-f", "2", "-l", "2", src, out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("pdftoppm: %v: %s", err, msg)
	}
	f, err := os.Open(out + ".png")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		tb.Fatal(err)
	}
	return Gray(img)
}

// scaleByDefinition is Scale sampling each pixel with bilinear, as it did.
func scaleByDefinition(g *image.Gray, f float64) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	ow, oh := max(1, int(float64(w)*f+0.5)), max(1, int(float64(h)*f+0.5))
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	sxs := make([]float64, ow)
	for x := range sxs {
		sxs[x] = (float64(x)+0.5)/f - 0.5
	}
	for y := 0; y < oh; y++ {
		sy := (float64(y)+0.5)/f - 0.5
		orow := out.Pix[y*out.Stride : y*out.Stride+ow]
		for x, sx := range sxs {
			orow[x] = bilinear(g, sx, sy)
		}
	}
	return out
}

// warpByDefinition is Warp sampling each pixel with bilinear at Map's
// point, as it did.
func warpByDefinition(g *image.Gray, p Perspective, w, h int) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			sx, sy := p.Map(float64(x), float64(y))
			out.Pix[y*out.Stride+x] = bilinear(g, sx, sy)
		}
	}
	return out
}

// photoWarp returns the perspective that squares a page seen at an angle
// in g, its corners in from g's by a few percent, and the squared size;
// with out, corners beyond g's edges.
func photoWarp(g *image.Gray, out bool) (Perspective, int, int) {
	w, h := float64(g.Rect.Dx()), float64(g.Rect.Dy())
	quad := [4][2]float64{{0.06 * w, 0.04 * h}, {0.95 * w, 0.07 * h}, {0.92 * w, 0.97 * h}, {0.03 * w, 0.94 * h}}
	if out {
		quad = [4][2]float64{{-0.1 * w, 0.04 * h}, {0.95 * w, -0.07 * h}, {1.1 * w, 0.97 * h}, {0.03 * w, 1.2 * h}}
	}
	ow, oh := int(0.9*w), int(0.9*h)
	rect := [4][2]float64{{0, 0}, {float64(ow - 1), 0}, {float64(ow - 1), float64(oh - 1)}, {0, float64(oh - 1)}}
	p, _ := NewPerspective(rect, quad)
	return p, ow, oh
}

func TestScaleAndWarpOnRealPage(t *testing.T) {
	g := realPage(t, "150")
	for _, f := range []float64{0.17, 0.5, 1, 1.2, 1.6, 3} {
		if !slices.Equal(Scale(g, f).Pix, scaleByDefinition(g, f).Pix) {
			t.Errorf("scaled by %v: differs from bilinear pixel by pixel", f)
		}
	}
	r := rand.New(rand.NewPCG(27, 28))
	for _, g := range []*image.Gray{g, randomPage(r, 97, 61)} {
		for _, out := range []bool{false, true} {
			p, w, h := photoWarp(g, out)
			// Warp steps in fixed point between points it maps
			// exactly: a level apart at most.
			got, want := Warp(g, p, w, h).Pix, warpByDefinition(g, p, w, h).Pix
			for i := range want {
				if absDiff(got[i], want[i]) > 1 {
					t.Errorf("%v warped (corners outside %v): pixel %d is %d, bilinear gives %d", g.Rect, out, i, got[i], want[i])
					break
				}
			}
		}
	}
}

// BenchmarkScale upscales a page as readPage does a flattened photo's.
func BenchmarkScale(b *testing.B) {
	g := realPage(b, "250")
	f := 2400 / float64(g.Rect.Dx())
	sideBySide(b, func() { scaleByDefinition(g, f) }, func() { Scale(g, f) })
}

// BenchmarkWarp squares a page seen at an angle.
func BenchmarkWarp(b *testing.B) {
	g := realPage(b, "250")
	p, w, h := photoWarp(g, false)
	sideBySide(b, func() { warpByDefinition(g, p, w, h) }, func() { Warp(g, p, w, h) })
}

// litUnevenly returns g lit from its top left, dimmer by half at the far
// corner, as a phone photo under a lamp.
func litUnevenly(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(g.Rect)
	for y := range h {
		for x := range w {
			out.Pix[y*out.Stride+x] = uint8(float64(g.Pix[y*g.Stride+x]) * (1 - 0.25*float64(x)/float64(w) - 0.25*float64(y)/float64(h)))
		}
	}
	return out
}

func TestSpreadLightOnRealPage(t *testing.T) {
	g := litUnevenly(realPage(t, "150"))
	smooth, bw, bh := paperLevels(g)
	want := spreadLightByDefinition(g, smooth, bw, bh)
	if spreadLight(g, smooth, bw, bh); !samePixels(g, want) {
		t.Error("differs from the light spread pixel by pixel")
	}
}

func BenchmarkSpreadLight(b *testing.B) {
	g := litUnevenly(realPage(b, "250"))
	smooth, bw, bh := paperLevels(g)
	// In place, the page is lit evenly after the first pass, and divided
	// as much.
	sideBySide(b, func() { spreadLightByDefinition(g, smooth, bw, bh) }, func() { spreadLight(g, smooth, bw, bh) })
}

// samePixels reports whether a and b have the same size and pixels,
// whatever their strides.
func samePixels(a, b *image.Gray) bool {
	w, h := a.Rect.Dx(), a.Rect.Dy()
	if b.Rect.Dx() != w || b.Rect.Dy() != h {
		return false
	}
	for y := range h {
		if !slices.Equal(a.Pix[y*a.Stride:][:w], b.Pix[y*b.Stride:][:w]) {
			return false
		}
	}
	return true
}

// sideBySide times a reference form of a function (as it was, or as
// written out pixel by pixel) and the function, in one run.
func sideBySide(b *testing.B, old, now func()) {
	b.Run("reference", func(b *testing.B) {
		for b.Loop() {
			old()
		}
	})
	b.Run("new", func(b *testing.B) {
		for b.Loop() {
			now()
		}
	})
}

// blockLevelsBefore is blockLevels as it was, one histogram a block.
func blockLevelsBefore(g *image.Gray) (level []float64, bw, bh int) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	bw, bh = (w+lightBlock-1)/lightBlock, (h+lightBlock-1)/lightBlock
	level = make([]float64, bw*bh)
	var hist [256]int
	for by := range bh {
		for bx := range bw {
			clear(hist[:])
			n := 0
			for y := by * lightBlock; y < min(h, (by+1)*lightBlock); y++ {
				for x := bx * lightBlock; x < min(w, (bx+1)*lightBlock); x++ {
					hist[g.Pix[y*g.Stride+x]]++
					n++
				}
			}
			k, acc := 255, 0
			for ; k > 0; k-- {
				if acc += hist[k]; float64(acc) >= (1-lightPercentile)*float64(n) {
					break
				}
			}
			level[by*bw+bx] = math.Max(32, float64(k))
		}
	}
	return level, bw, bh
}

func TestBlockLevelsOnRealPage(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	// Odd sizes leave blocks narrower than the rest, of an odd width.
	for _, g := range []*image.Gray{litUnevenly(realPage(t, "150")), randomPage(r, 1, 1), randomPage(r, 97, 61), randomPage(r, 145, 50)} {
		gl, gw, gh := blockLevels(g)
		wl, ww, wh := blockLevelsBefore(g)
		if !slices.Equal(gl, wl) || gw != ww || gh != wh {
			t.Errorf("%v: levels differ from the former code", g.Rect)
		}
	}
}

func BenchmarkBlockLevels(b *testing.B) {
	g := litUnevenly(realPage(b, "250"))
	sideBySide(b, func() { blockLevelsBefore(g) }, func() { blockLevels(g) })
}
