package ocr

import (
	"context"
	"image"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/otiai10/gosseract/v2"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
	"github.com/nianbao/nianbao/internal/layout"
)

// blocks reads a page: the bands of text between its tables as paragraphs,
// and the tables as grids, top to bottom.
func (c *Converter) blocks(ctx context.Context, e *engine, p *page, num int, lang string) ([]layout.Block, error) {
	var out []layout.Block
	top := 0
	for _, t := range p.found.Tables {
		if t.Box.Min.Y > top {
			paras, err := c.prose(e, p, image.Rect(0, top, p.bin.W, t.Box.Min.Y), num, lang)
			if err != nil {
				return nil, err
			}
			out = append(out, paras...)
		}
		grid, err := c.readTable(ctx, e, p, t, num, lang)
		if err != nil {
			return nil, err
		}
		out = append(out, layout.Block{Kind: layout.Table, Table: grid,
			Prov: layout.Provenance{Page: num, Box: rectBox(t.Box)}})
		top = max(top, t.Box.Max.Y)
	}
	if top < p.bin.H {
		paras, err := c.prose(e, p, image.Rect(0, top, p.bin.W, p.bin.H), num, lang)
		if err != nil {
			return nil, err
		}
		out = append(out, paras...)
	}
	return out, nil
}

// textLine is one line of prose as read.
type textLine struct {
	text string
	box  image.Rectangle
	conf float64
}

// prose reads a band of the page as lines of text and joins them into
// paragraphs: a line continues the one above when that one runs to the
// right edge of the text and this one is not indented.
func (c *Converter) prose(e *engine, p *page, r image.Rectangle, num int, lang string) ([]layout.Block, error) {
	rg := p.clean(r)
	if rg == nil {
		return nil, nil
	}
	found, err := e.read(rg.img, lang, psmColumn, "", gosseract.RIL_TEXTLINE)
	if err != nil {
		return nil, err
	}
	var lines []textLine
	left, right := rg.img.Rect.Dx(), 0
	for _, s := range found {
		t := cleanLine(s.text)
		if t == "" {
			continue
		}
		lines = append(lines, textLine{text: t, box: s.box, conf: s.conf})
		left, right = min(left, s.box.Min.X), max(right, s.box.Max.X)
	}
	if err := c.rereadLarge(e, rg.img, lines, p.unit, lang); err != nil {
		return nil, err
	}
	var out []layout.Block
	var para []textLine
	flush := func() {
		if len(para) == 0 {
			return
		}
		var b strings.Builder
		conf := 0.0
		box := para[0].box
		for i, l := range para {
			if i > 0 && !joinsWithoutSpace(para[i-1].text, l.text) {
				b.WriteByte(' ')
			}
			b.WriteString(l.text)
			conf += l.conf
			box = box.Union(l.box)
		}
		out = append(out, layout.Block{Kind: layout.Paragraph, Text: b.String(), Prov: layout.Provenance{
			Page: num, Box: rectBox(box.Add(rg.box.Min)), Confidence: max(minConfidence, conf/float64(len(para))),
		}})
		para = para[:0]
	}
	for _, l := range lines {
		if n := len(para); n > 0 {
			prev := para[n-1]
			em := max(1, prev.box.Dy())
			full := prev.box.Max.X >= right-em*3/2
			indented := l.box.Min.X > left+em/2
			gap := l.box.Min.Y-prev.box.Max.Y > em
			if !full || indented || gap {
				flush()
			}
		}
		para = append(para, l)
	}
	flush()
	return out, nil
}

// bodyHeight is the height of a line of body text on an A4 page at 300
// dpi (about 12 points), for a band of too few lines to tell it.
const bodyHeight = 50

// rereadLarge reads again each line printed larger than the body
// text around it (a title, at 18-22 points), scaled down to the body's
// size, where Tesseract's models read best: large glyphs read as they are
// come out as look-alike characters (淮 as 准, 泽 as 溯). The surer
// reading is kept. A title names places whose rare characters one
// script's model may lack: the large lines, and the body lines of the band
// they head (where the prose names the same places), are read by both
// scripts' models (see bothModels).
func (c *Converter) rereadLarge(e *engine, img *image.Gray, lines []textLine, unit float64, lang string) error {
	body := int(bodyHeight * unit)
	if len(lines) >= 3 {
		hs := make([]int, len(lines))
		for i, l := range lines {
			hs[i] = l.box.Dy()
		}
		slices.Sort(hs)
		body = hs[len(hs)/2]
	}
	large := false
	for i, l := range lines {
		if l.box.Dy()*10 < body*13 {
			continue
		}
		large = true
		pad := body / 2
		crop := img.SubImage(image.Rect(l.box.Min.X-pad, l.box.Min.Y-pad, l.box.Max.X+pad, l.box.Max.Y+pad)).(*image.Gray)
		_, t, conf, err := c.bothModels(e, imgproc.Scale(crop, float64(body)/float64(l.box.Dy())), lang)
		if err != nil {
			return err
		}
		if t = cleanLine(t); t != "" && conf > l.conf {
			lines[i].text, lines[i].conf = t, conf
		}
	}
	if !large {
		return nil
	}
	for i, l := range lines {
		if l.box.Dy()*10 >= body*13 {
			continue
		}
		pad := body / 4
		crop := img.SubImage(image.Rect(l.box.Min.X-pad, l.box.Min.Y-pad, l.box.Max.X+pad, l.box.Max.Y+pad)).(*image.Gray)
		own, t, _, err := c.bothModels(e, crop, lang)
		if err != nil {
			return err
		}
		// Only where the line read alone reads as it did among the others,
		// so that nothing changes but the characters the other model was
		// surer of.
		if t != own && cleanLine(own) == l.text {
			lines[i].text = cleanLine(t)
		}
	}
	return nil
}

// sureHan is the confidence at or above which the page's model reads
// every Chinese character of a line for the other model not to be asked,
// which would double the line's time: a character one model lacks is read
// by it as a look-alike with less confidence. On the scan set the other
// model's fixes of place names (环 for 璟) came on lines whose least sure
// character read at 0.76-0.956, and over half the lines read above 0.97.
const sureHan = 0.97

// bothModels reads a line with the page's model and, unless it read every
// Chinese character surely (sureHan), with the other script's, and where
// both read as many characters keeps at each the surer one (the other
// model's put into the page's script): each model lacks characters the
// other has (chi_sim has no 璟, chi_tra no 岚), and reads them as a
// look-alike with less confidence. It returns the page's model's reading
// and the merged one, as read (not cleaned), and the merged one's mean
// confidence.
func (c *Converter) bothModels(e *engine, img *image.Gray, lang string) (own, merged string, conf float64, err error) {
	syms, err := e.read(img, lang, psmLine, "", gosseract.RIL_SYMBOL)
	if err != nil || len(syms) == 0 {
		return "", "", 0, err
	}
	other, into := langTraditional, func(s string) string {
		return string(c.vocab.norm.Simplified([]rune(s)[0]))
	}
	if lang == langTraditional {
		other, into = langSimplified, c.vocab.norm.Traditional
	}
	var alt []symbol
	if slices.ContainsFunc(syms, unsureHan) {
		if alt, err = e.read(img, other, psmLine, "", gosseract.RIL_SYMBOL); err != nil {
			return "", "", 0, err
		}
	}
	same := len(alt) == len(syms)
	var a, b strings.Builder
	for i, s := range syms {
		a.WriteString(s.text)
		if same && alt[i].conf > s.conf && utf8.RuneCountInString(alt[i].text) == 1 && utf8.RuneCountInString(s.text) == 1 {
			s.text, s.conf = into(alt[i].text), alt[i].conf
		}
		b.WriteString(s.text)
		conf += s.conf
	}
	return a.String(), b.String(), conf / float64(len(syms)), nil
}

// unsureHan reports whether s is a Chinese character read with less
// confidence than sureHan.
func unsureHan(s symbol) bool {
	r, n := utf8.DecodeRuneInString(s.text)
	return n == len(s.text) && unicode.Is(unicode.Han, r) && s.conf < sureHan
}

// cleanLine removes the spaces Tesseract puts between Chinese characters
// and the bars a stray line stub reads as.
func cleanLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '|' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
	fields := strings.Fields(s)
	var b strings.Builder
	for i, f := range fields {
		if i > 0 && !joinsWithoutSpace(fields[i-1], f) {
			b.WriteByte(' ')
		}
		b.WriteString(f)
	}
	return b.String()
}

// joinsWithoutSpace reports whether two pieces of text meet without a
// space: where either side is Chinese (or full-width punctuation).
func joinsWithoutSpace(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 || len(rb) == 0 {
		return true
	}
	return wide(ra[len(ra)-1]) || wide(rb[0])
}

func wide(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF) ||
		r == '“' || r == '”' || r == '‘' || r == '’' || r == '—' || r == '…'
}
