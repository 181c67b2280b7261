package imgproc

import (
	"encoding/binary"
	"image"
)

// Run is a run of ink along a row: pixels X0 to X1-1 of row Y, of the
// piece labelled L.
type Run struct {
	Y, X0, X1, L int32
}

// Runs labels the 8-connected ink of b as Label does and returns its runs,
// row by row and left to right, with one past the largest label.
//
// It runs over whole pages several times a page, so it joins runs of ink
// rather than pixels: a run touches those of the row above that overlap
// it or meet it at a corner.
func Runs(b *Bin) ([]Run, int32) {
	parent := []int32{0}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	union := func(a, c int32) {
		a, c = find(a), find(c)
		if a != c {
			if a < c {
				parent[c] = a
			} else {
				parent[a] = c
			}
		}
	}
	var runs []Run
	prev := 0 // runs[prev:] are those of the row above, up to the row's first
	for y := 0; y < b.H; y++ {
		row := b.Pix[y*b.W : y*b.W+b.W]
		first := len(runs)
		j := prev
		for x := NextInk(row, 0); x < len(row); x = NextInk(row, x) {
			x0 := x
			for x < len(row) && row[x] != 0 {
				x++
			}
			for j < first && int(runs[j].X1) < x0 {
				j++
			}
			var l int32
			for k := j; k < first && int(runs[k].X0) <= x; k++ {
				if l == 0 {
					l = runs[k].L
				} else {
					union(l, runs[k].L)
				}
			}
			if l == 0 {
				l = int32(len(parent))
				parent = append(parent, l)
			}
			runs = append(runs, Run{int32(y), int32(x0), int32(x), l})
		}
		prev = first
	}
	// Each first label's final one: the roots numbered densely, so pieces
	// are numbered in the order of their first pixel.
	final := make([]int32, len(parent))
	n := int32(1)
	for i := int32(1); i < int32(len(parent)); i++ {
		if r := find(i); r == i {
			final[i] = n
			n++
		} else {
			final[i] = final[r]
		}
	}
	for i := range runs {
		runs[i].L = final[runs[i].L]
	}
	return runs, n
}

// NextInk returns the index of the first nonzero byte of row from x on,
// or len(row), passing over eight zeros at a time: most of a page is blank.
func NextInk(row []uint8, x int) int {
	for ; x+8 <= len(row); x += 8 {
		if binary.LittleEndian.Uint64(row[x:]) != 0 {
			break
		}
	}
	for ; x < len(row) && row[x] == 0; x++ {
	}
	return x
}

// Or sets each byte of dst to itself OR that of src, eight bytes at a time:
// ink gathered from rows of a Bin.
func Or(dst, src []uint8) {
	src = src[:len(dst)]
	i := 0
	for ; i+8 <= len(dst); i += 8 {
		binary.LittleEndian.PutUint64(dst[i:], binary.LittleEndian.Uint64(dst[i:])|binary.LittleEndian.Uint64(src[i:]))
	}
	for ; i < len(dst); i++ {
		dst[i] |= src[i]
	}
}

// Label labels the 8-connected ink of b, 1 up (0 is paper), and returns
// the labels and one past the largest. Pieces are numbered in the order of
// their first pixel, row by row.
func Label(b *Bin) ([]int32, int32) {
	runs, n := Runs(b)
	return paint(runs, b.W, b.H), n
}

// paint returns the labels of a w by h image holding runs.
func paint(runs []Run, w, h int) []int32 {
	labels := make([]int32, w*h)
	for _, r := range runs {
		row := labels[int(r.Y)*w : int(r.Y+1)*w]
		for x := r.X0; x < r.X1; x++ {
			row[x] = r.L
		}
	}
	return labels
}

// Component is one connected piece of ink.
type Component struct {
	Box  image.Rectangle
	Area int // ink pixels
}

// Components labels b's ink as Runs does and returns its runs and each
// piece's box and area, indexed by label (index 0, paper, is unused). The
// runs, not a label per pixel, since a page's labels are a large array
// most callers read a little of.
func Components(b *Bin) ([]Run, []Component) {
	runs, n := Runs(b)
	comps := make([]Component, n)
	for i := range comps {
		// Not image.Rect, which would swap the corners.
		comps[i].Box = image.Rectangle{Min: image.Pt(b.W, b.H), Max: image.Pt(-1, -1)}
	}
	for _, r := range runs {
		c := &comps[r.L]
		x0, x1, y := int(r.X0), int(r.X1), int(r.Y)
		c.Box.Min.X, c.Box.Max.X = min(c.Box.Min.X, x0), max(c.Box.Max.X, x1)
		c.Box.Min.Y, c.Box.Max.Y = min(c.Box.Min.Y, y), max(c.Box.Max.Y, y+1)
		c.Area += x1 - x0
	}
	return runs, comps
}
