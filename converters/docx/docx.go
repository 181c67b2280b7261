// Package docx converts Word documents (.docx, and through LibreOffice the
// old binary .doc and WPS .wps) into the layout model: paragraphs with their
// list numbers as Word shows them, and tables as grids with their merged
// cells.
//
// It reads the WordprocessingML itself, with archive/zip and a small XML
// tokenizer (see scanner), in one pass and without building a tree: the free
// Go DOCX libraries lose text in content controls, tracked insertions and
// text boxes and render no list numbers, and unioffice needs a licence key.
package docx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/internal/layout"
)

// Defaults of Config.
const (
	DefaultMaxUncompressed = 64 << 20
	DefaultLegacyTimeout   = 2 * time.Minute
)

// Config configures a Converter. The zero value uses every default.
type Config struct {
	// MaxUncompressed caps the bytes inflated from the archive, all parts
	// read together, so that a zip bomb fails with converters.ErrTooLarge
	// after that much work and memory. The sizes the archive declares are
	// not trusted. Default DefaultMaxUncompressed.
	MaxUncompressed int64
	// Soffice is the LibreOffice program that converts .doc and .wps files
	// to .docx. Default: soffice, looked up on the PATH when needed.
	Soffice string
	// LegacyTimeout bounds one such conversion. Default
	// DefaultLegacyTimeout.
	LegacyTimeout time.Duration
}

// Converter converts Word documents. It is safe for concurrent use.
type Converter struct {
	cfg Config
}

var _ converters.Converter = (*Converter)(nil)

// New returns a Converter.
func New(cfg Config) *Converter {
	if cfg.MaxUncompressed <= 0 {
		cfg.MaxUncompressed = DefaultMaxUncompressed
	}
	if cfg.Soffice == "" {
		cfg.Soffice = "soffice"
	}
	if cfg.LegacyTimeout <= 0 {
		cfg.LegacyTimeout = DefaultLegacyTimeout
	}
	return &Converter{cfg: cfg}
}

// oleMagic opens an OLE2 compound file: .doc, .wps, and encrypted OOXML.
const oleMagic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"

// Convert reads a .docx (or, with LibreOffice installed, a .doc or .wps)
// into blocks in document order.
//
// Errors wrap converters.ErrEmpty for an empty file or one with no text,
// ErrCorrupt for a damaged archive or malformed XML, ErrEncrypted for a
// password-protected document, ErrTooLarge past Config.MaxUncompressed, and
// ErrUnsupported for a zip that is not a Word document or a binary document
// with no LibreOffice to convert it.
func (c *Converter) Convert(ctx context.Context, name string, data []byte) (*layout.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, converters.ErrEmpty
	}
	if bytes.HasPrefix(data, []byte(oleMagic)) {
		return c.compound(ctx, name, data)
	}
	return c.read(ctx, data)
}

// read reads a .docx archive.
func (c *Converter) read(ctx context.Context, data []byte) (*layout.Document, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: not a readable zip archive (%v)", converters.ErrCorrupt, err)
	}
	a := &archive{files: make(map[string]*zip.File, len(zr.File)), left: c.cfg.MaxUncompressed, limit: c.cfg.MaxUncompressed}
	for _, f := range zr.File {
		// Part names are case-insensitive (OPC, ECMA-376 part 2).
		a.files[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	main, err := a.mainPart()
	if err != nil {
		return nil, err
	}
	targets, err := a.relationships(main)
	if err != nil {
		return nil, err
	}
	stylesXML, err := a.read(targets["styles"])
	if err != nil {
		return nil, err
	}
	numberingXML, err := a.read(targets["numbering"])
	if err != nil {
		return nil, err
	}
	docXML, err := a.read(main)
	if err != nil {
		return nil, err
	}
	st, err := readStyles(stylesXML)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", converters.ErrCorrupt, targets["styles"], err)
	}
	num, err := readNumbering(numberingXML)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", converters.ErrCorrupt, targets["numbering"], err)
	}
	num.styles = st
	w := &walker{ctx: ctx, s: newScanner(docXML), num: num, styles: st}
	blocks, err := w.document()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: %s: %v", converters.ErrCorrupt, main, err)
	}
	if len(blocks) == 0 {
		return nil, fmt.Errorf("%w: the document has no text", converters.ErrEmpty)
	}
	return &layout.Document{Blocks: blocks, Method: "docx"}, nil
}

// archive reads parts of a .docx under a budget of inflated bytes.
type archive struct {
	files       map[string]*zip.File
	left, limit int64
}

// Relationship types end so in both the transitional and strict vocabulary.
const (
	relOfficeDocument = "/officeDocument"
	relStyles         = "/styles"
	relNumbering      = "/numbering"
)

// mainPart returns the name of the main document part, from the package's
// relationships, else Word's usual name.
func (a *archive) mainPart() (string, error) {
	rels, err := a.read("_rels/.rels")
	if err != nil {
		return "", err
	}
	main := "word/document.xml"
	if rels != nil {
		found, err := relTargets(rels, "")
		if err != nil {
			return "", fmt.Errorf("%w: _rels/.rels: %v", converters.ErrCorrupt, err)
		}
		if t, ok := found["officeDocument"]; ok && a.files[t] != nil {
			main = t
		}
	}
	if a.files[main] == nil {
		what := "it holds no word/document.xml"
		switch {
		case a.files["xl/workbook.xml"] != nil:
			what = "it is a spreadsheet (.xlsx)"
		case a.files["ppt/presentation.xml"] != nil:
			what = "it is a presentation (.pptx)"
		case a.files["content.xml"] != nil:
			what = "it is an OpenDocument file (.odt); save it as .docx"
		}
		return "", fmt.Errorf("%w: a zip archive but not a Word document: %s", converters.ErrUnsupported, what)
	}
	return main, nil
}

// relationships returns the styles and numbering parts of the main part,
// by kind; Word's usual names where its relationships name none.
func (a *archive) relationships(main string) (map[string]string, error) {
	out := map[string]string{}
	dir, base := path.Split(main)
	relsName := dir + "_rels/" + base + ".rels"
	rels, err := a.read(relsName)
	if err != nil {
		return nil, err
	}
	if rels != nil {
		found, err := relTargets(rels, dir)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", converters.ErrCorrupt, relsName, err)
		}
		out = found
	}
	for kind, name := range map[string]string{"styles": "styles.xml", "numbering": "numbering.xml"} {
		if _, ok := out[kind]; !ok && a.files[dir+name] != nil {
			out[kind] = dir + name
		}
	}
	return out, nil
}

// relTargets reads a relationships part and returns the internal targets of
// the kinds the reader uses, resolved against dir.
func relTargets(data []byte, dir string) (map[string]string, error) {
	out := map[string]string{}
	s := newScanner(data)
	for {
		if err := s.next(); err != nil {
			return nil, err
		}
		if s.kind == tokEOF {
			return out, nil
		}
		if s.kind != tokStart || string(s.local) != "Relationship" {
			continue
		}
		typ, _ := s.attr("Type")
		target, _ := s.attr("Target")
		if mode, _ := s.attr("TargetMode"); mode == "External" || target == "" {
			continue
		}
		for _, kind := range []string{relOfficeDocument, relStyles, relNumbering} {
			if strings.HasSuffix(typ, kind) {
				if _, dup := out[kind[1:]]; !dup {
					out[kind[1:]] = resolvePart(dir, target)
				}
			}
		}
	}
}

// resolvePart resolves a relationship's target against the directory of
// its source part, as a lower-case part name.
func resolvePart(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.ToLower(strings.TrimPrefix(path.Clean(target), "/"))
	}
	return strings.ToLower(strings.TrimPrefix(path.Clean("/"+dir+target), "/"))
}

// read inflates a part, or returns nil when the archive has none by that
// name ("" included).
func (a *archive) read(name string) ([]byte, error) {
	f := a.files[name]
	if name == "" || f == nil {
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		if errors.Is(err, zip.ErrAlgorithm) {
			return nil, fmt.Errorf("%w: %s is compressed with method %d", converters.ErrUnsupported, f.Name, f.Method)
		}
		return nil, fmt.Errorf("%w: %s: %v", converters.ErrCorrupt, f.Name, err)
	}
	defer rc.Close()
	// The declared size only sizes the buffer, within the budget.
	data, err := readAtMost(rc, a.left, min(f.UncompressedSize64, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", converters.ErrCorrupt, f.Name, err)
	}
	if int64(len(data)) > a.left {
		return nil, fmt.Errorf("%w: it inflates to more than %d bytes (%s alone to more than the %d left)",
			converters.ErrTooLarge, a.limit, f.Name, a.left)
	}
	a.left -= int64(len(data))
	return data, nil
}

// readAtMost reads r to its end or to limit+1 bytes, whichever comes first,
// in a buffer that starts at hint bytes and never grows past limit+1.
func readAtMost(r io.Reader, limit int64, hint uint64) ([]byte, error) {
	buf := make([]byte, 0, min(hint, uint64(limit)+1))
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return buf, nil
			}
			grown := min(max(2*int64(cap(buf)), 64<<10), limit+1)
			buf = slices.Grow(buf, int(grown)-len(buf))
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
