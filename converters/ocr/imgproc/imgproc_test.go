package imgproc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
			f, err := Open(tt.data, Limits{MaxPixels: 100_000_000, MaxPages: 100})
			if err == nil {
				_, err = f.Page(0)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := Open([]byte("hello"), Limits{MaxPixels: 1000}); !errors.Is(err, ErrFormat) {
		t.Fatalf("text: got %v, want ErrFormat", err)
	}
}

func TestTIFFPages(t *testing.T) {
	// Two pages of different sizes in one TIFF, written as genscans does.
	data := tiffOf(t, 8, 0, 0, page(40, 30), page(50, 20))
	f, err := Open(data, Limits{MaxPixels: 1 << 20, MaxPages: 100})
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

// marked is a white page with a black bar across its middle third and a
// black square in its top left corner.
func marked(w, h int) *image.Gray {
	g := page(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if (y >= h/3 && y < 2*h/3 && x >= w/4 && x < 3*w/4) || (x < w/8 && y < h/8) {
				g.Pix[y*g.Stride+x] = 0
			}
		}
	}
	return g
}

// TestTIFFCompressions decodes the pages libtiff's tiffcp writes in every
// compression a scanner or fax uses, multi-page, and a fax's oblong pixels
// made square.
func TestTIFFCompressions(t *testing.T) {
	if _, err := exec.LookPath("tiffcp"); err != nil {
		t.Skip("tiffcp (libtiff-tools) is not installed")
	}
	gray := tiffOf(t, 8, 0, 0, marked(160, 120), marked(96, 64))
	bilevel := tiffOf(t, 1, 0, 0, marked(160, 120), marked(96, 64))
	fine := tiffOf(t, 1, 204, 196, marked(160, 120), marked(96, 64))
	normal := tiffOf(t, 1, 204, 98, marked(160, 60))
	// Turned a quarter after it was received, its tags as they were.
	turned := tiffOf(t, 1, 204, 98, marked(60, 160))
	tests := []struct {
		name  string
		src   []byte
		flags []string
		sizes []image.Rectangle
	}{
		{"none", gray, []string{"-c", "none"}, nil},
		{"PackBits", gray, []string{"-c", "packbits"}, nil},
		{"LZW", gray, []string{"-c", "lzw"}, nil},
		{"Deflate", gray, []string{"-c", "zip"}, nil},
		{"JPEG", gray, []string{"-c", "jpeg", "-r", "16"}, nil},
		{"CCITT G3 1-D", bilevel, []string{"-c", "g3:1d"}, nil},
		{"CCITT G3 2-D", bilevel, []string{"-c", "g3:2d"}, nil},
		{"CCITT G4", bilevel, []string{"-c", "g4"}, nil},
		{"G3 fine 204x196", fine, []string{"-c", "g3:2d"}, []image.Rectangle{image.Rect(0, 0, 160, 125), image.Rect(0, 0, 96, 67)}},
		{"G3 normal 204x98", normal, []string{"-c", "g3"}, []image.Rectangle{image.Rect(0, 0, 160, 125)}},
		{"G3 normal turned", turned, []string{"-c", "g3"}, []image.Rectangle{image.Rect(0, 0, 125, 160)}},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, out := filepath.Join(dir, "in.tif"), filepath.Join(dir, "out.tif")
			if err := os.WriteFile(in, tt.src, 0o644); err != nil {
				t.Fatal(err)
			}
			if b, err := exec.Command("tiffcp", append(tt.flags, in, out)...).CombinedOutput(); err != nil {
				t.Fatalf("tiffcp: %v: %s", err, b)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Open(data, Limits{MaxPixels: 1 << 20, MaxPages: 10})
			if err != nil {
				t.Fatal(err)
			}
			want := tt.sizes
			if want == nil {
				want = []image.Rectangle{image.Rect(0, 0, 160, 120), image.Rect(0, 0, 96, 64)}
			}
			if f.Pages() != len(want) {
				t.Fatalf("%d pages, want %d", f.Pages(), len(want))
			}
			for i, r := range want {
				g, err := f.Page(i)
				if err != nil {
					t.Fatal(err)
				}
				if g.Rect != r {
					t.Fatalf("page %d: %v, want %v", i+1, g.Rect, r)
				}
				w, h := r.Dx(), r.Dy()
				if bar, corner, paper := g.GrayAt(w/2, h/2).Y, g.GrayAt(2, 2).Y, g.GrayAt(w-3, h-3).Y; bar > 60 || corner > 60 || paper < 200 {
					t.Fatalf("page %d: bar %d, corner %d, paper %d: want dark, dark, white (inverted or garbled?)", i+1, bar, corner, paper)
				}
			}
		})
	}
}

// TestTIFFChains refuses a TIFF whose pages loop or run past the limit,
// whole and before decoding.
func TestTIFFChains(t *testing.T) {
	two := tiffOf(t, 8, 0, 0, page(8, 8), page(8, 8))
	// Point the second page's next-directory offset back at the first.
	loop := bytes.Clone(two)
	first := binary.LittleEndian.Uint32(loop[4:])
	binary.LittleEndian.PutUint32(loop[len(loop)-4:], first)
	many := tiffOf(t, 8, 0, 0, slices.Repeat([]*image.Gray{page(2, 2)}, 3000)...)
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"loop", loop, ErrCorrupt},
		{"3000 pages", many, ErrTooManyPages},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(tt.data, Limits{MaxPixels: 1 << 20, MaxPages: 500})
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			t.Log(err)
		})
	}
}

// tiffOf writes a minimal uncompressed multi-page TIFF, 8-bit gray or
// 1-bit black and white (threshold 128), with the resolution given unless
// it is 0.
func tiffOf(t *testing.T, bits int, xres, yres uint32, pages ...*image.Gray) []byte {
	t.Helper()
	var out bytes.Buffer
	le := binary.LittleEndian
	out.WriteString("II*\x00\x00\x00\x00\x00")
	next := 4
	for _, g := range pages {
		w, h := g.Rect.Dx(), g.Rect.Dy()
		pix := g.Pix
		photometric := uint32(1) // black is zero
		if bits == 1 {
			stride := (w + 7) / 8
			pix = make([]byte, stride*h)
			for y := 0; y < h; y++ {
				for x := 0; x < w; x++ {
					if g.Pix[y*g.Stride+x] < 128 {
						pix[y*stride+x/8] |= 0x80 >> (x % 8)
					}
				}
			}
			photometric = 0 // white is zero, as faxes are
		}
		strip := out.Len()
		out.Write(pix)
		res := out.Len()
		binary.Write(&out, le, [4]uint32{xres, 1, yres, 1})
		ifd := out.Len()
		le.PutUint32(out.Bytes()[next:], uint32(ifd))
		entries := [][3]uint32{{256, 4, uint32(w)}, {257, 4, uint32(h)}, {258, 3, uint32(bits)}, {259, 3, 1},
			{262, 3, photometric}, {273, 4, uint32(strip)}, {277, 3, 1}, {278, 4, uint32(h)}, {279, 4, uint32(len(pix))}}
		if xres > 0 {
			entries = append(entries, [3]uint32{282, 5, uint32(res)}, [3]uint32{283, 5, uint32(res + 8)}, [3]uint32{296, 3, 2})
		}
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

// TestShearFindsLean: a grid whose upright lines lean (as a tilted page
// sampled with oblong pixels and made square has them) while its level
// lines lie level is found leaning by the angle it was sheared, and stands
// upright once unsheared.
func TestShearFindsLean(t *testing.T) {
	for _, deg := range []float64{-1.5, 0, 0.8} {
		g := page(1200, 900)
		for y := 100; y < 800; y += 60 {
			for x := 100; x < 1100; x++ {
				g.Pix[y*g.Stride+x] = 0
			}
		}
		for x := 100; x < 1100; x += 90 {
			for y := 100; y < 800; y++ {
				g.Pix[y*g.Stride+x] = 0
			}
		}
		sheared := Unshear(g, -deg)
		if got := Shear(Binarize(sheared)); math.Abs(got-deg) > 0.1 {
			t.Errorf("lean %.1f: Shear = %.2f", deg, got)
		}
		if got := Skew(Binarize(sheared)); math.Abs(got) > 0.1 {
			t.Errorf("lean %.1f: Skew = %.2f, want the level lines level", deg, got)
		}
		if got := Shear(Binarize(Unshear(sheared, deg))); math.Abs(got) > 0.1 {
			t.Errorf("lean %.1f: Shear = %.2f once unsheared", deg, got)
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
		file, err := Open(data, Limits{MaxPixels: 1 << 20, MaxPages: 100})
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

// TestGrayDropsStampInk: red and blue seal ink turns as light as paper
// while black print, alone or under the seal, and gray stay as they are,
// from RGBA and from a colour JPEG.
func TestGrayDropsStampInk(t *testing.T) {
	tests := []struct {
		name   string
		c      color.RGBA
		lo, hi uint8
	}{
		{"paper", color.RGBA{250, 248, 245, 255}, 235, 255},
		{"black print", color.RGBA{20, 20, 20, 255}, 0, 40},
		{"print under a red seal", color.RGBA{60, 8, 10, 255}, 0, 80},
		{"gray shading", color.RGBA{128, 128, 128, 255}, 120, 136},
		{"red seal", color.RGBA{215, 40, 45, 255}, 205, 255},
		{"pale red seal", color.RGBA{235, 130, 130, 255}, 205, 255},
		{"blue stamp", color.RGBA{40, 70, 210, 255}, 200, 255},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := image.NewRGBA(image.Rect(0, 0, 32, 32))
			for i := 0; i < len(img.Pix); i += 4 {
				img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = tt.c.R, tt.c.G, tt.c.B, 255
			}
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
				t.Fatal(err)
			}
			ycc, err := jpeg.Decode(&buf)
			if err != nil {
				t.Fatal(err)
			}
			for name, src := range map[string]image.Image{"RGBA": img, "JPEG": ycc} {
				if v := Gray(src).GrayAt(16, 16).Y; v < tt.lo || v > tt.hi {
					t.Errorf("%s: gray %d, want %d-%d", name, v, tt.lo, tt.hi)
				}
			}
		})
	}
}

// TestFlattenPhoto: a page seen at an angle on a dark desk, lit from one
// side, comes back a rectangle of about its size with even paper; a scan
// is left alone.
func TestFlattenPhoto(t *testing.T) {
	pg := marked(400, 560)
	cw, ch := 520, 680
	quad := [4][2]float64{{70, 40}, {470, 75}, {445, 640}, {40, 610}}
	p, ok := NewPerspective(quad, [4][2]float64{{0, 0}, {399, 0}, {399, 559}, {0, 559}})
	if !ok {
		t.Fatal("degenerate perspective")
	}
	photo := image.NewGray(image.Rect(0, 0, cw, ch))
	for y := 0; y < ch; y++ {
		for x := 0; x < cw; x++ {
			sx, sy := p.Map(float64(x), float64(y))
			v := 70.0
			if sx >= 0 && sy >= 0 && sx <= 399 && sy <= 559 {
				v = float64(pg.Pix[int(sy)*pg.Stride+int(sx)])
			}
			photo.Pix[y*photo.Stride+x] = uint8(v * (1 - 0.4*float64(x)/float64(cw)))
		}
	}
	// The corners are found to within a pixel or two (on the small copy
	// alone they are several off); the top left one is under the page's
	// black mark, which hides where the paper ends.
	found, ok := findPage(photo)
	if !ok {
		t.Fatal("no page found in the photo")
	}
	for i, c := range found[1:] {
		i++
		if d := math.Hypot(c[0]-quad[i][0], c[1]-quad[i][1]); d > 1.5 {
			t.Errorf("corner %d found at %.1f,%.1f, %.1f pixels from %v", i, c[0], c[1], d, quad[i])
		}
	}
	flat, ok := Flatten(photo)
	if !ok {
		t.Fatal("no page found in the photo")
	}
	w, h := flat.Rect.Dx(), flat.Rect.Dy()
	if math.Abs(float64(w)-400) > 30 || math.Abs(float64(h)-560) > 30 {
		t.Fatalf("flattened to %dx%d, want about 400x560", w, h)
	}
	if bar, left, right := flat.GrayAt(w/2, h/2).Y, flat.GrayAt(w/10, h*9/10).Y, flat.GrayAt(w*9/10, h*9/10).Y; bar > 60 || left < 200 || right < 200 {
		t.Fatalf("bar %d, paper left %d and right %d: want dark and even white", bar, left, right)
	}
	if _, ok := Flatten(marked(400, 560)); ok {
		t.Fatal("a scan was taken for a photo")
	}
}

// TestComponents checks the labels of 8-connected pieces: numbered by
// their first pixel row by row, pieces joined at a corner or only further
// down (a U) one piece, with their boxes and areas.
func TestComponents(t *testing.T) {
	tests := []struct {
		name  string
		rows  []string
		want  []string // labels, one digit a pixel
		boxes []image.Rectangle
		areas []int
	}{
		{"corner", []string{"#..#", ".#.#", "..#."}, []string{"1..1", ".1.1", "..1."},
			[]image.Rectangle{image.Rect(0, 0, 4, 3)}, []int{5}},
		{"U joined below", []string{"#..#", "#..#", "####"}, []string{"1..1", "1..1", "1111"},
			[]image.Rectangle{image.Rect(0, 0, 4, 3)}, []int{8}},
		{"apart", []string{"..#.#", "#....", "#..##"}, []string{"..1.2", "3....", "3..44"},
			[]image.Rectangle{image.Rect(2, 0, 3, 1), image.Rect(4, 0, 5, 1), image.Rect(0, 1, 1, 3), image.Rect(3, 2, 5, 3)},
			[]int{1, 1, 2, 2}},
		{"blank", []string{"...", "..."}, []string{"...", "..."}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBin(len(tt.rows[0]), len(tt.rows))
			for y, r := range tt.rows {
				for x, c := range r {
					if c == '#' {
						b.Pix[y*b.W+x] = 1
					}
				}
			}
			labels, _ := Label(b)
			_, comps := Components(b)
			for y, r := range tt.want {
				for x, c := range r {
					want := int32(0)
					if c != '.' {
						want = c - '0'
					}
					if got := labels[y*b.W+x]; got != want {
						t.Fatalf("label at %d,%d = %d, want %d", x, y, got, want)
					}
				}
			}
			if len(comps) != len(tt.boxes)+1 {
				t.Fatalf("%d pieces, want %d", len(comps)-1, len(tt.boxes))
			}
			for i, c := range comps[1:] {
				if c.Box != tt.boxes[i] || c.Area != tt.areas[i] {
					t.Errorf("piece %d: %v area %d, want %v area %d", i+1, c.Box, c.Area, tt.boxes[i], tt.areas[i])
				}
			}
		})
	}
}
