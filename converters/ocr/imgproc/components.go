package imgproc

import "image"

// Label labels the 8-connected ink of b, 1 up (0 is paper), and returns
// the labels and one past the largest. Pieces are numbered in the order of
// their first pixel, row by row.
//
// It runs over whole pages several times a page, so it joins runs of ink
// rather than pixels: a run touches those of the row above that overlap
// it or meet it at a corner.
func Label(b *Bin) ([]int32, int32) {
	type run struct {
		y, x0, x1 int32 // pixels x0 to x1-1 of row y
		l         int32 // label given first
	}
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
	var runs []run
	prev := 0 // runs[prev:] are those of the row above, up to row's first
	for y := 0; y < b.H; y++ {
		row := b.Pix[y*b.W : y*b.W+b.W]
		first := len(runs)
		j := prev
		for x := 0; x < len(row); {
			if row[x] == 0 {
				x++
				continue
			}
			x0 := x
			for x < len(row) && row[x] != 0 {
				x++
			}
			for j < first && int(runs[j].x1) < x0 {
				j++
			}
			var l int32
			for k := j; k < first && int(runs[k].x0) <= x; k++ {
				if l == 0 {
					l = runs[k].l
				} else {
					union(l, runs[k].l)
				}
			}
			if l == 0 {
				l = int32(len(parent))
				parent = append(parent, l)
			}
			runs = append(runs, run{int32(y), int32(x0), int32(x), l})
		}
		prev = first
	}
	// Each first label's final one: the roots numbered densely.
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
	labels := make([]int32, len(b.Pix))
	for _, r := range runs {
		row := int(r.y) * b.W
		l := final[r.l]
		for x := r.x0; x < r.x1; x++ {
			labels[row+int(x)] = l
		}
	}
	return labels, n
}

// Component is one connected piece of ink.
type Component struct {
	Box  image.Rectangle
	Area int // ink pixels
}

// Components labels b's ink and returns each piece's box and area, indexed
// by label (index 0, paper, is unused).
func Components(b *Bin) ([]int32, []Component) {
	labels, n := Label(b)
	comps := make([]Component, n)
	for i := range comps {
		// Not image.Rect, which would swap the corners.
		comps[i].Box = image.Rectangle{Min: image.Pt(b.W, b.H), Max: image.Pt(-1, -1)}
	}
	// Bounds kept as plain minima and maxima: this runs over whole pages.
	for y := 0; y < b.H; y++ {
		row := labels[y*b.W : (y+1)*b.W]
		for x, l := range row {
			if l == 0 {
				continue
			}
			c := &comps[l]
			c.Box.Min.X, c.Box.Max.X = min(c.Box.Min.X, x), max(c.Box.Max.X, x+1)
			c.Box.Min.Y, c.Box.Max.Y = min(c.Box.Min.Y, y), max(c.Box.Max.Y, y+1)
			c.Area++
		}
	}
	return labels, comps
}
