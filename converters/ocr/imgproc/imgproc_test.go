package imgproc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"testing"
)

// bombPNG is the header of a PNG declaring w x h pixels, with no pixels.
func bombPNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0 // 8-bit gray
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func page(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	return g
}

func TestPageRefusesBadInput(t *testing.T) {
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, page(300, 200), nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"pixel bomb 60000x60000", bombPNG(60000, 60000), ErrTooLarge},
		{"zero size", bombPNG(0, 10), ErrCorrupt},
		{"truncated JPEG", jpg.Bytes()[:jpg.Len()/2], ErrCorrupt},
		{"JPEG header only", []byte("\xFF\xD8\xFF\xE0"), ErrCorrupt},
		{"TIFF header only", []byte("II*\x00"), ErrCorrupt},
		{"TIFF IFD past end", []byte("II*\x00\xff\xff\x00\x00"), ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Open(tt.data, 100_000_000)
			if err == nil {
				_, err = f.Page(0)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := Open([]byte("hello"), 1000); !errors.Is(err, ErrFormat) {
		t.Fatalf("text: got %v, want ErrFormat", err)
	}
}

func TestTIFFPages(t *testing.T) {
	// Two pages of different sizes in one TIFF, written as genscans does.
	data := tiffOf(t, page(40, 30), page(50, 20))
	f, err := Open(data, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if f.Pages() != 2 {
		t.Fatalf("pages = %d, want 2", f.Pages())
	}
	for i, want := range []image.Rectangle{image.Rect(0, 0, 40, 30), image.Rect(0, 0, 50, 20)} {
		g, err := f.Page(i)
		if err != nil {
			t.Fatal(err)
		}
		if g.Rect != want {
			t.Errorf("page %d: %v, want %v", i+1, g.Rect, want)
		}
	}
}

// tiffOf writes a minimal uncompressed 8-bit multi-page TIFF.
func tiffOf(t *testing.T, pages ...*image.Gray) []byte {
	t.Helper()
	var out bytes.Buffer
	le := binary.LittleEndian
	out.WriteString("II*\x00\x00\x00\x00\x00")
	next := 4
	for _, g := range pages {
		strip := out.Len()
		out.Write(g.Pix)
		ifd := out.Len()
		le.PutUint32(out.Bytes()[next:], uint32(ifd))
		entries := [][3]uint32{{256, 4, uint32(g.Rect.Dx())}, {257, 4, uint32(g.Rect.Dy())}, {258, 3, 8}, {259, 3, 1},
			{262, 3, 1}, {273, 4, uint32(strip)}, {277, 3, 1}, {278, 4, uint32(g.Rect.Dy())}, {279, 4, uint32(len(g.Pix))}}
		binary.Write(&out, le, uint16(len(entries)))
		for _, e := range entries {
			binary.Write(&out, le, uint16(e[0]))
			binary.Write(&out, le, uint16(e[1]))
			binary.Write(&out, le, uint32(1))
			binary.Write(&out, le, e[2])
		}
		next = out.Len()
		binary.Write(&out, le, uint32(0))
	}
	return out.Bytes()
}

func TestSkewFindsTilt(t *testing.T) {
	// Ruled lines and text-like bars, tilted by known angles.
	for _, deg := range []float64{-2, -0.7, 0, 1.3, 3} {
		g := page(1200, 900)
		for y := 100; y < 800; y += 60 {
			for x := 100; x < 1100; x++ {
				for k := 0; k < 3; k++ {
					g.Pix[(y+k)*g.Stride+x] = 0
				}
			}
		}
		tilted := Rotate(g, -deg)
		got := Skew(Binarize(tilted))
		if math.Abs(got-deg) > 0.1 {
			t.Errorf("tilt %.1f: Skew = %.2f", deg, got)
		}
	}
}

func TestBlankPageHasNoInk(t *testing.T) {
	g := page(500, 700)
	for i := range g.Pix {
		g.Pix[i] = uint8(230 + i%20) // paper texture
	}
	if n := Binarize(g).Ink(); n != 0 {
		t.Fatalf("blank page: %d ink pixels", n)
	}
}

func TestBilevel(t *testing.T) {
	text := page(400, 300) // black text on white
	for y := 100; y < 120; y++ {
		for x := 50; x < 350; x++ {
			text.Pix[y*text.Stride+x] = 0
		}
	}
	for x := 50; x < 350; x++ {
		text.Pix[120*text.Stride+x] = 128 // an edge softened by the scanner
	}
	gray := page(400, 300)
	for i := range gray.Pix {
		gray.Pix[i] = uint8(120 + i%100) // a grayscale scan's paper and ink
	}
	tests := []struct {
		name string
		g    *image.Gray
		want bool
	}{
		{"black and white", text, true},
		{"gray", gray, false},
	}
	for _, tt := range tests {
		if got := Bilevel(tt.g); got != tt.want {
			t.Errorf("%s: Bilevel = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// FuzzDecode runs arbitrary bytes through decoding and the page preparation
// (binarization, skew, rotation): errors are fine, panics and runaway
// allocations are not.
func FuzzDecode(f *testing.F) {
	var pngBuf, jpgBuf bytes.Buffer
	png.Encode(&pngBuf, page(64, 48))
	jpeg.Encode(&jpgBuf, page(64, 48), nil)
	f.Add(pngBuf.Bytes())
	f.Add(jpgBuf.Bytes())
	f.Add(bombPNG(60000, 60000))
	f.Add([]byte("II*\x00\x08\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Open(data, 1<<20)
		if err != nil {
			return
		}
		for i := 0; i < min(file.Pages(), 4); i++ {
			g, err := file.Page(i)
			if err != nil {
				continue
			}
			b := Binarize(g)
			Rotate(g, Skew(b))
		}
	})
}
