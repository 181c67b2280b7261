package pipeline

import (
	"context"
	"image"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/converters/ocr/scans"
	"github.com/nianbao/nianbao/internal/layout"
	"github.com/nianbao/nianbao/internal/parser"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/validate"
)

// TestCorrectMisreading reads the pages of corpus report 016 that hold
// table 2, rendered at 200 dpi as a scanned PDF, with real Tesseract; makes the first
// reading of one cell a misreading (11 read as 17, which breaks its row's
// and its column's sums); and checks that reading the cell's ink again
// puts 11 back, with an ocr.corrected warning naming 17.
func TestCorrectMisreading(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR of a rendered page: not in -short")
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm is not installed")
	}
	const (
		src               = "../../testdata/corpus/016.pdf"
		row, col          = "disclosed", "natural_person"
		printed, misread  = 11.0, 17.0
		key               = template.Applications + "." + row + "." + col
		misreadText       = "17"
		applicationsLabel = "予以公开"
	)
	ctx := context.Background()
	p := New(Config{})
	defer p.Close()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	// The pages of table 2, from the text layer.
	text, err := p.converters[FormatPDF].Convert(ctx, src, data)
	if err != nil {
		t.Fatal(err)
	}
	var pages []int
	for _, b := range text.Blocks {
		if b.Kind == layout.Table && strings.Contains((&layout.Document{Blocks: []layout.Block{b}}).Text(), applicationsLabel) {
			for _, r := range b.Table.Rows {
				for _, c := range r {
					if !slices.Contains(pages, c.Prov.Page) {
						pages = append(pages, c.Prov.Page)
					}
				}
			}
		}
	}
	if len(pages) == 0 {
		t.Fatalf("%s: no page holds table 2", src)
	}
	all, err := scans.Render(src, 200)
	if err != nil {
		t.Fatal(err)
	}
	var imgs = make([]*image.Gray, 0, len(pages))
	for _, n := range pages {
		imgs = append(imgs, all[n-1])
	}
	scanned, err := scans.PDF(imgs, 90, 200)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := p.converters[FormatPDF].Convert(ctx, "016-scanned.pdf", scanned)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.ocr.ReadScans(ctx, doc); err != nil {
		t.Fatal(err)
	}
	rec, rereads := p.parser.ParseRereads(doc)
	i := slices.IndexFunc(rereads, func(r parser.Reread) bool { return r.Table == template.Applications && r.Row == row && r.Column == col })
	if i < 0 {
		t.Fatalf("%s cannot be read again", key)
	}
	tr, _ := rec.Applications.Get(row)
	if v, _ := tr.Get(col); v != record.Num(printed) {
		t.Fatalf("%s read as %v, want %v: the page does not read as expected", key, v, printed)
	}
	tr.Set(col, record.Num(misread))
	rereads[i].Raw = misreadText

	changed, err := p.correct.Apply(ctx, rec, rereads)
	if err != nil {
		t.Fatal(err)
	}
	validate.Check(rec)
	if v, _ := tr.Get(col); !changed || v != record.Num(printed) {
		t.Errorf("%s: %v after correction (changed %v), want %v", key, v, changed, printed)
	}
	var corrected []record.Finding
	for _, f := range rec.Findings {
		if f.Rule == validate.RuleCorrected {
			corrected = append(corrected, f)
		}
		// OCR leaves the cell of new_received's 364 unread on this
		// rendering (value.missing, not this test's concern): no other
		// error may remain.
		if f.Severity == record.Error && f.Rule != validate.RuleValueMissing {
			t.Errorf("error left: %s %s.%s: %s", f.Rule, f.Row, f.Column, f.Message)
		}
	}
	if len(corrected) != 1 || corrected[0].Row != row || corrected[0].Column != col ||
		corrected[0].Actual == nil || *corrected[0].Actual != record.Num(misread) {
		t.Fatalf("ocr.corrected findings %+v, want one on %s with actual %v", corrected, key, misread)
	}
	t.Log(corrected[0].Message)
}
