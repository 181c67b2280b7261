package ocr

import (
	"context"
	"image"

	"github.com/nianbao/nianbao/internal/layout"
)

// rereader reads again, on demand, the ink of a cell read as a number
// (whether or not its ink has a number's shapes), in more ways than its
// first reading tried (see layout.Rereader): every height of
// rereadHeights, on the ink as scanned and thresholded thinner and bolder.
// A digit misread at one size or stroke weight (3 for 8, 1 for 7) is often
// read right at another; the caller, not the converter, judges which
// reading to believe. It keeps only the cell's cleaned ink, a few
// kilobytes, not the page.
type rereader struct {
	c  *Converter
	rg *region
}

// rereadHeights are the digit heights, in pixels, a cell is read again at.
var rereadHeights = [...]int{20, 24, 28, 32, 36, 40, 48}

// rereadThresholds are the gray levels below which a pixel is taken as ink
// in the thresholded versions of a cell: thin strokes and bold ones.
var rereadThresholds = [...]uint8{112, 216}

// Reread reads the cell in every way, on an engine of the converter's
// pool, and returns the distinct readings, each with the best confidence
// it was read with. A reading whose characters the glyphs of the ink do
// not account for, or read below voteConfidence, is left out: the first
// reading rejected those too.
func (r *rereader) Reread(ctx context.Context) ([]layout.Reading, error) {
	e, err := r.c.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer r.c.release(e)
	rg := r.rg.unspecked()
	boxes := rg.glyphBoxes()
	lo, hi := rg.glyphs(boxes)
	lone := lo == 1 && hi == 1
	line := rg.oneLine()
	images := []*image.Gray{line}
	for _, t := range rereadThresholds {
		images = append(images, thresholded(line, t))
	}
	var out []layout.Reading
	for _, img := range images {
		for _, h := range rereadHeights {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			hows := []numberRead{{h, false}}
			if lone {
				hows = append(hows, numberRead{h, true})
			}
			for _, how := range hows {
				src := img
				if how.doubled {
					src = doubled(img, rg.tall)
				}
				t, tc, err := readWay(e, src, rg.tall, how, lone)
				if err != nil {
					return nil, err
				}
				if t == "" || tc < voteConfidence || !fits(t, lo, hi) {
					continue
				}
				t, tc = rg.settle(t, tc, boxes, lo, hi)
				out = addReading(out, layout.Reading{Text: t, Confidence: tc})
			}
		}
	}
	return out, nil
}

// addReading adds rd to readings, or raises the confidence of the same text
// read before.
func addReading(readings []layout.Reading, rd layout.Reading) []layout.Reading {
	for i := range readings {
		if readings[i].Text == rd.Text {
			readings[i].Confidence = max(readings[i].Confidence, rd.Confidence)
			return readings
		}
	}
	return append(readings, rd)
}

// thresholded returns img in black and white: black where it is darker
// than t.
func thresholded(img *image.Gray, t uint8) *image.Gray {
	out := image.NewGray(img.Rect)
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
			if img.GrayAt(x, y).Y >= t {
				out.Pix[out.PixOffset(x, y)] = 255
			}
		}
	}
	return out
}
