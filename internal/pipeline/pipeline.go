// Package pipeline runs one file through nianbao: detect its format, convert
// it to the layout model, parse the report, validate it, and return the
// record. The CLI and the worker both run it.
package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/converters/docx"
	"github.com/nianbao/nianbao/converters/html"
	"github.com/nianbao/nianbao/converters/ocr"
	"github.com/nianbao/nianbao/converters/pdf"
	"github.com/nianbao/nianbao/converters/text"
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
	// Vocabulary is set to the templates' table labels.
	OCR ocr.Config
}

// Pipeline turns files into records. It is safe for concurrent use.
type Pipeline struct {
	cfg        Config
	parser     *parser.Parser
	converters map[string]converters.Converter
	ocr        *ocr.Converter
}

// New returns a Pipeline with every converter of this build.
func New(cfg Config) *Pipeline {
	if cfg.MaxFileSize <= 0 {
		cfg.MaxFileSize = DefaultMaxFileSize
	}
	cfg.OCR.Vocabulary = ocrVocabulary()
	reader := ocr.New(cfg.OCR)
	return &Pipeline{
		cfg:    cfg,
		parser: parser.New(cfg.Parser),
		ocr:    reader,
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

// ocrVocabulary lists the labels the templates print in table cells: the
// closed vocabulary the OCR matches what it reads in a cell to.
func ocrVocabulary() []string {
	v := []string{template.HeaderInfo, template.HeaderCheckNote, template.HeaderApplicants, template.HeaderOrganisations}
	for _, tp := range template.All() {
		for _, t := range tp.Tables {
			for i := range t.Rows {
				r := &t.Rows[i]
				v = append(v, r.Label)
				v = append(v, r.Groups...)
				for _, c := range t.ColumnsOf(r) {
					v = append(v, c.Label)
				}
			}
		}
	}
	return v
}

// File reads the file at path and returns its record. Only regular files
// (or symlinks to them) are read: a FIFO or a device would block or never
// end.
func (p *Pipeline) File(ctx context.Context, path string) (*record.Record, error) {
	data, err := readFile(path, p.cfg.MaxFileSize)
	if err != nil {
		return nil, err
	}
	return p.Bytes(ctx, path, data)
}

// readFile reads a regular file of at most limit bytes.
func readFile(path string, limit int64) ([]byte, error) {
	// Without O_NONBLOCK, opening a FIFO waits for a writer.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, fmt.Errorf("is a directory")
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s, not a regular file", converters.ErrUnsupported, fileType(info.Mode()))
	}
	if info.Size() > limit {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", converters.ErrTooLarge, info.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return data, nil
}

// fileType names a file that is not a regular one.
func fileType(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
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
	rec := p.parser.Parse(doc)
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
	switch ct := http.DetectContentType(data); {
	case strings.HasPrefix(ct, "text/html"):
		return FormatHTML
	case strings.HasPrefix(ct, "text/plain"):
		return FormatText
	}
	return ""
}
