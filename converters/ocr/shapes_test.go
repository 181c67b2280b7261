package ocr

import (
	"image"
	"image/color"
	"math"
	"testing"
)

// ringRegion draws a digit-like glyph w by h pixels, dark on white, in a
// region: a ring (a 0 of sorts), with a bar across its middle when barred
// (an 8), and returns the glyph's box.
func ringRegion(w, h int, barred bool) (*region, image.Rectangle) {
	img := image.NewGray(image.Rect(0, 0, w+2*margin, h+2*margin))
	for i := range img.Pix {
		img.Pix[i] = 250
	}
	cx, cy := float64(w)/2, float64(h)/2
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := (float64(x)+0.5-cx)/cx, (float64(y)+0.5-cy)/cy
			r := math.Hypot(dx, dy)
			ink := r <= 1 && r >= 0.7 || barred && math.Abs(dy) < 0.12 && r <= 1
			if ink {
				img.SetGray(margin+x, margin+y, color.Gray{Y: 20})
			}
		}
	}
	return &region{img: img, tall: h}, image.Rect(margin, margin, margin+w, margin+h)
}

func TestGlyphShapes(t *testing.T) {
	zeroRg, zeroBox := ringRegion(20, 30, false)
	zero, ok := glyphShape(zeroRg, zeroBox)
	if !ok {
		t.Fatal("a plain glyph was not sampled")
	}
	eightRg, eightBox := ringRegion(20, 30, true)
	eight, _ := glyphShape(eightRg, eightBox)
	bigRg, bigBox := ringRegion(30, 45, false)
	big, _ := glyphShape(bigRg, bigBox)
	if d := zero.distance(zero); d != 0 {
		t.Errorf("a glyph is %v from itself", d)
	}
	if d := zero.distance(big); d != 1 {
		t.Errorf("glyphs of other sizes are %v apart, want 1", d)
	}
	if d := zero.distance(eight); d <= sameShape {
		t.Errorf("a ring and a barred ring are only %v apart", d)
	}
	faint := &region{img: image.NewGray(image.Rect(0, 0, 10, 20)), tall: 20}
	if _, ok := glyphShape(faint, faint.img.Rect); ok {
		t.Error("a glyph without contrast was sampled")
	}

	tests := []struct {
		name  string
		known map[string]shape
		query shape
		want  string // "" for no likeness
	}{
		{"no glyph known", nil, zero, ""},
		{"drawn as a known glyph", map[string]shape{"0": zero, "8": eight}, zero, "0"},
		{"the other known glyph", map[string]shape{"0": zero, "8": eight}, eight, "8"},
		{"of another size", map[string]shape{"0": zero}, big, ""},
		{"as near two texts", map[string]shape{"0": zero, "6": zero}, zero, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &glyphMemo{}
			for text, s := range tt.known {
				m.addAll([]shape{s}, text, 0.9)
			}
			got, conf, ok := m.like(tt.query)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("like = %q %v, want %q", got, ok, tt.want)
			}
			if ok && conf != 0.9 {
				t.Errorf("confidence %v, want the known glyph's 0.9", conf)
			}
		})
	}
}

// TestGlyphMemoDigitsOnly checks that only a digit is remembered: a sign
// read beside a glyph is not in its shape, and a lone glyph read as two
// digits was misread.
func TestGlyphMemoDigitsOnly(t *testing.T) {
	rg, box := ringRegion(20, 30, false)
	s, _ := glyphShape(rg, box)
	m := &glyphMemo{}
	for _, text := range []string{"-8", "12", "", "."} {
		m.addAll([]shape{s}, text, 0.9)
	}
	if len(m.known) != 0 {
		t.Errorf("remembered %d glyphs that are not one digit", len(m.known))
	}
	var nilMemo *glyphMemo
	nilMemo.addAll([]shape{s}, "0", 0.9)
	if _, _, ok := nilMemo.like(s); ok {
		t.Error("a nil memo knows a glyph")
	}
}

// TestGlyphMemoNumbers checks that a number's glyphs are remembered one
// digit each, and that a number is told only when every glyph is known.
func TestGlyphMemoNumbers(t *testing.T) {
	rg, box := ringRegion(20, 30, false)
	zero, _ := glyphShape(rg, box)
	rg, box = ringRegion(20, 30, true)
	eight, _ := glyphShape(rg, box)
	m := &glyphMemo{}
	m.addAll([]shape{eight, zero}, "80", 0.9)
	m.addAll([]shape{zero, zero}, "0,0", 0.9) // a separator is no glyph
	if len(m.known) != 2 {
		t.Fatalf("remembered %d glyphs, want the 2 of 80", len(m.known))
	}
	tests := []struct {
		glyphs []shape
		want   string // "" for not told
	}{
		{[]shape{zero, eight, zero}, "080"},
		{[]shape{eight}, "8"},
		{nil, ""},
	}
	for _, tt := range tests {
		got, conf, ok := m.likeAll(tt.glyphs)
		if got != tt.want || ok != (tt.want != "") || ok && conf != 0.9 {
			t.Errorf("likeAll(%d glyphs) = %q %v %v, want %q", len(tt.glyphs), got, conf, ok, tt.want)
		}
	}
	other := &glyphMemo{}
	other.addAll([]shape{zero}, "0", 0.9)
	if _, _, ok := other.likeAll([]shape{zero, eight}); ok {
		t.Error("a number with an unknown glyph was told")
	}
}

// TestMemoConfidence checks what readNumber relies on to remember only
// glyphs whose reads agreed with none against them: a number settled over
// another sure read, or not at all, is capped below memoConfidence.
func TestMemoConfidence(t *testing.T) {
	if majorityConfidence >= memoConfidence || splitConfidence >= memoConfidence {
		t.Errorf("a split read's cap (%v, %v) reaches memoConfidence %v", majorityConfidence, splitConfidence, memoConfidence)
	}
}
