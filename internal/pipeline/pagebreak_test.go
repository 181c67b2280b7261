package pipeline_test

import (
	"context"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/converters/ocr/scans"
	"github.com/nianbao/nianbao/internal/expect"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/record"
)

// TestPageBreakInGroupScanned scans pages 3 and 4 of testdata/pagebreak/006.pdf
// (scripts/pagebreak-pdf.sh), which hold the applications table broken
// after 2.没有现成信息需要另行制作, the last row of page 3, while the merged
// group （四）无法提供 runs on to page 4 with the page number -3- between.
// Scanned at 200 dpi with a tilt and grain, as an image-only PDF, every
// value of the table is read, that row's included, or left null with a
// finding: none is wrong under status valid.
func TestPageBreakInGroupScanned(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR of two scanned pages: not in -short")
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm is not installed")
	}
	const dpi = 200
	pages, err := scans.Render("../../testdata/pagebreak/006.pdf", dpi)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 5 {
		t.Fatalf("%d pages, want 5", len(pages))
	}
	rng := rand.New(rand.NewPCG(6, 3))
	for i, d := range []scans.Damage{
		{Tilt: 0.8, Noise: 4, Specks: 10, Quality: 60},
		{Tilt: -1.1, Noise: 4, Specks: 10, Quality: 60},
	} {
		if pages[2+i], err = d.Apply(pages[2+i], rng); err != nil {
			t.Fatal(err)
		}
	}
	scan, err := scans.PDF(pages[2:4], 75, dpi)
	if err != nil {
		t.Fatal(err)
	}
	want, err := expect.Load("../../testdata/corpus/expected/006.json")
	if err != nil {
		t.Fatal(err)
	}
	p := pipeline.New(pipeline.Config{})
	defer p.Close()
	rec, err := p.Bytes(context.Background(), "006-pagebreak.pdf", scan)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Source.Method != "pdf-ocr" {
		t.Errorf("method %q, want pdf-ocr", rec.Source.Method)
	}
	_, got := rec.Flat()
	var wrong, missing []string
	n := 0
	for k, w := range want.Fields {
		if !strings.HasPrefix(k, "applications.") || !w.Valid {
			continue
		}
		n++
		switch g := got[k]; {
		case !g.Valid:
			missing = append(missing, k)
		case g != w:
			wrong = append(wrong, k)
		}
	}
	t.Logf("%d applications fields: %d wrong %v, %d left null %v; status %s", n, len(wrong), wrong, len(missing), missing, rec.Status)
	if len(wrong) > 0 {
		t.Errorf("wrong values: %v", wrong)
	}
	for _, col := range []string{"natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total"} {
		for _, row := range []string{"unavailable_not_held", "unavailable_to_create", "unavailable_unclear"} {
			k := "applications." + row + "." + col
			if g := got[k]; g != want.Fields[k] {
				t.Errorf("%s = %+v, want %v: the rows either side of the page break are not all read", k, g, want.Fields[k])
			}
		}
	}
	if len(wrong)+len(missing) > 0 && rec.Status == record.Valid {
		t.Errorf("status valid with %d values wrong or missing", len(wrong)+len(missing))
	}
}
