package imgproc

import (
	"bytes"
	"image/jpeg"
	"math/rand/v2"
	"testing"
)

// TestGrayJPEG decodes gray JPEGs through libjpeg-turbo, as Page does, and
// checks them against image/jpeg's decoding of the same files: the two
// decoders' inverse DCTs round differently, by a level at most.
func TestGrayJPEG(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	for _, q := range []int{50, 75, 95} {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, randomPage(r, 203, 131), &jpeg.Options{Quality: q}); err != nil {
			t.Fatal(err)
		}
		g, ok := leptGrayJPEG(buf.Bytes())
		if !ok {
			t.Fatalf("quality %d: libjpeg did not decode it", q)
		}
		f, err := Open(buf.Bytes(), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if p, err := f.Page(0); err != nil || !samePixels(p, g) {
			t.Fatalf("quality %d: Page does not decode it so (%v)", q, err)
		}
		img, err := jpeg.Decode(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		want := Gray(img)
		if g.Rect != want.Rect {
			t.Fatalf("quality %d: %v, image/jpeg gives %v", q, g.Rect, want.Rect)
		}
		most := 0
		for i := range want.Pix {
			most = max(most, absDiff(g.Pix[i], want.Pix[i]))
		}
		if most > 1 {
			t.Errorf("quality %d: pixels %d levels apart", q, most)
		}
	}
}
