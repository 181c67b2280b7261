package table

import (
	"context"
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
	"github.com/nianbao/nianbao/converters/pdf"
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
		// A line of a photo faded out over half a row, between two
		// values: the values apart, with no ink near it, still divide.
		{"broken between values", brokenLine, 16,
			Cell{Row: 2, Col: 1, RowSpan: 1, ColSpan: 1}, values(1050, 1350)},
		// Ink close beside it, as of characters spaced across where
		// the line would be: the cells are one.
		{"broken beside text", brokenLine, 15,
			Cell{Row: 2, Col: 1, RowSpan: 1, ColSpan: 2}, values(1168, 1250)},
		// Ink on one side only: nothing tells the cells apart.
		{"broken beside one value", brokenLine, 15,
			Cell{Row: 2, Col: 1, RowSpan: 1, ColSpan: 2}, values(1050)},
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

// brokenLine shades a grid whose line at x 1200 shows in the third row
// (640 to 760) only below 700, as a photo's thin line fades out.
func brokenLine(v bool, pos, a int) uint8 {
	if v && pos == 1200 && a > 640 && a < 700 {
		return 255
	}
	return 60
}

// values draws a digit's bar, 24 by 44 pixels, at each x in the third row.
func values(xs ...int) func(*image.Gray) {
	return func(g *image.Gray) {
		for _, x0 := range xs {
			for y := 678; y < 722; y++ {
				for x := x0; x < x0+24; x++ {
					g.Pix[y*g.Stride+x] = 0
				}
			}
		}
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

// scanPage loads a committed scan and prepares it as Find's caller does.
func scanPage(t testing.TB, name string) (*image.Gray, *imgproc.Bin) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "scans", name))
	if err != nil {
		t.Skipf("no scan %s: %v", name, err)
	}
	return prepare(t, data)
}

// pdfPage loads the image of the i-th scanned page (from 0) of a PDF and
// prepares it as Find's caller does.
func pdfPage(t testing.TB, path string, i int) (*image.Gray, *imgproc.Bin) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("no scan %s: %v", path, err)
	}
	doc, err := pdf.Converter{}.Convert(context.Background(), filepath.Base(path), data)
	if err != nil {
		t.Fatal(err)
	}
	if i >= len(doc.Scans) {
		t.Fatalf("%s: %d scanned pages, want page %d", path, len(doc.Scans), i+1)
	}
	return prepare(t, doc.Scans[i].Image)
}

// prepare decodes a page image and prepares it as the OCR converter does
// before Find (converters/ocr/page.go): upscaled below 2400 pixels wide,
// binarized, deskewed.
func prepare(t testing.TB, data []byte) (*image.Gray, *imgproc.Bin) {
	t.Helper()
	f, err := imgproc.Open(data, imgproc.Limits{MaxPixels: 1 << 26})
	if err != nil {
		t.Fatal(err)
	}
	g, err := f.Page(0)
	if err != nil {
		t.Fatal(err)
	}
	if w := g.Rect.Dx(); w < 2400 && g.Rect.Dy() > w/2 {
		g = imgproc.Scale(g, min(3, 2400/float64(w)))
	}
	b := imgproc.Binarize(g)
	if angle := imgproc.Skew(b); angle > 0.04 || angle < -0.04 {
		g = imgproc.Rotate(g, angle)
		b = imgproc.Binarize(g)
	}
	return g, b
}

// fullScans is the directory SCANS_DIR names, where `go run
// ./converters/ocr/scans/genscans -full -out DIR` wrote the whole scan set,
// which is not committed; the cases on it are skipped without it.
func fullScans(name string) string {
	dir := os.Getenv("SCANS_DIR")
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, name)
}

// On gray scans at 200 dpi, blurred and JPEG-compressed, the thin ruling
// lines come out light gray, lighter than ink against the local mean where
// text is dense around them; they are still lines, as the paper beside them
// shows. Each case: the tables (grid and cells, from the report) and pairs
// of points (upscaled, deskewed) that lie in different cells.
func TestFindFaintScan(t *testing.T) {
	type grid struct{ rows, cols, cells int }
	tests := []struct {
		name   string
		path   string
		page   int
		tables []grid
		apart  [][2]image.Point
	}{
		// Report 013, page 3: the line between 8.属于行政查询事项 and
		// 1.本机关不掌握相关政府信息, in the third label column only.
		{"013 applications", fullScans("013-200.pdf"), 2, []grid{{18, 10, 133}},
			[][2]image.Point{{{950, 1220}, {950, 1280}}}},
		// Report 013, page 5: the reviews table, whose narrow columns under
		// 未经复议直接起诉 (结果维持 | 结果纠正 | 其他结果) are ruled faintly:
		// the numbers 2 and 1 in cells of their own.
		{"013 reviews", fullScans("013-200.pdf"), 4, []grid{{4, 15, 34}},
			[][2]image.Point{{{975, 815}, {1087, 815}}, {{975, 700}, {1087, 700}}, {{1087, 815}, {1200, 815}}}},
		// Committed scans: no line found in excess. Report 003, page 2 (no
		// second table made of the first's lower rows); report 006, page 3
		// (no line drawn between specks of noise beside two lines).
		{"003 disclosure", filepath.Join("..", "..", "..", "testdata", "scans", "003-200.pdf"), 1, []grid{{18, 4, 53}}, nil},
		{"006 applications", filepath.Join("..", "..", "..", "testdata", "scans", "006-200.pdf"), 2, []grid{{21, 10, 173}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path == "" {
				t.Skip("SCANS_DIR does not name the full scan set")
			}
			p := Find(pdfPage(t, tt.path, tt.page))
			if len(p.Tables) != len(tt.tables) {
				t.Fatalf("%d tables, want %d", len(p.Tables), len(tt.tables))
			}
			for i, w := range tt.tables {
				tb := p.Tables[i]
				if got := (grid{tb.Rows, tb.Cols, len(tb.Cells)}); got != w {
					t.Errorf("table %d: %d×%d grid with %d cells, want %d×%d with %d", i, got.rows, got.cols, got.cells, w.rows, w.cols, w.cells)
				}
			}
			cell := func(pt image.Point) int {
				for i, c := range p.Tables[0].Cells {
					if pt.In(c.Box) {
						return i
					}
				}
				return -1
			}
			for _, a := range tt.apart {
				if i, j := cell(a[0]), cell(a[1]); i < 0 || i == j {
					t.Errorf("%v and %v in cell %d", a[0], a[1], i)
				}
			}
		})
	}
}

// On a page scanned in black and white at 200 dpi (report 014, page 3),
// most thin ruling lines are lost but for a dot where two of them cross:
// the grid is drawn from the dots. Expected grids from the report's
// tables: the end of the previous page's table (4 rows, 2 columns, one
// row merged across) and the applications table as far as the page goes.
func TestFindDottedScan(t *testing.T) {
	g, b := scanPage(t, "014-200-p3.png")
	p := Find(g, b)
	want := []struct{ rows, cols, cells int }{{4, 2, 7}, {18, 10, 133}}
	if len(p.Tables) != len(want) {
		t.Fatalf("%d tables, want %d", len(p.Tables), len(want))
	}
	for i, w := range want {
		tb := p.Tables[i]
		if tb.Rows != w.rows || tb.Cols != w.cols {
			t.Errorf("table %d: %dx%d grid, want %dx%d", i, tb.Rows, tb.Cols, w.rows, w.cols)
		}
		// One more cell than the report has: the line under 三、本年度 in
		// the first column, found before (a solid line), splits its label.
		if n := len(tb.Cells); n != w.cells && !(i == 1 && n == w.cells+1) {
			t.Errorf("table %d: %d cells, want %d", i, n, w.cells)
		}
	}
	// Numbers in cells of their own: rows 5-6 of the applications table
	// (一、本年新收, 二、上年结转) have 7 number cells each, one per column.
	for _, row := range []int{3, 4} {
		n := 0
		for _, c := range p.Tables[1].Cells {
			if c.Row == row && c.Col >= 3 && c.ColSpan == 1 && c.RowSpan == 1 {
				n++
			}
		}
		if n != 7 {
			t.Errorf("row %d: %d single number cells, want 7", row, n)
		}
	}
}

// BenchmarkFindPage times Find on an ordinary gray scan: report 003 at
// 200 dpi, page 2.
func BenchmarkFindPage(b *testing.B) {
	g, bin := pdfPage(b, filepath.Join("..", "..", "..", "testdata", "scans", "003-200.pdf"), 1)
	for b.Loop() {
		Find(g, bin)
	}
}

func BenchmarkFindScan(b *testing.B) {
	g, bin := scanPage(b, "014-200-p3.png")
	for b.Loop() {
		Find(g, bin)
	}
}
