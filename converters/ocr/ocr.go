// Package ocr converts page images into the layout model with Tesseract:
// image files (PNG, JPEG, TIFF with all its pages, BMP, WebP, GIF) and the
// scanned pages another converter hands over in layout.Document.Scans.
//
// A phone photo's page is found, squared and its lighting evened; coloured
// stamp ink is dropped out; a page is made upright (quarter turns, a tilt
// of up to 5 degrees), binarized, and its ruled tables found from their lines; every table cell
// is cleared of lines and specks and read on its own: a cell of digits in
// single-line mode with a digit whitelist, in several ways until two reads
// agree (a lone glyph drawn as one the page already read surely is read
// once, and that read must agree with it), any other cell as Chinese text
// matched to the closest expected label given in Config.Vocabulary; on a
// black-and-white page, whose thin strokes break up, a cell read doubtfully
// is read again from the page softened. Prose outside tables is read as
// lines and joined into paragraphs. Every cell and paragraph carries its
// OCR confidence in Prov.Confidence. The package knows nothing of reports:
// the vocabulary is data handed in by the caller.
//
// Tesseract is slow with its default OpenMP threading on a shared machine
// (7-17 s a page against 1-3 s): run the process with OMP_THREAD_LIMIT=1 and
// parallelise with Config.Workers instead.
package ocr

import (
	"context"
	"errors"
	"fmt"
	"image"
	"slices"
	"sync"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/converters/ocr/imgproc"
	"github.com/nianbao/nianbao/internal/layout"
)

// Defaults of Config.
const (
	// DefaultMaxPixels is Config.MaxPixels's default: an A3 page at 600 dpi
	// (about 70 million pixels) passes, a pixel bomb does not.
	DefaultMaxPixels = 80_000_000
	// DefaultMaxPages is Config.MaxPages's default: ten times a long
	// annual report, far below what would exhaust a worker.
	DefaultMaxPages = 500
	// DefaultMinLabelSimilarity is Config.MinLabelSimilarity's default.
	DefaultMinLabelSimilarity = 0.7
)

// Config configures a Converter. The zero value uses the defaults.
type Config struct {
	// Workers is the number of Tesseract engines, each used by one goroutine
	// at a time; pages of a file and concurrent calls share them. Default 1.
	Workers int
	// MaxPixels is the largest page read, as width times height; a page
	// whose header declares more is refused before it is decoded, with an
	// error wrapping converters.ErrTooLarge. Default DefaultMaxPixels.
	MaxPixels int64
	// MaxPages is the most pages one image file may hold; a TIFF with more
	// (or whose chain of pages loops) is refused whole, before any page is
	// decoded, with an error wrapping converters.ErrTooLarge
	// (converters.ErrCorrupt for a loop). Default DefaultMaxPages.
	MaxPages int
	// Vocabulary lists the label texts table cells are expected to hold. A
	// cell read as text is replaced by the closest entry when their
	// similarity (1 - edit distance / length, on the folded forms) is at
	// least MinLabelSimilarity and no other entry is as close; its
	// Prov.Confidence then tells how close it was. Empty: cells keep what
	// was read.
	Vocabulary []string
	// MinLabelSimilarity is the least similarity, in (0, 1], at which a
	// cell is taken for a vocabulary entry. Default DefaultMinLabelSimilarity.
	MinLabelSimilarity float64
	// TessdataPrefix is the directory of Tesseract's models; "" uses the
	// installation's (or TESSDATA_PREFIX).
	TessdataPrefix string
}

// Converter reads page images. It is safe for concurrent use; call Close
// when done with it.
type Converter struct {
	cfg   Config
	vocab *vocabulary
	idle  chan *engine  // engines not in use
	slots chan struct{} // one token per engine made
	// charsetMap holds the characters each model can output (charsets).
	charsetOnce sync.Once
	charsetMap  map[string]map[rune]bool
}

var _ converters.Converter = (*Converter)(nil)

// New returns a Converter. Tesseract's models load on first use.
func New(cfg Config) *Converter {
	if cfg.Workers <= 0 {
		cfg.Workers = 1
	}
	if cfg.MaxPixels <= 0 {
		cfg.MaxPixels = DefaultMaxPixels
	}
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = DefaultMaxPages
	}
	if cfg.MinLabelSimilarity <= 0 || cfg.MinLabelSimilarity > 1 {
		cfg.MinLabelSimilarity = DefaultMinLabelSimilarity
	}
	return &Converter{
		cfg:   cfg,
		vocab: newVocabulary(cfg.Vocabulary),
		idle:  make(chan *engine, cfg.Workers),
		slots: make(chan struct{}, cfg.Workers),
	}
}

// Limits are the decoding limits of the configuration, defaults filled in:
// what an image must keep to for the converter to read it.
func (c *Converter) Limits() imgproc.Limits {
	return imgproc.Limits{MaxPixels: c.cfg.MaxPixels, MaxPages: c.cfg.MaxPages}
}

// Close frees the Tesseract engines. Call it once no call is running.
func (c *Converter) Close() error {
	for {
		select {
		case e := <-c.idle:
			e.close()
			<-c.slots
		default:
			return nil
		}
	}
}

// acquire takes an idle engine, makes one while fewer than Workers exist, or
// waits for one.
func (c *Converter) acquire(ctx context.Context) (*engine, error) {
	select {
	case e := <-c.idle:
		return e, nil
	default:
	}
	select {
	case e := <-c.idle:
		return e, nil
	case c.slots <- struct{}{}:
		return newEngine(c.cfg.TessdataPrefix), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *Converter) release(e *engine) { c.idle <- e }

// Convert reads an image file: every page of a TIFF, the one image of the
// other formats (the first frame of a GIF). The document's Method is
// "image-ocr"; pages are separated by page breaks.
//
// Errors wrap converters.ErrUnsupported (not an image format read here),
// ErrTooLarge (a page over Config.MaxPixels, from its header), ErrCorrupt
// (an image that does not decode, such as a truncated JPEG) and ErrEmpty
// (no text found on any page: a blank page, a photo).
func (c *Converter) Convert(ctx context.Context, name string, data []byte) (*layout.Document, error) {
	if len(data) == 0 {
		return nil, converters.ErrEmpty
	}
	f, err := imgproc.Open(data, c.Limits())
	if err != nil {
		return nil, imageError(err)
	}
	pages := make([]func() (*image.Gray, error), f.Pages())
	for i := range pages {
		pages[i] = func() (*image.Gray, error) { return f.Page(i) }
	}
	read, doubts, err := c.readPages(ctx, pages)
	if err != nil {
		return nil, err
	}
	doc := &layout.Document{Method: "image-ocr", Pages: len(pages), Doubts: doubts}
	text := false
	for i, blocks := range read {
		text = text || len(blocks) > 0
		doc.Blocks = append(doc.Blocks, blocks...)
		if i < len(read)-1 {
			doc.Blocks = append(doc.Blocks, layout.Block{Kind: layout.PageBreak, Prov: layout.Provenance{Page: i + 1}})
		}
	}
	if !text {
		return nil, fmt.Errorf("%w: no text was found on the image", converters.ErrEmpty)
	}
	return doc, nil
}

// ReadScans reads the pages doc.Scans lists and puts each page's blocks
// where its placeholder is: before the PageBreak block whose Prov.Page is
// the page's number, or, when there is none, after the blocks of the pages
// before it. It then clears doc.Scans and sets doc.Method to "pdf-ocr".
// Errors are those of Convert, naming the page.
func (c *Converter) ReadScans(ctx context.Context, doc *layout.Document) error {
	if len(doc.Scans) == 0 {
		return nil
	}
	pages := make([]func() (*image.Gray, error), len(doc.Scans))
	for i, s := range doc.Scans {
		pages[i] = func() (*image.Gray, error) {
			f, err := imgproc.Open(s.Image, c.Limits())
			if err != nil {
				return nil, err
			}
			// A scanned page is one image; a TIFF of several is not expected.
			return f.Page(0)
		}
	}
	read, doubts, err := c.readPages(ctx, pages)
	if err != nil {
		var pe *pageError
		if errors.As(err, &pe) {
			return fmt.Errorf("scanned page %d: %w", doc.Scans[pe.index].Page, pe.err)
		}
		return err
	}
	for i, s := range doc.Scans {
		for j := range read[i] {
			read[i][j].Prov.Page = s.Page
			if read[i][j].Table != nil {
				for _, row := range read[i][j].Table.Rows {
					for k := range row {
						row[k].Prov.Page = s.Page
					}
				}
			}
		}
		doc.Blocks = insertPage(doc.Blocks, s.Page, read[i])
	}
	doc.Scans = nil
	doc.Method = "pdf-ocr"
	doc.Doubts = append(doc.Doubts, doubts...)
	return nil
}

// insertPage puts a page's blocks before its page break, or after the last
// block of an earlier page when it has none.
func insertPage(blocks []layout.Block, page int, add []layout.Block) []layout.Block {
	at := -1
	for i, b := range blocks {
		if b.Kind == layout.PageBreak && b.Prov.Page == page {
			at = i
			break
		}
	}
	if at < 0 {
		at = len(blocks)
		for i, b := range blocks {
			if b.Prov.Page > page {
				at = i
				break
			}
		}
	}
	return slices.Insert(blocks, at, add...)
}

// pageError is a page's failure, with the page's index.
type pageError struct {
	index int
	err   error
}

func (e *pageError) Error() string { return fmt.Sprintf("page %d: %v", e.index+1, e.err) }
func (e *pageError) Unwrap() error { return e.err }

// readPages reads every page: the first alone, since it settles the
// document's script, then the rest in parallel on the engines. It returns
// the pages' blocks and the document's doubts (layout.Document.Doubts).
func (c *Converter) readPages(ctx context.Context, pages []func() (*image.Gray, error)) ([][]layout.Block, []string, error) {
	out := make([][]layout.Block, len(pages))
	st := &docState{}
	one := func(i int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		g, err := pages[i]()
		if err != nil {
			return &pageError{i, imageError(err)}
		}
		e, err := c.acquire(ctx)
		if err != nil {
			return err
		}
		defer c.release(e)
		blocks, err := c.readPage(ctx, e, g, i+1, st)
		if err != nil {
			return &pageError{i, err}
		}
		out[i] = blocks
		return nil
	}
	if len(pages) == 0 {
		return out, nil, nil
	}
	if err := one(0); err != nil {
		return nil, nil, err
	}
	var wg sync.WaitGroup
	errs := make([]error, len(pages))
	sem := make(chan struct{}, c.cfg.Workers)
	for i := 1; i < len(pages); i++ {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = one(i)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	return out, st.doubts(), nil
}

// imageError wraps imgproc's errors in the converters' sentinels.
func imageError(err error) error {
	switch {
	case errors.Is(err, imgproc.ErrFormat):
		return fmt.Errorf("%w: %v", converters.ErrUnsupported, err)
	case errors.Is(err, imgproc.ErrTooLarge), errors.Is(err, imgproc.ErrTooManyPages):
		return fmt.Errorf("%w: %v", converters.ErrTooLarge, err)
	case errors.Is(err, imgproc.ErrCorrupt):
		return fmt.Errorf("%w: %v", converters.ErrCorrupt, err)
	}
	return err
}
