package corpus

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/nianbao/nianbao/internal/layout"
	"github.com/nianbao/nianbao/internal/template"
)

// docxLook is how a report prints as a Word document. It is drawn from the
// report's number, not from its random stream, so that adding the DOCX
// style changed no other file of the corpus.
type docxLook struct {
	font       string // the East Asian font, and every other, of the document
	autoNumber bool   // section headings numbered by Word's lists (numbering.xml)
	styleList  bool   // autoNumber through the heading styles rather than each paragraph
	tabSuffix  bool   // a tab after a list number rather than nothing
	landscape  bool   // table 2 and its heading in a landscape section
	continueAt bool   // <w:vMerge w:val="continue"/> rather than a bare <w:vMerge/>
	lineBreaks bool   // a cell's lines parted by <w:br/> rather than paragraphs
	tracked    bool   // a value of table 2 typed over, with change tracking on
	titleSDT   bool   // the title in a content control
	yearField  bool   // the title's year a simple field (DOCPROPERTY)
}

// Fonts a DOCX report is set in, for the PDFs LibreOffice makes of them.
var docxFonts = []string{"Noto Serif CJK SC", "WenQuanYi Zen Hei"}

func (r *Report) docxLook() docxLook {
	n := r.Num
	return docxLook{
		font:       docxFonts[n%len(docxFonts)],
		autoNumber: n%3 == 0,
		styleList:  n%6 == 3,
		tabSuffix:  n%12 < 6,
		landscape:  n%4 == 1,
		continueAt: n%2 == 1,
		lineBreaks: n%5 < 2,
		tracked:    n%7 == 2,
		titleSDT:   n%6 == 4,
		yearField:  n%6 == 1,
	}
}

// variations lists, for the corpus index, what the report's DOCX does.
func (lk docxLook) variations() []string {
	v := []string{"docx in " + lk.font}
	for _, f := range []struct {
		on   bool
		what string
	}{
		{lk.autoNumber && !lk.styleList, "docx headings numbered by numbering.xml"},
		{lk.autoNumber && lk.styleList, "docx headings numbered through their styles"},
		{lk.landscape, "docx table 2 in a landscape section"},
		{lk.tracked, "docx tracked change in table 2"},
		{lk.titleSDT, "docx title in a content control"},
		{lk.yearField, "docx title year a field"},
	} {
		if f.on {
			v = append(v, f.what)
		}
	}
	return v
}

// docxTime is every part's time in the archive, so that the bytes repeat.
var docxTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Page sizes in twips: A4 portrait, its text width, and landscape's.
const (
	pageShort      = 11906
	pageLong       = 16838
	portraitText   = pageShort - 2*1800
	landscapeText  = pageLong - 2*1440
	docxValueWidth = 0.55 // share of table 2's width its value columns take
)

// renderDOCX prints the report as a Word document: Word's paragraphs and
// tables, the tables with the official template's merged cells.
func (r *Report) renderDOCX() ([]byte, error) {
	lk := r.docxLook()
	d := &docxDoc{r: r, lk: lk}
	d.body()
	parts := []File{
		{"[Content_Types].xml", []byte(docxContentTypes)},
		{"_rels/.rels", []byte(docxPackageRels)},
		{"docProps/core.xml", []byte(fmt.Sprintf(docxCore, xmlEsc(r.Title())))},
		{"word/_rels/document.xml.rels", []byte(docxDocumentRels)},
		{"word/document.xml", []byte(d.b.String())},
		{"word/styles.xml", []byte(r.docxStyles(lk))},
		{"word/numbering.xml", []byte(r.docxNumbering(lk))},
		{"word/settings.xml", []byte(docxSettings)},
	}
	return zipParts(parts)
}

// zipParts writes the parts into a zip archive, each at docxTime.
func zipParts(parts []File) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.Name, Method: zip.Deflate, Modified: docxTime})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(p.Data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// docxDoc writes document.xml.
type docxDoc struct {
	r  *Report
	lk docxLook
	b  strings.Builder
	id int // the last revision or bookmark id used
}

func (d *docxDoc) body() {
	r := d.r
	d.b.WriteString(xmlHeader + `<w:document xmlns:w="` + nsW + `" xmlns:r="` + nsR + `"><w:body>`)
	appSection := sectionIndex(template.Applications)
	for _, blk := range r.document() {
		switch blk.kind {
		case titleBlock:
			lines := blk.lines
			if !r.look.twoLineTitle {
				lines = []string{strings.Join(lines, "")}
			}
			for i, l := range lines {
				d.title(l, i == 0)
			}
		case headingBlock:
			if d.lk.landscape && blk.section == appSection {
				d.sectionBreak(false)
			}
			d.heading(blk)
		case paraBlock:
			d.paragraph(blk)
		case tableBlock:
			d.table(r.grid(blk.table, DOCX), blk.table.def.Key)
			if d.lk.landscape && blk.table.def.Key == template.Applications {
				d.sectionBreak(true)
			}
		}
	}
	d.b.WriteString(sectPr(false) + `</w:body></w:document>`)
}

// title writes a line of the title, its year a field or its whole a content
// control where the look says so.
func (d *docxDoc) title(line string, first bool) {
	r := d.r
	d.b.WriteString(`<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>`)
	var runs string
	year := itoa(r.Year)
	if rest, ok := strings.CutPrefix(line, r.Agency+year); ok && first && d.lk.yearField {
		runs = run(r.Agency) + `<w:fldSimple w:instr=" DOCPROPERTY  ReportYear  \* MERGEFORMAT ">` + run(year) + `</w:fldSimple>` + run(rest)
	} else {
		runs = run(line)
	}
	if first && d.lk.titleSDT {
		d.id++
		fmt.Fprintf(&d.b, `<w:sdt><w:sdtPr><w:alias w:val="标题"/><w:id w:val="%d"/></w:sdtPr><w:sdtContent>%s</w:sdtContent></w:sdt>`, 1000+d.id, runs)
	} else {
		d.b.WriteString(runs)
	}
	d.b.WriteString(`</w:p>`)
}

func (d *docxDoc) heading(blk block) {
	if !d.lk.autoNumber {
		d.b.WriteString(`<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>` + run(d.r.heading(blk, DOCX)) + `</w:p>`)
		return
	}
	d.b.WriteString(`<w:p><w:pPr><w:pStyle w:val="Heading1"/>`)
	if !d.lk.styleList {
		d.b.WriteString(`<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>`)
	}
	d.b.WriteString(`</w:pPr>` + run(blk.text) + `</w:p>`)
}

// paragraph writes prose: a subheading in bold (numbered by the list where
// headings are), else a paragraph indented by two characters, split into
// runs where an editor would have split it.
func (d *docxDoc) paragraph(blk block) {
	if blk.sub {
		if text, ok := cutSubNumber(blk.text); ok && d.lk.autoNumber {
			d.b.WriteString(`<w:p><w:pPr><w:pStyle w:val="Heading2"/>`)
			if !d.lk.styleList {
				d.b.WriteString(`<w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>`)
			}
			d.b.WriteString(`</w:pPr>` + run(text) + `</w:p>`)
			return
		}
		d.b.WriteString(`<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr>` + run(blk.text) + `</w:p>`)
		return
	}
	d.b.WriteString(`<w:p><w:pPr><w:ind w:firstLineChars="200" w:firstLine="560"/></w:pPr>`)
	if head, tail, ok := strings.Cut(blk.text, d.r.text("，")); ok && tail != "" {
		d.b.WriteString(run(head+d.r.text("，")) + `<w:proofErr w:type="gramStart"/>` + run(tail) + `<w:proofErr w:type="gramEnd"/>`)
	} else {
		d.b.WriteString(run(blk.text))
	}
	d.b.WriteString(`</w:p>`)
}

// cutSubNumber cuts the （一） off a subheading.
func cutSubNumber(s string) (string, bool) {
	for _, p := range [][2]string{{"（", "）"}, {"(", ")"}} {
		if rest, ok := strings.CutPrefix(s, p[0]); ok {
			if _, text, ok := strings.Cut(rest, p[1]); ok {
				return text, true
			}
		}
	}
	return s, false
}

// sectionBreak ends a section: the one before table 2 portrait, the one
// holding it landscape.
func (d *docxDoc) sectionBreak(landscape bool) {
	d.b.WriteString(`<w:p><w:pPr>` + sectPr(landscape) + `</w:pPr></w:p>`)
}

func sectPr(landscape bool) string {
	if landscape {
		return `<w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/><w:pgMar w:top="1800" w:right="1440" w:bottom="1800" w:left="1440" w:header="851" w:footer="992" w:gutter="0"/><w:cols w:space="425"/><w:docGrid w:linePitch="312"/></w:sectPr>`
	}
	return `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1800" w:bottom="1440" w:left="1800" w:header="851" w:footer="992" w:gutter="0"/><w:cols w:space="425"/><w:docGrid w:linePitch="312"/></w:sectPr>`
}

// table writes a grid as Word does: every row has a w:tc for every grid
// position not spanned across, the cells a merged-down cell covers as
// w:vMerge continuations.
func (d *docxDoc) table(g grid, key string) {
	placed, width := g.Place()
	total := portraitText
	if d.lk.landscape && key == template.Applications {
		total = landscapeText
	}
	cols := columnWidths(key, width, total)
	d.b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/><w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(&d.b, `<w:%s w:val="single" w:sz="4" w:space="0" w:color="auto"/>`, side)
	}
	d.b.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`)
	for _, w := range cols {
		fmt.Fprintf(&d.b, `<w:gridCol w:w="%d"/>`, w)
	}
	d.b.WriteString(`</w:tblGrid>`)
	// above[r][c] is the merged-down cell covering row r at column c.
	above := make([]map[int]layout.Placed, len(placed))
	for _, row := range placed {
		for _, c := range row {
			rows, _ := c.Spans()
			for dr := 1; dr < rows; dr++ {
				if above[c.Row+dr] == nil {
					above[c.Row+dr] = map[int]layout.Placed{}
				}
				above[c.Row+dr][c.Col] = c
			}
		}
	}
	values, tracked := 0, false
	for i, row := range placed {
		d.b.WriteString(`<w:tr><w:trPr><w:jc w:val="center"/></w:trPr>`)
		k := 0
		for col := 0; col < width; {
			if k < len(row) && row[k].Col == col {
				c := row[k]
				k++
				rows, span := c.Spans()
				merge := ""
				if rows > 1 {
					merge = `<w:vMerge w:val="restart"/>`
				}
				text := run(c.Text)
				if g.keys[i] != "" && c.Col >= labelColumns(key) {
					if key == template.ActiveDisclosure && values == d.r.look.bookmarkCell {
						text = `<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/>` + text
					}
					if key == template.Applications && d.lk.tracked && !tracked && c.Text != "" {
						text, tracked = d.typedOver(c.Text), true
					}
					values++
				}
				d.cell(cols[col:col+span], merge, c.Text, text)
				col += span
				continue
			}
			if c, ok := above[i][col]; ok {
				_, span := c.Spans()
				merge := `<w:vMerge/>`
				if d.lk.continueAt {
					merge = `<w:vMerge w:val="continue"/>`
				}
				d.cell(cols[col:col+span], merge, "", "")
				col += span
				continue
			}
			col++
		}
		d.b.WriteString(`</w:tr>`)
	}
	d.b.WriteString(`</w:tbl>`)
}

// labelColumns is the number of grid columns a table's row labels take.
func labelColumns(key string) int {
	switch key {
	case template.Applications:
		return template.LabelColumns
	case template.ReviewsLitigation:
		return 0
	}
	return 1
}

// typedOver writes a value as tracked changes show it when an editor typed
// it over a wrong one: the old value deleted, the new inserted.
func (d *docxDoc) typedOver(text string) string {
	d.id += 2
	const who = `w:author="办公室" w:date="2024-01-15T09:30:00Z"`
	return fmt.Sprintf(`<w:del w:id="%d" %s><w:r><w:delText>%s</w:delText></w:r></w:del><w:ins w:id="%d" %s>%s</w:ins>`,
		d.id-1, who, xmlEsc(text+"8"), d.id, who, run(text))
}

// cell writes one w:tc over the grid columns widths; runs is its content,
// text the same as plain text, whose lines become paragraphs or breaks.
func (d *docxDoc) cell(widths []int, merge, text, runs string) {
	w := 0
	for _, x := range widths {
		w += x
	}
	fmt.Fprintf(&d.b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, w)
	if len(widths) > 1 {
		fmt.Fprintf(&d.b, `<w:gridSpan w:val="%d"/>`, len(widths))
	}
	d.b.WriteString(merge + `<w:vAlign w:val="center"/></w:tcPr>`)
	const p = `<w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr>`
	switch lines := strings.Split(text, "\n"); {
	case len(lines) == 1:
		d.b.WriteString(p + runs + `</w:p>`)
	case d.lk.lineBreaks:
		d.b.WriteString(p + strings.Join(mapStrings(lines, run), `<w:r><w:br/></w:r>`) + `</w:p>`)
	default:
		for _, l := range lines {
			d.b.WriteString(p + run(l) + `</w:p>`)
		}
	}
	d.b.WriteString(`</w:tc>`)
}

func mapStrings(s []string, f func(string) string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = f(x)
	}
	return out
}

// columnWidths shares a table's width among its grid columns: table 1's
// label column and table 2's label columns wider than the values.
func columnWidths(key string, n, total int) []int {
	ws := make([]int, n)
	labels, share := 0, 0.0
	switch key {
	case template.ActiveDisclosure:
		labels, share = 1, 0.4
	case template.Applications:
		labels, share = template.LabelColumns, 1-docxValueWidth
	}
	labels = min(labels, n-1)
	for i := range ws {
		if i < labels {
			ws[i] = int(float64(total) * share / float64(labels))
		} else {
			ws[i] = int(float64(total) * (1 - share) / float64(n-labels))
		}
	}
	return ws
}

// run is a run of text; "" is no run.
func run(text string) string {
	if text == "" {
		return ""
	}
	space := ""
	if strings.TrimSpace(text) != text {
		space = ` xml:space="preserve"`
	}
	return `<w:r><w:t` + space + `>` + xmlEsc(text) + `</w:t></w:r>`
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func xmlEsc(s string) string { return xmlEscaper.Replace(s) }

const (
	xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	nsW       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsR       = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
)

// docxStyles sets the report's font and the styles its paragraphs use; with
// style lists, the heading styles carry the list numbering.
func (r *Report) docxStyles(lk docxLook) string {
	var h1, h2 string
	if lk.autoNumber && lk.styleList {
		h1 = `<w:numPr><w:numId w:val="1"/></w:numPr>`
		h2 = `<w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>`
	}
	f := lk.font
	return xmlHeader + `<w:styles xmlns:w="` + nsW + `">` +
		`<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="` + f + `" w:hAnsi="` + f + `" w:eastAsia="` + f + `" w:cs="` + f + `"/>` +
		`<w:kern w:val="2"/><w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>` +
		`<w:pPrDefault><w:pPr><w:spacing w:line="360" w:lineRule="auto"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>` +
		`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:widowControl w:val="0"/></w:pPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
		`<w:pPr><w:spacing w:before="240" w:after="240"/><w:jc w:val="center"/></w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
		`<w:pPr><w:keepNext/>` + h1 + `<w:spacing w:before="120" w:after="120"/><w:ind w:firstLineChars="200" w:firstLine="560"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Heading1"/><w:next w:val="Normal"/><w:qFormat/>` +
		`<w:pPr>` + h2 + `<w:spacing w:before="0" w:after="0"/><w:outlineLvl w:val="1"/></w:pPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:qFormat/>` +
		`<w:pPr><w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>` +
		`</w:styles>`
}

// docxNumbering defines the heading list: 一、 (or 1、) then （一）, in the
// report's punctuation.
func (r *Report) docxNumbering(lk docxLook) string {
	format := "chineseCounting"
	if r.look.arabicHeadings {
		format = "decimal"
	}
	suffix := `<w:suff w:val="nothing"/>`
	if lk.tabSuffix {
		suffix = ""
	}
	link := func(style string) string {
		if lk.styleList {
			return `<w:pStyle w:val="` + style + `"/>`
		}
		return ""
	}
	return xmlHeader + `<w:numbering xmlns:w="` + nsW + `">` +
		`<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>` +
		`<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="` + format + `"/>` + link("Heading1") + suffix +
		`<w:lvlText w:val="%1` + xmlEsc(r.text("、")) + `"/><w:lvlJc w:val="left"/></w:lvl>` +
		`<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>` + link("Heading2") + `<w:suff w:val="nothing"/>` +
		`<w:lvlText w:val="` + xmlEsc(r.text("（%2）")) + `"/><w:lvlJc w:val="left"/></w:lvl>` +
		`</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/>` +
		`<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num></w:numbering>`
}

const docxContentTypes = xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`</Types>`

const docxPackageRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`</Relationships>`

const docxDocumentRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
	`</Relationships>`

const docxCore = xmlHeader + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
	`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
	`<dc:title>%s</dc:title><dc:creator>nianbao corpus</dc:creator>` +
	`<dcterms:created xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:created></cp:coreProperties>`

const docxSettings = xmlHeader + `<w:settings xmlns:w="` + nsW + `"><w:defaultTabStop w:val="420"/>` +
	`<w:characterSpacingControl w:val="compressPunctuation"/><w:compat>` +
	`<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>`
