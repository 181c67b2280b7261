// Package hostile writes a corpus of hostile files: inputs crafted to take a
// worker down (bombs of memory, time and stack; loops in a PDF's object
// graph; truncated and encrypted files; archives that escape; special files)
// so that tests and a person with `nianbao parse` can check each fails alone,
// quickly, with a clear one-line error. Nothing large is committed: the files
// are made on demand (`go run ./internal/hostile/genhostile -out DIR`).
package hostile

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// Options sizes the corpus. The zero value gives the sizes of the attack
// that found the bugs (60 MB of text, gigabyte Flate bombs).
type Options struct {
	// TextBytes is the size of the text files of pipes and tabs. Default
	// 60 MB.
	TextBytes int
	// BombBytes is what a PDF or DOCX bomb inflates to. Default 1 GiB.
	BombBytes int
	// Images adds the image cases (pixel bombs, a large noise JPEG, a
	// many-page TIFF), which OCR reads.
	Images bool
}

func (o Options) withDefaults() Options {
	if o.TextBytes <= 0 {
		o.TextBytes = 60 << 20
	}
	if o.BombBytes <= 0 {
		o.BombBytes = 1 << 30
	}
	return o
}

// Case is one hostile file.
type Case struct {
	Name string // file name, extension included
	// Format is the format the file claims: text, html, docx, pdf, image,
	// or "special" for a symlink or FIFO.
	Format string
	What   string // the attack, in a few words
	make   func(path string, o Options) error
}

// Cases lists the corpus.
func Cases(o Options) []Case {
	cs := []Case{
		{"pdf-prev-loop.pdf", "pdf", "xref /Prev chain that loops", bytesOf(pdfPrevLoop)},
		{"pdf-xref-subsection-huge.pdf", "pdf", "xref subsection claiming 4 billion entries", bytesOf(pdfSubsectionHuge)},
		{"pdf-xref-size-huge.pdf", "pdf", "xref stream with /Size 1e10", bytesOf(pdfXrefSizeHuge)},
		{"pdf-objstm-self.pdf", "pdf", "object stream that contains itself", bytesOf(pdfObjStmSelf)},
		{"pdf-objstm-extends-loop.pdf", "pdf", "object streams whose /Extends loop", bytesOf(pdfExtendsLoop)},
		{"pdf-objstm-huge-n.pdf", "pdf", "object stream with /N 1e12", bytesOf(pdfHugeN)},
		{"pdf-flate-operands.pdf", "pdf", "content stream inflating to operands without operator", func(p string, o Options) error {
			return write(p, pdfContentBomb("1 ", o.BombBytes))
		}},
		{"pdf-flate-whitespace.pdf", "pdf", "content stream inflating to whitespace", func(p string, o Options) error {
			return write(p, pdfContentBomb(" \n", o.BombBytes))
		}},
		{"pdf-image-bomb.pdf", "pdf", "scanned page whose image inflates without bound", func(p string, o Options) error {
			return write(p, pdfImageBomb(o.BombBytes, 0))
		}},
		{"pdf-image-bomb-small.pdf", "pdf", "scanned page whose 1000 x 1000 image inflates without bound", func(p string, o Options) error {
			return write(p, pdfImageBomb(o.BombBytes, 1000))
		}},
		{"pdf-tounicode-bfrange.pdf", "pdf", "ToUnicode CMap of 100000 ranges of 255 codes", bytesOf(func() []byte { return pdfToUnicode(100000, 0xFE) })},
		{"pdf-tounicode-wide.pdf", "pdf", "ToUnicode CMap of 100000 ranges of 4 billion codes", bytesOf(func() []byte { return pdfToUnicode(100000, -1) })},
		{"pdf-deep-nesting.pdf", "pdf", "page dictionary nesting a million arrays", bytesOf(pdfDeepNesting)},
		{"pdf-page-tree-loop.pdf", "pdf", "page tree whose kids point back up", bytesOf(pdfPageTreeLoop)},
		{"pdf-truncated.pdf", "pdf", "a good PDF cut in half", bytesOf(func() []byte { g := pdfGood(); return g[:len(g)/2] })},
		{"pdf-encrypted.pdf", "pdf", "encrypted with a user password", func(p string, _ Options) error { return pdfEncrypted(p) }},
		{"docx-numbering-letters.docx", "docx", "list numbering of letters from 2e9 and a level text of 5000 counters", bytesOf(docxNumbering)},
		{"docx-zip-bomb.docx", "docx", "document.xml inflating without bound", func(p string, o Options) error {
			return write(p, docxZip(map[string][]byte{"word/document.xml": bytes.Repeat([]byte(" "), min(o.BombBytes, 256<<20))}))
		}},
		{"docx-billion-laughs.docx", "docx", "XML entities expanding exponentially", bytesOf(docxLaughs)},
		{"docx-zip-slip.docx", "docx", "archive entries named ../../ outside the folder", bytesOf(docxSlip)},
		{"docx-deep-nesting.docx", "docx", "tables nested 100000 deep", bytesOf(docxDeep)},
		{"docx-truncated.docx", "docx", "a good DOCX cut in half", bytesOf(func() []byte { g := docxGood(); return g[:len(g)/2] })},
		{"docx-encrypted.docx", "docx", "an OLE container, as Word writes an encrypted DOCX", bytesOf(docxEncrypted)},
		{"html-span-bomb.html", "html", "table cell of rowspan 65535 and colspan 1000 over 70000 rows", bytesOf(htmlSpans)},
		{"html-deep-nesting.html", "html", "elements nested 200000 deep", bytesOf(htmlDeep)},
		{"text-pipes.txt", "text", "lines of pipes", func(p string, o Options) error {
			return write(p, fill("|", 999, o.TextBytes))
		}},
		{"text-pipes-one-line.txt", "text", "one line of pipes", func(p string, o Options) error {
			return write(p, bytes.Repeat([]byte("|"), o.TextBytes))
		}},
		{"text-pipes-short-lines.txt", "text", "lines of 63 pipes, each splitting into 64 cells", func(p string, o Options) error {
			return write(p, fill("|", 63, o.TextBytes))
		}},
		{"text-tabs.txt", "text", "lines of tab-separated ones", func(p string, o Options) error {
			return write(p, fill("1\t", 500, o.TextBytes))
		}},
		{"text-formfeeds.txt", "text", "form feeds (page breaks)", func(p string, o Options) error {
			return write(p, append([]byte("报告\n"), bytes.Repeat([]byte("\f"), o.TextBytes)...))
		}},
		{"binary.txt", "text", "random binary named .txt", bytesOf(func() []byte { return noise(1 << 20) })},
		{"empty.pdf", "pdf", "an empty file", bytesOf(func() []byte { return nil })},
		{"special-symlink.txt", "special", "symlink to /dev/zero", func(p string, _ Options) error { return os.Symlink("/dev/zero", p) }},
		{"special-fifo.txt", "special", "a FIFO nobody writes to", func(p string, _ Options) error { return syscall.Mkfifo(p, 0o600) }},
	}
	if o.Images {
		cs = append(cs,
			Case{"image-png-pixel-bomb.png", "image", "PNG header of 100000 x 100000 pixels", bytesOf(pngPixelBomb)},
			Case{"image-jpeg-noise.jpg", "image", "8900 x 8900 JPEG of noise", func(p string, _ Options) error { return jpegNoise(p, 8900) }},
			Case{"image-tiff-pages.tif", "image", "a 20-page A4 TIFF at 300 dpi", bytesOf(func() []byte { return tiffPages(20, 2480, 3508) })},
		)
	}
	return cs
}

// Write writes every case into dir, which it creates.
func Write(dir string, o Options) ([]Case, error) {
	o = o.withDefaults()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	cs := Cases(o)
	for _, c := range cs {
		p := filepath.Join(dir, c.Name)
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return nil, err
		}
		if err := c.make(p, o); err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
	}
	return cs, nil
}

func bytesOf(f func() []byte) func(string, Options) error {
	return func(p string, _ Options) error { return write(p, f()) }
}

func write(p string, b []byte) error { return os.WriteFile(p, b, 0o644) }

// fill repeats unit n times a line until size bytes.
func fill(unit string, n, size int) []byte {
	line := strings.Repeat(unit, n) + "\n"
	return bytes.Repeat([]byte(line), max(1, size/len(line)))
}

// noise returns n pseudo-random bytes (a fixed generator: the corpus is the
// same every run).
func noise(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// deflate compresses data's repetitions of unit, n bytes in all, without
// holding them.
func deflate(unit string, n int) []byte {
	var out bytes.Buffer
	w, _ := zlib.NewWriterLevel(&out, zlib.BestCompression)
	chunk := bytes.Repeat([]byte(unit), max(1, (1<<20)/len(unit)))
	for left := n; left > 0; left -= len(chunk) {
		w.Write(chunk[:min(left, len(chunk))])
	}
	w.Close()
	return out.Bytes()
}

func pdfEncrypted(p string) error {
	conf := model.NewDefaultConfiguration()
	conf.UserPW, conf.OwnerPW = "secret", "owner"
	api.DisableConfigDir()
	var out bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(pdfGood()), &out, conf); err != nil {
		return err
	}
	return write(p, out.Bytes())
}

func jpegNoise(p string, side int) error {
	img := image.NewGray(image.Rect(0, 0, side, side))
	copy(img.Pix, noise(len(img.Pix)))
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 30}); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
