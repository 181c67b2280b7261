package ocr_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/converters/ocr"
	"github.com/nianbao/nianbao/converters/ocr/imgproc"
	"github.com/nianbao/nianbao/converters/ocr/scans"
	"github.com/nianbao/nianbao/internal/layout"
	"github.com/nianbao/nianbao/internal/template"
)

func white(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	return g
}

func encode(t *testing.T, img image.Image, asJPEG bool) []byte {
	t.Helper()
	var b bytes.Buffer
	var err error
	if asJPEG {
		err = jpeg.Encode(&b, img, nil)
	} else {
		err = png.Encode(&b, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bombPNG is a PNG header declaring 60000x60000 gray pixels and nothing
// else: decoding it would take 3.6 GB.
func bombPNG() []byte {
	ihdr := []byte("IHDR\x00\x00\xea\x60\x00\x00\xea\x60\x08\x00\x00\x00\x00")
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)-4))
	b.Write(ihdr)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(ihdr))
	return b.Bytes()
}

func TestBadInput(t *testing.T) {
	photo := white(800, 600)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range photo.Pix {
		// A smooth gradient with grain: a picture, not text.
		photo.Pix[i] = uint8(120 + (i%800)/8 + r.IntN(6))
	}
	jpg := encode(t, white(1000, 1400), true)
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"pixel bomb", bombPNG(), converters.ErrTooLarge},
		{"truncated JPEG", jpg[:len(jpg)/3], converters.ErrCorrupt},
		{"blank page", encode(t, white(1240, 1754), false), converters.ErrEmpty},
		{"no text", encode(t, photo, true), converters.ErrEmpty},
		{"not an image", []byte("just some text"), converters.ErrUnsupported},
		{"empty", nil, converters.ErrEmpty},
	}
	c := ocr.New(ocr.Config{})
	defer c.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := c.Convert(context.Background(), tt.name, tt.data)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v (doc %v), want %v", err, doc != nil, tt.want)
			}
		})
	}
}

// renderReal renders pages of the real report with pdftoppm into a
// temporary directory, or skips.
func renderReal(t testing.TB, dpi string, first, last string) []string {
	t.Helper()
	src := filepath.Join("..", "..", "..", "shared", "real", "hzq2024.pdf")
	if _, err := os.Stat(src); err != nil {
		t.Skipf("%s is absent: %v", src, err)
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm is not installed")
	}
	dir := t.TempDir()
	cmd := exec.Command("pdftoppm", "-r", dpi, "-gray", "-jpeg", "-f", first, "-l", last, src, filepath.Join(dir, "p"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "p-*.jpg"))
	slices.Sort(files)
	return files
}

// TestRealReport reads the tables of the real report's pages 2 and 3 (the
// active disclosure table and the start of the applications table)
// rendered at 300 dpi, and checks the values printed there.
func TestRealReport(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR of real pages: not in -short")
	}
	files := renderReal(t, "300", "2", "3")
	c := ocr.New(ocr.Config{})
	defer c.Close()
	var values []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := c.Convert(context.Background(), f, data)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Method != "image-ocr" {
			t.Errorf("method %q", doc.Method)
		}
		for _, b := range doc.Blocks {
			if b.Kind != layout.Table {
				continue
			}
			for _, row := range b.Table.Rows {
				for _, cell := range row {
					if cell.Text != "" && strings.Trim(cell.Text, "0123456789.") == "" {
						if cell.Prov.Confidence <= 0 || cell.Prov.Confidence > 1 {
							t.Errorf("%q: confidence %v", cell.Text, cell.Prov.Confidence)
						}
						values = append(values, cell.Text)
					}
				}
			}
		}
	}
	// Page 2: 规章 0 0 0, 行政规范性文件 3 0 8, 行政许可 9487. Page 3: 2776, 84,
	// 7545, then the applications rows down to 本机关不掌握 (31).
	for _, want := range []string{"3", "8", "9487", "2776", "84", "7545", "95", "50", "9", "31"} {
		if !slices.Contains(values, want) {
			t.Errorf("value %s not read; read %v", want, values)
		}
	}
}

// BenchmarkPage measures this converter's whole path from page image to
// layout on the real report (its 5 pages at 300 dpi, grayscale JPEG, as a
// scanned PDF's pages are read: orientation, script, tables, cells, prose)
// against one full-page pass of the tesseract command on each of the same
// images in the same language, and reports seconds per page for both and
// their ratio. The script is told once per document, as a scanned report
// is read. Run with OMP_THREAD_LIMIT=1 for both.
func BenchmarkPage(b *testing.B) { benchPages(b, renderReal(b, "300", "1", "5"), 0) }

// BenchmarkPhotoPage is BenchmarkPage on phone photos of the same five
// pages (perspective, uneven light, soft focus, as genscans makes them, from
// 250 dpi renderings), so the page finding, squaring and light evening are
// counted, and the script is told once for the document as for the clean
// one. BenchmarkPhotoTablePage times the two table pages alone, where the
// converter does the most beyond a full-page pass: each cell read on its
// own, and numbers read twice.
func BenchmarkPhotoPage(b *testing.B) { benchPages(b, photos(b, "1", "5"), 0) }

// BenchmarkPhotoTablePage is BenchmarkPhotoPage on pages 2 and 3 alone,
// one document of two table pages: the document's script is told on one of
// them.
func BenchmarkPhotoTablePage(b *testing.B) { benchPages(b, photos(b, "2", "3"), 0) }

// BenchmarkPhotoTablePageInReport times pages 2 and 3 as read in their
// report, where page 1 told the script: the converter's time on pages 1 to
// 3 less its time on page 1, against the command's on pages 2 and 3. Its
// photos are BenchmarkPhotoPage's (BenchmarkPhotoTablePage photographs the
// two pages anew, and the photos differ). A difference of two timings, it
// varies more from run to run than the others.
func BenchmarkPhotoTablePageInReport(b *testing.B) { benchPages(b, photos(b, "1", "3"), 1) }

// photos makes phone photos of the real report's pages first to last and
// returns their files.
func photos(b *testing.B, first, last string) []string {
	r := rand.New(rand.NewPCG(1, 2))
	var files []string
	for _, f := range renderReal(b, "250", first, last) {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		img, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		photo, err := scans.JPEG(scans.Photo(imgproc.Gray(img), r), 75)
		if err != nil {
			b.Fatal(err)
		}
		name := strings.TrimSuffix(f, ".jpg") + "-photo.jpg"
		if err := os.WriteFile(name, photo, 0o644); err != nil {
			b.Fatal(err)
		}
		files = append(files, name)
	}
	return files
}

// benchPages measures the converter against the tesseract command on the
// page images, side by side: each iteration reads the document with the
// converter, then each page with the command, so that the machine's speed,
// which drifts, weighs on both alike. It reports seconds per page for
// both, their ratio, and the ratio of their CPU times. With skip above 0,
// only the pages after the first skip are timed, as read in the document:
// the converter's time on the document less its time on a document of
// those first pages, the command's on the pages after them.
func benchPages(b *testing.B, files []string, skip int) {
	pages := make([][]byte, len(files))
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		pages[i] = data
	}
	if _, err := exec.LookPath("tesseract"); err != nil {
		b.Skip("no tesseract command")
	}
	// The vocabulary a worker's pipeline gives: a cell whose first read
	// matches no label is read again.
	c := ocr.New(ocr.Config{Vocabulary: template.CellLabels()})
	defer c.Close()
	read := func(pages [][]byte) {
		doc := &layout.Document{}
		for i, data := range pages {
			doc.Scans = append(doc.Scans, layout.Scan{Page: i + 1, Image: data})
		}
		if err := c.ReadScans(context.Background(), doc); err != nil {
			b.Fatal(err)
		}
	}
	// timed reads a document of the pages and returns its wall and CPU
	// time. The converter's CPU time is the process's (its garbage
	// collector's on another core included). The document's garbage is
	// collected in its time, not in the background while the command
	// runs, where it would take time from the command's.
	timed := func(pages [][]byte) (wall, cpu time.Duration) {
		start, cpu0 := time.Now(), cpuTime(b, syscall.RUSAGE_SELF)
		read(pages)
		runtime.GC()
		return time.Since(start), cpuTime(b, syscall.RUSAGE_SELF) - cpu0
	}
	out := filepath.Join(b.TempDir(), "out")
	command := func() {
		for _, f := range files[skip:] {
			if o, err := exec.Command("tesseract", f, out, "-l", "chi_sim").CombinedOutput(); err != nil {
				b.Fatalf("%v: %s", err, o)
			}
		}
	}
	// A worker's engines load their models once, for all the pages it
	// reads: the models are loaded before the timing, which is then a
	// page's in a running worker. The tesseract command loads its model
	// for each page, as one full-page pass does.
	read(pages)
	// Wall time, and CPU time too; the command's CPU time is that of the
	// children.
	var converter, cli, converterCPU, cliCPU time.Duration
	for b.Loop() {
		wall, cpu := timed(pages)
		converter, converterCPU = converter+wall, converterCPU+cpu
		if skip > 0 {
			wall, cpu := timed(pages[:skip])
			converter, converterCPU = converter-wall, converterCPU-cpu
		}
		start, cpu := time.Now(), cpuTime(b, syscall.RUSAGE_CHILDREN)
		command()
		cli += time.Since(start)
		cliCPU += cpuTime(b, syscall.RUSAGE_CHILDREN) - cpu
	}
	n := float64(b.N * (len(pages) - skip))
	b.ReportMetric(converter.Seconds()/n, "s/page")
	b.ReportMetric(cli.Seconds()/n, "cli-s/page")
	b.ReportMetric(converter.Seconds()/cli.Seconds(), "ratio")
	b.ReportMetric(converterCPU.Seconds()/cliCPU.Seconds(), "cpu-ratio")
}

// cpuTime returns the user and system time of who (RUSAGE_SELF or
// RUSAGE_CHILDREN) so far.
func cpuTime(b *testing.B, who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
