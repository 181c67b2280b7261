// Package pipeline runs one file through nianbao: detect its format, convert
// it to the layout model, parse the report, settle the OCR misreadings its
// sums show (package correct), validate it, and return the record. The CLI
// and the worker both run it.
package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/converters/docx"
	"github.com/nianbao/nianbao/converters/html"
	"github.com/nianbao/nianbao/converters/ocr"
	"github.com/nianbao/nianbao/converters/ocr/imgproc"
	"github.com/nianbao/nianbao/converters/pdf"
	"github.com/nianbao/nianbao/converters/text"
	"github.com/nianbao/nianbao/internal/correct"
	"github.com/nianbao/nianbao/internal/inputfile"
	"github.com/nianbao/nianbao/internal/parser"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/validate"
)

// Formats, as the record's source.format.
const (
	FormatText  = "text"
	FormatHTML  = "html"
	FormatDOCX  = "docx"
	FormatPDF   = "pdf"
	FormatImage = "image"
)

// DefaultMaxFileSize is Config.MaxFileSize's default.
const DefaultMaxFileSize = 64 << 20

// Config configures a Pipeline.
type Config struct {
	// MaxFileSize is the largest file read, in bytes; larger files fail with
	// converters.ErrTooLarge. Default DefaultMaxFileSize.
	MaxFileSize int64
	// Parser configures the report parser.
	Parser parser.Config
	// OCR configures the OCR of images and scanned PDF pages; its
	// Vocabulary is set to the templates' table labels (template.CellLabels).
	OCR ocr.Config
	// Correct bounds the re-reading of OCR'd cells whose sums fail.
	Correct correct.Config
}

// Pipeline turns files into records. It is safe for concurrent use.
type Pipeline struct {
	cfg        Config
	parser     *parser.Parser
	correct    *correct.Corrector
	converters map[string]converters.Converter
	ocr        *ocr.Converter
}

// New returns a Pipeline with every converter of this build.
func New(cfg Config) *Pipeline {
	if cfg.MaxFileSize <= 0 {
		cfg.MaxFileSize = DefaultMaxFileSize
	}
	cfg.OCR.Vocabulary = template.CellLabels()
	reader := ocr.New(cfg.OCR)
	return &Pipeline{
		cfg:     cfg,
		parser:  parser.New(cfg.Parser),
		correct: correct.New(cfg.Correct),
		ocr:     reader,
		converters: map[string]converters.Converter{
			FormatImage: reader,
			FormatText:  text.Converter{},
			FormatHTML:  html.Converter{},
			FormatDOCX:  docx.New(docx.Config{}),
			FormatPDF:   pdf.Converter{},
		},
	}
}

// Close frees the OCR engines. Call it once no call is running.
func (p *Pipeline) Close() error { return p.ocr.Close() }

// File reads the regular file at path (a link, FIFO or device is refused
// unread) and returns its record.
func (p *Pipeline) File(ctx context.Context, path string) (*record.Record, error) {
	data, err := inputfile.ReadFile(path, p.cfg.MaxFileSize)
	if err != nil {
		return nil, err
	}
	return p.Bytes(ctx, path, data)
}

// Bytes returns the record of a file's content; name is its name or path.
func (p *Pipeline) Bytes(ctx context.Context, name string, data []byte) (*record.Record, error) {
	if int64(len(data)) > p.cfg.MaxFileSize {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", converters.ErrTooLarge, len(data), p.cfg.MaxFileSize)
	}
	if len(data) == 0 {
		return nil, converters.ErrEmpty
	}
	format := Detect(name, data)
	conv, ok := p.converters[format]
	if format == FormatText && len(htmlTables(data)) > 0 {
		conv = mixedConverter{text: conv, html: p.converters[FormatHTML]}
	}
	if !ok {
		if format == "" {
			return nil, fmt.Errorf("%w: not a report format nianbao reads (text, HTML, DOCX, PDF or image)", converters.ErrUnsupported)
		}
		return nil, fmt.Errorf("%w: this build has no %s converter", converters.ErrUnsupported, format)
	}
	doc, err := conv.Convert(ctx, name, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", format, err)
	}
	// Pages without a text layer come back as images to read here.
	if len(doc.Scans) > 0 {
		if err := p.ocr.ReadScans(ctx, doc); err != nil {
			return nil, fmt.Errorf("%s: %w", format, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rec, rereads := p.parser.ParseRereads(doc)
	// Only OCR'd cells can be read again: digital formats have none.
	if _, err := p.correct.Apply(ctx, rec, rereads); err != nil {
		return nil, fmt.Errorf("%s: %w", format, err)
	}
	sum := sha256.Sum256(data)
	rec.Source = record.Source{
		File:   name,
		SHA256: hex.EncodeToString(sum[:]),
		Format: format,
		Method: doc.Method,
		Pages:  doc.Pages,
	}
	validate.Check(rec)
	return rec, nil
}

// magic numbers of the binary formats, checked before the file's name, so a
// PDF named .txt is still read as a PDF.
var magic = []struct {
	prefix string
	format string
}{
	{"%PDF-", FormatPDF},
	{"PK\x03\x04", FormatDOCX},
	{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", FormatDOCX}, // .doc and .wps (OLE2)
	{"\x89PNG\r\n\x1a\n", FormatImage},
	{"\xFF\xD8\xFF", FormatImage},
	{"II*\x00", FormatImage},
	{"MM\x00*", FormatImage},
	{"GIF8", FormatImage},
}

// extensions maps file extensions to formats.
var extensions = map[string]string{
	".txt": FormatText, ".text": FormatText, ".md": FormatText, ".markdown": FormatText,
	".html": FormatHTML, ".htm": FormatHTML, ".shtml": FormatHTML, ".xhtml": FormatHTML,
	".docx": FormatDOCX, ".doc": FormatDOCX, ".wps": FormatDOCX,
	".pdf": FormatPDF,
	".png": FormatImage, ".jpg": FormatImage, ".jpeg": FormatImage, ".tif": FormatImage,
	".tiff": FormatImage, ".bmp": FormatImage, ".gif": FormatImage, ".webp": FormatImage,
}

// notReports are text formats that sniff as text but hold data, not a
// report: nianbao's own records and exports among them.
var notReports = map[string]bool{
	".json": true, ".jsonl": true, ".csv": true, ".xml": true, ".js": true, ".css": true,
}

// Detect tells a file's format from its content and name; "" when unknown.
func Detect(name string, data []byte) string {
	for _, m := range magic {
		if bytes.HasPrefix(data, []byte(m.prefix)) {
			return m.format
		}
	}
	ext := strings.ToLower(filepath.Ext(name))
	if f, ok := extensions[ext]; ok {
		return f
	}
	if notReports[ext] {
		return ""
	}
	if _, ok := text.UTF16Order(data); ok {
		return FormatText
	}
	switch ct := http.DetectContentType(data); {
	case strings.HasPrefix(ct, "text/html"):
		return FormatHTML
	case strings.HasPrefix(ct, "text/plain"):
		return FormatText
	}
	return ""
}

// maxPages caps what Pages tells: a budget, not a count to trust.
const maxPages = 1000

// pdfCount finds the page counts of a PDF's page tree nodes.
var pdfCount = regexp.MustCompile(`/Count\s+(\d{1,6})`)

// Pages tells how many pages a document of the format has, cheaply, for its
// time budget: a TIFF's pages (1 for other images, and for what cannot be
// read: its converter says why), the largest /Count of a PDF's page tree
// nodes where they are not compressed; 0 when it cannot tell.
func Pages(format string, data []byte) int {
	switch format {
	case FormatImage:
		if f, err := imgproc.Open(data, imgproc.Limits{MaxPages: maxPages}); err == nil {
			return min(f.Pages(), maxPages)
		}
		return 1
	case FormatPDF:
		n := 0
		for _, m := range pdfCount.FindAllSubmatch(data, -1) {
			if c, err := strconv.Atoi(string(m[1])); err == nil {
				n = max(n, c)
			}
		}
		return min(n, maxPages)
	}
	return 0
}
