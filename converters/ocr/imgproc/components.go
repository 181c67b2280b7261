package imgproc

import "image"

// Label labels the 8-connected ink of b, 1 up (0 is paper), and returns
// the labels and one past the largest.
func Label(b *Bin) ([]int32, int32) {
	labels := make([]int32, len(b.Pix))
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
	for y := 0; y < b.H; y++ {
		for x := 0; x < b.W; x++ {
			i := y*b.W + x
			if b.Pix[i] == 0 {
				continue
			}
			var l int32
			for _, d := range [4][2]int{{-1, 0}, {-1, -1}, {0, -1}, {1, -1}} {
				nx, ny := x+d[0], y+d[1]
				if nx < 0 || ny < 0 || nx >= b.W {
					continue
				}
				if nl := labels[ny*b.W+nx]; nl != 0 {
					if l == 0 {
						l = nl
					} else {
						union(l, nl)
					}
				}
			}
			if l == 0 {
				l = int32(len(parent))
				parent = append(parent, l)
			}
			labels[i] = l
		}
	}
	// Number the roots densely.
	dense := make([]int32, len(parent))
	n := int32(1)
	for i := 1; i < len(parent); i++ {
		if r := find(int32(i)); r == int32(i) {
			dense[i] = n
			n++
		}
	}
	for i, l := range labels {
		if l != 0 {
			labels[i] = dense[find(l)]
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
