package ocr

import (
	"math/rand/v2"
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
