package corpus

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/nianbao/nianbao/internal/layout"
	"github.com/nianbao/nianbao/internal/template"
)

// ErrTemplateFit is returned by FillTemplate for a report the blank 2021
// template cannot hold: a 2019 report, one that prints the single
// （六）其他处理 row, or one that leaves out a table.
var ErrTemplateFit = errors.New("corpus: the report does not fit the 2021 template")

// FillTemplate fills the blank 2021 template as a disclosure office hands it
// out (../shared/real/template-2021.docx) with the report: its title, the
// report's prose in place of each （文字描述）, every value in its empty
// cell, and all text in the report's script and punctuation. The template's
// own layout (its merged cells, styles and fonts) stays as it is, so the
// result is the report as a real office's Word document would hold it.
func FillTemplate(tmpl []byte, r *Report) ([]byte, error) {
	if r.Template != template.V2021 || r.table(template.ReviewsLitigation) == nil ||
		slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Rule == ruleDeviation }) {
		return nil, ErrTemplateFit
	}
	zr, err := zip.NewReader(bytes.NewReader(tmpl), int64(len(tmpl)))
	if err != nil {
		return nil, fmt.Errorf("corpus: template: %w", err)
	}
	var parts []File
	found := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("corpus: template %s: %w", f.Name, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("corpus: template %s: %w", f.Name, err)
		}
		if f.Name == "word/document.xml" {
			found = true
			if data, err = r.fillDocument(data); err != nil {
				return nil, err
			}
		}
		parts = append(parts, File{f.Name, data})
	}
	if !found {
		return nil, errors.New("corpus: template has no word/document.xml")
	}
	return zipParts(parts)
}

// templateTitle is the blank template's title, replaced by the report's.
const templateTitle = "政府信息公开工作年度报告格式模板"

// An edit replaces doc[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// templateFiller walks the template's document.xml and collects the edits that
// fill it.
type templateFiller struct {
	r     *Report
	doc   []byte
	edits []edit

	section int // the section whose heading came last, or -1
	// The paragraph being read: where it starts, its text so far.
	pStart int
	pText  strings.Builder
	// The table being read: its index among the top-level tables, depth of
	// nesting, the current row and grid column, the model's placed cells.
	tables, tblDepth int
	row, col         int
	model            map[[2]int]layout.Placed
	modelRows        int
	// The cell being read.
	tcSpan       int
	tcContinue   bool
	tcText       strings.Builder
	tcFirstPEnd  int // where the cell's first paragraph's end tag starts, or -1
	tcFirstPSelf bool
	tcFirstP     [2]int // the first paragraph's extent, for a self-closed one
}

func (r *Report) fillDocument(doc []byte) ([]byte, error) {
	f := &templateFiller{r: r, doc: doc, section: -1}
	d := xml.NewDecoder(bytes.NewReader(doc))
	inT := false
	pDepth, inCellP := 0, 0
	for {
		before := int(d.InputOffset())
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("corpus: template document.xml: %w", err)
		}
		after := int(d.InputOffset())
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p":
				pDepth++
				if pDepth == 1 {
					f.pStart = before
					f.pText.Reset()
				}
				if f.tblDepth == 1 && f.tcFirstPEnd < 0 && inCellP == 0 {
					inCellP = 1
					f.tcFirstP = [2]int{before, after}
				}
			case "t":
				inT = true
			case "tbl":
				if err := f.startTable(); err != nil {
					return nil, err
				}
			case "tr":
				if f.tblDepth == 1 {
					f.col = 0
				}
			case "tc":
				if f.tblDepth == 1 {
					f.tcSpan, f.tcContinue, f.tcFirstPEnd = 1, false, -1
					f.tcText.Reset()
				}
			case "gridSpan":
				if f.tblDepth == 1 {
					fmt.Sscan(attr(t, "val"), &f.tcSpan)
				}
			case "vMerge":
				if f.tblDepth == 1 {
					f.tcContinue = attr(t, "val") != "restart"
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inT = false
			case "p":
				if inCellP == 1 {
					inCellP = 0
					f.tcFirstPEnd = before
					f.tcFirstPSelf = bytes.HasSuffix(doc[:f.tcFirstP[1]], []byte("/>"))
				}
				if pDepth--; pDepth == 0 {
					f.endParagraph(after)
				}
			case "tc":
				if f.tblDepth == 1 {
					if err := f.endCell(); err != nil {
						return nil, err
					}
				}
			case "tr":
				if f.tblDepth == 1 {
					f.row++
				}
			case "tbl":
				if f.tblDepth--; f.tblDepth == 0 && f.row != f.modelRows {
					return nil, fmt.Errorf("%w: template table %d has %d rows, the report's %d", ErrTemplateFit, f.tables, f.row, f.modelRows)
				}
			}
		case xml.CharData:
			if !inT {
				continue
			}
			text := string(t)
			f.pText.WriteString(text)
			f.tcText.WriteString(text)
			switch {
			case text == templateTitle:
				f.edits = append(f.edits, edit{before, after, xmlEsc(r.text(r.titleText()))})
			case r.text(text) != text:
				f.edits = append(f.edits, edit{before, after, xmlEsc(r.text(text))})
			}
		}
	}
	if f.tables != 3 {
		return nil, fmt.Errorf("%w: the template has %d tables", ErrTemplateFit, f.tables)
	}
	slices.SortStableFunc(f.edits, func(a, b edit) int { return a.start - b.start })
	var out bytes.Buffer
	last := 0
	for _, e := range f.edits {
		out.Write(doc[last:e.start])
		out.WriteString(e.text)
		last = e.end
	}
	out.Write(doc[last:])
	return out.Bytes(), nil
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// endParagraph ends a body paragraph at end: the title gets the report's
// introduction after it, a heading names the section, and a （文字描述）
// placeholder gives way to the section's prose.
func (f *templateFiller) endParagraph(end int) {
	if f.tblDepth > 0 {
		return
	}
	text := strings.TrimSpace(f.pText.String())
	switch {
	case text == templateTitle:
		f.edits = append(f.edits, edit{end, end, proseXML(f.r.text(f.r.prose.intro))})
	case strings.HasPrefix(text, "（文字描述") && f.section >= 0:
		// The placeholder paragraph goes, and the edits inside it with it.
		f.edits = slices.DeleteFunc(f.edits, func(e edit) bool { return e.start >= f.pStart })
		var b strings.Builder
		for _, p := range f.r.prose.sections[f.section] {
			b.WriteString(proseXML(f.r.text(p.text)))
		}
		f.edits = append(f.edits, edit{f.pStart, end, b.String()})
	default:
		for i, n := range numerals[:len(template.Sections())] {
			if strings.HasPrefix(text, n+"、") {
				f.section = i
			}
		}
	}
}

// proseXML is a paragraph of prose as the template sets its text.
func proseXML(text string) string {
	return `<w:p><w:pPr><w:ind w:firstLineChars="200" w:firstLine="420"/></w:pPr>` + run(text) + `</w:p>`
}

// startTable starts a table; a top-level one is matched with the report's
// table of the same place.
func (f *templateFiller) startTable() error {
	if f.tblDepth++; f.tblDepth > 1 {
		return nil
	}
	keys := []string{template.ActiveDisclosure, template.Applications, template.ReviewsLitigation}
	if f.tables >= len(keys) {
		return fmt.Errorf("%w: the template has more than %d tables", ErrTemplateFit, len(keys))
	}
	t := f.r.table(keys[f.tables])
	f.tables++
	g := f.r.grid(t, DOCX)
	placed, _ := g.Place()
	f.model = map[[2]int]layout.Placed{}
	for _, row := range placed {
		for _, c := range row {
			f.model[[2]int{c.Row, c.Col}] = c
		}
	}
	f.row, f.modelRows = 0, len(placed)
	return nil
}

// endCell fills a cell the template leaves blank with the report's text of
// the same grid position.
func (f *templateFiller) endCell() error {
	col := f.col
	f.col += f.tcSpan
	if f.tcContinue {
		return nil
	}
	m, ok := f.model[[2]int{f.row, col}]
	if !ok {
		return fmt.Errorf("%w: table %d has no cell at row %d, column %d", ErrTemplateFit, f.tables, f.row, col)
	}
	if strings.TrimSpace(f.tcText.String()) != "" || m.Text == "" {
		return nil
	}
	if f.tcFirstPEnd < 0 {
		return fmt.Errorf("%w: table %d, row %d, column %d has no paragraph", ErrTemplateFit, f.tables, f.row, col)
	}
	if f.tcFirstPSelf {
		f.edits = append(f.edits, edit{f.tcFirstP[0], f.tcFirstP[1], `<w:p>` + run(m.Text) + `</w:p>`})
	} else {
		f.edits = append(f.edits, edit{f.tcFirstPEnd, f.tcFirstPEnd, run(m.Text)})
	}
	return nil
}
