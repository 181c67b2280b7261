package ocr

import (
	"context"
	"testing"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
)

// TestOrientByProse turns a scanned page of prose every way and checks
// that, with the script known, the upright page is told so by its band of
// prose alone (no probe read, the band kept for its text), and the turned
// ones are turned back.
func TestOrientByProse(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR of a scanned page: not in -short")
	}
	g := committedScan(t, "002-300.pdf")
	// The page was scanned a quarter turn anticlockwise.
	g = imgproc.Turn(g, 3)
	e := newEngine("")
	defer e.close()
	tests := []struct {
		turn, back int
	}{
		{0, 0},
		{1, 3},
		{2, 2},
		{3, 1},
	}
	for _, tt := range tests {
		p, pr, err := orient(context.Background(), e, imgproc.Turn(g, tt.turn), langSimplified)
		if err != nil {
			t.Fatal(err)
		}
		if p.frame.quarters != tt.back {
			t.Errorf("turned %d: turned back %d, want %d", tt.turn, p.frame.quarters, tt.back)
		}
		if byProse := pr.img == nil && p.read != nil; byProse != (tt.turn == 0) {
			t.Errorf("turned %d: told upright by its prose %v", tt.turn, byProse)
		}
	}
}
