package parser_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/layout"
	"github.com/nianbao/nianbao/internal/parser"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/validate"
)

// gridDocument makes a table block of the text: a row a line, a cell a tab
// field, with spans drawn from the cell's length so merged cells are fuzzed.
func gridDocument(text string) *layout.Document {
	grid := &layout.TableGrid{}
	for _, l := range strings.Split(text, "\n") {
		var row []layout.Cell
		for _, f := range strings.Split(l, "\t") {
			// Some cells as if read by OCR, some not.
			conf := float64(len(f)%5) / 4
			row = append(row, layout.Cell{Text: f, RowSpan: len(f) % 3, ColSpan: len(f) % 4, Prov: layout.Provenance{Confidence: conf}})
		}
		grid.Rows = append(grid.Rows, row)
	}
	return &layout.Document{Blocks: []layout.Block{
		{Kind: layout.Paragraph, Text: text},
		{Kind: layout.Table, Table: grid},
		{Kind: layout.PageBreak},
	}}
}

// FuzzParse checks that no text, read as lines or as a grid, makes the parser
// or validator panic, and that every record they make is well formed.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../../testdata/seeds/*.txt")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("一、总体情况\n二、主动公开政府信息情况\n规章\t1\t2\n三、收到和处理政府信息公开申请情况\n（七）总计\t|\t/\n")
	p := parser.New(parser.Config{})
	f.Fuzz(func(t *testing.T, text string) {
		for _, doc := range []*layout.Document{textDocument(text), gridDocument(text)} {
			rec := p.Parse(doc)
			validate.Check(rec)
			switch rec.Status {
			case record.Valid, record.Invalid, record.Incomplete:
			default:
				t.Fatalf("status %q", rec.Status)
			}
			if _, err := json.Marshal(rec); err != nil {
				t.Fatalf("record does not marshal: %v", err)
			}
		}
	})
}
