package ocr

import "image"

// frame is how a page image was changed before it was read: scaled up by
// scale (1 for none), giving w by h pixels, then turned clockwise by
// quarters. Its tilt is straightened too, about the centre and by at most a
// few degrees, which moves a box by a few pixels: that is not undone.
type frame struct {
	scale    float64
	w, h     int
	quarters int
}

// source maps a box on the page as read to the image as given, so that a
// person can be shown where a value was read on the file's own page.
func (f frame) source(r image.Rectangle) image.Rectangle {
	if f.scale == 0 {
		return r // a page read as given
	}
	a, b := f.unturn(r.Min), f.unturn(r.Max.Sub(image.Pt(1, 1)))
	box := image.Rectangle{Min: a, Max: b.Add(image.Pt(1, 1))}.Canon()
	return image.Rect(int(float64(box.Min.X)/f.scale), int(float64(box.Min.Y)/f.scale),
		int(float64(box.Max.X)/f.scale+0.5), int(float64(box.Max.Y)/f.scale+0.5))
}

// unturn maps a pixel of the turned page back, inverting imgproc.Turn.
func (f frame) unturn(p image.Point) image.Point {
	switch f.quarters {
	case 1:
		return image.Pt(p.Y, f.h-1-p.X)
	case 2:
		return image.Pt(f.w-1-p.X, f.h-1-p.Y)
	case 3:
		return image.Pt(f.w-1-p.Y, p.X)
	}
	return p
}
