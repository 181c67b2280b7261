package ocr

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/otiai10/gosseract/v2"
	"golang.org/x/image/bmp"
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
	// Tesseract reads a line again inverted, white on black, when its
	// first read is unsure (below invert_threshold, 0.7): reports print no
	// light text on dark, and on a photo or a fax, where many lines read
	// below that, the second read cost more than a quarter of the time
	// of a page's number cells.
	c.SetVariable("tessedit_do_invert", "0")
	// hOCR with each character's box and confidence (readLines).
	c.SetVariable("hocr_char_boxes", "1")
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
func (e *engine) read(img *image.Gray, lang string, psm int, whitelist string, level gosseract.PageIteratorLevel) ([]symbol, error) {
	c, err := e.prepare(img, lang, psm, whitelist)
	if err != nil {
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

// prepare returns the language's client set to read img with the
// segmentation mode and character whitelist ("" for none).
//
// The mode is set as the variable tessedit_pageseg_mode: in gosseract
// v2.4.1 SetPageSegMode before the first recognition is silently lost when
// the client initialises.
func (e *engine) prepare(img *image.Gray, lang string, psm int, whitelist string) (*gosseract.Client, error) {
	c, err := e.client(lang)
	if err != nil {
		return nil, err
	}
	c.SetVariable("tessedit_pageseg_mode", strconv.Itoa(psm))
	c.SetVariable("tessedit_char_whitelist", whitelist)
	data, err := encoded(img)
	if err != nil {
		return nil, err
	}
	if err := c.SetImageFromBytes(data); err != nil {
		return nil, err
	}
	return c, nil
}

// textLineRead is one line of a block as recognised: its text (words
// joined by spaces), box and confidence, its words and its characters.
type textLineRead struct {
	symbol
	words []symbol
	chars []symbol
}

// readLines recognises img as lines of text with the language and
// segmentation mode, and returns each line with its characters and their
// confidences, all from one recognition: Tesseract's hOCR with character
// boxes. Asking for lines and then for characters would recognise the
// image twice, as gosseract's GetBoundingBoxes recognises it each time. A
// line's confidence is the mean of its words'; Tesseract's own clips the
// mean of their certainties rather than each, and is lower on a line of
// noise read as words of no confidence.
func (e *engine) readLines(img *image.Gray, lang string, psm int) ([]textLineRead, error) {
	c, err := e.prepare(img, lang, psm, "")
	if err != nil {
		return nil, err
	}
	out, err := c.HOCRText()
	if err != nil {
		return nil, fmt.Errorf("tesseract: %w", err)
	}
	lines, err := parseHOCR(out)
	if err != nil {
		return nil, fmt.Errorf("tesseract: reading its hOCR: %w", err)
	}
	return lines, nil
}

// hocrLine holds the classes of hOCR's line elements: Tesseract writes a
// line as one of these by its layout.
var hocrLine = map[string]bool{"ocr_line": true, "ocr_header": true, "ocr_caption": true, "ocr_textfloat": true}

// parseHOCR reads Tesseract's hOCR into lines of characters.
func parseHOCR(doc string) ([]textLineRead, error) {
	var lines []textLineRead
	var wordConfs float64
	var words int
	var text strings.Builder
	var inChar bool
	endLine := func() {
		if n := len(lines); n > 0 && words > 0 {
			lines[n-1].text = strings.TrimSpace(text.String())
			lines[n-1].conf = wordConfs / float64(words) / 100
		}
		text.Reset()
		wordConfs, words = 0, 0
	}
	d := xml.NewDecoder(strings.NewReader(doc))
	d.Strict = false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			class, title := attr(t, "class"), attr(t, "title")
			switch {
			case hocrLine[class]:
				endLine()
				lines = append(lines, textLineRead{symbol: symbol{box: hocrBox(title, "bbox")}})
			case class == "ocrx_word" && len(lines) > 0:
				if words > 0 {
					text.WriteByte(' ')
				}
				words++
				conf := hocrNumber(title, "x_wconf")
				wordConfs += conf
				l := &lines[len(lines)-1]
				l.words = append(l.words, symbol{box: hocrBox(title, "bbox"), conf: conf / 100})
			case class == "ocrx_cinfo" && len(lines) > 0:
				l := &lines[len(lines)-1]
				l.chars = append(l.chars, symbol{box: hocrBox(title, "x_bboxes"), conf: hocrNumber(title, "x_conf") / 100})
				inChar = true
			}
		case xml.CharData:
			if inChar {
				l := &lines[len(lines)-1]
				l.chars[len(l.chars)-1].text += string(t)
				if n := len(l.words); n > 0 {
					l.words[n-1].text += string(t)
				}
				text.Write(t)
			}
		case xml.EndElement:
			inChar = false
		}
	}
	endLine()
	return slices.DeleteFunc(lines, func(l textLineRead) bool { return l.text == "" }), nil
}

// attr returns the value of the element's attribute name.
func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// hocrFields returns the numbers after key in an hOCR title ("bbox 1 2 3
// 4; x_wconf 96").
func hocrFields(title, key string) []float64 {
	for part := range strings.SplitSeq(title, ";") {
		f := strings.Fields(part)
		if len(f) == 0 || f[0] != key {
			continue
		}
		out := make([]float64, 0, len(f)-1)
		for _, s := range f[1:] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil
			}
			out = append(out, v)
		}
		return out
	}
	return nil
}

func hocrBox(title, key string) image.Rectangle {
	if f := hocrFields(title, key); len(f) == 4 {
		return image.Rect(int(f[0]), int(f[1]), int(f[2]), int(f[3]))
	}
	return image.Rectangle{}
}

func hocrNumber(title, key string) float64 {
	if f := hocrFields(title, key); len(f) == 1 {
		return f[0]
	}
	return 0
}

// encoded returns img as an uncompressed BMP for Tesseract. Leptonica
// copies a BMP's rows whole where it reads a PGM's pixels one call each (a
// page's took 17 times as long), and a BMP carries no compression to undo.
// Its gray palette is taken back to plain gray, the same pixel values.
func encoded(img *image.Gray) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(img.Rect.Dx()*img.Rect.Dy() + 4*img.Rect.Dy() + 1100)
	if err := bmp.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encoding a page image for tesseract: %w", err)
	}
	return buf.Bytes(), nil
}
