package ocr

import (
	"context"
	"image"
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
			g := committedScan(t, tt.file)
			if w := g.Rect.Dx(); w < minWidth && g.Rect.Dy() > w/2 {
				g = imgproc.Scale(g, min(3, float64(minWidth)/float64(w)))
			}
			p, pr, err := orient(context.Background(), e, g, "")
			if err != nil || pr.img == nil {
				t.Fatalf("no probe: %v", err)
			}
			got, sure, err := tellScript(e, norm, p, pr)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || !sure {
				t.Errorf("script %s (sure %v), want %s surely", got, sure, tt.want)
			}
		})
	}
}

// committedScan returns the first page of a committed scan (a scanned
// PDF's first page image), decoded.
func committedScan(tb testing.TB, file string) *image.Gray {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scans", file))
	if err != nil {
		tb.Fatal(err)
	}
	if filepath.Ext(file) == ".pdf" {
		doc, err := pdf.New(pdf.Config{}).Convert(context.Background(), file, data)
		if err != nil {
			tb.Fatal(err)
		}
		data = doc.Scans[0].Image
	}
	f, err := imgproc.Open(data, imgproc.Limits{MaxPixels: DefaultMaxPixels, MaxPages: DefaultMaxPages})
	if err != nil {
		tb.Fatal(err)
	}
	g, err := f.Page(0)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// TestScriptOf tells the script from the two tests of a probe: a page is
// traditional when both say so, and taken as simplified, unsurely, when
// they disagree.
func TestScriptOf(t *testing.T) {
	tests := []struct {
		name  string
		tests scriptTests
		want  string
		sure  bool
	}{
		{"both simplified", scriptTests{sim: 0.9, tra: 0.85, simTelling: 0.98, traTelling: 0.95, simN: 30, traN: 30}, langSimplified, true},
		{"both traditional", scriptTests{sim: 0.85, tra: 0.92, simTelling: 0.96, traTelling: 0.99, simN: 30, traN: 30}, langTraditional, true},
		// The LibreOffice rendering of a traditional report.
		{"mean simplified, telling traditional", scriptTests{sim: 0.884, tra: 0.873, simTelling: 0.980, traTelling: 0.992, simN: 30, traN: 30}, langSimplified, false},
		{"mean traditional, telling simplified", scriptTests{sim: 0.85, tra: 0.89, simTelling: 0.98, traTelling: 0.97, simN: 30, traN: 30}, langSimplified, false},
		{"telling within its lead", scriptTests{sim: 0.85, tra: 0.89, simTelling: 0.980, traTelling: 0.984, simN: 30, traN: 30}, langSimplified, false},
		{"few telling, clearly traditional", scriptTests{sim: 0.80, tra: 0.86, simN: 2, traN: 3}, langTraditional, true},
		{"few telling, close", scriptTests{sim: 0.80, tra: 0.84, simN: 2, traN: 3}, langSimplified, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, sure := scriptOf(tt.tests)
			if got != tt.want || sure != tt.sure {
				t.Errorf("scriptOf = %s, %v; want %s, %v", got, sure, tt.want, tt.sure)
			}
		})
	}
}
