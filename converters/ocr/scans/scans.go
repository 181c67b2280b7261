// Package scans makes scan-like page images from PDFs, for testing the OCR:
// it renders pages with pdftoppm, degrades them as a scanner, fax or phone
// would (tilt, noise, blur, JPEG loss, a page turned sideways), and writes
// them as JPEG, PNG, multi-page TIFF or an image-only PDF.
package scans

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
)

// Render renders every page of the PDF at dpi in grayscale with pdftoppm
// and returns the pages.
func Render(pdf string, dpi int) ([]*image.Gray, error) { return RenderXY(pdf, dpi, dpi) }

// RenderXY is Render at xdpi across and ydpi down, as a fax samples a page.
func RenderXY(pdf string, xdpi, ydpi int) ([]*image.Gray, error) {
	dir, err := os.MkdirTemp("", "scans")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command("pdftoppm", "-rx", fmt.Sprint(xdpi), "-ry", fmt.Sprint(ydpi), "-gray", "-png", pdf, filepath.Join(dir, "p"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pdftoppm %s: %v: %s", pdf, err, out)
	}
	files, err := filepath.Glob(filepath.Join(dir, "p-*.png"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files) // pdftoppm pads page numbers to the same width
	pages := make([]*image.Gray, 0, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		img, err := imgproc.Open(data, imgproc.Limits{})
		if err != nil {
			return nil, err
		}
		g, err := img.Page(0)
		if err != nil {
			return nil, err
		}
		pages = append(pages, g)
	}
	return pages, nil
}

// Damage says how to degrade a page.
type Damage struct {
	Tilt     float64 // degrees
	Turn     int     // quarter turns clockwise
	Noise    float64 // standard deviation of gray noise
	Blur     bool    // a 3x3 box blur, as a soft focus
	Specks   int     // black specks per million pixels
	Quality  int     // JPEG quality the page goes through; 0 for none
	Bilevel  bool    // thresholded to black and white, as a fax
	Upturned bool    // turned upside down
}

// Fax returns the damage as a fax or a black-and-white scanner does it:
// thresholded to black and white, without the grain, blur and JPEG loss of
// a gray scan.
func (d Damage) Fax() Damage {
	d.Quality, d.Bilevel, d.Noise, d.Blur = 0, true, 0, false
	return d
}

// RandomDamage draws a damage within the ranges of the test set: a tilt of
// 0.5 to 2 degrees either way, noise, sometimes blur, JPEG loss, and one
// page in sideways out of turnEvery (0: never).
func RandomDamage(r *rand.Rand, turnEvery int) Damage {
	d := Damage{
		Tilt:    (0.5 + 1.5*r.Float64()) * float64(1-2*r.IntN(2)),
		Noise:   3 + 6*r.Float64(),
		Blur:    r.IntN(2) == 0,
		Specks:  r.IntN(40),
		Quality: 45 + r.IntN(35),
	}
	if turnEvery > 0 && r.IntN(turnEvery) == 0 {
		d.Turn = 1 + 2*r.IntN(2)
	}
	return d
}

// Apply returns the page degraded; r draws the noise.
func (d Damage) Apply(g *image.Gray, r *rand.Rand) (*image.Gray, error) {
	g = imgproc.Rotate(g, d.Tilt)
	if d.Blur {
		g = blur(g)
	}
	if d.Noise > 0 || d.Specks > 0 {
		w, h := g.Rect.Dx(), g.Rect.Dy()
		for i := range g.Pix {
			v := float64(g.Pix[i]) + r.NormFloat64()*d.Noise
			g.Pix[i] = uint8(math.Max(0, math.Min(255, v)))
		}
		for n := d.Specks * w * h / 1_000_000; n > 0; n-- {
			x, y := r.IntN(w-2), r.IntN(h-2)
			for k := 0; k < 4; k++ {
				g.Pix[(y+k/2)*g.Stride+x+k%2] = 30
			}
		}
	}
	if d.Bilevel {
		for i, v := range g.Pix {
			if v < 150 {
				g.Pix[i] = 0
			} else {
				g.Pix[i] = 255
			}
		}
	}
	if d.Quality > 0 {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, g, &jpeg.Options{Quality: d.Quality}); err != nil {
			return nil, err
		}
		img, err := jpeg.Decode(&buf)
		if err != nil {
			return nil, err
		}
		g = imgproc.Gray(img)
	}
	if d.Upturned {
		g = imgproc.Turn(g, 2)
	}
	return imgproc.Turn(g, d.Turn), nil
}

// Seal stamps a red official seal (公章) of radius r pixels centred at cx,
// cy onto the page, as ink multiplies over print: a ring, characters
// around it, a star in the middle, the ink uneven. Print under the seal
// stays black.
func Seal(g *image.Gray, cx, cy, r int, rnd *rand.Rand) *image.RGBA {
	b := g.Rect
	out := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			v := g.Pix[g.PixOffset(x, y)]
			i := out.PixOffset(x, y)
			out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = v, v, v, 255
		}
	}
	ring := float64(r) / 14
	chars := 14 // blocks for the characters around the ring
	fr := float64(r)
	for y := max(b.Min.Y, cy-r); y < min(b.Max.Y, cy+r); y++ {
		for x := max(b.Min.X, cx-r); x < min(b.Max.X, cx+r); x++ {
			dx, dy := float64(x-cx), float64(y-cy)
			d := math.Hypot(dx, dy)
			a := math.Atan2(dy, dx)
			ink := false
			switch {
			case d <= fr && d >= fr-ring:
				ink = true
			case d >= 0.58*fr && d <= 0.8*fr && a < 0.75*math.Pi && a > -1.75*math.Pi:
				// Characters along the upper arc: strokes across and along it.
				k := (a + math.Pi) / (1.75 * math.Pi) * float64(chars)
				f := k - math.Floor(k)
				ink = f > 0.15 && f < 0.85 && (math.Mod(d, fr/10) < fr/30 || math.Abs(f-0.5) < 0.08)
			case d < 0.35*fr:
				ink = inStar(dx/(0.35*fr), dy/(0.35*fr))
			}
			if !ink {
				continue
			}
			density := 0.75 + 0.25*rnd.Float64()
			i := out.PixOffset(x, y)
			for c, k := range []float64{215, 35, 45} {
				ink := 255 - density*(255-k)
				out.Pix[i+c] = uint8(float64(out.Pix[i+c]) * ink / 255)
			}
		}
	}
	return out
}

// inStar reports whether x, y (the star's radius is 1) falls in a
// five-pointed star, point up.
func inStar(x, y float64) bool {
	a := math.Atan2(x, -y) // 0 straight up
	d := math.Hypot(x, y)
	sector := math.Mod(a+2*math.Pi, 2*math.Pi/5) - math.Pi/5 // -36..36 degrees about a point
	// The edge runs from the point (radius 1) to the inner corner (0.38).
	edge := 1 - (1-0.38)*math.Abs(sector)/(math.Pi/5)
	return d <= edge
}

// Photo makes a phone photo of a page: the page seen at an angle on a
// darker desk (its corners moved by up to 7% of its width and 5% of its
// height, so its edges lean by up to about 8 degrees), lit from one side,
// slightly out of focus, grainy.
func Photo(g *image.Gray, r *rand.Rand) *image.Gray {
	w, h := float64(g.Rect.Dx()), float64(g.Rect.Dy())
	cw, ch := int(w*1.18), int(h*1.14)
	mx, my := (float64(cw)-w)/2, (float64(ch)-h)/2
	jx := func() float64 { return (2*r.Float64() - 1) * 0.07 * w }
	jy := func() float64 { return (2*r.Float64() - 1) * 0.05 * h }
	quad := [4][2]float64{
		{mx + jx(), my + jy()}, {mx + w + jx(), my + jy()},
		{mx + w + jx(), my + h + jy()}, {mx + jx(), my + h + jy()},
	}
	page := [4][2]float64{{0, 0}, {w - 1, 0}, {w - 1, h - 1}, {0, h - 1}}
	p, ok := imgproc.NewPerspective(quad, page)
	if !ok {
		return g
	}
	// The light falls off from one corner to the opposite one.
	lx, ly := r.Float64(), r.Float64()
	fall := 0.3 + 0.15*r.Float64()
	out := image.NewGray(image.Rect(0, 0, cw, ch))
	desk := 60 + r.IntN(40)
	for y := 0; y < ch; y++ {
		for x := 0; x < cw; x++ {
			sx, sy := p.Map(float64(x), float64(y))
			var v float64
			if sx < 0 || sy < 0 || sx > w-1 || sy > h-1 {
				v = float64(desk) + 8*r.NormFloat64()
			} else {
				v = float64(g.Pix[int(sy)*g.Stride+int(sx)])
			}
			d := math.Hypot(float64(x)/float64(cw)-lx, float64(y)/float64(ch)-ly) / math.Sqrt2
			v *= 1 - fall*d
			out.Pix[y*out.Stride+x] = uint8(math.Max(0, math.Min(255, v+3*r.NormFloat64())))
		}
	}
	return blur(out)
}

func blur(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(g.Rect)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			s, n := 0, 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if xx, yy := x+dx, y+dy; xx >= 0 && yy >= 0 && xx < w && yy < h {
						s += int(g.Pix[yy*g.Stride+xx])
						n++
					}
				}
			}
			out.Pix[y*out.Stride+x] = uint8(s / n)
		}
	}
	return out
}

// JPEG encodes a page as a grayscale JPEG.
func JPEG(g *image.Gray, quality int) ([]byte, error) {
	var buf bytes.Buffer
	err := jpeg.Encode(&buf, g, &jpeg.Options{Quality: quality})
	return buf.Bytes(), err
}

// TIFF encodes pages as one multi-page TIFF, black and white (threshold
// 160, as a fax), deflate-compressed, at dpi.
func TIFF(pages []*image.Gray, dpi int) ([]byte, error) { return writeTIFF(pages, dpi, dpi, true) }

// Retiff re-encodes gray pages as a TIFF with libtiff's tiffcp, which
// takes its compression flags (such as "-c", "g4" or "-c", "jpeg:60"):
// black and white as TIFF does (for the fax codings) when bilevel, else 8-bit
// gray, at xdpi by ydpi.
func Retiff(pages []*image.Gray, xdpi, ydpi int, bilevel bool, flags ...string) ([]byte, error) {
	raw, err := writeTIFF(pages, xdpi, ydpi, bilevel)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "scans")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "in.tif"), filepath.Join(dir, "out.tif")
	if err := os.WriteFile(in, raw, 0o644); err != nil {
		return nil, err
	}
	if b, err := exec.Command("tiffcp", append(flags, in, out)...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("tiffcp %v: %v: %s", flags, err, b)
	}
	return os.ReadFile(out)
}

// writeTIFF writes pages as one multi-page TIFF, deflate-compressed: black
// and white (threshold 160, white is zero as in a fax) or 8-bit gray.
func writeTIFF(pages []*image.Gray, xdpi, ydpi int, bilevel bool) ([]byte, error) {
	var out bytes.Buffer
	le := binary.LittleEndian
	out.WriteString("II*\x00\x00\x00\x00\x00")
	prevNext := 4 // where the offset of the next IFD goes
	for _, g := range pages {
		w, h := g.Rect.Dx(), g.Rect.Dy()
		bits, photometric := uint32(8), uint32(1) // black is zero
		raw := make([]byte, 0, w*h)
		if bilevel {
			bits, photometric = 1, 0
			stride := (w + 7) / 8
			raw = make([]byte, stride*h)
			for y := 0; y < h; y++ {
				for x := 0; x < w; x++ {
					if g.Pix[y*g.Stride+x] < 160 {
						raw[y*stride+x/8] |= 0x80 >> (x % 8)
					}
				}
			}
		} else {
			for y := 0; y < h; y++ {
				raw = append(raw, g.Pix[y*g.Stride:y*g.Stride+w]...)
			}
		}
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(raw)
		zw.Close()
		for out.Len()%2 != 0 {
			out.WriteByte(0)
		}
		stripAt := out.Len()
		out.Write(z.Bytes())
		for out.Len()%2 != 0 {
			out.WriteByte(0)
		}
		resAt := out.Len()
		binary.Write(&out, le, [4]uint32{uint32(xdpi), 1, uint32(ydpi), 1})
		ifdAt := out.Len()
		b := out.Bytes()
		le.PutUint32(b[prevNext:], uint32(ifdAt))
		type entry struct {
			tag, typ uint16
			count    uint32
			value    uint32
		}
		entries := []entry{
			{256, 4, 1, uint32(w)},         // ImageWidth
			{257, 4, 1, uint32(h)},         // ImageLength
			{258, 3, 1, bits},              // BitsPerSample
			{259, 3, 1, 8},                 // Compression: deflate
			{262, 3, 1, photometric},       // Photometric
			{273, 4, 1, uint32(stripAt)},   // StripOffsets
			{277, 3, 1, 1},                 // SamplesPerPixel
			{278, 4, 1, uint32(h)},         // RowsPerStrip
			{279, 4, 1, uint32(z.Len())},   // StripByteCounts
			{282, 5, 1, uint32(resAt)},     // XResolution
			{283, 5, 1, uint32(resAt + 8)}, // YResolution
			{296, 3, 1, 2},                 // ResolutionUnit: inch
		}
		binary.Write(&out, le, uint16(len(entries)))
		for _, e := range entries {
			binary.Write(&out, le, e.tag)
			binary.Write(&out, le, e.typ)
			binary.Write(&out, le, e.count)
			binary.Write(&out, le, e.value) // SHORT values sit in the first two bytes, little-endian
		}
		prevNext = out.Len()
		binary.Write(&out, le, uint32(0))
	}
	return out.Bytes(), nil
}

// PDF writes an image-only PDF of the pages, each a grayscale JPEG of the
// quality drawn full page (DCTDecode) at dpi, as a scanner's PDF export
// does.
func PDF(pages []*image.Gray, quality, dpi int) ([]byte, error) {
	jpegs := make([][]byte, len(pages))
	for i, g := range pages {
		var err error
		if jpegs[i], err = JPEG(g, quality); err != nil {
			return nil, err
		}
	}
	return jpegPDF(jpegs, "/DeviceGray", dpi)
}

// ColourPDF is PDF for colour pages, as a colour scan or a phone app makes.
func ColourPDF(pages []*image.RGBA, quality, dpi int) ([]byte, error) {
	jpegs := make([][]byte, len(pages))
	for i, g := range pages {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, g, &jpeg.Options{Quality: quality}); err != nil {
			return nil, err
		}
		jpegs[i] = buf.Bytes()
	}
	return jpegPDF(jpegs, "/DeviceRGB", dpi)
}

// jpegPDF writes an image-only PDF of JPEG pages in the colour space.
func jpegPDF(jpegs [][]byte, space string, dpi int) ([]byte, error) {
	var out bytes.Buffer
	var offsets []int
	obj := func(body string, stream []byte) {
		offsets = append(offsets, out.Len())
		fmt.Fprintf(&out, "%d 0 obj\n%s", len(offsets), body)
		if stream != nil {
			out.WriteString("\nstream\n")
			out.Write(stream)
			out.WriteString("\nendstream")
		}
		out.WriteString("\nendobj\n")
	}
	out.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	n := len(jpegs)
	// Objects: 1 catalog, 2 pages, then per page: page, image, content.
	kids := ""
	for i := range jpegs {
		kids += fmt.Sprintf("%d 0 R ", 3+3*i)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>", nil)
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids, n), nil)
	for i, j := range jpegs {
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(j))
		if err != nil {
			return nil, err
		}
		wpt := float64(cfg.Width) * 72 / float64(dpi)
		hpt := float64(cfg.Height) * 72 / float64(dpi)
		img, content := 4+3*i, 5+3*i
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im%d %d 0 R >> >> /Contents %d 0 R >>",
			wpt, hpt, i, img, content), nil)
		obj(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>",
			cfg.Width, cfg.Height, space, len(j)), j)
		draw := fmt.Sprintf("q %.2f 0 0 %.2f 0 0 cm /Im%d Do Q", wpt, hpt, i)
		obj(fmt.Sprintf("<< /Length %d >>", len(draw)), []byte(draw))
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return out.Bytes(), nil
}
