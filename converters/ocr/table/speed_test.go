package table

import (
	"image"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
)

// The line finders are checked against their definitions (equiv_test.go)
// on real pages, and timed against them side by side.

// A linePage is a real page prepared as Find's caller does, smoothed along
// each axis and binarized as Find does, with Find's sizes for it.
type linePage struct {
	name             string
	sm               [2]*image.Gray // along rows, down columns
	ink              [2]*imgproc.Bin
	minLen           [2]int
	gap, near, far   int
	minFaint, radius int
}

// linePages returns the committed scans' pages as linePages.
func linePages(tb testing.TB) []linePage {
	tb.Helper()
	var out []linePage
	for _, name := range []string{"003-200.pdf", "014-200-p3.png", "005-300.tif", "013-300-p3.jpg"} {
		var g *image.Gray
		var b *imgproc.Bin
		if filepath.Ext(name) == ".pdf" {
			g, b = pdfPage(tb, filepath.Join("..", "..", "..", "testdata", "scans", name), 1)
		} else {
			g, b = scanPage(tb, name)
		}
		side := min(b.W, b.H)
		p := linePage{name: name, minLen: [2]int{max(24, side/28), max(20, side/34)},
			gap: max(3, side/400), near: max(3, side/600), minFaint: side / 14, radius: max(1, side/1200)}
		p.far = p.near + max(2, side/800)
		for k, vertical := range []bool{false, true} {
			p.sm[k] = imgproc.Smooth(g, p.radius, vertical)
			p.ink[k] = imgproc.Binarize(p.sm[k])
		}
		out = append(out, p)
	}
	return out
}

func TestRunsAndRidgesOnRealPages(t *testing.T) {
	for _, p := range linePages(t) {
		for k, vertical := range []bool{false, true} {
			w, h := p.ink[k].W, p.ink[k].H
			got, want := imgproc.NewBin(w, h), imgproc.NewBin(w, h)
			runs(got, p.ink[k], p.minLen[k], p.gap, vertical)
			runsByDefinition(want, p.ink[k], p.minLen[k], p.gap, vertical)
			if !slices.Equal(got.Pix, want.Pix) {
				t.Errorf("%s vertical %v: runs differ from the definition", p.name, vertical)
			}
			gr := imgproc.NewBin(w, h)
			for i := range gr.Pix {
				gr.Pix[i] = 1 // every pixel written
			}
			ridges(gr, p.sm[k], p.near, p.far, vertical)
			if wr := ridgesByDefinition(p.sm[k], p.near, p.far, vertical); !slices.Equal(gr.Pix, wr.Pix) {
				t.Errorf("%s vertical %v: ridges differ from the definition", p.name, vertical)
			}
			runs(got, gr, p.minFaint, p.gap, vertical)
			runsByDefinition(want, gr, p.minFaint, p.gap, vertical)
			if !slices.Equal(got.Pix, want.Pix) {
				t.Errorf("%s vertical %v: runs of ridges differ from the definition", p.name, vertical)
			}
		}
	}
}

// BenchmarkRuns times a page's passes along both axes.
func BenchmarkRuns(b *testing.B) {
	p := linePages(b)[0]
	out := imgproc.NewBin(p.ink[0].W, p.ink[0].H)
	for _, f := range []struct {
		name string
		runs func(out, b *imgproc.Bin, minLen, gap int, vertical bool)
	}{{"definition", runsByDefinition}, {"new", runs}} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				for k, vertical := range []bool{false, true} {
					f.runs(out, p.ink[k], p.minLen[k], p.gap, vertical)
				}
			}
		})
	}
}

// BenchmarkRidges times a page's passes along both axes.
func BenchmarkRidges(b *testing.B) {
	p := linePages(b)[0]
	out := imgproc.NewBin(p.ink[0].W, p.ink[0].H)
	for _, f := range []struct {
		name   string
		ridges func(out *imgproc.Bin, s *image.Gray, near, far int, vertical bool)
	}{{"definition", func(_ *imgproc.Bin, s *image.Gray, near, far int, vertical bool) {
		ridgesByDefinition(s, near, far, vertical)
	}}, {"new", ridges}} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				for k, vertical := range []bool{false, true} {
					f.ridges(out, p.sm[k], p.near, p.far, vertical)
				}
			}
		})
	}
}
