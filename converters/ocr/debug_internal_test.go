package ocr

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"testing"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
)

// TMPDEBUG
func TestDebugGrid(t *testing.T) {
	path := os.Getenv("GRID_IMG")
	if path == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(path)
	f, err := imgproc.Open(data, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	pg := 0
	fmt.Sscanf(os.Getenv("GRID_PAGE"), "%d", &pg)
	g, _ := f.Page(pg)
	if w := g.Rect.Dx(); w < minWidth && g.Rect.Dy() > w/2 {
		g = imgproc.Scale(g, min(3, float64(minWidth)/float64(w)))
	}
	e := newEngine("")
	p, _, err := orient(context.Background(), e, g)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("GRID_COL") != "" {
		var cx, cy0, cy1 int
		fmt.Sscanf(os.Getenv("GRID_COL"), "%d,%d,%d", &cx, &cy0, &cy1)
		for y := cy0; y < cy1; y++ {
			s := ""
			for x := cx - 6; x <= cx+6; x++ {
				s += fmt.Sprintf("%4d", p.gray.Pix[y*p.gray.Stride+x])
				if p.bin.Pix[y*p.bin.W+x] != 0 {
					s += "#"
				} else {
					s += " "
				}
			}
			t.Logf("%d %s", y, s)
		}
	}
	out := image.NewRGBA(p.gray.Rect)
	for y := 0; y < p.bin.H; y++ {
		for x := 0; x < p.bin.W; x++ {
			v := p.gray.Pix[y*p.gray.Stride+x]/2 + 128
			c := color.RGBA{v, v, v, 255}
			if p.bin.Pix[y*p.bin.W+x] != 0 {
				c = color.RGBA{90, 90, 90, 255}
			}
			if os.Getenv("GRID_RAW") != "" {
				v := p.gray.Pix[y*p.gray.Stride+x]
				c = color.RGBA{v, v, v, 255}
			} else if p.found.Lines.Pix[y*p.bin.W+x] != 0 {
				c = color.RGBA{255, 0, 0, 255}
			}
			out.Set(x, y, c)
		}
	}
	for _, tb := range p.found.Tables {
		t.Logf("table %v rows %d cols %d cells %d", tb.Box, tb.Rows, tb.Cols, len(tb.Cells))
		for _, c := range tb.Cells {
			if c.RowSpan > 1 || c.ColSpan > 1 {
				t.Logf("cell r%d c%d span %dx%d %v", c.Row, c.Col, c.RowSpan, c.ColSpan, c.Box)
			}
			b := c.Box.Inset(3)
			for x := b.Min.X; x < b.Max.X; x++ {
				out.Set(x, b.Min.Y, color.RGBA{0, 0, 255, 255})
				out.Set(x, b.Max.Y-1, color.RGBA{0, 0, 255, 255})
			}
			for y := b.Min.Y; y < b.Max.Y; y++ {
				out.Set(b.Min.X, y, color.RGBA{0, 0, 255, 255})
				out.Set(b.Max.X-1, y, color.RGBA{0, 0, 255, 255})
			}
		}
	}
	var x0, y0, x1, y1 int
	fmt.Sscanf(os.Getenv("GRID_CROP"), "%d,%d,%d,%d", &x0, &y0, &x1, &y1)
	var img image.Image = out
	if x1 > 0 {
		img = out.SubImage(image.Rect(x0, y0, x1, y1))
	}
	if sc := os.Getenv("GRID_SCALE"); sc != "" {
		var k int
		fmt.Sscanf(sc, "%d", &k)
		b := img.Bounds()
		small := image.NewRGBA(image.Rect(0, 0, b.Dx()/k, b.Dy()/k))
		for y := 0; y < b.Dy()/k; y++ {
			for x := 0; x < b.Dx()/k; x++ {
				// darkest of the block, so thin lines survive
				best := color.RGBA{255, 255, 255, 255}
				for dy := 0; dy < k; dy++ {
					for dx := 0; dx < k; dx++ {
						c := img.At(b.Min.X+x*k+dx, b.Min.Y+y*k+dy).(color.RGBA)
						if int(c.R)+int(c.G)+int(c.B) < int(best.R)+int(best.G)+int(best.B) || c.B == 255 && c.R == 0 || c.R == 255 && c.G == 0 {
							best = c
						}
					}
				}
				small.Set(x, y, best)
			}
		}
		img = small
	}
	o, _ := os.Create(os.Getenv("GRID_OUT"))
	png.Encode(o, img)
	o.Close()
}
