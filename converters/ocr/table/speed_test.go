package table

import (
	"image"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
)

// The line finder is checked against its former code on real pages,
// and timed against it side by side.

// runsBefore is runs as it was, calling NextInk for each ink pixel and
// gathering a row's neighbours in three passes.
func runsBefore(out, b *imgproc.Bin, minLen, gap int, vertical bool) {
	w, h := b.W, b.H
	if w == 0 {
		return
	}
	ink := make([]uint8, w) // a row's ink with its neighbours across
	if !vertical {
		for y := 0; y < h; y++ {
			row, orow := b.Pix[y*w:(y+1)*w], out.Pix[y*w:(y+1)*w]
			copy(ink, row)
			if y > 0 {
				imgproc.Or(ink, b.Pix[(y-1)*w:y*w])
			}
			if y+1 < h {
				imgproc.Or(ink, b.Pix[(y+1)*w:(y+2)*w])
			}
			// flush marks the run from start to last, if long.
			start, last := -1, -1
			flush := func() {
				if start >= 0 && last-start+1 >= minLen {
					imgproc.Or(orow[start:last+1], row[start:last+1])
				}
			}
			for x := imgproc.NextInk(ink, 0); x < w; x = imgproc.NextInk(ink, x+1) {
				if start < 0 || x-last > gap+1 {
					flush()
					start = x
				}
				last = x
			}
			flush()
		}
		return
	}
	// The run being followed in each column, from start to last; -1 for
	// none.
	start, last := make([]int, w), make([]int, w)
	for k := range start {
		start[k], last[k] = -1, -1
	}
	// flush marks the run of column k, if long.
	flush := func(k int) {
		if start[k] < 0 || last[k]-start[k]+1 < minLen {
			return
		}
		for j := start[k]; j <= last[k]; j++ {
			out.Pix[j*w+k] |= b.Pix[j*w+k]
		}
	}
	for y := 0; y < h; y++ {
		row := b.Pix[y*w : (y+1)*w]
		copy(ink, row)
		imgproc.Or(ink[1:], row[:w-1])
		imgproc.Or(ink[:w-1], row[1:])
		for x := imgproc.NextInk(ink, 0); x < w; x = imgproc.NextInk(ink, x+1) {
			if start[x] < 0 || y-last[x] > gap+1 {
				flush(x)
				start[x] = y
			}
			last[x] = y
		}
	}
	for k := range start {
		flush(k)
	}
}

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

func TestRunsOnRealPages(t *testing.T) {
	for _, p := range linePages(t) {
		for k, vertical := range []bool{false, true} {
			w, h := p.ink[k].W, p.ink[k].H
			got, want := imgproc.NewBin(w, h), imgproc.NewBin(w, h)
			runs(got, p.ink[k], p.minLen[k], p.gap, vertical)
			runsBefore(want, p.ink[k], p.minLen[k], p.gap, vertical)
			if !slices.Equal(got.Pix, want.Pix) {
				t.Errorf("%s vertical %v: runs differ from the former code", p.name, vertical)
			}
			gr := imgproc.NewBin(w, h)
			ridges(gr, p.sm[k], p.near, p.far, vertical)
			runs(got, gr, p.minFaint, p.gap, vertical)
			runsBefore(want, gr, p.minFaint, p.gap, vertical)
			if !slices.Equal(got.Pix, want.Pix) {
				t.Errorf("%s vertical %v: runs of ridges differ from the former code", p.name, vertical)
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
	}{{"old", runsBefore}, {"new", runs}} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				for k, vertical := range []bool{false, true} {
					f.runs(out, p.ink[k], p.minLen[k], p.gap, vertical)
				}
			}
		})
	}
}
