package scans_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/converters/ocr"
	"github.com/nianbao/nianbao/converters/ocr/scans"
	"github.com/nianbao/nianbao/internal/layout"
	"github.com/nianbao/nianbao/internal/pipeline"
)

// TMPDEBUG: dump the layout of one degraded page.
func TestDebugDump(t *testing.T) {
	if fn := os.Getenv("DEBUG_FILE"); fn != "" {
		data, _ := os.ReadFile(fn)
		c := ocr.New(ocr.Config{})
		doc, err := c.Convert(context.Background(), fn, data)
		if err != nil {
			t.Fatal(err)
		}
		dump(t, doc)
		return
	}
	spec := os.Getenv("DEBUG_PAGE") // report:dpi:page:seed
	if spec == "" {
		t.Skip()
	}
	f := strings.Split(spec, ":")
	dpi, _ := strconv.Atoi(f[1])
	pg, _ := strconv.Atoi(f[2])
	seed, _ := strconv.Atoi(f[3])
	pages, err := scans.Render(filepath.Join("../../../testdata/corpus", f[0]+".pdf"), dpi)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(uint64(seed), 1))
	d := scans.RandomDamage(r, 0)
	g, _ := d.Apply(pages[pg-1], r)
	j, _ := scans.JPEG(g, 50)
	out := fmt.Sprintf("/tmp/ocrw/%s-%d-p%d.jpg", f[0], dpi, pg)
	os.WriteFile(out, j, 0o644)
	p := pipeline.New(pipeline.Config{})
	defer p.Close()
	_ = ocr.Config{}
	c := ocr.New(ocr.Config{})
	doc, err := c.Convert(context.Background(), out, j)
	if err != nil {
		t.Fatal(err)
	}
	dump(t, doc)
}

func dump(t *testing.T, doc *layout.Document) {
	for _, b := range doc.Blocks {
		if b.Kind == layout.PageBreak {
			t.Logf("---- page break")
		}
		if b.Kind == layout.Paragraph {
			t.Logf("P %.2f %s", b.Prov.Confidence, b.Text)
		}
		if b.Kind == layout.Table {
			for _, row := range b.Table.Rows {
				var s []string
				for _, c := range row {
					s = append(s, fmt.Sprintf("[%s|%.2f]", strings.ReplaceAll(c.Text, "\n", "/"), c.Prov.Confidence))
				}
				t.Logf("R %s", strings.Join(s, " "))
			}
		}
	}
}
