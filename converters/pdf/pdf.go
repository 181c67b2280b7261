// Package pdf converts PDF files into the layout model: the text layer's
// glyphs into lines and paragraphs in reading order, ruled tables into grids
// with their merged cells, a table continued over a page break into one
// table, and pages without a usable text layer into scans for OCR.
//
// A copy of github.com/ledongthuc/pdf (internal/lpdf) reads the file, its
// object graph, fonts and encodings and tokenizes content streams; it is
// copied to bound what it reads (Config's limits), since upstream loops,
// recurses or allocates without end on hostile files; the layout pass is this
// package's own: it tracks the graphics and text state, places each glyph by
// its font's widths (simple and CID fonts, horizontal and vertical), and
// keeps the ruling lines that paths draw. Images of scanned pages are taken
// out with github.com/pdfcpu/pdfcpu, which returns a JPEG as embedded; it
// also decrypts the AES-256 files the library cannot.
//
// Provenance boxes are in points on the page as displayed (after /Rotate
// and the crop box), origin at its top left. Invisible text (render mode 3)
// is read like any other: it is the text layer an OCR tool laid over a
// scan. Struck-out text is left out, as deleted text printed with its
// tracked-change markup.
package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/converters/pdf/internal/lpdf"
	"github.com/nianbao/nianbao/internal/layout"
)

// Defaults of Config.
const (
	// DefaultMaxPages is Config.MaxPages's default: far above any annual
	// report (they run to 5–30 pages), low enough to bound a run.
	DefaultMaxPages = 500
	// DefaultMaxOps is Config.MaxOps's default.
	DefaultMaxOps = 2_000_000
	// DefaultMaxGlyphs is Config.MaxGlyphs's default.
	DefaultMaxGlyphs = 200_000
	// DefaultMaxObjects is Config.MaxObjects's default: a report has a few
	// thousand objects; a table of a million entries takes 32 MB.
	DefaultMaxObjects = lpdf.DefaultMaxObjects
	// DefaultMaxStreamBytes is Config.MaxStreamBytes's default: a dense
	// page's content stream is a few megabytes.
	DefaultMaxStreamBytes = lpdf.DefaultMaxStreamBytes
	// DefaultMaxDecodedBytes is Config.MaxDecodedBytes's default.
	DefaultMaxDecodedBytes = lpdf.DefaultMaxTotalBytes
)

// Config configures a Converter. The zero value uses the defaults.
type Config struct {
	// MaxPages is the most pages a file may have; more is an error wrapping
	// converters.ErrTooLarge. Default DefaultMaxPages.
	MaxPages int
	// MaxOps is the most content-stream operators read on one page, forms
	// included; MaxGlyphs the most glyphs kept on one page. A page over
	// either is an error wrapping converters.ErrTooLarge. Defaults
	// DefaultMaxOps and DefaultMaxGlyphs.
	MaxOps    int
	MaxGlyphs int
	// MaxObjects is the most objects the cross-reference table (and one
	// object stream) may claim, checked before anything is allocated.
	// Default DefaultMaxObjects.
	MaxObjects int64
	// MaxStreamBytes is the most bytes one stream (content, form, CMap,
	// object or cross-reference stream) may inflate to, and MaxDecodedBytes
	// the most all the streams read from a file may inflate to together: a
	// Flate bomb of operands or whitespace stops there. Over either is an
	// error wrapping converters.ErrTooLarge. Defaults DefaultMaxStreamBytes
	// and DefaultMaxDecodedBytes.
	MaxStreamBytes  int64
	MaxDecodedBytes int64
}

// Converter converts PDF files. The zero value is ready to use.
type Converter struct {
	Config Config
}

var _ converters.Converter = Converter{}

// New returns a Converter with cfg, defaults filled in.
func New(cfg Config) Converter { return Converter{Config: cfg} }

func (c Config) withDefaults() Config {
	if c.MaxPages <= 0 {
		c.MaxPages = DefaultMaxPages
	}
	if c.MaxOps <= 0 {
		c.MaxOps = DefaultMaxOps
	}
	if c.MaxGlyphs <= 0 {
		c.MaxGlyphs = DefaultMaxGlyphs
	}
	if c.MaxObjects <= 0 {
		c.MaxObjects = DefaultMaxObjects
	}
	if c.MaxStreamBytes <= 0 {
		c.MaxStreamBytes = DefaultMaxStreamBytes
	}
	if c.MaxDecodedBytes <= 0 {
		c.MaxDecodedBytes = DefaultMaxDecodedBytes
	}
	return c
}

// Convert reads data as a PDF file. The document's Method is "pdf-text";
// pages without a usable text layer are listed in Scans with their image.
//
// Errors wrap converters.ErrEmpty (no bytes, or no text and no scanned
// page), ErrCorrupt (not a PDF, truncated, a broken cross-reference table or
// object graph), ErrEncrypted (a password is needed to open it), or
// ErrTooLarge (more pages than Config.MaxPages, a page over MaxOps or
// MaxGlyphs, more objects than MaxObjects, streams inflating over
// MaxStreamBytes or MaxDecodedBytes, a ToUnicode CMap over its bounds). The PDF library's panics on malformed input are recovered into
// ErrCorrupt errors.
func (c Converter) Convert(ctx context.Context, name string, data []byte) (doc *layout.Document, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, converters.ErrEmpty
	}
	defer func() {
		if x := recover(); x != nil {
			doc, err = nil, panicError(x)
		}
	}()
	cfg := c.Config.withDefaults()
	r, err := open(data, lpdf.Limits{MaxObjects: cfg.MaxObjects, MaxStreamBytes: cfg.MaxStreamBytes, MaxTotalBytes: cfg.MaxDecodedBytes})
	if err != nil {
		return nil, err
	}
	d := &document{ctx: ctx, cfg: cfg, r: r, data: data, fonts: map[string]*font{}}
	return d.convert()
}

// panicError turns a panic of the PDF library into an error.
func panicError(x any) error {
	if e, ok := x.(error); ok {
		if errors.Is(e, context.Canceled) || errors.Is(e, context.DeadlineExceeded) || errors.Is(e, converters.ErrTooLarge) {
			return e
		}
		if le := (*lpdf.LimitError)(nil); errors.As(e, &le) {
			return fmt.Errorf("%w: %s", converters.ErrTooLarge, le.Msg)
		}
		var re runtime.Error
		if errors.As(e, &re) {
			return fmt.Errorf("%w: the PDF reader failed on it (%s)", converters.ErrCorrupt, clean(e.Error()))
		}
		return fmt.Errorf("%w: %s", converters.ErrCorrupt, clean(e.Error()))
	}
	return fmt.Errorf("%w: %s", converters.ErrCorrupt, clean(fmt.Sprint(x)))
}

// maxMessage bounds a library message quoted in an error.
const maxMessage = 120

// clean makes a library's message fit for an error line: the library quotes
// the bytes it choked on, which may be binary and long.
func clean(msg string) string {
	var b strings.Builder
	for _, r := range msg {
		if b.Len() >= maxMessage {
			b.WriteString("…")
			break
		}
		if r < 0x20 || r == 0x7F || r == utf8.RuneError || (r >= 0x80 && r < 0xA0) {
			continue
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// open opens data with the library, decrypting it with the empty user
// password when it is encrypted.
func open(data []byte, lim lpdf.Limits) (r *lpdf.Reader, err error) {
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return nil, fmt.Errorf("%w: no %%PDF- header", converters.ErrCorrupt)
	}
	data = normalize(data)
	r, err = lpdf.NewReaderLimits(bytes.NewReader(data), int64(len(data)), nil, lim)
	if err == nil {
		return r, nil
	}
	msg := err.Error()
	switch {
	case errors.Is(err, lpdf.ErrLimit):
		return nil, panicError(err)
	case errors.Is(err, lpdf.ErrInvalidPassword):
		return nil, fmt.Errorf("%w: it needs a password to open; only PDFs whose user password is empty (those that merely forbid copying or printing) can be read", converters.ErrEncrypted)
	case strings.Contains(msg, "encrypt"):
		// The library reads RC4 and AES-128; pdfcpu reads AES-256 too.
		plain, derr := decrypt(data)
		if derr != nil {
			return nil, derr
		}
		r, err = lpdf.NewReaderLimits(bytes.NewReader(plain), int64(len(plain)), nil, lim)
		if err == nil {
			return r, nil
		}
		return nil, fmt.Errorf("%w: %s", converters.ErrEncrypted, clean(err.Error()))
	case strings.Contains(msg, "%%EOF") || strings.Contains(msg, "%EOF"):
		return nil, fmt.Errorf("%w: no %%%%EOF at its end, so it is truncated", converters.ErrCorrupt)
	}
	return nil, fmt.Errorf("%w: %s", converters.ErrCorrupt, clean(err.Error()))
}

// eofWindow is how near its end the library looks for a file's %%EOF.
const eofWindow = 100

// normalize lets the library read what it would refuse for its header or
// trailer alone: PDF 2.0 and headers followed by a space (it insists on
// "%PDF-1.x" and a line end; the version is not used), and bytes appended
// after the last %%EOF (it looks for %%EOF in the last 100 bytes only).
func normalize(data []byte) []byte {
	if k := bytes.LastIndex(data, []byte("%%EOF")); k >= 0 && len(data)-k > eofWindow {
		data = data[:k+len("%%EOF")]
	}
	if len(data) < 9 {
		return data
	}
	ok := data[5] == '1' && data[6] == '.' && data[7] >= '0' && data[7] <= '7' && (data[8] == '\r' || data[8] == '\n')
	if ok {
		return data
	}
	fixed := bytes.Clone(data)
	copy(fixed, "%PDF-1.7")
	if fixed[8] != '\r' && fixed[8] != '\n' && (fixed[8] == ' ' || fixed[8] == '\t' || fixed[8] == '%') {
		fixed[8] = '\n'
	}
	return fixed
}
