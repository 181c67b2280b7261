package table

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
)

// page draws a ruled grid on an A4 page at 300 dpi: columns at xs, rows at
// ys, lines 2 pixels wide, each pixel of the gray shade returns (255 to
// leave it out, as a merged cell does).
func page(xs, ys []int, shade func(vertical bool, pos, a int) uint8) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, 2480, 3508))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range g.Pix {
		g.Pix[i] = uint8(245 + r.IntN(10))
	}
	for _, y := range ys {
		for x := xs[0]; x <= xs[len(xs)-1]; x++ {
			if v := shade(false, y, x); v < 255 {
				g.Pix[y*g.Stride+x], g.Pix[(y+1)*g.Stride+x] = v, v
			}
		}
	}
	for _, x := range xs {
		for y := ys[0]; y <= ys[len(ys)-1]; y++ {
			if v := shade(true, x, y); v < 255 {
				g.Pix[y*g.Stride+x], g.Pix[y*g.Stride+x+1] = v, v
			}
		}
	}
	return g
}

func TestFind(t *testing.T) {
	xs := []int{300, 900, 1200, 1500, 1800}
	ys := []int{400, 520, 640, 760, 880}
	tests := []struct {
		name  string
		shade func(vertical bool, pos, a int) uint8
		cells int
		want  Cell              // one cell to check
		ink   func(*image.Gray) // drawn over the grid
	}{
		{"plain", func(bool, int, int) uint8 { return 0 }, 16,
			Cell{Row: 1, Col: 1, RowSpan: 1, ColSpan: 1}, nil},
		// The first column's cells below the first row merged into one.
		{"merged down", func(v bool, pos, a int) uint8 {
			if !v && pos > 520 && pos < 880 && a < 900 {
				return 255
			}
			return 0
		}, 14,
			Cell{Row: 1, Col: 0, RowSpan: 3, ColSpan: 1}, nil},
		// A line gone faint for a stretch (a thin line in a blurred
		// low-resolution scan), too faint for the mask of solid lines,
		// still divides.
		{"faint stretch", func(v bool, pos, a int) uint8 {
			if v && pos == 1200 && a > 620 && a < 780 {
				return 196
			}
			return 60
		}, 16,
			Cell{Row: 2, Col: 1, RowSpan: 1, ColSpan: 1}, nil},
		// A label centred in a merged cell, with the line of the grid
		// below drawn through its characters: the line divides nothing.
		{"line through text", func(bool, int, int) uint8 { return 0 }, 15,
			Cell{Row: 1, Col: 1, RowSpan: 1, ColSpan: 2},
			func(g *image.Gray) {
				for y := 560; y < 610; y += 12 {
					for x := 1170; x < 1232; x++ {
						for k := 0; k < 3; k++ {
							g.Pix[(y+k)*g.Stride+x] = 0
						}
					}
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := page(xs, ys, tt.shade)
			if tt.ink != nil {
				tt.ink(g)
			}
			p := Find(g, imgproc.Binarize(g))
			if len(p.Tables) != 1 {
				t.Fatalf("%d tables, want 1", len(p.Tables))
			}
			tb := p.Tables[0]
			if len(tb.Cells) != tt.cells {
				t.Errorf("%d cells, want %d: %+v", len(tb.Cells), tt.cells, tb.Cells)
			}
			found := false
			for _, c := range tb.Cells {
				if c.Row == tt.want.Row && c.Col == tt.want.Col {
					found = c.RowSpan == tt.want.RowSpan && c.ColSpan == tt.want.ColSpan
				}
			}
			if !found {
				t.Errorf("no cell %+v in %+v", tt.want, tb.Cells)
			}
		})
	}
}

func TestFindNoTableInText(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 2480, 3508))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	// Short strokes in rows, as text: no line long enough.
	for y := 400; y < 3000; y += 60 {
		for x := 300; x < 2200; x += 50 {
			for k := 0; k < 35; k++ {
				g.Pix[(y+10)*g.Stride+x+k] = 0
				g.Pix[(y+k%30)*g.Stride+x+17] = 0
			}
		}
	}
	if p := Find(g, imgproc.Binarize(g)); len(p.Tables) != 0 {
		t.Errorf("%d tables found in text", len(p.Tables))
	}
}
