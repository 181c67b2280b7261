package ocr

import (
	"bytes"
	"fmt"
	"image"
	"os"
	"strconv"

	"github.com/otiai10/gosseract/v2"
)

// Page segmentation modes used (Tesseract's --psm).
const (
	psmColumn = 4 // a single column of text of varying sizes: prose
	psmBlock  = 6 // a single uniform block: a multi-line cell
	psmLine   = 7 // a single text line: a value cell
)

// engine is one worker's Tesseract: a client per language, each used by one
// goroutine at a time. A Tesseract client is not safe for concurrent use.
type engine struct {
	prefix  string
	clients map[string]*gosseract.Client
}

func newEngine(prefix string) *engine {
	return &engine{prefix: prefix, clients: map[string]*gosseract.Client{}}
}

// close frees every client.
func (e *engine) close() {
	for _, c := range e.clients {
		c.Close()
	}
	clear(e.clients)
}

// client returns the language's client, loading its model the first time.
func (e *engine) client(lang string) (*gosseract.Client, error) {
	if c, ok := e.clients[lang]; ok {
		return c, nil
	}
	c := gosseract.NewClient()
	if err := c.SetLanguage(lang); err != nil {
		c.Close()
		return nil, err
	}
	if e.prefix != "" {
		if err := c.SetTessdataPrefix(e.prefix); err != nil {
			c.Close()
			return nil, err
		}
	}
	// Crops carry no resolution; say the one they are scaled to, so
	// Tesseract neither guesses nor warns.
	c.SetVariable("user_defined_dpi", "300")
	c.SetVariable("debug_file", os.DevNull)
	e.clients[lang] = c
	return c, nil
}

// symbol is one recognised unit: a character, word or line, as asked.
type symbol struct {
	text string
	box  image.Rectangle
	conf float64 // 0..1
}

// read recognises img with the language, segmentation mode and character
// whitelist ("" for none) and returns what it found at the level asked.
//
// The mode is set as the variable tessedit_pageseg_mode: in gosseract
// v2.4.1 SetPageSegMode before the first recognition is silently lost when
// the client initialises.
func (e *engine) read(img *image.Gray, lang string, psm int, whitelist string, level gosseract.PageIteratorLevel) ([]symbol, error) {
	c, err := e.client(lang)
	if err != nil {
		return nil, err
	}
	c.SetVariable("tessedit_pageseg_mode", strconv.Itoa(psm))
	c.SetVariable("tessedit_char_whitelist", whitelist)
	if err := c.SetImageFromBytes(pgm(img)); err != nil {
		return nil, err
	}
	boxes, err := c.GetBoundingBoxes(level)
	if err != nil {
		return nil, fmt.Errorf("tesseract: %w", err)
	}
	out := make([]symbol, 0, len(boxes))
	for _, b := range boxes {
		if b.Word == "" {
			continue
		}
		out = append(out, symbol{text: b.Word, box: b.Box, conf: b.Confidence / 100})
	}
	return out, nil
}

// pgm encodes img as a binary PGM, which Leptonica reads without the cost of
// PNG compression.
func pgm(img *image.Gray) []byte {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	var buf bytes.Buffer
	buf.Grow(w*h + 20)
	fmt.Fprintf(&buf, "P5\n%d %d\n255\n", w, h)
	for y := 0; y < h; y++ {
		buf.Write(img.Pix[y*img.Stride : y*img.Stride+w])
	}
	return buf.Bytes()
}
