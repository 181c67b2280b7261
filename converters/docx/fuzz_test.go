package docx

import (
	"context"
	"os"
	"testing"

	"github.com/nianbao/nianbao/internal/layout"
)

// FuzzConvert feeds the reader whole files, and document.xml and
// numbering.xml texts packed into a .docx, so that the fuzzer reaches the
// XML reader rather than stopping at the zip checks. Every input must give
// a document or an error, never a panic, and a document's tables must have
// spans the layout model can place.
func FuzzConvert(f *testing.F) {
	if data, err := os.ReadFile(corpusDocx); err == nil {
		f.Add(data, []byte(""))
	}
	f.Add([]byte(p(r("一、总体情况"))+`<w:tbl><w:tr>`+td(`<w:gridSpan w:val="2"/><w:vMerge w:val="restart"/>`, "甲")+`</w:tr><w:tr>`+td(`<w:vMerge/>`, "")+`</w:tr></w:tbl>`),
		[]byte(headingList))
	f.Add([]byte(numbered(5, 0, "总体情况")+numbered(5, 1, "主动公开")+`<w:sdt><w:sdtContent>`+p(r("&amp;"))+`</w:sdtContent></w:sdt>`), []byte(headingList))
	f.Add([]byte(p(`<w:r><mc:AlternateContent><mc:Choice><w:txbxContent>`+p(r("框"))+`</w:txbxContent></mc:Choice></mc:AlternateContent></w:r>`)), []byte(""))
	c := New(Config{MaxUncompressed: 1 << 20})
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, doc, numbering []byte) {
		check(t, c, ctx, doc)
		if len(doc) > 1<<16 || len(numbering) > 1<<16 {
			return
		}
		check(t, c, ctx, pkg(t, string(doc), "", string(numbering)))
	})
}

func check(t *testing.T, c *Converter, ctx context.Context, data []byte) {
	doc, err := c.Convert(ctx, "fuzz.docx", data)
	if err != nil {
		if doc != nil {
			t.Fatal("a document with the error")
		}
		return
	}
	for _, b := range doc.Blocks {
		if b.Kind != layout.Table {
			continue
		}
		rows, _ := b.Table.Place()
		for _, row := range rows {
			for _, cell := range row {
				rs, cs := cell.Spans()
				if cell.Row+rs > len(rows) || cs > maxSpan {
					t.Fatalf("cell at row %d spans %d rows of %d, %d columns", cell.Row, rs, len(rows), cs)
				}
			}
		}
	}
}
