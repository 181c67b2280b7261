package table

import (
	"image"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
)

// The line finders are checked against their former code on real pages,
// and timed against it side by side.

// ridgesBefore is ridges as it was, a pixel at a time, calling NextBelow
// for each one dark enough.
func ridgesBefore(out *imgproc.Bin, s *image.Gray, near, far int, vertical bool) {
	w, h := s.Rect.Dx(), s.Rect.Dy()
	clear(out.Pix)
	// In percent, and the lightest pixel that can be darker so than white
	// paper: most of a page is lighter, and needs no look around.
	const keep = 100 - ridgeDarker
	const lightest = 255 * keep / 100
	// Lines across within far of the edge have no paper on one side.
	y0, y1, x0, x1 := far, h-far, 0, w
	if vertical {
		y0, y1, x0, x1 = 0, h, far, w-far
	}
	if y0 >= y1 || x0 >= x1 {
		return
	}
	// The rows near to far above and below the row (horizontal lines).
	var above, below [][]uint8
	for y := y0; y < y1; y++ {
		row, orow := s.Pix[y*s.Stride:y*s.Stride+w], out.Pix[y*w:y*w+w]
		dark := row[:x1]
		if !vertical {
			above, below = above[:0], below[:0]
			for d := near; d <= far; d++ {
				above = append(above, s.Pix[(y-d)*s.Stride:(y-d)*s.Stride+w])
				below = append(below, s.Pix[(y+d)*s.Stride:(y+d)*s.Stride+w])
			}
		}
		for x := imgproc.NextBelow(dark, x0, lightest+1); x < x1; x = imgproc.NextBelow(dark, x+1, lightest+1) {
			// Darker than the lighter side: the paper on one side first.
			v := int(row[x]) * 100
			var lo, hi uint8
			if vertical {
				lo = slices.Max(row[x-far : x-near+1])
			} else {
				for _, r := range above {
					lo = max(lo, r[x])
				}
			}
			if v >= int(lo)*keep {
				continue
			}
			if vertical {
				hi = slices.Max(row[x+near : x+far+1])
			} else {
				for _, r := range below {
					hi = max(hi, r[x])
				}
			}
			if v < int(hi)*keep {
				orow[x] = 1
			}
		}
	}
}

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

func TestRunsAndRidgesOnRealPages(t *testing.T) {
	for _, p := range linePages(t) {
		for k, vertical := range []bool{false, true} {
			w, h := p.ink[k].W, p.ink[k].H
			got, want := imgproc.NewBin(w, h), imgproc.NewBin(w, h)
			runs(got, p.ink[k], p.minLen[k], p.gap, vertical)
			runsBefore(want, p.ink[k], p.minLen[k], p.gap, vertical)
			if !slices.Equal(got.Pix, want.Pix) {
				t.Errorf("%s vertical %v: runs differ from the former code", p.name, vertical)
			}
			gr, wr := imgproc.NewBin(w, h), imgproc.NewBin(w, h)
			for i := range gr.Pix {
				gr.Pix[i] = 1 // every pixel written
			}
			ridges(gr, p.sm[k], p.near, p.far, vertical)
			ridgesBefore(wr, p.sm[k], p.near, p.far, vertical)
			if !slices.Equal(gr.Pix, wr.Pix) {
				t.Errorf("%s vertical %v: ridges differ from the former code", p.name, vertical)
			}
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

// BenchmarkRidges times a page's passes along both axes.
func BenchmarkRidges(b *testing.B) {
	p := linePages(b)[0]
	out := imgproc.NewBin(p.ink[0].W, p.ink[0].H)
	for _, f := range []struct {
		name   string
		ridges func(out *imgproc.Bin, s *image.Gray, near, far int, vertical bool)
	}{{"old", ridgesBefore}, {"new", ridges}} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				for k, vertical := range []bool{false, true} {
					f.ridges(out, p.sm[k], p.near, p.far, vertical)
				}
			}
		})
	}
}
