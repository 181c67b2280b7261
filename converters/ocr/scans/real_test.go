package scans_test

import (
	"context"
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/converters/ocr/scans"
	"github.com/nianbao/nianbao/internal/expect"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/record"
)

// realReport is a published report, read but never copied into the
// repository: ../shared/real from the repository root.
var realReport = filepath.Join("..", "..", "..", "..", "shared", "real", "hzq2024.pdf")

// TestRealScan makes scans of the real report as the scan set's are made
// (every page rendered, tilted, soiled and compressed, one page turned
// sideways): at 300 dpi an image-only PDF of grayscale JPEGs, at 200 dpi a
// black and white multi-page TIFF. It reads them and compares every field
// with the values read by eye (testdata/real/hzq2024.json), logging the
// figures; a wrong field in a record called "valid" (a silent error), or a
// wrong title or agency, fails.
func TestRealScan(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR of the real report's pages: not in -short")
	}
	if _, err := os.Stat(realReport); err != nil {
		t.Skipf("%s is absent, so the real scan is not checked: %v", realReport, err)
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm is not installed")
	}
	want, err := expect.Load("../../../testdata/real/hzq2024.json")
	if err != nil {
		t.Fatal(err)
	}
	p := pipeline.New(pipeline.Config{})
	defer p.Close()
	for _, tt := range []struct {
		dpi    int
		format string
		turn   int // the page (0-based) turned sideways
	}{
		{dpi: 300, format: "pdf", turn: 1},
		{dpi: 200, format: "tiff", turn: 2},
	} {
		t.Run(fmt.Sprintf("%d-%s", tt.dpi, tt.format), func(t *testing.T) {
			pages, err := scans.Render(realReport, tt.dpi)
			if err != nil {
				t.Fatal(err)
			}
			// A seed per resolution, so either subtest alone makes the same file.
			r := rand.New(rand.NewPCG(20241122, uint64(tt.dpi)))
			damaged := make([]*image.Gray, len(pages))
			for i, g := range pages {
				d := scans.RandomDamage(r, 0)
				if i == tt.turn {
					d.Turn = 1 + 2*r.IntN(2)
				}
				if tt.format == "tiff" {
					d = d.Fax()
				}
				if damaged[i], err = d.Apply(g, r); err != nil {
					t.Fatal(err)
				}
				t.Logf("page %d: %+v", i+1, d)
			}
			var data []byte
			name := filepath.Join(t.TempDir(), "hzq2024")
			switch tt.format {
			case "pdf":
				data, err = scans.PDF(damaged, 50, tt.dpi)
				name += ".pdf"
			case "tiff":
				data, err = scans.TIFF(damaged, tt.dpi)
				name += ".tif"
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, data, 0o644); err != nil {
				t.Fatal(err)
			}

			start := time.Now()
			rec, err := p.File(context.Background(), name)
			if err != nil {
				t.Fatal(err)
			}
			elapsed := time.Since(start)
			_, got := rec.Flat()
			var wrong []string
			for k, w := range want.Fields {
				if g := got[k]; g != w {
					wrong = append(wrong, fmt.Sprintf("%s=%v (want %v)", k, g, w))
				}
			}
			sort.Strings(wrong)
			var findings []string
			for _, f := range rec.Findings {
				findings = append(findings, fmt.Sprintf("%s %s %s.%s.%s: %s", f.Severity, f.Rule, f.Table, f.Row, f.Column, f.Message))
			}
			t.Logf("%d dpi %s: %d/%d numeric fields right; status %s (expected %s); method %s, %d pages, %.1f s per page",
				tt.dpi, tt.format, len(want.Fields)-len(wrong), len(want.Fields), rec.Status, want.Status,
				rec.Source.Method, rec.Source.Pages, elapsed.Seconds()/float64(max(1, rec.Source.Pages)))
			t.Logf("wrong: %s", strings.Join(wrong, ", "))
			t.Logf("findings:\n%s", strings.Join(findings, "\n"))
			if len(wrong) > 0 && rec.Status == record.Valid {
				t.Errorf("silent errors: status valid with %d wrong fields: %s", len(wrong), strings.Join(wrong, ", "))
			}
			if rec.Title != want.Title || rec.Agency != want.Agency {
				t.Errorf("title %q, agency %q; want %q, %q", rec.Title, rec.Agency, want.Title, want.Agency)
			}
		})
	}
}
