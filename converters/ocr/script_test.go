package ocr

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
	"github.com/nianbao/nianbao/converters/pdf"
	"github.com/nianbao/nianbao/internal/textnorm"
)

// TestScript tells the script of the first page of each file of the scan
// set, where simplified and traditional reports, noisy pages and fax-like
// black and white ones are; a script told wrong misreads every label.
// Each way of telling is taken: 002 is told simplified by its third line
// (tellScript), 003 and 006 by their first, 013 and the traditional pages
// by the four-line probe.
func TestScript(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR of the scan set: not in -short")
	}
	dir := filepath.Join("..", "..", "testdata", "scans")
	tests := []struct {
		file string
		want string
	}{
		{"002-300.pdf", langSimplified},
		{"005-300.tif", langTraditional},
		{"003-200.pdf", langSimplified},
		{"001-200.tif", langTraditional},
		{"006-200.pdf", langSimplified},
		{"013-300-p3.jpg", langSimplified},
	}
	e := newEngine("")
	defer e.close()
	norm := textnorm.New()
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Ext(tt.file) == ".pdf" {
				doc, err := pdf.New(pdf.Config{}).Convert(context.Background(), tt.file, data)
				if err != nil {
					t.Fatal(err)
				}
				data = doc.Scans[0].Image
			}
			f, err := imgproc.Open(data, imgproc.Limits{MaxPixels: DefaultMaxPixels})
			if err != nil {
				t.Fatal(err)
			}
			g, err := f.Page(0)
			if err != nil {
				t.Fatal(err)
			}
			if w := g.Rect.Dx(); w < minWidth && g.Rect.Dy() > w/2 {
				g = imgproc.Scale(g, min(3, float64(minWidth)/float64(w)))
			}
			p, pr, err := orient(context.Background(), e, g)
			if err != nil || pr.img == nil {
				t.Fatalf("no probe: %v", err)
			}
			got, err := tellScript(e, norm, p, pr)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("script %s, want %s", got, tt.want)
			}
		})
	}
}
