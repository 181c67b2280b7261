package ocr

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
)

// TestInkNear checks inkNear's rows against b's pixels one by one, for
// stretches of rows at and beyond the edges.
func TestInkNear(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	b := imgproc.NewBin(37, 11)
	for i := range b.Pix {
		if r.IntN(9) == 0 {
			b.Pix[i] = 1
		}
	}
	for _, span := range [][2]int{{0, 37}, {-1, 38}, {5, 6}, {3, 30}, {20, 37}, {36, 37}} {
		x0, n := span[0], span[1]-span[0]
		near, scratch := make([]uint8, n), make([]uint8, n+2)
		for y := -1; y <= b.H; y++ {
			inkNear(near, scratch, b, x0, y)
			for i, v := range near {
				want := false
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						want = want || b.At(x0+i+dx, y+dy)
					}
				}
				if (v != 0) != want {
					t.Fatalf("x0 %d, y %d, i %d: near %d, want %v", x0, y, i, v, want)
				}
			}
		}
	}
}

// inkRowsByDefinition is inkRows pixel by pixel.
func inkRowsByDefinition(b, lines *imgproc.Bin) ([]int, int) {
	rows := make([]int, b.H)
	total := 0
	for y := range b.H {
		for x := range b.W {
			if b.Pix[y*b.W+x] != 0 && lines.Pix[y*b.W+x] == 0 {
				rows[y]++
				total++
			}
		}
	}
	return rows, total
}

// TestInkRows checks inkRows on random pages and on a committed scan's
// ink and ruling lines (as upright finds them).
func TestInkRows(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	type pair struct{ b, lines *imgproc.Bin }
	var pairs []pair
	for _, size := range [][2]int{{1, 1}, {7, 3}, {8, 2}, {37, 11}, {203, 57}} {
		b, lines := imgproc.NewBin(size[0], size[1]), imgproc.NewBin(size[0], size[1])
		for i := range b.Pix {
			b.Pix[i], lines.Pix[i] = uint8(r.IntN(2)), uint8(r.IntN(2))
		}
		pairs = append(pairs, pair{b, lines})
	}
	if p := scanPage(t); p != nil {
		pairs = append(pairs, pair{p.bin, p.found.Lines})
	}
	for _, p := range pairs {
		gr, gt := inkRows(p.b, p.lines)
		wr, wt := inkRowsByDefinition(p.b, p.lines)
		if !slices.Equal(gr, wr) || gt != wt {
			t.Errorf("%dx%d: %d ink, want %d, or rows differ", p.b.W, p.b.H, gt, wt)
		}
	}
}

// scanPage returns a committed scan made upright, or nil when it is absent.
func scanPage(tb testing.TB) *page {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scans", "014-200-p3.png"))
	if err != nil {
		tb.Logf("no committed scan: %v", err)
		return nil
	}
	f, err := imgproc.Open(data, imgproc.Limits{MaxPixels: 1 << 26})
	if err != nil {
		tb.Fatal(err)
	}
	g, err := f.Page(0)
	if err != nil {
		tb.Fatal(err)
	}
	return upright(imgproc.Scale(g, 2400/float64(g.Rect.Dx())))
}

// BenchmarkInkRows times inkRows against counting pixel by pixel, as a
// page's lines were found before (textLines).
func BenchmarkInkRows(b *testing.B) {
	p := scanPage(b)
	if p == nil {
		b.Skip("no committed scan")
	}
	b.Run("old", func(b *testing.B) {
		for b.Loop() {
			inkRowsByDefinition(p.bin, p.found.Lines)
		}
	})
	b.Run("new", func(b *testing.B) {
		for b.Loop() {
			inkRows(p.bin, p.found.Lines)
		}
	})
}
