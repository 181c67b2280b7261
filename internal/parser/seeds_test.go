package parser_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/expect"
	"github.com/nianbao/nianbao/internal/layout"
	"github.com/nianbao/nianbao/internal/parser"
	"github.com/nianbao/nianbao/internal/validate"
)

// textDocument makes the layout a plain-text converter gives: a paragraph a
// line. The parser's own tests need no converter.
func textDocument(text string) *layout.Document {
	doc := &layout.Document{Method: "text"}
	for _, l := range strings.Split(text, "\n") {
		if l != "" {
			doc.Blocks = append(doc.Blocks, layout.Block{Kind: layout.Paragraph, Text: l})
		}
	}
	return doc
}

func TestSeeds(t *testing.T) {
	files, err := filepath.Glob("../../testdata/seeds/*.txt")
	if err != nil || len(files) != 5 {
		t.Fatalf("want the 5 seed texts in testdata/seeds, got %d (%v)", len(files), err)
	}
	p := parser.New(parser.Config{})
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := expect.Load(filepath.Join(filepath.Dir(f), "expected", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			rec := p.Parse(textDocument(string(text)))
			validate.Check(rec)
			for _, d := range want.Diff(rec) {
				t.Error(d)
			}
		})
	}
}
