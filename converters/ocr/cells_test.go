package ocr

import (
	"image"
	"testing"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
)

func TestHalf(t *testing.T) {
	tests := []struct{ read, want string }{
		{"00", "0"},
		{"-2-2", "-2"},
		{"11", "1"},
		{"1", ""}, // the two glyphs read as one
		{"06", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := half(tt.read); got != tt.want {
			t.Errorf("half(%q) = %q, want %q", tt.read, got, tt.want)
		}
	}
}

func TestNumberText(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"3208320", true},
		{"1,725", true},
		{"-6", true},
		{"33(其中修订7件)", false},
		{"其他", false},
		{"-", false},
	}
	for _, tt := range tests {
		if got := numberText(tt.s); got != tt.want {
			t.Errorf("numberText(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestThousands(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"1.878", true},
		{"12.345.678", true},
		{"-1.514", true},
		{"656.04", false},
		{"0.125", false},
		{"1.8789", false},
		{"1234.567", false},
		{"1,878", false},
		{"1.878.", false},
		{"12", false},
	}
	for _, tt := range tests {
		if got := thousands(tt.s); got != tt.want {
			t.Errorf("thousands(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestDecimalComma(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"83,38", true},
		{"0,5", true},
		{"-12,05", true},
		{"1,878", false},
		{"1,8789", false},
		{"12,345,67", false},
		{"83.38", false},
		{",38", false},
		{"83,", false},
		{"83", false},
	}
	for _, tt := range tests {
		if got := decimalComma(tt.s); got != tt.want {
			t.Errorf("decimalComma(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// glyphRegion draws glyphs, each a set of filled rectangles, as a region
// would hold them: ink on white, with the pieces listed.
func glyphRegion(w, h, tall int, pieces ...image.Rectangle) *region {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	rg := &region{img: img, tall: tall}
	for _, r := range pieces {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				img.Pix[y*img.Stride+x] = 20
			}
		}
		rg.comps = append(rg.comps, imgproc.Component{Box: r, Area: r.Dx() * r.Dy()})
	}
	return rg
}

func TestGlyphs(t *testing.T) {
	tests := []struct {
		name    string
		pieces  []image.Rectangle
		glyphs  int
		numeric bool
	}{
		// Pieces as a black-and-white scan at 200 dpi breaks them.
		{"a 9 broken in two, one piece over the other, then a 1", []image.Rectangle{
			image.Rect(3, 3, 13, 20), image.Rect(6, 18, 20, 33),
			image.Rect(30, 3, 36, 33)}, 2, true},
		{"a 5 whose top bar came off, then a 4", []image.Rectangle{
			image.Rect(6, 3, 20, 9), image.Rect(12, 15, 23, 34), image.Rect(3, 28, 8, 33),
			image.Rect(30, 3, 48, 34)}, 2, true},
		{"a 5 whose top bar came off above its bowl, clear of it", []image.Rectangle{
			image.Rect(5, 1, 20, 7), image.Rect(5, 12, 23, 33), image.Rect(3, 28, 11, 33)}, 1, true},
		{"a stub of a ruling line just above two 1s stays apart (a wide glyph)", []image.Rectangle{
			image.Rect(3, 1, 38, 4), image.Rect(10, 8, 16, 38), image.Rect(30, 8, 36, 38)}, 4, false},
		{"a 2 whose foot came off, twice", []image.Rectangle{
			image.Rect(11, 3, 21, 24), image.Rect(3, 22, 20, 29),
			image.Rect(33, 3, 44, 24), image.Rect(26, 22, 44, 29)}, 2, true},
		{"a 9 whose bowl parted from its stem, then a 1", []image.Rectangle{
			image.Rect(3, 4, 12, 21), image.Rect(12, 4, 24, 31),
			image.Rect(30, 3, 36, 33)}, 2, true},
		{"a minus sign halfway up, then a 1", []image.Rectangle{
			image.Rect(3, 16, 13, 20), image.Rect(20, 3, 26, 33)}, 1, true},
		{"two short pieces side by side: not a digit", []image.Rectangle{
			image.Rect(3, 3, 13, 15), image.Rect(20, 3, 30, 15),
			image.Rect(35, 3, 41, 33)}, 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rg := glyphRegion(90, 40, 30, tt.pieces...)
			boxes := rg.glyphBoxes()
			if lo, hi := rg.glyphs(boxes); lo != tt.glyphs || hi != tt.glyphs {
				t.Errorf("glyphs = %d, %d (%v); want %d", lo, hi, boxes, tt.glyphs)
			}
			if got := rg.numeric(); got != tt.numeric {
				t.Errorf("numeric = %v, want %v", got, tt.numeric)
			}
		})
	}
}

// TestStacked: a label set one character a line is found from its bands
// of ink, a character whose pieces do not all overlap its tallest kept
// whole; a line of several characters, or a number, is not.
func TestStacked(t *testing.T) {
	tests := []struct {
		name   string
		pieces []image.Rectangle
		bands  int
	}{
		// 總 over 計 as the fax set shows them: the dots of 心 reach
		// below the 糸 beside them, the pieces of 計 side by side.
		{"總 over 計", []image.Rectangle{
			image.Rect(18, 3, 40, 28), image.Rect(4, 4, 21, 36), image.Rect(23, 30, 36, 40),
			image.Rect(4, 62, 23, 99), image.Rect(23, 61, 33, 98)}, 2},
		{"one line of two characters", []image.Rectangle{
			image.Rect(3, 3, 40, 40), image.Rect(45, 3, 82, 40)}, 0},
		{"a number", []image.Rectangle{
			image.Rect(3, 3, 20, 40), image.Rect(24, 3, 41, 40)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rg := glyphRegion(90, 110, 37, tt.pieces...)
			bands := rg.stacked()
			if len(bands) != tt.bands {
				t.Fatalf("stacked = %v, want %d bands", bands, tt.bands)
			}
			if bands != nil {
				if img := rg.sideBySide(bands); img.Rect.Dy() > 40 || img.Rect.Dx() < 70 {
					t.Errorf("side by side: %v, want one line", img.Rect)
				}
			}
		})
	}
}

func TestFits(t *testing.T) {
	tests := []struct {
		s      string
		lo, hi int
		want   bool
	}{
		{"54", 2, 2, true},
		{"-11", 2, 2, true},
		{"1,878", 4, 4, true},
		{"-", 0, 0, true},
		{"-", 1, 1, false}, // a 5 whose pieces read as a dash
		{"4", 2, 2, false},
	}
	for _, tt := range tests {
		if got := fits(tt.s, tt.lo, tt.hi); got != tt.want {
			t.Errorf("fits(%q, %d, %d) = %v, want %v", tt.s, tt.lo, tt.hi, got, tt.want)
		}
	}
}

func TestCheckFours(t *testing.T) {
	// A 1: a stem with a flag at the top and a foot.
	one := []image.Rectangle{image.Rect(10, 3, 16, 33), image.Rect(4, 3, 10, 9), image.Rect(4, 30, 22, 33)}
	// A 4: a slant (drawn as steps) beside the stem, and the bar.
	four := []image.Rectangle{image.Rect(16, 3, 22, 33), image.Rect(4, 24, 26, 27)}
	for y := 3; y < 24; y += 3 {
		x := 14 - (y-3)/2
		four = append(four, image.Rect(x, y, x+3, y+3))
	}
	// A 4 whose slant a black-and-white scan lost: the stem and the bar.
	broken := []image.Rectangle{image.Rect(16, 3, 22, 33), image.Rect(4, 22, 26, 25)}
	tests := []struct {
		name   string
		pieces []image.Rectangle
		read   string
		want   string
	}{
		{"1 read as 4", one, "4", "1"},
		{"a 4", four, "4", "4"},
		{"a 4 without its slant", broken, "4", "4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The pieces of one glyph overlap: one component for the test.
			var box image.Rectangle
			for _, r := range tt.pieces {
				box = box.Union(r)
			}
			rg := glyphRegion(40, 40, 30, tt.pieces...)
			rg.comps = []imgproc.Component{{Box: box, Area: 100}}
			got, conf := rg.checkFours(tt.read, 0.5, rg.glyphBoxes())
			if got != tt.want || conf > 0.5 {
				t.Errorf("checkFours(%q) = %q, %.2f; want %q", tt.read, got, conf, tt.want)
			}
		})
	}
}

func TestValueLike(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"一8304", true},
		{"8304", true},
		{"（1）属于国家秘密", false},
		{"2.其他", false},
		{"7", true},
		{"trAi4", true},
		{"A.", false},
	}
	for _, tt := range tests {
		if got := valueLike(tt.s); got != tt.want {
			t.Errorf("valueLike(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}
